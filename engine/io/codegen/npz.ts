/**
 * NumPy's .npy (format 1.0) and .npz writers, for the data the PyTorch export ships: the
 * little-endian header NumPy's np.load reads, then the raw array bytes; an .npz is a zip of
 * such files. Pure (fflate for the zip).
 */
import { strToU8, zipSync } from 'fflate';

export type NpyArray = { data: Float32Array | Int32Array; shape: readonly number[] };

export function encodeNpy({ data, shape }: NpyArray): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`npy: shape [${shape.join(', ')}] holds ${count} values, not ${data.length}`);
  const descr = data instanceof Float32Array ? '<f4' : '<i4';
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  // Magic (6) + version (2) + length (2) + header, padded with spaces and a newline to a multiple of 64.
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = strToU8(header);
  const out = new Uint8Array(10 + head.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, head.length & 0xff, head.length >> 8]);
  out.set(head, 10);
  // Typed arrays are little-endian on every platform Flowgrad runs on.
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + head.length);
  return out;
}

/** An .npz (deflated, as np.savez_compressed writes) of named arrays. */
export function encodeNpz(arrays: Record<string, NpyArray>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(arrays).map(([k, a]) => [`${k}.npy`, encodeNpy(a)])), { level: 6 });
}
