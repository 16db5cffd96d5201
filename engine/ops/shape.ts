/**
 * Shape ops. reshape (and its spellings view/squeeze/unsqueeze/flatten) shares storage; the
 * others copy through the backend's strided `copy` kernel: permute/transpose, expand,
 * strided slices and their inverse "put" (which is also pad), and concat. Each pair of
 * inverse ops is the other's gradient, so all of them are differentiable to any order.
 */
import { FlowgradError, fmtShape } from '../core/errors.ts';
import { broadcastShapes, broadcastStrides, normDim, sizeOf, stridesOf } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';
import { apply } from './op.ts';
import type { OpDef } from './op.ts';
import { cast, sumTo } from './elementwise.ts';
import { promote } from '../core/dtype.ts';

export const RESHAPE_OP: OpDef<{ shape: number[] }> = {
  name: 'reshape',
  view: true,
  shape: ([x], a) => ({ shape: a.shape, dtype: x.dtype }),
  grad: (g, [x]) => [reshape(g, x.shape)],
};

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const s = [...shape];
  const infer = s.indexOf(-1);
  if (infer >= 0) {
    const rest = s.reduce((p, d, i) => (i === infer ? p : p * d), 1);
    if (s.lastIndexOf(-1) !== infer || rest === 0 || x.size % rest !== 0) {
      throw new FlowgradError('shape', `reshape: cannot reshape ${fmtShape(x.shape)} to ${fmtShape(shape)}`);
    }
    s[infer] = x.size / rest;
  }
  if (s.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(s) !== x.size) {
    throw new FlowgradError('shape', `reshape: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) to ${fmtShape(shape)}`);
  }
  return apply(RESHAPE_OP, [x], { shape: s });
}

export function squeeze(x: Tensor, dim?: number | number[]): Tensor {
  const r = x.shape.length;
  const dims = dim === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : (typeof dim === 'number' ? [dim] : dim).map((d) => normDim('squeeze', d, r));
  return reshape(x, x.shape.filter((d, i) => !(dims.includes(i) && d === 1)));
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normDim('unsqueeze', dim, x.shape.length + 1);
  const s = [...x.shape];
  s.splice(d, 0, 1);
  return reshape(x, s);
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.shape.length === 0) return reshape(x, [1]);
  const a = normDim('flatten', startDim, x.shape.length), b = normDim('flatten', endDim, x.shape.length);
  if (a > b) throw new FlowgradError('shape', `flatten: startDim ${startDim} after endDim ${endDim} for ${fmtShape(x.shape)}`);
  return reshape(x, [...x.shape.slice(0, a), sizeOf(x.shape.slice(a, b + 1)), ...x.shape.slice(b + 1)]);
}

export const PERMUTE_OP: OpDef<{ perm: number[] }> = {
  name: 'permute',
  shape: ([x], a) => ({ shape: a.perm.map((p) => x.shape[p]), dtype: x.dtype }),
  forward(be, [x], out, a, meta) {
    const st = stridesOf(x.shape);
    be.run('copy', { x: x._storage.buf, out, shape: meta.shape, srcStrides: a.perm.map((p) => st[p]), srcOffset: 0, dstStrides: stridesOf(meta.shape), dstOffset: 0 });
  },
  grad: (g, _x, _o, a) => {
    const inv = new Array<number>(a.perm.length);
    a.perm.forEach((p, i) => (inv[p] = i));
    return [permute(g, inv)];
  },
};

export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const r = x.shape.length;
  const p = perm.map((d) => normDim('permute', d, r));
  if (p.length !== r || new Set(p).size !== r) throw new FlowgradError('shape', `permute: [${perm.join(',')}] is not a permutation of the ${r} dims of ${fmtShape(x.shape)}`);
  if (p.every((d, i) => d === i)) return reshape(x, x.shape);
  return apply(PERMUTE_OP, [x], { perm: p });
}

