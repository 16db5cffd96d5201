/**
 * Integer-indexed kernels. WGSL has atomics only for integers, so the two scatter-adds are
 * written deterministically instead, in one of two forms, both adding in source order — the
 * same order (and so the same float32 rounding) as the CPU loop, with no races:
 *  - per LINE (the default): one thread per position of the index tensor outside the indexed
 *    dim walks that line's sources in order and adds each into its target. Different lines
 *    write disjoint outputs, so this is exact; total work = number of sources. (Max-pool
 *    backward went from 1.8 s to milliseconds per LeNet step on SwiftShader with it.)
 *  - per OUTPUT: one thread per output element loops over the sources that can land on it
 *    and adds the matches: O(sources along the dim) per output, but parallel over outputs —
 *    kept for the rare shape with very few, very long lines.
 */
import { stridesOf } from '../../core/shape.ts';
import type { KernelArgs } from '../types.ts';
import { PRELUDE, Params, bindings, checkRank, kindOf, main1d, tag } from './program.ts';
import type { Launch, Program } from './program.ts';

export function indexSelectLaunch(a: KernelArgs['indexSelect']): Launch {
  const k = kindOf(a.x.dtype);
  const count = a.outer * a.m * a.inner;
  const program: Program = {
    key: `indexSelect:${tag(a.x.dtype)}`,
    access: 'rrw',
    source: () => PRELUDE + bindings('rrw', ['xs', 'idx', 'out'], [k, 'i32', k]) + main1d(`
  if (gid >= pu(0u)) { return; }
  let n = pu(1u); let inner = pu(2u); let m = pu(3u);
  let q = gid % inner; let r = (gid / inner) % m; let p = gid / (inner * m);
  out[gid] = xs[(p * n + u32(idx[r])) * inner + q];`),
  };
  return { program, bufs: [a.x, a.idx, a.out], params: new Params().u(count, a.n, a.inner, a.m), threads: count };
}

/** Per-line form unless there are few lines and each is very long. */
const perLine = (lines: number, len: number): boolean => lines >= 16 || len <= 4096;

export function indexAddLaunch(a: KernelArgs['indexAdd']): Launch {
  const k = kindOf(a.out.dtype);
  if (perLine(a.outer * a.inner, a.m)) {
    const lines = a.outer * a.inner;
    const program: Program = {
      key: `indexAdd:${tag(a.out.dtype)}:line`,
      access: 'rrw',
      source: () => PRELUDE + bindings('rrw', ['src', 'idx', 'out'], [k, 'i32', k]) + main1d(`
  if (gid >= pu(0u)) { return; }
  let n = pu(1u); let inner = pu(2u); let m = pu(3u);
  let q = gid % inner; let p = gid / inner;
  for (var r = 0u; r < m; r++) {
    let o = (p * n + u32(idx[r])) * inner + q;
    out[o] = out[o] + src[(p * m + r) * inner + q];
  }`),
    };
    return { program, bufs: [a.src, a.idx, a.out], params: new Params().u(lines, a.n, a.inner, a.m), threads: lines };
  }
  const count = a.outer * a.n * a.inner;
  const program: Program = {
    key: `indexAdd:${tag(a.out.dtype)}`,
    access: 'rrw',
    source: () => PRELUDE + bindings('rrw', ['src', 'idx', 'out'], [k, 'i32', k]) + main1d(`
  if (gid >= pu(0u)) { return; }
  let n = pu(1u); let inner = pu(2u); let m = pu(3u);
  let q = gid % inner; let t = i32((gid / inner) % n); let p = gid / (inner * n);
  var acc = out[gid];
  for (var r = 0u; r < m; r++) {
    if (idx[r] == t) { acc += src[(p * m + r) * inner + q]; }
  }
  out[gid] = acc;`),
  };
  return { program, bufs: [a.src, a.idx, a.out], params: new Params().u(count, a.n, a.inner, a.m), threads: count };
}

