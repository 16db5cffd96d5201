// Kernel-level parity: each WebGPU kernel against the CPU backend's, on the paths the op suite's
// small shapes do not reach — workgroup reductions over long rows, 2-D dispatch grids past
// 65,535 workgroups, matmul tiles with ragged edges, irregular batch offsets, int32/bool
// dtypes, optimizer flags, convolution offsets.
import { describe, expect, it } from 'vitest';
import type { DType } from '../../core/dtype.ts';
import { Rng } from '../../core/rng.ts';
import { backend } from '../registry.ts';
import type { AllKernelArgs, Backend, BackendBuffer, KernelArgs, KernelName } from '../types.ts';
import { allclose } from '../../test/ops/opcheck.ts';
import { dawnBackend } from './dawn.ts';
import { WebGPUBackend } from './backend.ts';
import { chooseVariant, variantKey } from './matmul.ts';

const chooseVariantKey = (a: Pick<KernelArgs['matmul'], 'batch' | 'm' | 'k' | 'n' | 'transA' | 'transB' | 'aOffsets' | 'bOffsets'>, be: WebGPUBackend) =>
  variantKey(chooseVariant(a as KernelArgs['matmul'], be.config.matmul, false));

const gpu = await dawnBackend();
const suite = gpu ? describe : describe.skip;

interface Buf { dtype: DType; data: ArrayLike<number> }
const rng = new Rng(11);
const floats = (n: number, lo = -2, hi = 2): Buf => ({ dtype: 'float32', data: Float32Array.from({ length: n }, () => rng.uniform(lo, hi)) });
const ints = (n: number, lo: number, hi: number): Buf => ({ dtype: 'int32', data: Int32Array.from({ length: n }, () => lo + rng.int(hi - lo)) });
const bools = (n: number): Buf => ({ dtype: 'bool', data: Uint8Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0)) });
const empty = (dtype: DType, n: number): Buf => ({ dtype, data: new Float32Array(n) });

/** Runs `kernel` on the CPU and WebGPU backends with the same buffers; returns the `outs` of both. */
async function both<K extends KernelName>(kernel: K, bufs: Record<string, Buf>, rest: Record<string, unknown>, outs: string[]) {
  const results: Record<string, ArrayLike<number>>[] = [];
  for (const be of [backend('cpu'), gpu!] as Backend[]) {
    const made: Record<string, BackendBuffer> = {};
    for (const [k, b] of Object.entries(bufs)) {
      made[k] = be.alloc(b.dtype, b.data.length);
      be.write(made[k], b.data);
    }
    be.run(kernel, { ...rest, ...made } as unknown as AllKernelArgs[K]);
    const r: Record<string, ArrayLike<number>> = {};
    for (const o of outs) r[o] = await be.read(made[o]);
    for (const b of Object.values(made)) be.free(b);
    results.push(r);
  }
  return { cpu: results[0], gpu: results[1] };
}

async function expectParity<K extends KernelName>(kernel: K, bufs: Record<string, Buf>, rest: Record<string, unknown>, outs: string[], atol = 1e-5, rtol = 1e-4) {
  const { cpu, gpu: g } = await both(kernel, bufs, rest, outs);
  for (const o of outs) expect(allclose(g[o], cpu[o], atol, rtol), `${kernel} ${o}`).toBeNull();
}

