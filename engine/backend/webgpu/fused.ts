/**
 * Fused elementwise kernels (Backend.runFused): one WGSL shader per FusedNode program, the
 * whole expression evaluated per output element in registers — a compiled plan's chain of
 * unary / binary / where / cast kernels costs one dispatch and one pass over memory instead of
 * one per op. Every node is converted to its own dtype's storage form after it is computed
 * (bool as 0/1), with the same expression table (elementwise.ts) as the eager kernels, so a
 * fused chain rounds exactly like the unfused one.
 *
 * Caching: the pipeline key is the program's structure — per node its kind, op, dtype and
 * operands; per input its read mode and merged rank — never shapes or constant values.
 * Inputs read as the output's own index space are contiguous ('c'), broadcast scalars ('s'),
 * anything else ('g') goes through its own merged (shape, strides) in the parameters.
 * Constants and unary alpha/beta are parameter words too. A program whose parameters do not
 * fit the 64-word block bakes its constants into the source instead (the key then names
 * their bits); one that needs more storage bindings than the device has, or more strided
 * words than fit, runs node by node on the eager kernels (dense temporaries, views copied).
 */
import { stridesOf } from '../../core/shape.ts';
import { FlowgradError } from '../../core/errors.ts';
import type { BackendBuffer, FusedArgs, FusedNode, KernelArgs, KernelName } from '../types.ts';
import { BINARY_EXPR, MATH, UNARY_EXPR, evalExpr } from './elementwise.ts';
import { PARAM_WORDS, PRELUDE, Params, bindings, checkRank, collapse, convert, kindOf, main1d, stridedOffsets, tag } from './program.ts';
import type { Launch, Program } from './program.ts';

type Mode = 'c' | 's' | 'g';

interface InputRead { mode: Mode; shape: number[]; strides: number[] }

/** How an input node is read: contiguous, scalar, or through merged (shape, strides). */
export function inputRead(n: FusedNode & { kind: 'input' }): InputRead {
  const c = collapse(n.shape, [n.strides]);
  const st = c.strides[0];
  if (c.shape.length === 0 || st.every((s) => s === 0)) return { mode: st.length === 0 ? 'c' : 's', shape: [], strides: [] };
  const dense = stridesOf(c.shape);
  if (st.every((s, i) => s === dense[i])) return { mode: 'c', shape: [], strides: [] };
  checkRank('fused', c.shape.length);
  return { mode: 'g', shape: c.shape, strides: st };
}

/** The node's value as a WGSL literal of its storage type (used when constants are baked). */
function literal(n: FusedNode & { kind: 'const' }): string {
  if (kindOf(n.dtype) === 'i32') return `i32(${n.dtype === 'bool' ? (n.value !== 0 ? 1 : 0) : n.value | 0})`;
  const f = Math.fround(n.value);
  if (Number.isNaN(f)) return 'nan_()';
  if (!Number.isFinite(f)) return f > 0 ? 'inf_()' : '-inf_()';
  return `bitcast<f32>(${new Uint32Array(Float32Array.of(f).buffer)[0]}u)`;
}

interface Plan {
  program: Program;
  params: Params;
  bufs: BackendBuffer[];
}

/**
 * The fused launch for `a`, or null when it cannot be one shader (too many inputs for the
 * device's storage bindings, or too many parameter words).
 */
export function fusedLaunch(a: FusedArgs, maxStorage: number): Launch | null {
  if (a.inputs.length + 1 > maxStorage) return null;
  const reads = a.nodes.map((n) => (n.kind === 'input' ? inputRead(n) : null));
  const gWords = reads.reduce((w, r) => w + (r && r.mode === 'g' ? 2 * r.shape.length : 0), 0);
  const scalars = a.nodes.reduce((w, n) => w + (n.kind === 'const' ? 1 : n.kind === 'unary' ? 2 : 0), 0);
  const bake = 1 + gWords + scalars > PARAM_WORDS;
  if (1 + gWords + (bake ? 2 * a.nodes.filter((n) => n.kind === 'unary').length : scalars) > PARAM_WORDS) return null;
  const p = build(a, reads, bake);
  return { program: p.program, bufs: p.bufs, params: p.params, threads: a.out.size };
}

