/**
 * Reference kernels: one obvious loop nest per kernel, computing per element from full
 * multi-indices. Slow on purpose — correctness here is what the fast backends are measured
 * against, so nothing is clever. Buffers are RefBuffers (plain typed arrays).
 */
import type { TypedArray } from '../../core/dtype.ts';
import { broadcastStrides, sizeOf, stridesOf } from '../../core/shape.ts';
import { erfPrecise } from '../mathfn.ts';
import { roundHalf } from '../../core/half.ts';
import type { BackendBuffer, BinaryOp, FusedArgs, KernelArgs, UnaryOp } from '../types.ts';

type Kernels = { [K in keyof KernelArgs]: (a: KernelArgs[K]) => void };
const d = (b: BackendBuffer): TypedArray => (b as unknown as { data: TypedArray }).data;
/** An optimizer kernel's gradScale buffer as [multiplier, skip, steps skipped so far] (see KernelArgs['sgd']). */
const gradScale = (b?: BackendBuffer | null): [number, boolean, number] => (b ? [d(b)[0]!, d(b)[1] !== 0, d(b)[2]!] : [1, false, 0]);

function unaryFn(op: UnaryOp, alpha: number, beta: number): (x: number) => number {
  switch (op) {
    case 'neg': return (x) => -x;
    case 'exp': return Math.exp;
    case 'log': return Math.log;
    case 'sqrt': return Math.sqrt;
    case 'rsqrt': return (x) => 1 / Math.sqrt(x);
    case 'abs': return Math.abs;
    case 'sign': return (x) => (x > 0 ? 1 : x < 0 ? -1 : 0);
    case 'sin': return Math.sin;
    case 'cos': return Math.cos;
    case 'sigmoid': return (x) => 1 / (1 + Math.exp(-x));
    case 'tanh': return Math.tanh;
    case 'relu': return (x) => (x <= 0 ? 0 : x); // NaN stays NaN, as PyTorch
    case 'leakyRelu': return (x) => (x > 0 ? x : alpha * x);
    case 'elu': return (x) => (x > 0 ? x : alpha * (Math.exp(x) - 1));
    case 'gelu': return (x) => 0.5 * x * (1 + erfPrecise(x / Math.SQRT2));
    case 'silu': return (x) => x / (1 + Math.exp(-x));
    case 'erf': return erfPrecise;
    case 'clamp': return (x) => Math.min(Math.max(x, alpha), beta);
    case 'square': return (x) => x * x;
    case 'reciprocal': return (x) => 1 / x;
    case 'floor': return Math.floor;
    case 'ceil': return Math.ceil;
    case 'round': return (x) => x - Math.floor(x) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x);
    case 'not': return (x) => (x === 0 ? 1 : 0);
    case 'identity': return (x) => x;
    case 'asin': return Math.asin;
    case 'acos': return Math.acos;
    case 'atan': return Math.atan;
    case 'isfinite': return (x) => (Number.isFinite(x) ? 1 : 0);
    default: return op satisfies never;
  }
}

export function binaryFn(op: BinaryOp): (a: number, b: number) => number {
  switch (op) {
    case 'add': return (a, b) => a + b;
    case 'sub': return (a, b) => a - b;
    case 'mul': return (a, b) => a * b;
    case 'div': return (a, b) => a / b;
    case 'pow': return Math.pow;
    case 'maximum': return (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b));
    case 'minimum': return (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b));
    case 'eq': return (a, b) => (a === b ? 1 : 0);
    case 'ne': return (a, b) => (a !== b ? 1 : 0);
    case 'gt': return (a, b) => (a > b ? 1 : 0);
    case 'lt': return (a, b) => (a < b ? 1 : 0);
    case 'ge': return (a, b) => (a >= b ? 1 : 0);
    case 'le': return (a, b) => (a <= b ? 1 : 0);
    case 'and': return (a, b) => (a !== 0 && b !== 0 ? 1 : 0);
    case 'or': return (a, b) => (a !== 0 || b !== 0 ? 1 : 0);
    case 'reluGrad': return (a, b) => (b > 0 ? a : 0);
    case 'tanhGrad': return (a, b) => a * (1 - b * b);
    case 'sigmoidGrad': return (a, b) => a * b * (1 - b);
    default: return op satisfies never;
  }
}

