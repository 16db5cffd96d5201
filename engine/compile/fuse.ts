/**
 * Elementwise fusion. Walks the steps in order and grows, for every unary / binary / where /
 * cast kernel, an expression tree (FusedNode list) over its operands: an operand produced by
 * another elementwise kernel whose result nobody else reads is inlined (its kernel
 * disappears and its buffer is never materialised); a buffer holding one host-written
 * scalar or a fill becomes a constant; anything else is an input read through a broadcast
 * view. A tree that absorbed at least one kernel becomes one 'fused' step; others keep their
 * original kernel. Inlining moves a read later, so it is refused when a leaf buffer is
 * written in between (in-place updates).
 */
import type { FusedNode } from '../backend/types.ts';
import { broadcastStrides, sizeOf } from '../core/shape.ts';
import type { FusedStepArgs, Program, Step } from './steps.ts';
import { VRef } from './steps.ts';

const ELEMENTWISE = new Set(['unary', 'binary', 'where', 'cast']);

interface Tree {
  nodes: FusedNode[];
  /** Virtual buffers read, by fused input index. */
  inputs: number[];
  /** Earliest original step position inside the tree. */
  minPos: number;
  /** Eager kernels the tree stands for. */
  kernels: number;
}

const idOf = (v: unknown): number => (v as VRef).id;

/** Operands of an elementwise step: (buffer, its shape) in order, and the step's index space. */
function operands(s: Step): { outShape: readonly number[]; ops: [string, number, readonly number[]][] } {
  const a = s.args;
  switch (s.kernel) {
    case 'binary': {
      const outShape = a.outShape as number[];
      return { outShape, ops: [['a', idOf(a.a), a.aShape as number[]], ['b', idOf(a.b), a.bShape as number[]]] };
    }
    case 'where': {
      const outShape = a.outShape as number[];
      return { outShape, ops: [['cond', idOf(a.cond), a.condShape as number[]], ['a', idOf(a.a), a.aShape as number[]], ['b', idOf(a.b), a.bShape as number[]]] };
    }
    default:
      return { outShape: [], ops: [['x', idOf(a.x), []]] };
  }
}

export function fuse(p: Program): void {
  const writers = new Map<number, number[]>(), readers = new Map<number, Set<number>>();
  p.steps.forEach((s, i) => {
    for (const w of s.writes) (writers.get(w) ?? writers.set(w, []).get(w)!).push(i);
    for (const r of s.reads) (readers.get(r) ?? readers.set(r, new Set()).get(r)!).add(i);
  });
  const outputs = new Set(p.outputs);
  const trees = new Map<number, Tree>();
  const absorbed = new Set<number>();
  const writtenBetween = (v: number, lo: number, hi: number) => (writers.get(v) ?? []).some((w) => w > lo && w < hi);

  // float16 buffers hold raw half bits on the CPU: their kernels stay unfused.
  const half = (s: Step) => [...s.reads, ...s.writes].some((v) => p.vbufs[v].dtype === 'float16');
  p.steps.forEach((s, pos) => {
    if (!ELEMENTWISE.has(s.kernel) || half(s)) return;
    const outId = s.writes[0];
    const out = p.vbufs[outId];
    const { outShape: os, ops } = operands(s);
    const outShape = os.length || s.kernel === 'binary' || s.kernel === 'where' ? os : [out.size];
    const tree: Tree = { nodes: [], inputs: [], minPos: pos, kernels: 1 };
    const leafNodes = new Map<string, number>();
    // A value this step reads twice (x − x, x·x) is inlined once and its node used for both operands:
    // a second read would find its kernel absorbed and read a buffer that is never written.
    const inlined = new Map<number, number>();
    const inputIndex = (v: number) => {
      let k = tree.inputs.indexOf(v);
      if (k < 0) k = tree.inputs.push(v) - 1;
      return k;
    };
    const operand = (v: number, shape: readonly number[]): number => {
      const vb = p.vbufs[v];
      const shp = s.kernel === 'unary' || s.kernel === 'cast' ? outShape : shape;
      const full = sizeOf(shp) === sizeOf(outShape);
      const ws = writers.get(v) ?? [];
      const rs = readers.get(v);
      const internal = vb.kind === 'internal' && !outputs.has(v) && ws.length === 1;
      if (internal && full && rs?.size === 1) {
        const again = inlined.get(v);
        if (again !== undefined) return again;
        const sub = trees.get(ws[0]);
        if (sub && !absorbed.has(ws[0]) && !sub.inputs.some((l) => writtenBetween(l, sub.minPos, pos))) {
          absorbed.add(ws[0]);
          const base = tree.nodes.length;
          for (const n of sub.nodes) tree.nodes.push(remap(n, base, (k) => inputIndex(sub.inputs[k])));
          tree.minPos = Math.min(tree.minPos, sub.minPos);
          tree.kernels += sub.kernels;
          inlined.set(v, tree.nodes.length - 1);
          return tree.nodes.length - 1;
        }
      }
      const w = internal ? p.steps[ws[0]] : null;
      if (w && ((w.kernel === 'write' && vb.size === 1) || w.kernel === 'fill')) {
        const value = w.kernel === 'write' ? w.data![0] : (w.args.value as number);
        return tree.nodes.push({ kind: 'const', dtype: vb.dtype, value }) - 1;
      }
      const strides = broadcastStrides(shp, outShape);
      const key = `${v}|${strides.join()}`;
      const have = leafNodes.get(key);
      if (have !== undefined) return have;
      const at = tree.nodes.push({ kind: 'input', dtype: vb.dtype, input: inputIndex(v), shape: [...outShape], strides }) - 1;
      leafNodes.set(key, at);
      return at;
    };
    const a = s.args;
    const idx = ops.map(([, v, shape]) => operand(v, shape));
    const dtype = out.dtype;
    let node: FusedNode;
    if (s.kernel === 'unary') node = { kind: 'unary', dtype, op: a.op as never, x: idx[0], alpha: a.alpha as number | undefined, beta: a.beta as number | undefined };
    else if (s.kernel === 'cast') node = { kind: 'cast', dtype, x: idx[0] };
    else if (s.kernel === 'binary') node = { kind: 'binary', dtype, op: a.op as never, a: idx[0], b: idx[1] };
    else node = { kind: 'where', dtype, cond: idx[0], a: idx[1], b: idx[2] };
    tree.nodes.push(node);
    trees.set(pos, tree);
  });

  const steps: Step[] = [];
  p.steps.forEach((s, pos) => {
    if (absorbed.has(pos)) return;
    const t = trees.get(pos);
    if (!t || t.kernels === 1) { steps.push(s); return; }
    const args: FusedStepArgs = { nodes: t.nodes, inputs: t.inputs.map((v) => new VRef(v)), out: new VRef(s.writes[0]) };
    steps.push({ kernel: 'fused', args: args as unknown as Record<string, unknown>, reads: [...t.inputs], writes: [s.writes[0]], replaces: t.kernels });
  });
  p.steps = steps;
}

/** A node copied into a bigger tree: operand indices shifted, input indices remapped. */
function remap(n: FusedNode, base: number, input: (k: number) => number): FusedNode {
  switch (n.kind) {
    case 'input': return { ...n, input: input(n.input) };
    case 'const': return { ...n };
    case 'unary': case 'cast': return { ...n, x: n.x + base };
    case 'binary': return { ...n, a: n.a + base, b: n.b + base };
    case 'where': return { ...n, cond: n.cond + base, a: n.a + base, b: n.b + base };
    default: return n satisfies never;
  }
}
