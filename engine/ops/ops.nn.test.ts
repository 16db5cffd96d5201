// Layer ops (conv, pooling, normalisation, embedding, attention) through the shared op
// harness on every backend, plus forward checks against naive loops written here, since
// the harness alone only proves backends agree with each other.
import { describe, expect, it } from 'vitest';
import { listBackends } from '../backend/registry.ts';
import { F, manualSeed, memory, nn, optim, randn, scope, tensor } from '../index.ts';
import type { Tensor } from '../index.ts';
import { LAYER_CASES as CASES } from '../test/ops/cases.ts';
import { allclose, checkForward, checkGradBackend, checkGradNumeric } from '../test/ops/opcheck.ts';

describe('layer ops', () => {
  for (const be of listBackends()) {
    describe(`on ${be}`, () => {
      for (const c of CASES) {
        it(`${c.name} forward`, async () => expect(await checkForward(c, be)).toBeNull());
        it(`${c.name} gradient`, async () => expect(await checkGradBackend(c, be)).toBeNull());
      }
    });
  }
  describe('gradients vs finite differences', () => {
    for (const c of CASES) it(c.name, () => expect(checkGradNumeric(c)).toBeNull());
  });
});

/** Direct convolution: out[n,o,y,x] = b[o] + Σ w[o,c,i,j]·x[n, g·C/g + c, y·s - p + i·d, x·s - p + j·d]. */
function naiveConv(x: Tensor, w: Tensor, s: number, p: number, d: number, g: number): number[] {
  const [N, C, H, W] = x.shape, [O, Cg, KH, KW] = w.shape;
  const X = x.dataSync(), Wt = w.dataSync();
  const OH = Math.floor((H + 2 * p - d * (KH - 1) - 1) / s) + 1, OW = Math.floor((W + 2 * p - d * (KW - 1) - 1) / s) + 1;
  const out: number[] = [];
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let y = 0; y < OH; y++) for (let xx = 0; xx < OW; xx++) {
    let acc = 0;
    const grp = Math.floor(o / (O / g));
    for (let c = 0; c < Cg; c++) for (let i = 0; i < KH; i++) for (let j = 0; j < KW; j++) {
      const iy = y * s - p + i * d, ix = xx * s - p + j * d;
      if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
      acc += Wt[((o * Cg + c) * KH + i) * KW + j] * X[((n * C + grp * Cg + c) * H + iy) * W + ix];
    }
    out.push(acc);
  }
  return out;
}

/** Transposed conv by scattering each input pixel through the kernel. */
function naiveConvT(x: Tensor, w: Tensor, s: number, p: number, op: number): number[] {
  const [N, Ci, H, W] = x.shape, [, Co, KH, KW] = w.shape;
  const OH = (H - 1) * s - 2 * p + KH + op, OW = (W - 1) * s - 2 * p + KW + op;
  const X = x.dataSync(), Wt = w.dataSync();
  const out = new Array<number>(N * Co * OH * OW).fill(0);
  for (let n = 0; n < N; n++) for (let ci = 0; ci < Ci; ci++) for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++)
    for (let co = 0; co < Co; co++) for (let i = 0; i < KH; i++) for (let j = 0; j < KW; j++) {
      const oy = y * s - p + i, ox = xx * s - p + j;
      if (oy < 0 || oy >= OH || ox < 0 || ox >= OW) continue;
      out[((n * Co + co) * OH + oy) * OW + ox] += X[((n * Ci + ci) * H + y) * W + xx] * Wt[((ci * Co + co) * KH + i) * KW + j];
    }
  return out;
}

describe('layer ops match their definitions', () => {
  for (const be of listBackends()) {
    it(`conv2d on ${be}`, () => {
      manualSeed(2);
      for (const [s, p, d, g] of [[1, 0, 1, 1], [2, 1, 1, 1], [1, 2, 2, 1], [2, 1, 1, 2]]) {
        const x = randn([2, 4, 6, 5], { backend: be }), w = randn([4, 4 / g, 3, 3], { backend: be });
        const y = F.conv2d(x, w, null, { stride: s, padding: p, dilation: d, groups: g });
        expect(allclose(y.dataSync(), naiveConv(x, w, s, p, d, g), 1e-4, 1e-4)).toBeNull();
      }
    });
    it(`convTranspose2d on ${be}`, () => {
      manualSeed(3);
      for (const [s, p, op] of [[1, 0, 0], [2, 1, 1], [3, 0, 2]]) {
        const x = randn([2, 3, 3, 4], { backend: be }), w = randn([3, 2, 3, 2], { backend: be });
        const y = F.convTranspose2d(x, w, null, { stride: s, padding: p, outputPadding: op });
        expect(allclose(y.dataSync(), naiveConvT(x, w, s, p, op), 1e-4, 1e-4)).toBeNull();
      }
    });
  }

  it('maxPool2d / avgPool2d / adaptiveAvgPool2d values', () => {
    const x = tensor([[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]]]);
    expect(Array.from(F.maxPool2d(x, { kernelSize: 2 }).dataSync())).toEqual([6, 8, 14, 16]);
    expect(Array.from(F.avgPool2d(x, { kernelSize: 2 }).dataSync())).toEqual([3.5, 5.5, 11.5, 13.5]);
    expect(Array.from(F.adaptiveAvgPool2d(x, 2).dataSync())).toEqual([3.5, 5.5, 11.5, 13.5]);
    const neg = tensor([[[[-5, -6], [-7, -8]]]]);
    expect(Array.from(F.maxPool2d(neg, { kernelSize: 2, stride: 1, padding: 1 }).dataSync())).toEqual([-5, -5, -6, -5, -5, -6, -7, -7, -8]);
  });

  it('BatchNorm updates running statistics like PyTorch and uses them in eval', () => {
    const bn = new nn.BatchNorm1d(2);
    const x = tensor([[1, 10], [3, 20], [5, 60]]);
    bn.forward(x);
    // mean [3, 30], unbiased var [4, 700] → running = 0.9·init + 0.1·stat
    expect(Array.from(bn.runningMean!.dataSync()).map((v) => +v.toFixed(5))).toEqual([0.3, 3]);
    expect(Array.from(bn.runningVar!.dataSync()).map((v) => +v.toFixed(4))).toEqual([1.3, 70.9]);
    bn.eval();
    const y = bn.forward(tensor([[0.3, 3]])).dataSync();
    expect(Math.abs(y[0]) + Math.abs(y[1])).toBeLessThan(1e-6);
    expect(bn.namedBuffers().map(([n]) => n)).toEqual(['runningMean', 'runningVar']);
  });

  it('a small CNN trains end to end', () => {
    manualSeed(4);
    const net = new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d({ kernelSize: 2 }),
      new nn.Flatten(), new nn.Linear(16, 2),
    );
    const x = randn([8, 1, 4, 4]);
    const y = tensor([0, 1, 0, 1, 0, 1, 0, 1], { dtype: 'int32' });
    const opt = new optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
    let first = 0, last = 0, m0 = memory();
    for (let i = 0; i < 60; i++) {
      last = scope(() => {
        opt.zeroGrad();
        const l = F.crossEntropy(net.forward(x), y);
        l.backward();
        opt.step();
        return l.item();
      });
      if (i === 0) first = last;
      if (i === 1) m0 = memory();
    }
    expect(memory().liveTensors).toBe(m0.liveTensors);
    expect(last).toBeLessThan(first * 0.5);
  });
});
