// The CPU matmul paths (WASM SIMD micro-kernel where the host has it, packed JS 4×4, thin
// unpacked loops) against the reference backend on shapes that hit every edge: panel
// remainders in m and n, all transpose flags, broadcast batches.
import { describe, expect, it } from 'vitest';
import { randn, scope } from '../../index.ts';
import { matmulT } from '../../ops/matmul.ts';
import { allclose } from '../../test/ops/opcheck.ts';
import { moduleBytes, wasmMatmul } from './wasm.ts';
import { packRows } from './pack.ts';

describe('cpu matmul kernels', () => {
  it('assembles a valid WebAssembly SIMD module (used when the host supports it)', () => {
    expect(WebAssembly.validate(moduleBytes())).toBe(true);
    expect(wasmMatmul).not.toBeNull();
  });

  // OP_PACK hands the kernel's memory as both A and P: whole panels go to the SIMD pack, the
  // rest (a partial last panel, untransposed k mod 4) to JavaScript. Byte-equal to the JS pack.
  for (const [m, k] of [[16, 8], [13, 7], [32, 30], [9, 1], [8, 4], [17, 33]]) {
    for (const w of [4, 8]) {
      for (const trans of [false, true]) {
        it(`packs ${m}×${k} into ${w}-row panels (trans ${trans}) with the SIMD pack as in JavaScript`, () => {
          const A = Float32Array.from({ length: m * k }, (_, i) => i + 1);
          const panels = Math.ceil(m / w), size = panels * w * k;
          const want = new Float32Array(size).fill(-1);
          packRows(A, 0, m, k, trans, want, w);
          const at = 5, o = at + m * k + 3; // unaligned on purpose
          const M = wasmMatmul!.view(o + size + 16);
          M.fill(-1, 0, o + size + 16);
          M.set(A, at);
          packRows(M, at, m, k, trans, M, w, o, 0, panels);
          expect(Array.from(M.subarray(o, o + size))).toEqual(Array.from(want));
          expect(M[o + size]).toBe(-1);
          // A range of panels from the middle, as one thread's chunk.
          if (panels > 2) {
            M.fill(-1, o, o + size);
            packRows(M, at, m, k, trans, M, w, o, 1, 2);
            expect(Array.from(M.subarray(o + w * k, o + 2 * w * k))).toEqual(Array.from(want.subarray(w * k, 2 * w * k)));
            expect(M[o + w * k - 1]).toBe(-1);
            expect(M[o + 2 * w * k]).toBe(-1);
          }
        });
      }
    }
  }

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
