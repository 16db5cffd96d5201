/**
 * The CPU's fused elementwise kernel: evaluates a FusedArgs expression (built by
 * engine/compile from a chain of unary / binary / where / cast kernels) block by block. Each
 * block of BLOCK elements runs every node as one tight row loop (the same row functions the
 * unfused kernels use) into a small per-node register array typed by the node's dtype, so the
 * results round exactly as the eager chain would, intermediates stay in L1 cache instead of
 * making a trip through memory, and no code is generated at run time (CSP-safe).
 * Inputs read contiguously or as scalars are used in place; other broadcasts are gathered.
 */
import type { TypedArray } from '../../core/dtype.ts';
import { makeArray } from '../../core/dtype.ts';
import { stridesOf } from '../../core/shape.ts';
import type { BackendBuffer, FusedArgs, FusedNode } from '../types.ts';
import { BINARY, COMPARISONS, selectIfRow, selectRow, unaryRow } from './elementwise.ts';
import type { Comparison } from './elementwise.ts';
import { collapse } from './strided.ts';

const d = (b: BackendBuffer): TypedArray => (b as unknown as { data: TypedArray }).data;
/** Elements per block: every node's register block stays in L1. */
export const BLOCK = 1024;

/** How an input node is read: 'dense' in place, 'scalar' with stride 0, else gathered. */
export interface InputPlan { mode: 'dense' | 'scalar' | 'gather'; shape: number[]; strides: number[] }

/**
 * A program ready to run: each input node's read plan, the constants, a register block per
 * node, and the comparisons folded into the `where` that alone reads them (`folded[j]`: node j
 * is not evaluated; `foldInto[j]`: where node j evaluates its condition itself, selectIfRow).
 */
export interface FusedProgram {
  nodes: readonly FusedNode[];
  inputs: (InputPlan | null)[];
  consts: (TypedArray | null)[];
  regs: TypedArray[];
  folded: boolean[];
  foldInto: (Comparison | null)[];
}

const prepared = new WeakMap<readonly FusedNode[], FusedProgram>();

export function planInput(n: FusedNode & { kind: 'input' }): InputPlan {
  const c = collapse(n.shape, [n.strides]);
  const st = c.strides[0];
  if (st.every((s) => s === 0)) return { mode: 'scalar', shape: c.shape, strides: st };
  const dense = stridesOf(c.shape);
  if (st.every((s, i) => s === dense[i] || c.shape[i] === 1)) return { mode: 'dense', shape: c.shape, strides: st };
  return { mode: 'gather', shape: c.shape, strides: st };
}

/** The program of a node list, made once per list (a compiled plan keeps its lists). */
export function programOf(nodes: readonly FusedNode[]): FusedProgram {
  let p = prepared.get(nodes);
  if (!p) prepared.set(nodes, (p = programFrom(nodes, nodes.map((n) => (n.kind === 'input' ? planInput(n) : null)))));
  return p;
}

/** A program from nodes and their input plans (a pool thread gets the plans decided by the caller: fusedOps.ts). */
export function programFrom(nodes: readonly FusedNode[], inputs: (InputPlan | null)[]): FusedProgram {
  return {
    nodes,
    regs: nodes.map((n) => makeArray(n.dtype, BLOCK)),
    inputs,
    ...folds(nodes, inputs),
    consts: nodes.map((n) => {
      if (n.kind !== 'const') return null;
      const c = makeArray(n.dtype, 1);
      c[0] = n.value;
      return c;
    }),
  };
}

/**
 * where(x <cmp> scalar, a, b) with a float32 or int32 result and a, b of its type, whose
 * comparison nothing else reads: one pass instead of a bool block and a select over it.
 */
function folds(nodes: readonly FusedNode[], inputs: readonly (InputPlan | null)[]): Pick<FusedProgram, 'folded' | 'foldInto'> {
  const uses = nodes.map(() => 0);
  for (const n of nodes) {
    if (n.kind === 'unary' || n.kind === 'cast') uses[n.x]++;
    else if (n.kind === 'binary') { uses[n.a]++; uses[n.b]++; }
    else if (n.kind === 'where') { uses[n.cond]++; uses[n.a]++; uses[n.b]++; }
  }
  const scalar = (j: number): boolean => nodes[j].kind === 'const' || inputs[j]?.mode === 'scalar';
  const folded = nodes.map(() => false), foldInto = nodes.map((): Comparison | null => null);
  nodes.forEach((w, j) => {
    if (w.kind !== 'where' || (w.dtype !== 'float32' && w.dtype !== 'int32')) return;
    const c = nodes[w.cond];
    if (c.kind !== 'binary' || !COMPARISONS.includes(c.op) || uses[w.cond] !== 1 || !scalar(c.b)) return;
    if (nodes[w.a].dtype !== w.dtype || nodes[w.b].dtype !== w.dtype) return;
    folded[w.cond] = true;
    foldInto[j] = c.op as Comparison;
  });
  return { folded, foldInto };
}

