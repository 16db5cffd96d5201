// The CPU's flat cross-entropy loops (crossEntropy.ts) against the reference's row loops: bit
// for bit, class dim last (inner 1) and in the middle (inner > 1, as a segmentation map has
// it), float32 and float64, with large logits whose exps would overflow without the max.
import { describe, expect, it } from 'vitest';
import { REFERENCE_OPTIONAL } from '../reference/optional.ts';
import { crossEntropy, crossEntropyGrad } from './crossEntropy.ts';
import type { BackendBuffer } from '../types.ts';

const buf = (data: Float32Array | Float64Array | Int32Array) => ({ data }) as unknown as BackendBuffer;

type FloatCtor = typeof Float32Array | typeof Float64Array;

// `F.from` on a union of constructors does not type-check; fill a fresh array instead.
function filled(F: FloatCtor, size: number, f: (i: number) => number) {
  const out = new F(size);
  for (let i = 0; i < size; i++) out[i] = f(i);
  return out;
}

function logits(size: number, seed: number, F: FloatCtor) {
  let s = seed;
  return filled(F, size, (i) => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * (i % 7 === 0 ? 800 : 6));
}

describe('CPU cross-entropy kernels', () => {
  for (const F of [Float32Array, Float64Array])
    for (const [outer, n, inner] of [[128, 10, 1], [3, 5, 4], [1, 1, 1], [2, 7, 9]] as const) {
      it(`match the reference bit for bit: ${F.name} [${outer}, ${n}, ${inner}]`, () => {
        const X = logits(outer * n * inner, outer + n + inner, F);
        const T = Int32Array.from({ length: outer * inner }, (_, i) => (i * 7 + 3) % n);
        const G = filled(F, outer * inner, (i) => (i % 3) - 0.75);
        const loss = [new F(outer * inner), new F(outer * inner)], grad = [new F(X.length), new F(X.length)];
        REFERENCE_OPTIONAL.crossEntropy({ logits: buf(X), target: buf(T), out: buf(loss[0]!), outer, n, inner });
        crossEntropy({ logits: buf(X), target: buf(T), out: buf(loss[1]!), outer, n, inner });
        REFERENCE_OPTIONAL.crossEntropyGrad({ logits: buf(X), target: buf(T), grad: buf(G), out: buf(grad[0]!), outer, n, inner });
        crossEntropyGrad({ logits: buf(X), target: buf(T), grad: buf(G), out: buf(grad[1]!), outer, n, inner });
        expect(Array.from(loss[1]!)).toEqual(Array.from(loss[0]!));
        expect(Array.from(grad[1]!)).toEqual(Array.from(grad[0]!));
        expect(loss[1]!.every(Number.isFinite)).toBe(true);
      });
    }
});