/** Flat offset of multi-index `idx` under `strides`. */
/**
 * Max and Σexp(x − max) along one softmax row (entries at(0..n-1)): the stable pieces of
 * softmax, log-softmax and cross-entropy (log Σexp = max + log s).
 */
export function rowExpSum(X: ArrayLike<number>, at: (r: number) => number, n: number): { mx: number; s: number } {
  let mx = -Infinity;
  for (let r = 0; r < n; r++) mx = Math.max(mx, X[at(r)]);
  let s = 0;
  for (let r = 0; r < n; r++) s += Math.exp(X[at(r)] - mx);
  return { mx, s };
}

function offset(idx: number[], strides: readonly number[]): number {
  let o = 0;
  for (let i = 0; i < idx.length; i++) o += idx[i] * strides[i];
  return o;
}

function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) {
    idx[k] = i % shape[k];
    i = Math.floor(i / shape[k]);
  }
  return idx;
}

export const REFERENCE_KERNELS: Kernels = {
  unary({ op, x, out, alpha = 0, beta = 0 }) {
    const f = unaryFn(op, alpha, beta);
    const xs = d(x), o = d(out);
    for (let i = 0; i < out.size; i++) o[i] = f(xs[i]);
  },
  binary({ op, a, b, out, aShape, bShape, outShape }) {
    const f = binaryFn(op);
    const as = broadcastStrides(aShape, outShape), bs = broadcastStrides(bShape, outShape);
    const A = d(a), Bv = d(b), o = d(out);
    for (let i = 0; i < out.size; i++) {
      const idx = unravel(i, outShape);
      o[i] = f(A[offset(idx, as)], Bv[offset(idx, bs)]);
    }
  },
  where({ cond, a, b, out, condShape, aShape, bShape, outShape }) {
    const cs = broadcastStrides(condShape, outShape), as = broadcastStrides(aShape, outShape), bs = broadcastStrides(bShape, outShape);
    const C = d(cond), A = d(a), Bv = d(b), o = d(out);
    for (let i = 0; i < out.size; i++) {
      const idx = unravel(i, outShape);
      o[i] = C[offset(idx, cs)] !== 0 ? A[offset(idx, as)] : Bv[offset(idx, bs)];
    }
  },
  reduce({ op, x, out, outer, n, inner }) {
    const X = d(x), o = d(out);
    for (let p = 0; p < outer; p++) {
      for (let q = 0; q < inner; q++) {
        const at = (r: number) => X[(p * n + r) * inner + q];
        let acc: number;
        if (op === 'sum' || op === 'mean') {
          acc = 0;
          for (let r = 0; r < n; r++) acc += at(r);
          if (op === 'mean') acc /= n;
        } else if (op === 'prod') {
          acc = 1;
          for (let r = 0; r < n; r++) acc *= at(r);
        } else if (op === 'max' || op === 'min') {
          acc = op === 'max' ? -Infinity : Infinity;
          for (let r = 0; r < n; r++) {
            const v = at(r);
            if (Number.isNaN(v)) { acc = NaN; break; }
            acc = op === 'max' ? Math.max(acc, v) : Math.min(acc, v);
          }
        } else {
          acc = 0;
          for (let r = 1; r < n; r++) {
            if (op === 'argmax' ? at(r) > at(acc) : at(r) < at(acc)) acc = r;
          }
        }
        o[p * inner + q] = acc;
      }
    }
  },
  matmul({ a, b, out, batch, m, k, n, transA, transB, aOffsets, bOffsets }) {
    const A = d(a), Bv = d(b), o = d(out);
    for (let t = 0; t < batch; t++) {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) {
            const av = A[aOffsets[t] + (transA ? p * m + i : i * k + p)];
            const bv = Bv[bOffsets[t] + (transB ? j * k + p : p * n + j)];
            s += av * bv;
          }
          o[t * m * n + i * n + j] = s;
        }
      }
    }
  },
  copy({ x, out, shape, srcStrides, srcOffset, dstStrides, dstOffset }) {
    const X = d(x), o = d(out);
    const total = sizeOf(shape);
    for (let i = 0; i < total; i++) {
      const idx = unravel(i, shape);
      o[dstOffset + offset(idx, dstStrides)] = X[srcOffset + offset(idx, srcStrides)];
    }
  },
  fill({ out, value }) {
    d(out).fill(value);
  },
  cast({ x, out }) {
    const X = d(x), o = d(out);
    for (let i = 0; i < out.size; i++) o[i] = out.dtype === 'bool' ? (X[i] !== 0 ? 1 : 0) : X[i];
  },
  softmax({ x, out, outer, n, inner, log }) {
    const X = d(x), o = d(out);
    for (let p = 0; p < outer; p++) {
      for (let q = 0; q < inner; q++) {
        const at = (r: number) => (p * n + r) * inner + q;
        const { mx, s } = rowExpSum(X, at, n);
        for (let r = 0; r < n; r++) o[at(r)] = log ? X[at(r)] - mx - Math.log(s) : Math.exp(X[at(r)] - mx) / s;
      }
    }
  },
  indexSelect({ x, idx, out, outer, n, inner, m }) {
    const X = d(x), I = d(idx), o = d(out);
    for (let p = 0; p < outer; p++)
      for (let r = 0; r < m; r++)
        for (let q = 0; q < inner; q++) o[(p * m + r) * inner + q] = X[(p * n + I[r]) * inner + q];
  },
  indexAdd({ src, idx, out, outer, n, inner, m }) {
    const S = d(src), I = d(idx), o = d(out);
    for (let p = 0; p < outer; p++)
      for (let r = 0; r < m; r++)
        for (let q = 0; q < inner; q++) o[(p * n + I[r]) * inner + q] += S[(p * m + r) * inner + q];
  },
  gather({ x, idx, out, xShape, idxShape, dim }) {
    const X = d(x), I = d(idx), o = d(out);
    const xs = stridesOf(xShape);
    for (let i = 0; i < out.size; i++) {
      const at = unravel(i, idxShape);
      at[dim] = I[i];
      o[i] = X[offset(at, xs)];
    }
  },
  scatterAdd({ src, idx, out, outShape, idxShape, dim, zero }) {
    const S = d(src), I = d(idx), o = d(out);
    if (zero) o.fill(0);
    const os = stridesOf(outShape);
    for (let i = 0; i < src.size; i++) {
      const at = unravel(i, idxShape);
      at[dim] = I[i];
      o[offset(at, os)] += S[i];
    }
  },
  sgd(a) {
    const p = d(a.param), g = d(a.grad), buf = a.buf ? d(a.buf) : null;
    const [mul, skip] = gradScale(a.gradScale);
    if (skip) return;
    for (let i = 0; i < p.length; i++) {
      let gi = a.maximize ? -(g[i] * mul) : g[i] * mul;
      if (a.weightDecay !== 0) gi += a.weightDecay * p[i];
      if (a.momentum !== 0 && buf) {
        buf[i] = a.first ? gi : a.momentum * buf[i] + (1 - a.dampening) * gi;
        gi = a.nesterov ? gi + a.momentum * buf[i] : buf[i];
      }
      p[i] -= a.lr * gi;
    }
  },
  adam(a) {
    const p = d(a.param), g = d(a.grad), m = d(a.m), v = d(a.v), vMax = a.vMax ? d(a.vMax) : null;
    const [mul, skip, skipped] = gradScale(a.gradScale);
    if (skip) return;
    const t = a.step - skipped;
    const bc1 = 1 - Math.pow(a.beta1, t), bc2 = 1 - Math.pow(a.beta2, t);
    for (let i = 0; i < p.length; i++) {
      let gi = a.maximize ? -(g[i] * mul) : g[i] * mul;
      if (a.weightDecay !== 0) {
        if (a.decoupled) p[i] *= 1 - a.lr * a.weightDecay;
        else gi += a.weightDecay * p[i];
      }
      m[i] = a.beta1 * m[i] + (1 - a.beta1) * gi;
      v[i] = a.beta2 * v[i] + (1 - a.beta2) * gi * gi;
      let vv = v[i];
      if (vMax) vv = vMax[i] = Math.max(vMax[i], v[i]);
      const denom = Math.sqrt(vv) / Math.sqrt(bc2) + a.eps;
      p[i] -= (a.lr / bc1) * (m[i] / denom);
    }
  },
  im2col(a) {
    const X = d(a.x), o = d(a.out);
    const cols = a.oh * a.ow;
    for (let c = 0; c < a.c; c++)
      for (let ki = 0; ki < a.kh; ki++)
        for (let kj = 0; kj < a.kw; kj++) {
          const row = (c * a.kh + ki) * a.kw + kj;
          for (let oy = 0; oy < a.oh; oy++)
            for (let ox = 0; ox < a.ow; ox++) {
              const y = oy * a.sh - a.ph + ki * a.dh, x = ox * a.sw - a.pw + kj * a.dw;
              const inside = y >= 0 && y < a.h && x >= 0 && x < a.w;
              o[a.outOffset + row * cols + oy * a.ow + ox] = inside ? X[a.xOffset + (c * a.h + y) * a.w + x] : 0;
            }
        }
  },
  col2im(a) {
    const C = d(a.cols), o = d(a.out);
    const cols = a.oh * a.ow;
    for (let c = 0; c < a.c; c++)
      for (let ki = 0; ki < a.kh; ki++)
        for (let kj = 0; kj < a.kw; kj++) {
          const row = (c * a.kh + ki) * a.kw + kj;
          for (let oy = 0; oy < a.oh; oy++)
            for (let ox = 0; ox < a.ow; ox++) {
              const y = oy * a.sh - a.ph + ki * a.dh, x = ox * a.sw - a.pw + kj * a.dw;
              if (y >= 0 && y < a.h && x >= 0 && x < a.w) o[a.outOffset + (c * a.h + y) * a.w + x] += C[a.colsOffset + row * cols + oy * a.ow + ox];
            }
        }
  },
  maxPool2d(a) {
    const X = d(a.x), o = d(a.out), am = d(a.argmax);
    for (let p = 0; p < a.nc; p++)
      for (let oy = 0; oy < a.oh; oy++)
        for (let ox = 0; ox < a.ow; ox++) {
          let best = -Infinity, at = -1;
          for (let ki = 0; ki < a.kh; ki++)
            for (let kj = 0; kj < a.kw; kj++) {
              const y = oy * a.sh - a.ph + ki * a.dh, x = ox * a.sw - a.pw + kj * a.dw;
              if (y < 0 || y >= a.h || x < 0 || x >= a.w) continue;
              const v = X[(p * a.h + y) * a.w + x];
              if (v > best || at < 0 || Number.isNaN(v)) { best = v; at = y * a.w + x; }
            }
          o[(p * a.oh + oy) * a.ow + ox] = best;
          am[(p * a.oh + oy) * a.ow + ox] = at;
        }
  },
};