function build(a: FusedArgs, reads: (InputRead | null)[], bake: boolean): Plan {
  const params = new Params().u(a.out.size);
  const keyParts: string[] = [];
  const body: string[] = [];
  const offsetLines: string[] = [];
  const vk = (j: number) => kindOf(a.nodes[j].dtype);
  a.nodes.forEach((n, j) => {
    const v = `v${j}`;
    switch (n.kind) {
      case 'input': {
        const r = reads[j]!;
        keyParts.push(`i${n.input}${tag(n.dtype)}${r.mode}${r.mode === 'g' ? r.shape.length : ''}`);
        if (r.mode === 'g') {
          const at = params.n;
          params.u(...r.shape).s(...r.strides);
          // stridedOffsets reads shape at `at`, strides at `at + rank`.
          offsetLines.push(`{\n${stridedOffsets(r.shape.length, 1, at, [`o${j}_`]).replace(/^/gm, '  ')}\n  o${j} = o${j}_;\n  }`);
          body.push(`let ${v} = in${n.input}[o${j}];`);
        } else body.push(`let ${v} = in${n.input}[${r.mode === 'c' ? 'gid' : '0u'}];`);
        break;
      }
      case 'const': {
        if (bake) {
          keyParts.push(`k${tag(n.dtype)}=${literal(n)}`);
          body.push(`let ${v} = ${literal(n)};`);
        } else {
          keyParts.push(`k${tag(n.dtype)}`);
          const w = params.n;
          if (kindOf(n.dtype) === 'f32') params.fl(n.value);
          else params.s(n.dtype === 'bool' ? (n.value !== 0 ? 1 : 0) : n.value);
          body.push(`let ${v} = ${kindOf(n.dtype) === 'f32' ? `pf(${w}u)` : `pi(${w}u)`};`);
        }
        break;
      }
      case 'unary': {
        keyParts.push(`u${n.op}${tag(n.dtype)}(${n.x})`);
        const ev = evalExpr(UNARY_EXPR[n.op], a.nodes[n.x].dtype);
        const w = params.n;
        params.fl(n.alpha ?? 0, n.beta ?? 0);
        body.push(`var ${v}: ${vk(j)};\n  { let x = ${ev.asFloat ? `f32(v${n.x})` : `v${n.x}`}; let al = pf(${w}u); let be = pf(${w + 1}u); ${v} = ${convert(ev.expr, ev.kind, n.dtype)}; }`);
        break;
      }
      case 'binary': {
        keyParts.push(`b${n.op}${tag(n.dtype)}(${n.a},${n.b})`);
        const ev = evalExpr(BINARY_EXPR[n.op], a.nodes[n.a].dtype);
        const cv = (k: number) => (ev.asFloat ? `f32(v${k})` : `v${k}`);
        body.push(`var ${v}: ${vk(j)};\n  { let a = ${cv(n.a)}; let b = ${cv(n.b)}; ${v} = ${convert(ev.expr, ev.kind, n.dtype)}; }`);
        break;
      }
      case 'where': {
        keyParts.push(`w${tag(n.dtype)}(${n.cond},${n.a},${n.b})`);
        const zero = vk(n.cond) === 'f32' ? '0.0' : '0';
        body.push(`let ${v} = select(v${n.b}, v${n.a}, v${n.cond} != ${zero});`);
        break;
      }
      case 'cast': {
        keyParts.push(`c${tag(n.dtype)}(${n.x})`);
        const from = a.nodes[n.x].dtype;
        body.push(`let ${v} = ${from === n.dtype ? `v${n.x}` : convert(`v${n.x}`, kindOf(from), n.dtype)};`);
        break;
      }
      default: n satisfies never;
    }
  });
  const last = a.nodes.length - 1;
  const names = a.inputs.map((_, k) => `in${k}`);
  const types = a.inputs.map((b) => kindOf(b.dtype));
  const access = a.inputs.map(() => 'r').join('') + 'w';
  const gDecl = a.nodes.map((_, j) => (reads[j]?.mode === 'g' ? `  var o${j} = 0;` : '')).filter(Boolean).join('\n');
  const program: Program = {
    key: `fused:${tag(a.out.dtype)}:${keyParts.join(';')}`,
    access,
    source: () => PRELUDE + MATH + bindings(access, [...names, 'out'], [...types, kindOf(a.out.dtype)]) +
      main1d(`  if (gid >= pu(0u)) { return; }\n${gDecl}\n  ${offsetLines.join('\n  ')}\n  ${body.join('\n  ')}\n  out[gid] = v${last};`),
  };
  return { program, params, bufs: [...a.inputs, a.out] };
}

/** A sink for eager kernels and temporaries: what the unfused fallback needs from the backend. */
export interface KernelSink {
  alloc(dtype: FusedNode['dtype'], size: number): BackendBuffer;
  free(b: BackendBuffer): void;
  run<K extends KernelName>(kernel: K, args: KernelArgs[K]): void;
}

/** Runs the program node by node on eager kernels over dense temporaries (rare: huge programs). */
export function runUnfused(a: FusedArgs, be: KernelSink): void {
  const size = a.out.size;
  const shape = [size];
  const vals: BackendBuffer[] = [];
  const temps: BackendBuffer[] = [];
  try {
    a.nodes.forEach((n, j) => {
      const out = j === a.nodes.length - 1 ? a.out : be.alloc(n.dtype, size);
      if (out !== a.out) temps.push(out);
      vals.push(out);
      switch (n.kind) {
        case 'input': {
          const src = a.inputs[n.input];
          be.run('copy', { x: src, out, shape: n.shape, srcStrides: n.strides, srcOffset: 0, dstStrides: stridesOf(n.shape), dstOffset: 0 });
          break;
        }
        case 'const': be.run('fill', { out, value: n.value }); break;
        case 'unary': be.run('unary', { op: n.op, x: vals[n.x], out, alpha: n.alpha, beta: n.beta }); break;
        case 'binary': be.run('binary', { op: n.op, a: vals[n.a], b: vals[n.b], out, aShape: shape, bShape: shape, outShape: shape }); break;
        case 'where': be.run('where', { cond: vals[n.cond], a: vals[n.a], b: vals[n.b], out, condShape: shape, aShape: shape, bShape: shape, outShape: shape }); break;
        case 'cast': be.run('cast', { x: vals[n.x], out }); break;
        default: n satisfies never;
      }
    });
  } finally {
    for (const t of temps) be.free(t);
  }
  if (vals.length === 0) throw new FlowgradError('internal', 'webgpu runFused: empty program');
}