/** dst[0..n) = src (from element `base`) at linear indices i0..i0+n of a (shape, strides) view. */
function gather(src: TypedArray, base: number, shape: readonly number[], strides: readonly number[], i0: number, n: number, dst: TypedArray): void {
  const r = shape.length, last = r - 1;
  const idx = new Array<number>(r);
  let rem = i0, off = base;
  for (let k = last; k >= 0; k--) {
    idx[k] = rem % shape[k];
    rem = (rem - idx[k]) / shape[k];
    off += idx[k] * strides[k];
  }
  const nl = shape[last], sl = strides[last];
  let i = 0;
  while (i < n) {
    const run = Math.min(nl - idx[last], n - i);
    for (let k = 0; k < run; k++) dst[i + k] = src[off + k * sl];
    i += run;
    off += run * sl;
    idx[last] += run;
    if (idx[last] < nl) continue;
    off -= nl * sl;
    idx[last] = 0;
    for (let k = last - 1; k >= 0; k--) {
      idx[k]++;
      off += strides[k];
      if (idx[k] < shape[k]) break;
      off -= shape[k] * strides[k];
      idx[k] = 0;
    }
  }
}

export function runFused(a: FusedArgs): void {
  fusedBlocks(programOf(a.nodes), a.inputs.map(d), a.inputs.map(() => 0), d(a.out), 0, a.out.size, 0, Math.ceil(a.out.size / BLOCK));
}

/**
 * Blocks [b0, b1) of BLOCK elements of a program whose input i is `ins[i]` from element
 * `inAt[i]`, writing O from element `oo` (total elements in all). Each block depends only on
 * its own elements, so pool threads run ranges of blocks (fusedOps.ts) with the same results.
 */
export function fusedBlocks(prog: FusedProgram, ins: readonly TypedArray[], inAt: readonly number[], O: TypedArray, oo0: number, total: number, b0: number, b1: number): void {
  const { regs, inputs, consts, nodes, folded, foldInto } = prog;
  const count = nodes.length;
  // Per node, where its values for the current block live: array, offset, stride (0 = scalar).
  const arr: TypedArray[] = new Array<TypedArray>(count);
  const off = new Array<number>(count).fill(0);
  const str = new Array<number>(count).fill(1);
  for (let i0 = b0 * BLOCK, end = Math.min(total, b1 * BLOCK); i0 < end; i0 += BLOCK) {
    const n = Math.min(BLOCK, total - i0);
    for (let j = 0; j < count; j++) {
      const node = nodes[j];
      if (folded[j]) continue;
      const lastNode = j === count - 1;
      const o = lastNode ? O : regs[j], oo = lastNode ? oo0 + i0 : 0;
      arr[j] = o; off[j] = oo; str[j] = 1;
      switch (node.kind) {
        case 'input': {
          const src = ins[node.input], at = inAt[node.input], ip = inputs[j]!;
          if (ip.mode === 'dense' && !lastNode) { arr[j] = src; off[j] = at + i0; }
          else if (ip.mode === 'scalar' && !lastNode) { arr[j] = src; off[j] = at; str[j] = 0; }
          else if (ip.mode === 'scalar') o.fill(src[at], oo, oo + n);
          else gather(src, at, ip.shape, ip.strides, i0, n, lastNode ? o.subarray(oo, oo + n) : o);
          break;
        }
        case 'const':
          if (lastNode) o.fill(consts[j]![0], oo, oo + n);
          else { arr[j] = consts[j]!; off[j] = 0; str[j] = 0; }
          break;
        case 'unary': case 'cast': {
          let x = arr[node.x], xo = off[node.x];
          if (str[node.x] === 0) { // broadcast scalar operand: spread it over the block first
            const tmp = regs[node.x];
            tmp.fill(x[xo], 0, n);
            x = tmp; xo = 0;
          }
          if (node.kind === 'unary') unaryRow(node.op, o, oo, x, xo, n, node.alpha, node.beta);
          else if (node.dtype === 'bool') for (let i = 0; i < n; i++) o[oo + i] = +(x[xo + i] !== 0);
          else for (let i = 0; i < n; i++) o[oo + i] = x[xo + i];
          break;
        }
        case 'binary':
          BINARY[node.op](o, oo, arr[node.a], off[node.a], str[node.a], arr[node.b], off[node.b], str[node.b], n);
          break;
        case 'where': {
          const A = arr[node.a], ao = off[node.a], as = str[node.a];
          const B = arr[node.b], bo = off[node.b], bs = str[node.b];
          const cmp = foldInto[j];
          if (cmp) {
            const c = nodes[node.cond] as FusedNode & { kind: 'binary' };
            selectIfRow(cmp, o, oo, arr[c.a], off[c.a], str[c.a], arr[c.b][off[c.b]], A, ao, as, B, bo, bs, n);
          } else selectRow(o, oo, arr[node.cond], off[node.cond], str[node.cond], A, ao, as, B, bo, bs, n);
          break;
        }
        default: node satisfies never;
      }
    }
  }
}
