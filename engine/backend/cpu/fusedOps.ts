/**
 * The pool-thread job of compiled plans' fused elementwise kernels (fused.ts): the program
 * (its node list) travels in the job constants, numbers only, so a thread that never saw the
 * plan decodes it once per program and keeps it; a job's units are blocks of BLOCK elements.
 * Every block runs fusedBlocks, the loop the one-thread kernel runs, so the thread count never
 * changes a result. Inputs and the output lie in the shared memory (float32, int32, bool).
 */
import type { DType, TypedArray } from '../../core/dtype.ts';
import type { FusedNode } from '../types.ts';
import { fusedBlocks, programFrom, programOf } from './fused.ts';
import type { FusedProgram, InputPlan } from './fused.ts';
import type { JsOp, Views } from './threadOps.ts';
import { BINARY_LIST, JS_OPS, PARAM_SLOTS, SRC_F32, SRC_I32, SRC_PARAMS, SRC_U8, UNARY_LIST, unaryIndex } from './threadOps.ts';

export const OP_FUSED = 24;

type Params = Float64Array<ArrayBufferLike>;

/** Slots per node: kind, dtype, then up to four operands or constants. */
const NODE = 6;
/** Header: [program id, nodes, inputs, out source, out offset, total]; then nodes, inputs [source, offset], by-value scalars. */
const HEAD = 6;
const KINDS = ['input', 'const', 'unary', 'binary', 'where', 'cast'] as const satisfies readonly FusedNode['kind'][];
const DTYPES: readonly DType[] = ['float32', 'int32', 'bool', 'float64', 'float16'];

/** The program's node list as numbers, made once per list; null when it does not fit the job constants. */
const encoded = new WeakMap<readonly FusedNode[], number[] | null>();
let nextId = 1;

function encode(nodes: readonly FusedNode[]): number[] | null {
  if (encoded.has(nodes)) return encoded.get(nodes)!;
  const out: number[] = [], plans = programOf(nodes).inputs;
  for (const [j, n] of nodes.entries()) {
    const f = [KINDS.indexOf(n.kind), DTYPES.indexOf(n.dtype), 0, 0, 0, 0];
    switch (n.kind) {
      case 'input': f[2] = n.input; f[3] = plans[j]!.mode === 'scalar' ? 1 : 0; break;
      case 'const': f[2] = n.value; break;
      case 'unary': f[2] = unaryIndex(n.op); f[3] = n.x; f[4] = n.alpha ?? NaN; f[5] = n.beta ?? NaN; break;
      case 'binary': f[2] = BINARY_LIST.indexOf(n.op); f[3] = n.a; f[4] = n.b; break;
      case 'where': f[3] = n.cond; f[4] = n.a; f[5] = n.b; break;
      case 'cast': f[3] = n.x; break;
      default: n satisfies never;
    }
    out.push(...f);
  }
  // An input node travels as dense or scalar; one read through a general view (gathered) keeps the program on one thread.
  const fits = HEAD + out.length <= PARAM_SLOTS && plans.every((p) => !p || p.mode !== 'gather');
  const r = fits ? [nextId++, ...out] : null;
  encoded.set(nodes, r);
  return r;
}

/**
 * Writes the job constants of a fused program: the encoded nodes, then each input's and the
 * output's (source, element offset); an input given as a number is a one-element tensor in
 * ordinary memory, passed by value in a slot of its own. False when the program cannot go to threads.
 */
export function fusedJob(p: Params, nodes: readonly FusedNode[], inputs: readonly ([number, number] | number)[], out: [number, number], total: number): boolean {
  const e = encode(nodes);
  let at = HEAD + nodes.length * NODE, value = at + 2 * inputs.length;
  if (!e || value + inputs.length > PARAM_SLOTS) return false;
  p[0] = e[0]; p[1] = nodes.length; p[2] = inputs.length; p[3] = out[0]; p[4] = out[1]; p[5] = total;
  for (let i = 1; i < e.length; i++) p[HEAD + i - 1] = e[i];
  for (const x of inputs) {
    if (typeof x === 'number') { p[value] = x; p[at++] = SRC_PARAMS; p[at++] = value++; }
    else { p[at++] = x[0]; p[at++] = x[1]; }
  }
  return true;
}

function decode(p: Params): FusedProgram {
  const nodes: FusedNode[] = [];
  const plans: (InputPlan | null)[] = [];
  for (let j = 0, at = HEAD; j < p[1]; j++, at += NODE) {
    const dtype = DTYPES[p[at + 1]], a = p[at + 2], b = p[at + 3], c = p[at + 4], d = p[at + 5];
    plans.push(KINDS[p[at]] === 'input' ? { mode: b === 1 ? 'scalar' : 'dense', shape: [], strides: [] } : null);
    switch (KINDS[p[at]]) {
      case 'input': nodes.push({ kind: 'input', dtype, input: a, shape: [], strides: [] }); break;
      case 'const': nodes.push({ kind: 'const', dtype, value: a }); break;
      case 'unary': nodes.push({ kind: 'unary', dtype, op: UNARY_LIST[a], x: b, ...(c === c ? { alpha: c } : {}), ...(d === d ? { beta: d } : {}) }); break;
      case 'binary': nodes.push({ kind: 'binary', dtype, op: BINARY_LIST[a], a: b, b: c }); break;
      case 'where': nodes.push({ kind: 'where', dtype, cond: b, a: c, b: d }); break;
      case 'cast': nodes.push({ kind: 'cast', dtype, x: b }); break;
    }
  }
  return programFrom(nodes, plans);
}

/** Programs decoded on this thread, by id (a plan's few programs; cleared if a session makes many). */
const decoded = new Map<number, FusedProgram>();
function viewOf(V: Views, p: Params, code: number): TypedArray {
  return code === SRC_F32 ? V.f32 : code === SRC_I32 ? V.i32 : code === SRC_U8 ? V.u8 : (p as Float64Array);
}

// Registered here rather than listed in threadOps.ts (this file reads that one's tables);
// threadLoop.ts imports this file, so every pool thread has the op.
JS_OPS[OP_FUSED] = ((V, p, u0, u1) => {
  let prog = decoded.get(p[0]);
  if (!prog) {
    if (decoded.size >= 256) decoded.clear();
    prog = decode(p);
    decoded.set(p[0], prog);
  }
  const ins: TypedArray[] = [], inAt: number[] = [];
  for (let i = 0, at = HEAD + p[1] * NODE; i < p[2]; i++, at += 2) {
    ins.push(viewOf(V, p, p[at]));
    inAt.push(p[at + 1] | 0);
  }
  fusedBlocks(prog, ins, inAt, viewOf(V, p, p[3]), p[4] | 0, p[5] | 0, u0, u1);
}) satisfies JsOp;
