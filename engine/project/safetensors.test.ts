import { describe, expect, it } from 'vitest';
import { strToU8 } from 'fflate';
import { FlowgradError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { decodeSafetensors, encodeSafetensors, readSafetensorsHeader, type SafetensorsInput } from './safetensors.ts';
import { badFile } from '../test/throws.ts';

/** A file from its header text (padded here or not) and data bytes, exactly as given. */
function file(header: string, data: number[] = [], declared?: number): Uint8Array {
  const h = strToU8(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setUint32(0, declared ?? h.length, true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const ALL: Record<string, SafetensorsInput> = {
  w: { dtype: 'F32', shape: [2, 2], data: new Float32Array([1, -2, 0.5, 3.25]) },
  i: { dtype: 'I32', shape: [3], data: new Int32Array([-1, 0, 7]) },
  f64: { dtype: 'F64', shape: [1], data: new Float64Array([3.5]) },
  h: { dtype: 'F16', shape: [2], data: new Uint16Array([0x3800, 0xbc00]) }, // 0.5, -1
  u: { dtype: 'U8', shape: [3], data: new Uint8Array([1, 2, 255]) },
  m: { dtype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) },
  l: { dtype: 'I64', shape: [1], data: new BigInt64Array([-3n]) },
  e: { dtype: 'F32', shape: [0], data: new Float32Array(0) },
};

/** Written by the reference implementation (Python safetensors 0.8, Rust core) from ALL with metadata {format: 'pt', note: 'héllo'}. */
const REFERENCE_FILE =
  '8AEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCIsIm5vdGUiOiJow6lsbG8ifSwibCI6eyJkdHlwZSI6Ikk2NCIsInNoYXBlIjpbMV0sImRhdGFfb2Zmc2V0cyI6WzAsOF19LCJmNjQiOnsiZHR5cGUiOiJGNjQiLCJzaGFwZSI6WzFdLCJkYXRhX29mZnNldHMiOls4LDE2XX0sImUiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzBdLCJkYXRhX29mZnNldHMiOlsxNiwxNl19LCJ3Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsyLDJdLCJkYXRhX29mZnNldHMiOlsxNiwzMl19LCJpIjp7ImR0eXBlIjoiSTMyIiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMzIsNDRdfSwiaCI6eyJkdHlwZSI6IkYxNiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzQ0LDQ4XX0sInUiOnsiZHR5cGUiOiJVOCIsInNoYXBlIjpbM10sImRhdGFfb2Zmc2V0cyI6WzQ4LDUxXX0sIm0iOnsiZHR5cGUiOiJCT09MIiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbNTEsNTNdfX0gICAgICAg/f////////8AAAAAAAAMQAAAgD8AAADAAAAAPwAAUED/////AAAAAAcAAAAAOAC8AQL/AQA=';
const fromBase64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

describe('safetensors', () => {
  it('round-trips every dtype, shape and metadata', () => {
    const bytes = encodeSafetensors(ALL, { format: 'pt', note: 'héllo' });
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt', note: 'héllo' });
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(ALL).sort());
    for (const [name, t] of Object.entries(ALL)) {
      expect(tensors[name]!.dtype, name).toBe(t.dtype);
      expect(tensors[name]!.shape, name).toEqual(t.shape);
      expect(tensors[name]!.data, name).toEqual(t.data);
    }
    expect(tensors.w!.data).toBeInstanceOf(Float32Array);
    expect(tensors.l!.data).toBeInstanceOf(BigInt64Array);
    expect(tensors.h!.data).toBeInstanceOf(Uint16Array);
    expect(decodeSafetensors(encodeSafetensors({})).tensors).toEqual({});
  });

  it('pads the header with spaces to 8 bytes', () => {
    const bytes = encodeSafetensors({ a: ALL.u! });
    const n = new DataView(bytes.buffer).getUint32(0, true);
    expect(n % 8).toBe(0);
    expect(bytes[8 + n - 1]).toBe(0x20);
    expect(bytes.length).toBe(8 + n + 3);
  });

  it('writes a file byte for byte as the format specifies', () => {
    // Header: 54 bytes of JSON + 2 spaces = 56; then 1.0f and -2.0f little-endian.
    const header = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    const expected = new Uint8Array([
      56, 0, 0, 0, 0, 0, 0, 0,
      ...strToU8(header), 0x20, 0x20,
      0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0,
    ]);
    expect(encodeSafetensors({ a: { dtype: 'F32', shape: [2], data: new Float32Array([1, -2]) } })).toEqual(expected);
    expect(Array.from(decodeSafetensors(expected).tensors.a!.data as Float32Array)).toEqual([1, -2]);
  });

  it('reads, and writes identically, a file from the reference implementation', () => {
    const ref = fromBase64(REFERENCE_FILE);
    const { tensors, metadata } = decodeSafetensors(ref);
    expect(metadata).toEqual({ format: 'pt', note: 'héllo' });
    expect(Array.from(tensors.w!.data as Float32Array)).toEqual([1, -2, 0.5, 3.25]);
    expect(Array.from(tensors.l!.data as BigInt64Array)).toEqual([-3n]);
    expect(Array.from(tensors.h!.data as Uint16Array)).toEqual([0x3800, 0xbc00]);
    expect(tensors.e!.shape).toEqual([0]);
    expect(encodeSafetensors(ALL, { format: 'pt', note: 'héllo' })).toEqual(ref);
  });

  it('encodes only the viewed bytes of a subarray, and names like __proto__', () => {
    const big = new Float32Array([9, 1, 2, 9]);
    const { tensors } = decodeSafetensors(encodeSafetensors({ __proto__x: { dtype: 'F32', shape: [2], data: big.subarray(1, 3) } }));
    expect(Array.from(tensors.__proto__x!.data as Float32Array)).toEqual([1, 2]);
    const odd = file('{"__proto__":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', [7]);
    const decoded = decodeSafetensors(odd).tensors;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(['__proto__']);
  });

  it('refuses to encode inconsistent tensors', () => {
    const bad = (t: Record<string, SafetensorsInput>) => {
      try {
        encodeSafetensors(t);
      } catch (e) {
        expect((e as FlowgradError).code).toBe('bad-argument');
        return (e as Error).message;
      }
      throw new Error('expected bad-argument');
    };
    expect(bad({ a: { dtype: 'F32', shape: [3], data: new Float32Array(2) } })).toMatch(/needs 12 bytes of data, got 8/);
    expect(bad({ a: { dtype: 'BF16' as 'F16', shape: [1], data: new Uint16Array(1) } })).toMatch(/unknown dtype "BF16"/);
    expect(bad({ a: { dtype: 'U8', shape: [-1], data: new Uint8Array(0) } })).toMatch(/invalid shape/);
    expect(bad({ __metadata__: { dtype: 'U8', shape: [0], data: new Uint8Array(0) } })).toMatch(/reserved/);
  });

  it('explains each kind of damage', () => {
    const good = encodeSafetensors({ a: ALL.w!, b: ALL.u! });
    const t = (s: string, data: number[] = []) => badFile(() => decodeSafetensors(file(s, data)));
    expect(badFile(() => decodeSafetensors(new Uint8Array(0)))).toMatch(/0 bytes long, too short/);
    expect(badFile(() => decodeSafetensors(good.subarray(0, 7)))).toMatch(/too short/);
    expect(badFile(() => decodeSafetensors(good.subarray(0, 40)))).toMatch(/truncated: the header claims \d+ bytes but only 32 follow/);
    expect(badFile(() => decodeSafetensors(good.subarray(0, good.length - 1)))).toMatch(/tensor '.' data_offsets \[\d+,\d+\] are outside/);
    expect(badFile(() => decodeSafetensors(strToU8('PK\x03\x04 a zip file, not tensors at all')))).toMatch(/more than the 100000000-byte limit/);
    expect(badFile(() => decodeSafetensors(file('{"a": ', [], 6)))).toMatch(/header is not valid JSON/);
    expect(t('[1,2]')).toMatch(/header is not a JSON object/);
    expect(t('{"a":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}', [0, 0])).toMatch(/tensor 'a' has dtype "BF16", which is not supported/);
    expect(t('{"a":{"dtype":"toString","shape":[1],"data_offsets":[0,1]}}', [0])).toMatch(/not supported/);
    expect(t('{"a":{"shape":[1],"data_offsets":[0,1]}}', [0])).toMatch(/tensor 'a' has no dtype/);
    expect(t('{"a":{"dtype":"U8","shape":[1.5],"data_offsets":[0,1]}}', [0])).toMatch(/invalid shape/);
    expect(t('{"a":{"dtype":"U8","shape":[1],"data_offsets":[0]}}', [0])).toMatch(/invalid data_offsets/);
    expect(t('{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,0]}}', [0])).toMatch(/outside/);
    expect(t('{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,1]}}', [0])).toMatch(/U8 \[2\], which needs 2 bytes, but its data_offsets span 1/);
    expect(t('{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}', [0, 0, 0])).toMatch(/'a' \[0,2\] and 'b' \[1,3\] overlap/);
    expect(t('{"__metadata__":{"n":1}}')).toMatch(/__metadata__\.n must be a string/);
    expect(t('{"__metadata__":[]}')).toMatch(/__metadata__ must be an object/);
    expect(t('{"a":3}')).toMatch(/tensor 'a' must be an object/);
  });

  it('reads the header without copying data', () => {
    const bytes = encodeSafetensors({ a: ALL.w!, b: ALL.u! });
    const h = readSafetensorsHeader(bytes);
    expect(h.entries.map((e) => [e.name, e.begin, e.end])).toEqual([['a', 0, 16], ['b', 16, 19]]);
    expect(h.dataStart % 8).toBe(0);
  });

  it('never throws anything but bad-file on random or mutated bytes (fuzz)', () => {
    const rng = new Rng(42);
    const good = encodeSafetensors(ALL, { format: 'pt' });
    const headerEnd = 8 + new DataView(good.buffer).getUint32(0, true);
    let decoded = 0;
    for (let trial = 0; trial < 3000; trial++) {
      let bytes: Uint8Array;
      const kind = trial % 4;
      if (kind === 0) {
        bytes = new Uint8Array(rng.int(64));
        for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
      } else if (kind === 1) {
        bytes = good.slice(0, rng.int(good.length + 1));
      } else {
        bytes = good.slice();
        const flips = 1 + rng.int(4);
        for (let f = 0; f < flips; f++) {
          // Mostly inside the header, where mutations reach the validation code.
          const at = kind === 2 ? 8 + rng.int(headerEnd - 8) : rng.int(bytes.length);
          bytes[at] = kind === 2 && rng.next() < 0.5 ? '0123456789[]{},:"-'.charCodeAt(rng.int(18)) : rng.int(256);
        }
      }
      try {
        decodeSafetensors(bytes);
        decoded++;
      } catch (e) {
        if (!(e instanceof FlowgradError) || e.code !== 'bad-file') throw new Error(`trial ${trial}: unexpected ${String(e)}`, { cause: e });
      }
    }
    expect(decoded).toBeGreaterThan(0); // some mutations (e.g. in data bytes) leave a valid file
  });
});