suite('webgpu kernels vs cpu', () => {
  describe('reduce', () => {
    const ops = ['sum', 'mean', 'max', 'min', 'argmax', 'argmin'] as const;
    for (const [outer, n, inner] of [[3, 1000, 1], [2, 700, 5], [2000, 300, 1], [1, 5000, 1], [1, 0, 3]]) {
      for (const op of ops) {
        it(`${op} [${outer},${n},${inner}] float32`, async () => {
          const outDtype = op === 'argmax' || op === 'argmin' ? 'int32' : 'float32';
          await expectParity('reduce', { x: floats(outer * n * inner), out: empty(outDtype, outer * inner) }, { op, outer, n, inner }, ['out'], 1e-4, 1e-4);
        });
      }
    }
    it('prod over a long row', async () => {
      await expectParity('reduce', { x: floats(600, 0.99, 1.01), out: empty('float32', 1) }, { op: 'prod', outer: 1, n: 600, inner: 1 }, ['out'], 1e-5, 1e-4);
    });
    for (const op of ['sum', 'max', 'min', 'argmax'] as const) {
      it(`${op} int32, workgroup and thread shapes`, async () => {
        for (const [outer, n] of [[4, 900], [50, 7]]) {
          await expectParity('reduce', { x: ints(outer * n, -1000, 1000), out: empty('int32', outer) }, { op, outer, n, inner: 1 }, ['out'], 0, 0);
        }
      });
    }
    it('sum of bools into int32, mean of int32 into float32', async () => {
      await expectParity('reduce', { x: bools(700), out: empty('int32', 1) }, { op: 'sum', outer: 1, n: 700, inner: 1 }, ['out'], 0, 0);
      await expectParity('reduce', { x: ints(300, -50, 50), out: empty('float32', 3) }, { op: 'mean', outer: 3, n: 100, inner: 1 }, ['out']);
    });
  });

  it('unary over more than 65,535 workgroups (2-D grid)', async () => {
    const n = 65_535 * 64 + 999;
    await expectParity('unary', { x: floats(n), out: empty('float32', n) }, { op: 'sigmoid' }, ['out']);
  });

  it('binary broadcast through strides, rank 4', async () => {
    const aShape = [3, 1, 4, 5], bShape = [2, 4, 1], outShape = [3, 2, 4, 5];
    await expectParity('binary', { a: floats(60), b: floats(8), out: empty('float32', 120) }, { op: 'sub', aShape, bShape, outShape }, ['out']);
  });

  describe('integer and boolean elementwise', () => {
    for (const op of ['add', 'sub', 'mul', 'maximum', 'minimum', 'pow'] as const) {
      it(`int32 ${op} with broadcasting`, async () => {
        await expectParity('binary', { a: ints(12, -9, 9), b: ints(4, 0, 4), out: empty('int32', 12) }, { op, aShape: [3, 4], bShape: [4], outShape: [3, 4] }, ['out'], 0, 0);
      });
    }
    for (const op of ['eq', 'ne', 'gt', 'lt', 'ge', 'le'] as const) {
      it(`int32 ${op} → bool`, async () => {
        await expectParity('binary', { a: ints(12, -3, 3), b: ints(12, -3, 3), out: empty('bool', 12) }, { op, aShape: [12], bShape: [12], outShape: [12] }, ['out'], 0, 0);
      });
    }
    for (const op of ['and', 'or'] as const) {
      it(`bool ${op}`, async () => {
        await expectParity('binary', { a: bools(10), b: bools(1), out: empty('bool', 10) }, { op, aShape: [10], bShape: [], outShape: [10] }, ['out'], 0, 0);
      });
    }
    for (const op of ['neg', 'abs', 'sign', 'relu', 'square', 'floor', 'round', 'identity'] as const) {
      it(`int32 unary ${op}`, async () => {
        await expectParity('unary', { x: ints(20, -10, 10), out: empty('int32', 20) }, { op }, ['out'], 0, 0);
      });
    }
    it('not on float32 and bool', async () => {
      await expectParity('unary', { x: { dtype: 'float32', data: [0, 1, -2, 0.5, 0] }, out: empty('bool', 5) }, { op: 'not' }, ['out'], 0, 0);
      await expectParity('unary', { x: bools(9), out: empty('bool', 9) }, { op: 'not' }, ['out'], 0, 0);
    });
    it('where with a float condition and int32 values', async () => {
      await expectParity('where', { cond: { dtype: 'float32', data: [0, 1.5, -1, 0] }, a: ints(4, 0, 9), b: ints(1, 0, 9), out: empty('int32', 4) },
        { condShape: [4], aShape: [4], bShape: [], outShape: [4] }, ['out'], 0, 0);
    });
    it('casts between every dtype pair', async () => {
      const src: Record<string, Buf> = { float32: { dtype: 'float32', data: [-2.7, -0.5, 0, 0.4, 3.9, 1e6] }, int32: { dtype: 'int32', data: [-3, 0, 1, 7, -1, 2] }, bool: { dtype: 'bool', data: [1, 0, 1, 1, 0, 0] } };
      for (const from of Object.keys(src)) for (const to of ['float32', 'int32', 'bool'] as DType[]) {
        await expectParity('cast', { x: src[from], out: empty(to, 6) }, {}, ['out'], 0, 0);
      }
    });
    it('fill with NaN, -Infinity, ints and bools', async () => {
      for (const [dtype, value] of [['float32', NaN], ['float32', -Infinity], ['int32', -7], ['bool', 1]] as [DType, number][]) {
        await expectParity('fill', { out: empty(dtype, 5) }, { value }, ['out'], 0, 0);
      }
    });
  });

  describe('matmul', () => {
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
      it(`ragged tiles, batch 3, transA=${transA} transB=${transB}`, async () => {
        const [batch, m, k, n] = [3, 37, 50, 29];
        await expectParity('matmul', { a: floats(batch * m * k), b: floats(batch * k * n), out: empty('float32', batch * m * n) }, {
          batch, m, k, n, transA, transB,
          aOffsets: Int32Array.from({ length: batch }, (_, i) => i * m * k), bOffsets: Int32Array.from({ length: batch }, (_, i) => i * k * n),
        }, ['out'], 1e-4, 1e-4);
      });
    }
    it('irregular batch offsets (uploaded table)', async () => {
      const [m, k, n] = [5, 6, 7];
      await expectParity('matmul', { a: floats(2 * m * k), b: floats(3 * k * n), out: empty('float32', 6 * m * n) }, {
        batch: 6, m, k, n, transA: false, transB: false,
        aOffsets: Int32Array.from([0, 0, 0, 1, 1, 1].map((i) => i * m * k)), bOffsets: Int32Array.from([0, 1, 2, 2, 1, 0].map((i) => i * k * n)),
      }, ['out'], 1e-4, 1e-4);
    });
    it('every load variant (vec4 / scalar, K tail, exact / ragged tiles) on the software and the GPU tile config', async () => {
      const gpuTiles = new WebGPUBackend(gpu!.device, { ...gpu!.adapter, isFallbackAdapter: false });
      expect(gpuTiles.config.matmul.tm).toBe(4);
      const keys = new Set<string>();
      for (const be of [gpu!, gpuTiles]) {
        for (const [m, k, n] of [[64, 64, 64], [32, 20, 48], [16, 13, 8], [6, 25, 30], [36, 8, 10]]) {
          for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
            const args = { batch: 2, m, k, n, transA, transB, aOffsets: Int32Array.of(0, m * k), bOffsets: Int32Array.of(0, k * n) };
            keys.add(chooseVariantKey(args, be));
            const a = floats(2 * m * k), b = floats(2 * k * n);
            const run = async (x: Backend) => {
              const [ab, bb, ob] = [x.alloc('float32', 2 * m * k), x.alloc('float32', 2 * k * n), x.alloc('float32', 2 * m * n)];
              x.write(ab, a.data); x.write(bb, b.data);
              x.run('matmul', { ...args, a: ab, b: bb, out: ob });
              const r = await x.read(ob);
              for (const t of [ab, bb, ob]) x.free(t);
              return r;
            };
            expect(allclose(await run(be), await run(backend('cpu')), 1e-4, 1e-4), `${m}x${k}x${n} ${transA} ${transB}`).toBeNull();
          }
        }
      }
      // exact and bounded, vec4 and scalar variants were all exercised
      expect([...keys].some((k) => k.includes(':vv:x:'))).toBe(true);
      expect([...keys].some((k) => k.includes(':ss') && k.includes(':b:'))).toBe(true);
      expect([...keys].some((k) => k.includes('t:'))).toBe(true);
    });
    it('k = 0 gives zeros', async () => {
      await expectParity('matmul', { a: floats(1), b: floats(1), out: floats(6) }, { batch: 1, m: 2, k: 0, n: 3, transA: false, transB: false, aOffsets: Int32Array.of(0), bOffsets: Int32Array.of(0) }, ['out'], 0, 0);
    });
  });

  it('softmax and log-softmax over long rows', async () => {
    for (const log of [false, true]) {
      await expectParity('softmax', { x: floats(2 * 500 * 3, -8, 8), out: empty('float32', 3000) }, { outer: 2, n: 500, inner: 3, log }, ['out'], 1e-6, 1e-4);
    }
  });

  it('indexSelect and indexAdd with repeated indices', async () => {
    const idx = ints(40, 0, 10);
    await expectParity('indexSelect', { x: floats(2 * 10 * 3), idx, out: empty('float32', 2 * 40 * 3) }, { outer: 2, n: 10, inner: 3, m: 40 }, ['out'], 0, 0);
    await expectParity('indexAdd', { src: floats(2 * 40 * 3), idx, out: floats(2 * 10 * 3) }, { outer: 2, n: 10, inner: 3, m: 40 }, ['out']);
  });

  it('gather and scatterAdd along a middle dim of rank 3', async () => {
    const xShape = [3, 6, 4], idxShape = [2, 9, 3];
    const idx = ints(54, 0, 6);
    await expectParity('gather', { x: floats(72), idx, out: empty('float32', 54) }, { xShape, idxShape, dim: 1 }, ['out'], 0, 0);
    await expectParity('scatterAdd', { src: floats(54), idx, out: floats(72) }, { outShape: xShape, idxShape, dim: 1 }, ['out']);
  });

  it('scatter-adds per line and per output (few long lines) match the CPU exactly', async () => {
    // max-pool backward shape: [nc, 196] sources into [nc, 784], along the last dim (per line)
    const idx = ints(24 * 196, 0, 784);
    await expectParity('scatterAdd', { src: floats(24 * 196), idx, out: floats(24 * 784) }, { outShape: [24, 784], idxShape: [24, 196], dim: 1 }, ['out'], 0, 0);
    // two lines of 5,000 sources: the per-output form
    const idx2 = ints(2 * 5000, 0, 7);
    await expectParity('scatterAdd', { src: floats(2 * 5000), idx: idx2, out: floats(2 * 7) }, { outShape: [2, 7], idxShape: [2, 5000], dim: 1 }, ['out'], 0, 0);
    const idx3 = ints(5000, 0, 7);
    await expectParity('indexAdd', { src: floats(5000 * 2), idx: idx3, out: floats(7 * 2) }, { outer: 1, n: 7, inner: 2, m: 5000 }, ['out'], 0, 0);
    // embedding-gradient shape: many lines (per line)
    await expectParity('indexAdd', { src: floats(300 * 32), idx: ints(300, 0, 50), out: floats(50 * 32) }, { outer: 1, n: 50, inner: 32, m: 300 }, ['out'], 0, 0);
  });

  describe('direct convolution (optional kernels) vs the CPU backend', () => {
    const geoms = [
      { n: 3, c: 1, h: 28, w: 28, o: 6, kh: 5, kw: 5, ph: 2, pw: 2, dh: 1, dw: 1 }, // LeNet conv1
      { n: 2, c: 6, h: 14, w: 14, o: 16, kh: 5, kw: 5, ph: 0, pw: 0, dh: 1, dw: 1 }, // LeNet conv2
      { n: 2, c: 5, h: 9, w: 11, o: 7, kh: 3, kw: 2, ph: 1, pw: 0, dh: 2, dw: 1 }, // ragged, dilated, asymmetric
      { n: 16, c: 4, h: 16, w: 16, o: 20, kh: 3, kw: 3, ph: 1, pw: 1, dh: 1, dw: 1 }, // long K: split-K weight gradient
    ];
    it('the webgpu backend offers conv2d and conv2dWeightGrad', () => {
      expect(gpu!.supports('conv2d') && gpu!.supports('conv2dWeightGrad')).toBe(true);
    });
    for (const g of geoms) {
      const oh = g.h + 2 * g.ph - g.dh * (g.kh - 1), ow = g.w + 2 * g.pw - g.dw * (g.kw - 1);
      for (const bias of [false, true]) {
        it(`conv2d ${JSON.stringify(g)} bias=${bias}`, async () => {
          const bufs: Record<string, Buf> = { x: floats(g.n * g.c * g.h * g.w), weight: floats(g.o * g.c * g.kh * g.kw), out: empty('float32', g.n * g.o * oh * ow) };
          if (bias) bufs.bias = floats(g.o);
          await expectParity('conv2d' as KernelName, bufs, { ...g, ...(bias ? {} : { bias: null }) }, ['out'], 1e-4, 1e-4);
        });
      }
      it(`conv2dWeightGrad ${JSON.stringify(g)}`, async () => {
        await expectParity('conv2dWeightGrad' as KernelName, { x: floats(g.n * g.c * g.h * g.w), dy: floats(g.n * g.o * oh * ow), out: empty('float32', g.o * g.c * g.kh * g.kw) }, g, ['out'], 1e-4, 1e-4);
      });
    }
  });

  describe('optimizers (several steps)', () => {
    const sgdFlags = [
      { momentum: 0, nesterov: false, weightDecay: 0, maximize: false, dampening: 0 },
      { momentum: 0.9, nesterov: false, weightDecay: 0.01, maximize: false, dampening: 0.1 },
      { momentum: 0.9, nesterov: true, weightDecay: 0, maximize: true, dampening: 0 },
    ];
    for (const f of sgdFlags) {
      it(`sgd ${JSON.stringify(f)}`, async () => {
        const bufs: Record<string, Buf> = { param: floats(300), grad: floats(300) };
        if (f.momentum) bufs.buf = floats(300);
        for (const first of [true, false]) {
          await expectParity('sgd', bufs, { ...f, lr: 0.1, first, buf: null }, f.momentum ? ['param', 'buf'] : ['param']);
        }
      });
    }
    for (const f of [{ amsgrad: false, decoupled: false, weightDecay: 0, maximize: false }, { amsgrad: true, decoupled: true, weightDecay: 0.1, maximize: false }, { amsgrad: false, decoupled: false, weightDecay: 0.05, maximize: true }]) {
      it(`adam ${JSON.stringify(f)}`, async () => {
        const bufs: Record<string, Buf> = { param: floats(300), grad: floats(300), m: floats(300, 0, 0.1), v: floats(300, 0, 0.1) };
        if (f.amsgrad) bufs.vMax = floats(300, 0, 0.2);
        for (const step of [1, 2, 10]) {
          await expectParity('adam', bufs, { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: f.weightDecay, decoupled: f.decoupled, step, maximize: f.maximize, vMax: null },
            f.amsgrad ? ['param', 'm', 'v', 'vMax'] : ['param', 'm', 'v'], 1e-6, 1e-4);
        }
      });
    }
  });

  describe('convolution helpers', () => {
    const g = { c: 3, h: 7, w: 6, kh: 3, kw: 2, sh: 2, sw: 1, ph: 1, pw: 1, dh: 1, dw: 2 };
    const oh = Math.floor((g.h + 2 * g.ph - g.dh * (g.kh - 1) - 1) / g.sh) + 1, ow = Math.floor((g.w + 2 * g.pw - g.dw * (g.kw - 1) - 1) / g.sw) + 1;
    const per = g.c * g.h * g.w, colsPer = g.c * g.kh * g.kw * oh * ow;
    it('im2col at a batch offset', async () => {
      await expectParity('im2col', { x: floats(2 * per), out: floats(2 * colsPer) }, { ...g, oh, ow, xOffset: per, outOffset: colsPer }, ['out'], 0, 0);
    });
    it('col2im accumulates at a batch offset', async () => {
      await expectParity('col2im', { cols: floats(2 * colsPer), out: floats(2 * per) }, { ...g, oh, ow, colsOffset: colsPer, outOffset: per }, ['out']);
    });
    it('maxPool2d values and argmax', async () => {
      const p = { h: 9, w: 8, kh: 3, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1, dh: 1, dw: 1 };
      await expectParity('maxPool2d', { x: floats(4 * 72), out: empty('float32', 4 * 20), argmax: empty('int32', 4 * 20) }, { ...p, nc: 4, oh: 5, ow: 4 }, ['out', 'argmax'], 0, 0);
    });
  });
});
