/**
 * Guesses what a file is from its first bytes, so that opening the wrong file as a project
 * says "it is a PNG image" instead of "invalid zip data".
 */

const startsWith = (b: Uint8Array, sig: readonly number[]): boolean => sig.every((x, i) => b[i] === x);
const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

const SIGNATURES: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [ascii('GIF8'), 'a GIF image'],
  [ascii('%PDF'), 'a PDF document'],
  [[0x1f, 0x8b], 'a gzip file'],
  [ascii('RIFF'), 'a RIFF (WebP/WAV/AVI) file'],
  [[0x00, 0x61, 0x73, 0x6d], 'a WebAssembly module'],
  [[0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], 'a NumPy .npy file'],
];

/** True for the local-file or empty-archive signature every zip file starts with. */
export function looksLikeZip(b: Uint8Array): boolean {
  return startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06]);
}

/** 'a PNG image', 'a JSON file', … or null when the bytes are not recognized. */
export function describeFile(b: Uint8Array): string | null {
  if (b.length === 0) return 'an empty file';
  for (const [sig, what] of SIGNATURES) if (startsWith(b, sig)) return what;
  let i = 0;
  while (i < b.length && i < 64 && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09)) i++;
  if (b[i] === 0x7b || b[i] === 0x5b) return 'a JSON file';
  if (b.length >= 8 && b[7] === 0 && b[6] === 0 && b[5] === 0 && b[8] === 0x7b) return 'a safetensors weights file';
  return null;
}