/** A number as a buffer of `dtype` would store it (the rounding an eager kernel applies). */
function storeAs(dtype: BackendBuffer['dtype'], v: number): number {
  switch (dtype) {
    case 'float32': return Math.fround(v);
    case 'int32': return v | 0;
    case 'bool': return v & 255;
    case 'float16': return roundHalf(v);
    default: return v;
  }
}

/** Fused elementwise expression, element by element, each node rounded to its dtype. */
export function referenceFused({ nodes, inputs, out }: FusedArgs): void {
  const o = d(out);
  const vals = new Array<number>(nodes.length);
  const fns = nodes.map((n) => (n.kind === 'unary' ? unaryFn(n.op, n.alpha ?? 0, n.beta ?? 0) : n.kind === 'binary' ? binaryFn(n.op) : null));
  for (let i = 0; i < out.size; i++) {
    nodes.forEach((n, j) => {
      let v: number;
      switch (n.kind) {
        case 'input': v = d(inputs[n.input])[offset(unravel(i, n.shape), n.strides)]; break;
        case 'const': v = n.value; break;
        case 'unary': v = (fns[j] as (x: number) => number)(vals[n.x]); break;
        case 'binary': v = (fns[j] as (a: number, b: number) => number)(vals[n.a], vals[n.b]); break;
        case 'where': v = vals[n.cond] !== 0 ? vals[n.a] : vals[n.b]; break;
        case 'cast': v = n.dtype === 'bool' ? (vals[n.x] !== 0 ? 1 : 0) : vals[n.x]; break;
        default: return n satisfies never;
      }
      vals[j] = storeAs(n.dtype, v);
    });
    o[i] = vals[nodes.length - 1];
  }
}