export function transpose(x: Tensor, d0 = -2, d1 = -1): Tensor {
  const r = x.shape.length;
  if (r < 2 && d0 === -2 && d1 === -1) return reshape(x, x.shape);
  const a = normDim('transpose', d0, r), b = normDim('transpose', d1, r);
  const perm = x.shape.map((_, i) => i);
  [perm[a], perm[b]] = [perm[b], perm[a]];
  return permute(x, perm);
}

export const EXPAND_OP: OpDef<{ shape: number[] }> = {
  name: 'expand',
  shape: ([x], a) => ({ shape: a.shape, dtype: x.dtype }),
  forward: (be, [x], out, a) =>
    be.run('copy', { x: x._storage.buf, out, shape: a.shape, srcStrides: broadcastStrides(x.shape, a.shape), srcOffset: 0, dstStrides: stridesOf(a.shape), dstOffset: 0 }),
  grad: (g, [x]) => [sumTo(g, x.shape)],
};

/** Broadcasts x to `shape` (-1 keeps a dimension), materialising the copy. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const off = shape.length - x.shape.length;
  const s = shape.map((d, i) => (d === -1 && i >= off ? x.shape[i - off] : d));
  const b = broadcastShapes('expand', x.shape, s);
  if (off < 0 || b.some((d, i) => d !== s[i])) throw new FlowgradError('shape', `expand: cannot expand ${fmtShape(x.shape)} to ${fmtShape(shape)}`);
  if (b.length === x.shape.length && b.every((d, i) => d === x.shape[i])) return reshape(x, b);
  return apply(EXPAND_OP, [x], { shape: b });
}

interface SliceAttrs { starts: number[]; steps: number[]; shape: number[] }
interface PutAttrs { starts: number[]; steps: number[]; shape: number[]; value: number }

/** out = x[starts :: steps] with output `shape` (every dim). */
export const SLICE_OP: OpDef<SliceAttrs> = {
  name: 'slice',
  shape: ([x], a) => ({ shape: a.shape, dtype: x.dtype }),
  forward(be, [x], out, a) {
    const st = stridesOf(x.shape);
    be.run('copy', {
      x: x._storage.buf, out, shape: a.shape, srcStrides: st.map((s, i) => s * a.steps[i]),
      srcOffset: a.starts.reduce((o, s, i) => o + s * st[i], 0), dstStrides: stridesOf(a.shape), dstOffset: 0,
    });
  },
  grad: (g, [x], _o, a) => [apply(PUT_OP, [g], { starts: a.starts, steps: a.steps, shape: [...x.shape], value: 0 })],
};

/** The inverse of slice: a tensor of `shape` filled with `value`, x written at starts::steps. */
export const PUT_OP: OpDef<PutAttrs> = {
  name: 'put',
  shape: ([x], a) => ({ shape: a.shape, dtype: x.dtype }),
  forward(be, [x], out, a) {
    const st = stridesOf(a.shape);
    be.run('fill', { out, value: a.value });
    be.run('copy', {
      x: x._storage.buf, out, shape: x.shape, srcStrides: stridesOf(x.shape), srcOffset: 0,
      dstStrides: st.map((s, i) => s * a.steps[i]), dstOffset: a.starts.reduce((o, s, i) => o + s * st[i], 0),
    });
  },
  grad: (g, [x], _o, a) => [apply(SLICE_OP, [g], { starts: a.starts, steps: a.steps, shape: [...x.shape] })],
};

/** x[start:end:step] along one dim, Python-style (negative indices count from the end, clamped). */
export function slice(x: Tensor, dim: number, start = 0, end?: number, step = 1): Tensor {
  const d = normDim('slice', dim, x.shape.length);
  const n = x.shape[d];
  if (!Number.isInteger(step) || step <= 0) throw new FlowgradError('bad-argument', `slice: step must be a positive integer (got ${step})`);
  const clampIdx = (i: number) => Math.min(n, Math.max(0, i < 0 ? i + n : i));
  const s = clampIdx(start), e = clampIdx(end ?? n);
  const len = Math.max(0, Math.ceil((e - s) / step));
  const starts = x.shape.map((_, i) => (i === d ? (len > 0 ? s : 0) : 0));
  const steps = x.shape.map((_, i) => (i === d ? step : 1));
  const shape = x.shape.map((v, i) => (i === d ? len : v));
  return apply(SLICE_OP, [x], { starts, steps, shape });
}

