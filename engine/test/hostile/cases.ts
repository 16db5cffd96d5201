/**
 * The hostile inputs of issue #11 §3, one case each, generated in memory. Each `run` must end
 * in a FlowgradError with `code` whose message matches `message` (what the user reads), and
 * do so fast and without a large allocation: hostile.test.ts checks the error and the memory,
 * scripts/hostile-measure.ts times each case in a fresh process for the record.
 *
 * `make` builds the input (not measured); `run` is the part that must fail fast.
 */
import { deflateSync, strToU8, zipSync } from 'fflate';
import type { ErrorCode } from '../../core/errors.ts';
import { parseUpload } from '../../data/detect.ts';
import { parseIdx } from '../../data/idx.ts';
import { parseNpy, parseNpz } from '../../data/npy.ts';
import { analyzeGraph } from '../../graph/analyze.ts';
import { defaultGraph } from '../../graph/format.ts';
import { decodeGraphLink } from '../../graph/link.ts';
import type { GraphJSON } from '../../graph/types.ts';
import { newProject, readProjectZip } from '../../project/projectFile.ts';
import { readSafetensorsHeader } from '../../project/safetensors.ts';
import { GraphModel } from '../../train/graphModel.ts';
import { base64url, deflateBomb, gzipWrap, idxHeader, npyHeader, npyRaw, pngWithIdat, rawZip, safetensorsHeader, zlibWrap } from './make.ts';

export interface HostileCase {
  id: string;
  /** The input as the issue describes it. */
  what: string;
  make: () => unknown;
  run: (input: never) => unknown;
  code: ErrorCode;
  message: RegExp;
}

const b64url = base64url;
const deep = (n: number, open = '[', close = ']'): string => open.repeat(n) + close.repeat(n);

/** A graph of `n` Dense layers in one ring (plus Input and Loss). */
export function ringGraph(n: number): GraphJSON {
  const g = defaultGraph();
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `d${i}`, type: 'Dense', attrs: { units: 4 }, position: { x: i, y: 0 } }));
  const edges = nodes.map((_, i) => ({ id: `e${i}`, source: `d${i}`, sourcePort: 'out', target: `d${(i + 1) % n}`, targetPort: 'in' }));
  return { ...g, nodes, edges };
}

function projectZip(files: Record<string, Uint8Array>, extra: Record<string, unknown> = {}): Uint8Array {
  return zipSync({ 'project.json': strToU8(JSON.stringify({ ...newProject('p', new Date(0)), ...extra })), ...files });
}

