// The CPU matmul paths (WASM SIMD micro-kernel where the host has it, packed JS 4×4, thin
// unpacked loops) against the reference backend on shapes that hit every edge: panel
// remainders in m and n, all transpose flags, broadcast batches.
import { describe, expect, it } from 'vitest';
import { randn, scope } from '../../index.ts';
import { matmulT } from '../../ops/matmul.ts';
import { allclose } from '../../test/ops/opcheck.ts';
import { moduleBytes, wasmMatmul } from './wasm.ts';

describe('cpu matmul kernels', () => {
  it('assembles a valid WebAssembly SIMD module (used when the host supports it)', () => {
    expect(WebAssembly.validate(moduleBytes())).toBe(true);
    expect(wasmMatmul).not.toBeNull();
  });

  const shapes: [number, number, number][] = [[4, 4, 8], [5, 7, 9], [13, 6, 21], [8, 33, 8], [3, 17, 40], [40, 3, 3], [64, 100, 30], [1, 8, 8], [200, 37, 197], [6, 300, 25]];
  for (const [m, k, n] of shapes) {
    for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]]) {
      it(`${m}x${k}x${n} trans ${ta}/${tb}, batched`, () => {
        scope(() => {
          const a = randn([2, ...(ta ? [k, m] : [m, k])]), b = randn(tb ? [n, k] : [k, n]);
          const got = matmulT(a, b, ta, tb).dataSync();
          const want = matmulT(a.to('reference'), b.to('reference'), ta, tb).dataSync();
          expect(allclose(got, want, 1e-4, 1e-4)).toBeNull();
        });
      });
    }
  }
});
