// NaN propagates as in PyTorch through every op whose kernel picks between values (relu and
// the clamp family, maximum/minimum, max/min reductions, max pooling), on every backend:
// reference, cpu and webgpu (Dawn in Node). A kernel that maps NaN to 0 hides a corrupt
// training row: the loss stays finite while the gradients poison the weights. Also runs the
// fused (compiled) path, whose kernels are generated from the same expression tables.
import { afterAll, describe, expect, it } from 'vitest';
import { F, compile, setBackend, tensor } from '../index.ts';
import type { Tensor } from '../index.ts';
import { dawnBackend } from '../backend/webgpu/dawn.ts';

const gpu = await dawnBackend();
const BACKENDS = ['reference', 'cpu', ...(gpu ? ['webgpu'] : [])];
afterAll(() => setBackend('cpu'));

const X = [NaN, -2, -0.5, 0.5, 2, 7];
/** Expected value at each X entry: NaN at the NaN, f(x) elsewhere. */
const expectAt = (f: (x: number) => number) => X.map((x) => (Number.isNaN(x) ? NaN : f(x)));

const read = async (t: Tensor): Promise<number[]> => Array.from(await t.data());

function expectValues(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    if (Number.isNaN(want[i])) expect(g, `element ${i}`).toBeNaN();
    else expect(g, `element ${i}`).toBeCloseTo(want[i], 5);
  });
}

const UNARY: [string, (x: Tensor) => Tensor, (x: number) => number][] = [
  ['relu', (x) => x.relu(), (x) => Math.max(x, 0)],
  ['relu6', (x) => F.relu6(x), (x) => Math.min(Math.max(x, 0), 6)],
  ['hardtanh', (x) => F.hardtanh(x), (x) => Math.min(Math.max(x, -1), 1)],
  ['clamp(min only)', (x) => x.clamp(0), (x) => Math.max(x, 0)],
  ['leakyRelu', (x) => x.leakyRelu(0.1), (x) => (x > 0 ? x : 0.1 * x)],
  ['elu', (x) => x.elu(1), (x) => (x > 0 ? x : Math.exp(x) - 1)],
  ['hardsigmoid', (x) => F.hardsigmoid(x), (x) => Math.min(Math.max(x / 6 + 0.5, 0), 1)],
  ['hardshrink', (x) => F.hardshrink(x), (x) => (Math.abs(x) > 0.5 ? x : 0)],
  ['prelu', (x) => F.prelu(x, tensor([0.25], { backend: x._storage.backend.name })), (x) => (x > 0 ? x : 0.25 * x)],
];

for (const name of BACKENDS) {
  describe(`NaN propagation on ${name}`, () => {
    const t = (v: number[], shape = [v.length]) => tensor(v, { shape, backend: name });

    for (const [op, f, ref] of UNARY) {
      it(`${op}(NaN) is NaN`, async () => expectValues(await read(f(t(X))), expectAt(ref)));
    }

    it('maximum/minimum with NaN on either side is NaN', async () => {
      const a = t([NaN, 1, NaN, 3]), b = t([1, NaN, NaN, 2]);
      expectValues(await read(a.maximum(b)), [NaN, NaN, NaN, 3]);
      expectValues(await read(a.minimum(b)), [NaN, NaN, NaN, 2]);
      expectValues(await read(b.maximum(a)), [NaN, NaN, NaN, 3]);
    });

    it('max/min reductions over a row with a NaN are NaN; other rows unaffected', async () => {
      const x = t([1, NaN, 3, 4, 5, 6, 7, 8, 9, -1, 0, NaN], [3, 4]);
      expectValues(await read(x.max(1)), [NaN, 8, NaN]);
      expectValues(await read(x.min(1)), [NaN, 5, NaN]);
      expectValues(await read(x.max(0)), [9, NaN, 7, NaN]);
    });

    it('max pooling: a window holding a NaN gives NaN (padded and unpadded kernels)', async () => {
      // 1×1×4×4 plane, NaN at (1, 2): in window (0, 1) of the 2×2/stride-2 pooling.
      const v = Array.from({ length: 16 }, (_, i) => i);
      v[6] = NaN;
      const x = t(v, [1, 1, 4, 4]);
      expectValues(await read(F.maxPool2d(x, { kernelSize: 2 })), [5, NaN, 13, 15]);
      // Padding 1, 3×3 stride 2 → 2×2: windows cover rows/cols {-1..1} and {1..3}.
      expectValues(await read(F.maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 })), [5, NaN, 13, NaN]);
    });

    it('softmax of a row with a NaN is NaN; other rows unaffected', async () => {
      const out = await read(t([1, NaN, 2, 0, 1, 2], [2, 3]).softmax(-1));
      expect(out.slice(0, 3).every(Number.isNaN)).toBe(true);
      expect(out.slice(3).every(Number.isFinite)).toBe(true);
    });

    it('fused (compiled) elementwise chains keep NaN', async () => {
      const f = compile((a: Tensor, b: Tensor) => a.relu().maximum(b).clamp(-1, 1).mul(2));
      const out = await read(f(t([NaN, 0.5, -3, 4]), t([0, NaN, -2, 0])) as Tensor);
      expectValues(out, [NaN, NaN, -0, 2]);
    });

    it('a NaN input row reaches the loss through Linear → ReLU → Linear', async () => {
      const w1 = t([0.5, -0.25, 1, 0.75], [2, 2]), w2 = t([1, -1], [1, 2]);
      const x = t([1, 2, NaN, 1, 3, 4], [3, 2]);
      const y = F.linear(F.linear(x, w1).relu(), w2);
      expectValues(await read(y), [...(await read(F.linear(F.linear(t([1, 2], [1, 2]), w1).relu(), w2))), NaN,
        ...(await read(F.linear(F.linear(t([3, 4], [1, 2]), w1).relu(), w2)))]);
    });
  });
}