export const HOSTILE_CASES: HostileCase[] = [
  {
    id: 'npy-zero-rows-wide',
    what: 'NPY of shape (0, 10000000) opened as a table',
    make: () => npyRaw(npyHeader('<f4', '(0, 10000000)')),
    run: (b: Uint8Array) => parseUpload([{ name: 'wide.npy', bytes: b }]),
    code: 'bad-file',
    message: /wide\.npy: a table of 10,000,000 columns; the limit is 16,384 columns/,
  },
  {
    id: 'npy-shape-2^52',
    what: 'NPY of shape (0, 2**52)',
    make: () => npyRaw(npyHeader('<f4', `(0, ${2 ** 52})`)),
    run: (b: Uint8Array) => parseUpload([{ name: 'huge.npy', bytes: b }]),
    code: 'bad-file',
    message: /huge\.npy: dimension 4,503,599,627,370,496 in shape \[0,4503599627370496\] is too large; the limit is/,
  },
  {
    id: 'npz-zero-rows-wide',
    what: 'NPZ holding one (0, 10000000) array',
    make: () => zipSync({ 'x.npy': npyRaw(npyHeader('<f4', '(0, 10000000)')) }),
    run: (b: Uint8Array) => parseUpload([{ name: 'wide.npz', bytes: b }]),
    code: 'bad-file',
    message: /a table of 10,000,000 columns; the limit is 16,384/,
  },
  {
    id: 'csv-1e6-columns',
    what: 'CSV with 1,000,000 columns (about 12 MB)',
    make: () => {
      const header = Array.from({ length: 1e6 }, (_, i) => `c${i}`).join(',');
      return strToU8(`${header}\n${'1,'.repeat(1e6 - 1)}1\n`);
    },
    run: (b: Uint8Array) => parseUpload([{ name: 'wide.csv', bytes: b }]),
    code: 'bad-file',
    message: /wide\.csv: line 1 has more than 16,384 fields; the limit is 16,384 columns/,
  },
  {
    id: 'csv-100mb-field',
    what: 'CSV with one 100 MB field',
    make: () => {
      const b = new Uint8Array(100 * 2 ** 20).fill(0x78); // 'x'
      b.set(strToU8('a,b\n1,'));
      return b;
    },
    run: (b: Uint8Array) => parseUpload([{ name: 'long.csv', bytes: b }]),
    code: 'bad-file',
    message: /long\.csv: line 2 has a field of more than 1,048,576 characters; the limit is 1,048,576/,
  },
  {
    id: 'csv-100mb-quoted-field',
    what: 'CSV with a quote opened and never closed, 100 MB after it',
    make: () => {
      const b = new Uint8Array(100 * 2 ** 20).fill(0x79); // 'y'
      b.set(strToU8('a,b\n1,"'));
      return b;
    },
    run: (b: Uint8Array) => parseUpload([{ name: 'quote.csv', bytes: b }]),
    code: 'bad-file',
    message: /quote\.csv: line 2 has a field of more than 1,048,576 characters/,
  },
  {
    id: 'json-1e6-keys',
    what: 'JSON rows with 1,000,000 keys',
    make: () => strToU8(`[{${Array.from({ length: 1e6 }, (_, i) => `"k${i}":1`).join(',')}}]`),
    run: (b: Uint8Array) => parseUpload([{ name: 'keys.json', bytes: b }]),
    code: 'bad-file',
    message: /keys\.json: an object has more than 16,384 keys; the limit is 16,384 columns/,
  },
  {
    id: 'link-inflate-bomb',
    what: 'a 543 KB share link that inflates to 64 MB (fixed-Huffman; any size past 8 MB is refused the same way)',
    make: () => b64url(deflateBomb(64 * 2 ** 20, strToU8('{"format":"flowgrad.graph","version":1,"nodes":[],"edges":[],"x":"'))),
    run: (s: string) => decodeGraphLink(s),
    code: 'bad-file',
    message: /^the link's graph unpacks to more than 8 MB; the limit is 8 MB/,
  },
  {
    id: 'link-20000-node-cycle',
    what: 'a share link with a 20,000-node cycle',
    make: () => b64url(deflateSync(strToU8(JSON.stringify(ringGraph(20_000))), { level: 1 })),
    run: (s: string) => decodeGraphLink(s),
    code: 'bad-file',
    message: /^the link's graph has 20,000 nodes and 20,000 connections; the limit is 5,000 nodes/,
  },
  {
    id: 'link-not-base64',
    what: 'a share link that is not base64url (plain Error before)',
    make: () => 'abc$$$',
    run: (s: string) => decodeGraphLink(s),
    code: 'bad-file',
    message: /^the link is incomplete or damaged/,
  },
  {
    id: 'link-damaged',
    what: 'a share link cut short (plain Error before)',
    make: () => b64url(deflateSync(strToU8(JSON.stringify(defaultGraph()))).subarray(0, 40)),
    run: (s: string) => decodeGraphLink(s),
    code: 'bad-file',
    message: /^the link is incomplete or damaged/,
  },
  {
    id: 'project-weights-bomb',
    what: 'a 2.1 MB .flowgrad.zip whose weights inflate to 330 MB of zeros',
    make: () => rawZip([
      { name: 'project.json', data: deflateSync(strToU8(JSON.stringify(newProject('p', new Date(0))))), size: 1000 },
      { name: 'weights.safetensors', data: deflateBomb(330 * 2 ** 20), size: 100 },
    ]),
    run: (b: Uint8Array) => readProjectZip(b),
    code: 'bad-file',
    message: /^This Flowgrad project is damaged: weights\.safetensors cannot be read\. Not a valid safetensors file/,
  },
  {
    id: 'project-weights-declared-2gb',
    what: 'a .flowgrad.zip whose weights header declares 2 GB of tensors',
    make: () => projectZip({
      'weights.safetensors': safetensorsHeader(JSON.stringify({ w: { dtype: 'F32', shape: [2 ** 29], data_offsets: [0, 2 ** 31] } })),
    }),
    run: (b: Uint8Array) => readProjectZip(b),
    code: 'bad-file',
    message: /the project\/weights\.safetensors declares 2 GB; the limit is 512 MB/,
  },
  {
    id: 'idx-gz-int8',
    what: 'gzipped IDX declaring 2^29 int8 values (counted as 1 byte each before)',
    make: () => gzipWrap(deflateBomb(64 * 2 ** 20, idxHeader(0x09, [2 ** 15, 2 ** 14])), 0),
    run: (b: Uint8Array) => parseIdx(b, 'images.idx.gz'),
    code: 'bad-file',
    message: /images\.idx\.gz: array of shape \[32768,16384\] needs 2 GB; the limit is 512 MB/,
  },
  {
    id: 'zip-understated-npy',
    what: 'an NPZ entry declaring 128 bytes that inflates to 256 MB',
    make: () => rawZip([{ name: 'x.npy', data: deflateBomb(256 * 2 ** 20, npyRaw(npyHeader('<f4', '(10,)'))), size: 128 }]),
    run: (b: Uint8Array) => parseNpz(b, 'small.npz'),
    code: 'bad-file',
    message: /small\.npz\/x\.npy: holds more data than its header declares \(168 bytes\)/,
  },
  {
    id: 'zip-overlapping-entries',
    what: 'a 69 KB NPZ whose 1,000 directory entries share one 10 MB stream',
    make: () => rawZip([{ name: 'x.npy', data: deflateBomb(10 * 2 ** 20, npyRaw(npyHeader('<f4', '(10,)'))), size: 168 }], Array.from({ length: 1000 }, () => 0), Array.from({ length: 1000 }, (_, i) => `a${i}.npy`)),
    run: (b: Uint8Array) => parseNpz(b, 'overlap.npz'),
    code: 'bad-file',
    message: /overlap\.npz: entries 'a\d+\.npy' and 'a\d+\.npy' overlap/,
  },
  {
    id: 'npy-header-300kb',
    what: 'an NPY with a 300 KB header (quadratic regex before)',
    make: () => npyRaw(`{'shape': (${'1, '.repeat(100_000)}`, new Uint8Array(0), 2),
    run: (b: Uint8Array) => parseNpy(b, 'long.npy'),
    code: 'bad-file',
    message: /long\.npy: the NPY header is 293 KB; the limit is 64 KB/,
  },
  {
    id: 'npy-header-60kb-pathological',
    what: 'an NPY header just under the cap, many unclosed tuples',
    make: () => npyRaw(`{'descr': '<f4', 'shape': ${"'shape':(".repeat(6_000)}`, new Uint8Array(0), 2),
    run: (b: Uint8Array) => parseNpy(b, 'odd.npy'),
    code: 'bad-file',
    message: /odd\.npy: unreadable NPY header/,
  },
  {
    id: 'json-deep-data',
    what: 'JSON data nested 100,000 levels deep',
    make: () => strToU8(`{"x": ${deep(100_000)}}`),
    run: (b: Uint8Array) => parseUpload([{ name: 'deep.json', bytes: b }]),
    code: 'bad-file',
    message: /deep\.json: the JSON is nested more than 128 levels deep/,
  },
  {
    id: 'safetensors-deep-dtype',
    what: 'a safetensors dtype nested 100,000 levels deep',
    make: () => safetensorsHeader(`{"w": {"dtype": ${deep(100_000)}, "shape": [1], "data_offsets": [0, 4]}}`),
    run: (b: Uint8Array) => readSafetensorsHeader(b),
    code: 'bad-file',
    message: /Not a valid safetensors file: the header: the JSON is nested more than 128 levels deep/,
  },
  {
    id: 'project-deep-unknown-field',
    what: 'a project with an unknown field nested 10,000 levels deep (opened but could not be saved before)',
    make: () => zipSync({ 'project.json': strToU8(JSON.stringify({ ...newProject('p', new Date(0)) }).replace(/}$/, `,"extra":${deep(10_000)}}`)) }),
    run: (b: Uint8Array) => readProjectZip(b),
    code: 'bad-file',
    message: /project\.json: the JSON is nested more than 128 levels deep/,
  },
  {
    id: 'png-bomb',
    what: 'a 1.6 MB PNG of 100×100 pixels whose data inflates to 256 MB (CLI decoder)',
    make: () => pngWithIdat(100, 100, zlibWrap(deflateBomb(256 * 2 ** 20))),
    run: (b: Uint8Array) => parseUpload([{ name: 'cats/a.png', bytes: b }, { name: 'dogs/b.png', bytes: b }]),
    code: 'bad-file',
    message: /none of the 2 images could be decoded/,
  },
  {
    id: 'dense-1e9-units',
    what: 'Dense with units: 1e9, trained',
    make: () => {
      const g = defaultGraph();
      return { ...g, nodes: g.nodes.map((n) => (n.id === 'dense1' ? { ...n, attrs: { units: 1e9 } } : n)) };
    },
    run: (g: GraphJSON) => new GraphModel(g),
    code: 'graph',
    message: /^Dense: 16,000,000,016 parameters here, 19,000,000,050 in the model \(about 298 GB to train: .*\); the limit is 134,217,728 parameters and 2 GB/,
  },
];

/** Not an error but the same bound: analyzeGraph on a 20,000-node ring (16 s before). */
export const analyzeRing = (n: number) => analyzeGraph(ringGraph(n));
