// The SIMD Adam step (wasmAdam.ts) against the JavaScript loop it stands in for (optim.ts,
// adamPlainRange over ordinary arrays): bit for bit, on odd lengths and unaligned offsets,
// with values that round differently in float32 and float64 and with zeros, huge and tiny ones.
import { describe, expect, it } from 'vitest';
import { moduleBytes, wasmMatmul } from './wasm.ts';
import { adamConstants, adamPlainRange } from './optim.ts';

function values(n: number, seed: number): Float32Array {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  return Float32Array.from({ length: n }, (_, i) => (i % 17 === 0 ? 0 : i % 23 === 0 ? next() * 1e30 : i % 29 === 0 ? next() * 1e-30 : next() * 3));
}

describe('SIMD Adam step', () => {
  it('is in the module, which validates', () => {
    expect(WebAssembly.validate(moduleBytes())).toBe(true);
    expect(wasmMatmul).not.toBeNull();
  });

  for (const [n, step] of [[1, 1], [2, 1], [7, 3], [1001, 10], [4096, 1000]]) {
    it(`updates ${n} elements at step ${step} as the JavaScript loop does`, () => {
      const p = values(n, 1), g = values(n, 2), m = values(n, 3).map(Math.abs), v = values(n, 4).map((x) => x * x);
      const { sbc2, stepSize } = adamConstants(1e-3, 0.9, 0.999, step);
      const want = [p.slice(), g.slice(), m.slice(), v.slice()];
      adamPlainRange(want[0]!, 0, want[1]!, 0, want[2]!, 0, want[3]!, 0, 0, n, 0.9, 0.999, 1e-8, stepSize, sbc2);
      // All four in the kernel's memory, at odd float offsets, one array as the thread jobs pass it.
      const at = [3, 3 + n + 5, 3 + 2 * n + 10, 3 + 3 * n + 15];
      const M = wasmMatmul!.view(at[3]! + n + 4);
      [p, g, m, v].forEach((x, i) => M.set(x, at[i]));
      // A range that starts past the first element, as a thread's chunk does.
      const i0 = n > 3 ? 1 : 0;
      if (i0) adamPlainRange(M, at[0]!, M, at[1]!, M, at[2]!, M, at[3]!, 0, i0, 0.9, 0.999, 1e-8, stepSize, sbc2);
      adamPlainRange(M, at[0]!, M, at[1]!, M, at[2]!, M, at[3]!, i0, n, 0.9, 0.999, 1e-8, stepSize, sbc2);
      for (let k = 0; k < 4; k++) {
        const got = new Uint32Array(Float32Array.from(M.subarray(at[k]!, at[k]! + n)).buffer);
        expect(Array.from(got)).toEqual(Array.from(new Uint32Array(want[k]!.buffer)));
      }
    });
  }
});
