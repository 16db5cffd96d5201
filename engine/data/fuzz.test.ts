/**
 * Fuzz: random bytes and mutated valid files fed to every parser. Each either returns data
 * or throws a FlowgradError — never a TypeError, RangeError, hang or crash. The hostile
 * files of engine/test/hostile are mutated too (share links and project zips included).
 * CI runs a short pass; `FLOWGRAD_FUZZ=long npx vitest run engine/data/fuzz.test.ts` runs
 * thousands of rounds per format (FUZZ_ROUNDS=n sets the count).
 */
import { describe, expect, it } from 'vitest';
import { deflateSync, gzipSync, strToU8, zipSync } from 'fflate';
import { Rng } from '../core/rng.ts';
import { isFlowgradError } from '../core/errors.ts';
import { parseCsv } from './csv.ts';
import { parseNpy, parseNpz } from './npy.ts';
import { parseIdx } from './idx.ts';
import { parseJsonDataset, decodeText } from './json.ts';
import { decodeImagePure, encodePng } from './png.ts';
import { parseUpload } from './detect.ts';
import { classZip, idxBytes, npyBytes } from './fixtures.ts';
import { defaultGraph } from '../graph/format.ts';
import { decodeGraphLink } from '../graph/link.ts';
import { newProject, readProjectZip } from '../project/projectFile.ts';
import { HOSTILE_CASES } from '../test/hostile/cases.ts';
import { base64url } from '../test/hostile/make.ts';

const rng = new Rng(20240607);

function mutate(src: Uint8Array): Uint8Array {
  const b = Uint8Array.from(src);
  switch (rng.int(5)) {
    case 0: // flip a few bytes
      for (let k = 0; k < 1 + rng.int(8); k++) b[rng.int(b.length)] = rng.int(256);
      return b;
    case 1: // truncate
      return b.subarray(0, rng.int(b.length));
    case 2: { // insert random bytes
      const at = rng.int(b.length);
      const ins = Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256));
      const out = new Uint8Array(b.length + ins.length);
      out.set(b.subarray(0, at));
      out.set(ins, at);
      out.set(b.subarray(at), at + ins.length);
      return out;
    }
    case 3: { // duplicate a slice
      const a = rng.int(b.length), n = rng.int(64);
      const out = new Uint8Array(b.length + n);
      out.set(b);
      out.set(b.subarray(a, a + n), b.length);
      return out.subarray(0, b.length + Math.min(n, b.length - a));
    }
    default: // random bytes of a random size
      return Uint8Array.from({ length: rng.int(300) }, () => rng.int(256));
  }
}

async function expectDataOrFlowgradError(f: () => unknown): Promise<void> {
  try {
    await f();
  } catch (e) {
    if (!isFlowgradError(e)) throw new Error(`not a FlowgradError: ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
  }
}

const seeds: Record<string, Uint8Array> = {
  csv: strToU8('a,b,"c d"\n1,2,"x,y"\n3,4,"q""r"\n5,,z\n'),
  npy: npyBytes([1, 2, 3, 4, 5, 6], [2, 3]),
  npz: zipSync({ 'x.npy': npyBytes([0, 1, 2, 3], [2, 2]), 'y.npy': npyBytes([0, 1], [2], '<i8') }),
  idx: idxBytes(Array.from({ length: 2 * 9 }, (_, i) => i), [2, 3, 3]),
  idxgz: gzipSync(idxBytes(Array.from({ length: 2 * 9 }, (_, i) => i), [2, 3, 3])),
  json: strToU8('{"x": [[1, 2], [3, 4]], "y": [0, 1]}'),
  jsonRows: strToU8('[{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]'),
  png: encodePng(4, 3, Uint8Array.from({ length: 36 }, (_, i) => i * 7), 3),
  zip: classZip(2, 2, 4),
};

const LONG = process.env.FLOWGRAD_FUZZ === 'long';
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? (LONG ? 5000 : 150));
const TIMEOUT = LONG ? 3_600_000 : 30_000;

describe('parsers under fuzzing', () => {
  it('CSV', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const bytes = mutate(seeds.csv);
      await expectDataOrFlowgradError(() => parseCsv(decodeText(bytes), { badRows: rng.next() < 0.5 ? 'skip' : 'stop' }));
    }
  });

  it('NPY and NPZ', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      await expectDataOrFlowgradError(() => parseNpy(mutate(seeds.npy)));
      await expectDataOrFlowgradError(() => parseNpz(mutate(seeds.npz)));
    }
  });

  it('IDX (plain and gzipped)', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      await expectDataOrFlowgradError(() => parseIdx(mutate(seeds.idx)));
      await expectDataOrFlowgradError(() => parseIdx(mutate(seeds.idxgz)));
    }
  });

  it('JSON', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      await expectDataOrFlowgradError(() => parseJsonDataset(mutate(seeds.json)));
      await expectDataOrFlowgradError(() => parseJsonDataset(mutate(seeds.jsonRows)));
    }
  });

  it('PNG/BMP decoding never throws', () => {
    for (let i = 0; i < ROUNDS; i++) {
      const out = decodeImagePure(mutate(seeds.png));
      expect(out === null || out.rgba.length === out.width * out.height * 4).toBe(true);
    }
  });

  it('parseUpload with any name and any bytes (image ZIPs included)', async () => {
    const names = ['d.csv', 'd.tsv', 'd.json', 'd.npy', 'd.npz', 'train-images-idx3-ubyte', 'x.gz', 'd.zip', 'noext', 'a/b.png'];
    const kinds = Object.values(seeds);
    for (let i = 0; i < ROUNDS * 2; i++) {
      const name = names[rng.int(names.length)];
      await expectDataOrFlowgradError(() => parseUpload([{ name, bytes: mutate(kinds[rng.int(kinds.length)]) }], { badRows: 'skip' }));
    }
  });

  it('share links', async () => {
    const link = deflateSync(strToU8(JSON.stringify(defaultGraph())));
    for (let i = 0; i < ROUNDS; i++) await expectDataOrFlowgradError(() => decodeGraphLink(base64url(mutate(link))));
  }, TIMEOUT);

  it('project files', async () => {
    const project = zipSync({ 'project.json': strToU8(JSON.stringify(newProject('p', new Date(0)))) });
    for (let i = 0; i < ROUNDS; i++) await expectDataOrFlowgradError(() => readProjectZip(mutate(project)));
  }, TIMEOUT);

  it('hostile files, mutated', async () => {
    // Those small enough to copy per round (the 100 MB ones are checked as they are).
    const SMALL = ['npy-zero-rows-wide', 'npz-zero-rows-wide', 'project-weights-bomb', 'project-weights-declared-2gb', 'idx-gz-int8',
      'zip-understated-npy', 'zip-overlapping-entries', 'npy-header-300kb', 'safetensors-deep-dtype', 'project-deep-unknown-field', 'png-bomb'];
    const inputs = HOSTILE_CASES.filter((c) => SMALL.includes(c.id)).map((c) => ({ c, input: c.make() as Uint8Array }));
    for (let i = 0; i < (LONG ? ROUNDS : 40); i++) {
      const { c, input } = inputs[rng.int(inputs.length)]!;
      await expectDataOrFlowgradError(() => c.run(mutate(input) as never));
    }
  }, TIMEOUT);
});