export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normDim('narrow', dim, x.shape.length);
  const s = start < 0 ? start + x.shape[d] : start;
  if (s < 0 || length < 0 || s + length > x.shape[d]) {
    throw new FlowgradError('shape', `narrow: [${start}, ${start}+${length}) out of range for dim ${dim} of ${fmtShape(x.shape)}`);
  }
  return slice(x, d, s, s + length);
}

/** Constant padding; pads = [lastBefore, lastAfter, prevBefore, prevAfter, ...] as torch.nn.functional.pad. */
export function pad(x: Tensor, pads: readonly number[], value = 0): Tensor {
  const r = x.shape.length;
  if (pads.length % 2 !== 0 || pads.length > 2 * r || pads.some((p) => !Number.isInteger(p) || p < 0)) {
    throw new FlowgradError('shape', `pad: pads [${pads.join(',')}] invalid for ${fmtShape(x.shape)} (pairs of non-negative ints, at most 2 per dim)`);
  }
  const starts = new Array<number>(r).fill(0);
  const shape = [...x.shape];
  for (let k = 0; k < pads.length / 2; k++) {
    const d = r - 1 - k;
    starts[d] = pads[2 * k];
    shape[d] += pads[2 * k] + pads[2 * k + 1];
  }
  return apply(PUT_OP, [x], { starts, steps: new Array<number>(r).fill(1), shape, value });
}

export const CONCAT_OP: OpDef<{ dim: number }> = {
  name: 'concat',
  shape(xs, a) {
    const first = xs[0];
    const shape = [...first.shape];
    shape[a.dim] = 0;
    for (const x of xs) {
      if (x.shape.length !== first.shape.length || x.shape.some((d, i) => i !== a.dim && d !== first.shape[i])) {
        throw new FlowgradError('shape', `concat: ${xs.map((t) => fmtShape(t.shape)).join(', ')} differ outside dim ${a.dim}`);
      }
      shape[a.dim] += x.shape[a.dim];
    }
    return { shape, dtype: first.dtype };
  },
  forward(be, xs, out, a, meta) {
    const st = stridesOf(meta.shape);
    let at = 0;
    for (const x of xs) {
      be.run('copy', { x: x._storage.buf, out, shape: x.shape, srcStrides: stridesOf(x.shape), srcOffset: 0, dstStrides: st, dstOffset: at * st[a.dim] });
      at += x.shape[a.dim];
    }
  },
  grad(g, xs, _o, a) {
    let at = 0;
    return xs.map((x) => {
      const s = at;
      at += x.shape[a.dim];
      return x.requiresGrad ? slice(g, a.dim, s, s + x.shape[a.dim]) : null;
    });
  },
};

export function concat(xs: readonly Tensor[], dim = 0): Tensor {
  if (xs.length === 0) throw new FlowgradError('bad-argument', 'concat: needs at least one tensor');
  const dtype = xs.map((x) => x.dtype).reduce(promote);
  const d = normDim('concat', dim, xs[0].shape.length);
  const cs = xs.map((x) => (x.dtype === dtype ? x : cast(x, dtype)));
  try {
    return apply(CONCAT_OP, cs, { dim: d });
  } finally {
    cs.forEach((c, i) => c !== xs[i] && c.dispose());
  }
}

export function stack(xs: readonly Tensor[], dim = 0): Tensor {
  if (xs.length === 0) throw new FlowgradError('bad-argument', 'stack: needs at least one tensor');
  for (const x of xs) {
    if (x.shape.length !== xs[0].shape.length || x.shape.some((d, i) => d !== xs[0].shape[i])) {
      throw new FlowgradError('shape', `stack: shapes differ: ${xs.map((t) => fmtShape(t.shape)).join(', ')}`);
    }
  }
  const d = normDim('stack', dim, xs[0].shape.length + 1);
  const us = xs.map((x) => unsqueeze(x, d));
  try {
    return concat(us, d);
  } finally {
    us.forEach((u) => u.dispose());
  }
}