export function gatherLaunch(a: KernelArgs['gather']): Launch {
  const rank = a.idxShape.length;
  checkRank('gather', rank);
  const k = kindOf(a.x.dtype);
  const count = a.out.size;
  // params: count, dim, idxShape[rank], xStrides[rank]
  const program: Program = {
    key: `gather:${tag(a.x.dtype)}:r${rank}`,
    access: 'rrw',
    source: () => {
      const lines: string[] = [];
      for (let d = rank - 1; d >= 0; d--) {
        lines.push(`  { let sz = pu(${2 + d}u); let c = rem % sz; rem = rem / sz;`);
        lines.push(`    let cc = select(c, u32(idx[gid]), ${d}u == dim); off += cc * pu(${2 + rank + d}u); }`);
      }
      return PRELUDE + bindings('rrw', ['xs', 'idx', 'out'], [k, 'i32', k]) + main1d(`
  if (gid >= pu(0u)) { return; }
  let dim = pu(1u);
  var rem = gid; var off = 0u;
${lines.join('\n')}
  out[gid] = xs[off];`);
    },
  };
  const params = new Params().u(count, a.dim, ...a.idxShape, ...stridesOf(a.xShape));
  return { program, bufs: [a.x, a.idx, a.out], params, threads: count };
}

export function scatterAddLaunch(a: KernelArgs['scatterAdd']): Launch {
  const rank = a.outShape.length;
  checkRank('scatterAdd', rank);
  const k = kindOf(a.out.dtype);
  const len = a.idxShape[a.dim];
  const lines = len === 0 ? 0 : a.idxShape.reduce((p, d) => p * d, 1) / len;
  if (perLine(lines, len)) return scatterAddLines(a, rank, lines);
  const count = a.out.size;
  // params: count, dim, outShape[rank], idxShape[rank], idxStrides[rank]
  const program: Program = {
    key: `scatterAdd:${tag(a.out.dtype)}:r${rank}`,
    access: 'rrw',
    source: () => {
      const lines: string[] = [];
      for (let d = rank - 1; d >= 0; d--) {
        lines.push(`  { let sz = pu(${2 + d}u); let c = rem % sz; rem = rem / sz;`);
        lines.push(`    if (${d}u == dim) { tgt = i32(c); } else { if (c >= pu(${2 + rank + d}u)) { return; } base += c * pu(${2 + 2 * rank + d}u); } }`);
      }
      return PRELUDE + bindings('rrw', ['src', 'idx', 'out'], [k, 'i32', k]) + main1d(`
  if (gid >= pu(0u)) { return; }
  let dim = pu(1u);
  var rem = gid; var base = 0u; var tgt = 0;
${lines.join('\n')}
  let len = pu(${2 + rank}u + dim); let step = pu(${2 + 2 * rank}u + dim);
  var acc = out[gid];
  for (var j = 0u; j < len; j++) {
    let at = base + j * step;
    if (idx[at] == tgt) { acc += src[at]; }
  }
  out[gid] = acc;`);
    },
  };
  const params = new Params().u(count, a.dim, ...a.outShape, ...a.idxShape, ...stridesOf(a.idxShape));
  return { program, bufs: [a.src, a.idx, a.out], params, threads: count };
}

/** scatterAdd, one thread per line of idx along `dim` (see the header). */
function scatterAddLines(a: KernelArgs['scatterAdd'], rank: number, lines: number): Launch {
  const k = kindOf(a.out.dtype);
  // params: lines, dim, idxShape[rank], idxStrides[rank], outStrides[rank]
  const program: Program = {
    key: `scatterAdd:${tag(a.out.dtype)}:r${rank}:line`,
    access: 'rrw',
    source: () => {
      const lines: string[] = [];
      for (let d = rank - 1; d >= 0; d--) {
        lines.push(`  if (${d}u != dim) { let sz = pu(${2 + d}u); let c = rem % sz; rem = rem / sz;`);
        lines.push(`    sbase += c * pu(${2 + rank + d}u); obase += c * pu(${2 + 2 * rank + d}u); }`);
      }
      return PRELUDE + bindings('rrw', ['src', 'idx', 'out'], [k, 'i32', k]) + main1d(`
  if (gid >= pu(0u)) { return; }
  let dim = pu(1u);
  var rem = gid; var sbase = 0u; var obase = 0u;
${lines.join('\n')}
  let len = pu(2u + dim); let sstep = pu(${2 + rank}u + dim); let ostep = pu(${2 + 2 * rank}u + dim);
  for (var j = 0u; j < len; j++) {
    let at = sbase + j * sstep;
    let o = obase + u32(idx[at]) * ostep;
    out[o] = out[o] + src[at];
  }`);
    },
  };
  const params = new Params().u(lines, a.dim, ...a.idxShape, ...stridesOf(a.idxShape), ...stridesOf(a.outShape));
  return { program, bufs: [a.src, a.idx, a.out], params, threads: lines };
}
