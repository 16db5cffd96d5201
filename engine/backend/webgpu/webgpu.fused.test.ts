// Fused elementwise programs (runFused) on WebGPU against the CPU backend's runFused: random
// programs over contiguous, scalar, broadcast and transposed input views with int32 / bool
// nodes; the node-by-node fallback; stable pipeline keys (shapes and constants are parameters);
// counters; and compile() on WebGPU fusing a training step with the same losses as eager.
import { describe, expect, it } from 'vitest';
import { F, compileModule, manualSeed, nn, optim, scope, setBackend, tensor } from '../../index.ts';
import type { Tensor } from '../../index.ts';
import type { DType } from '../../core/dtype.ts';
import { Rng } from '../../core/rng.ts';
import { stridesOf } from '../../core/shape.ts';
import { backend } from '../registry.ts';
import type { Backend, BackendBuffer, BinaryOp, FusedArgs, FusedNode, UnaryOp } from '../types.ts';
import { allclose } from '../../test/ops/opcheck.ts';
import { dawnBackend } from './dawn.ts';
import { fusedLaunch, runUnfused } from './fused.ts';

const gpu = await dawnBackend();
const suite = gpu ? describe : describe.skip;

const UNARY: UnaryOp[] = ['neg', 'exp', 'abs', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'gelu', 'square', 'sin', 'clamp', 'floor', 'silu', 'erf'];
// No 'div': x / sin(x) near a root is ill-conditioned, and WGSL's sin is looser than JS's.
const BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'maximum', 'minimum'];
const COMPARE: BinaryOp[] = ['gt', 'lt', 'eq', 'ge'];

interface Case { nodes: FusedNode[]; inputs: { dtype: DType; data: Float32Array | Int32Array }[]; outShape: number[] }

/** A random program over an output of `shape`: float math, comparisons, where, casts, int32 inputs. */
function randomCase(rng: Rng, shape: number[], length: number): Case {
  const size = shape.reduce((a, b) => a * b, 1);
  const nodes: FusedNode[] = [];
  const inputs: Case['inputs'] = [];
  const floatNodes: number[] = [];
  const view = (): { shape: number[]; strides: number[]; n: number } => {
    const kind = rng.int(4);
    if (kind === 0) return { shape, strides: stridesOf(shape), n: size }; // contiguous
    if (kind === 1) return { shape, strides: shape.map(() => 0), n: 1 }; // scalar
    if (kind === 2) { // broadcast along the first dim
      const inner = shape.slice(1);
      return { shape, strides: [0, ...stridesOf(inner)], n: inner.reduce((a, b) => a * b, 1) };
    }
    // transposed: the input is stored with the last two dims swapped
    const r = shape.length;
    const stored = [...shape.slice(0, r - 2), shape[r - 1], shape[r - 2]];
    const st = stridesOf(stored);
    return { shape, strides: [...st.slice(0, r - 2), st[r - 1], st[r - 2]], n: size };
  };
  const addInput = (dtype: DType): number => {
    const v = view();
    const data = dtype === 'float32' ? Float32Array.from({ length: v.n }, () => rng.uniform(-3, 3)) : Int32Array.from({ length: v.n }, () => rng.int(7) - 3);
    inputs.push({ dtype, data });
    return nodes.push({ kind: 'input', dtype, input: inputs.length - 1, shape: v.shape, strides: v.strides }) - 1;
  };
  floatNodes.push(addInput('float32'));
  for (let s = 0; s < length; s++) {
    const pick = () => floatNodes[rng.int(floatNodes.length)];
    const r = rng.int(10);
    let j: number;
    if (r < 3) j = nodes.push({ kind: 'unary', dtype: 'float32', op: UNARY[rng.int(UNARY.length)], x: pick(), alpha: -0.5 + rng.next(), beta: 0.5 + rng.next() }) - 1;
    else if (r < 5) j = nodes.push({ kind: 'binary', dtype: 'float32', op: BINARY[rng.int(BINARY.length)], a: pick(), b: pick() }) - 1;
    else if (r === 5) {
      const c = nodes.push({ kind: 'const', dtype: 'float32', value: rng.uniform(-2, 2) }) - 1;
      j = nodes.push({ kind: 'binary', dtype: 'float32', op: 'mul', a: pick(), b: c }) - 1;
    } else if (r === 6) j = addInput('float32');
    else if (r === 7) { // comparison → bool → where
      const cond = nodes.push({ kind: 'binary', dtype: 'bool', op: COMPARE[rng.int(COMPARE.length)], a: pick(), b: pick() }) - 1;
      j = nodes.push({ kind: 'where', dtype: 'float32', cond, a: pick(), b: pick() }) - 1;
    } else if (r === 8) { // int32 input, int math, cast back
      const i = addInput('int32');
      const k = nodes.push({ kind: 'const', dtype: 'int32', value: 2 }) - 1;
      const m = nodes.push({ kind: 'binary', dtype: 'int32', op: 'mul', a: i, b: k }) - 1;
      j = nodes.push({ kind: 'cast', dtype: 'float32', x: m }) - 1;
    } else { // bool cast of a float, back to float
      const b = nodes.push({ kind: 'cast', dtype: 'bool', x: pick() }) - 1;
      j = nodes.push({ kind: 'cast', dtype: 'float32', x: b }) - 1;
    }
    floatNodes.push(j);
  }
  // end on a float node that depends on the last one
  nodes.push({ kind: 'binary', dtype: 'float32', op: 'add', a: floatNodes.at(-1)!, b: floatNodes[rng.int(floatNodes.length)] });
  return { nodes, inputs, outShape: shape };
}

/** Runs a case with `run` on backend `be`; returns the output. */
async function runCase(be: Backend, c: Case, run: (be: Backend, a: FusedArgs) => void): Promise<ArrayLike<number>> {
  const bufs: BackendBuffer[] = c.inputs.map((i) => { const b = be.alloc(i.dtype, i.data.length); be.write(b, i.data); return b; });
  const out = be.alloc(c.nodes.at(-1)!.dtype, c.outShape.reduce((a, b) => a * b, 1));
  run(be, { nodes: c.nodes, inputs: bufs, out });
  const r = await be.read(out);
  for (const b of [...bufs, out]) be.free(b);
  return r;
}

const viaRunFused = (be: Backend, a: FusedArgs) => be.runFused!(a);

suite('webgpu runFused', () => {
  it('random programs agree with the CPU backend (60 programs, ranks 1–4)', async () => {
    const rng = new Rng(7);
    const shapes = [[37], [5, 9], [3, 4, 6], [2, 3, 5, 7], [130, 513]];
    for (let t = 0; t < 60; t++) {
      const c = randomCase(rng, shapes[t % shapes.length].length === 1 ? [37, 1] : shapes[t % shapes.length], 2 + rng.int(8));
      const want = await runCase(backend('cpu'), c, viaRunFused);
      const got = await runCase(gpu!, c, viaRunFused);
      // 1e-3: SwiftShader's sin/exp are looser than JS's and sums cancel; the fusion itself is checked exactly below.
      expect(allclose(got, want, 1e-3, 1e-3), `program ${t}: ${JSON.stringify(c.nodes)}`).toBeNull();
      // and like the same chain run unfused on the GPU (eager kernels, intermediates stored)
      const chain = await runCase(gpu!, c, (be, a) => runUnfused(a, be));
      expect(allclose(got, chain, 1e-6, 1e-6), `program ${t} vs its unfused chain`).toBeNull();
    }
    expect(gpu!.stats().firstError).toBeNull();
  });

  it('the node-by-node fallback agrees too', async () => {
    const rng = new Rng(8);
    for (let t = 0; t < 10; t++) {
      const c = randomCase(rng, [4, 6], 3 + rng.int(5));
      const want = await runCase(backend('cpu'), c, viaRunFused);
      const got = await runCase(gpu!, c, (be, a) => runUnfused(a, be));
      expect(allclose(got, want, 1e-4, 1e-4), `program ${t}`).toBeNull();
    }
    // fusedLaunch declines a program with more inputs than storage bindings.
    const c = randomCase(new Rng(9), [3, 3], 6);
    const bufs = c.inputs.map((i) => gpu!.alloc(i.dtype, i.data.length));
    const out = gpu!.alloc('float32', 9);
    expect(fusedLaunch({ nodes: c.nodes, inputs: bufs, out }, c.inputs.length)).toBeNull();
    for (const b of [...bufs, out]) gpu!.free(b);
  });

  it('pipeline keys name the structure, not shapes or constants; one dispatch per program', async () => {
    const prog = (value: number, shape: number[], op: UnaryOp): Case => {
      const size = shape.reduce((a, b) => a * b, 1);
      return {
        outShape: shape,
        inputs: [{ dtype: 'float32', data: Float32Array.from({ length: size }, (_, i) => i / size) }, { dtype: 'float32', data: Float32Array.of(0.5) }],
        nodes: [
          { kind: 'input', dtype: 'float32', input: 0, shape, strides: stridesOf(shape) },
          { kind: 'input', dtype: 'float32', input: 1, shape, strides: shape.map(() => 0) },
          { kind: 'const', dtype: 'float32', value },
          { kind: 'binary', dtype: 'float32', op: 'mul', a: 0, b: 2 },
          { kind: 'binary', dtype: 'float32', op: 'add', a: 3, b: 1 },
          { kind: 'unary', dtype: 'float32', op, x: 4 },
        ],
      };
    };
    const key = (c: Case) => {
      const bufs = c.inputs.map((i) => gpu!.alloc(i.dtype, i.data.length));
      const out = gpu!.alloc('float32', c.outShape.reduce((a, b) => a * b, 1));
      const k = fusedLaunch({ nodes: c.nodes, inputs: bufs, out }, 8)!.program.key;
      for (const b of [...bufs, out]) gpu!.free(b);
      return k;
    };
    expect(key(prog(2, [4, 5], 'exp'))).toBe(key(prog(-3, [7, 11], 'exp')));
    expect(key(prog(2, [4, 5], 'exp'))).not.toBe(key(prog(2, [4, 5], 'tanh')));
    expect(key(prog(2, [4, 5], 'exp'))).toMatchInlineSnapshot(`"fused:f:i0fc;i1fs;kf;bmulf(0,2);baddf(3,1);uexpf(4)"`);
    await runCase(gpu!, prog(1, [3, 3], 'relu'), viaRunFused);
    const s0 = gpu!.stats();
    for (const [v, shape] of [[2, [8, 8]], [-1, [3, 1000]], [0.25, [5]]] as const) {
      const c = prog(v, [...shape], 'relu');
      const got = await runCase(gpu!, c, viaRunFused);
      expect(allclose(got, await runCase(backend('cpu'), c, viaRunFused))).toBeNull();
    }
    const s1 = gpu!.stats();
    expect(s1.pipelinesCompiled).toBe(s0.pipelinesCompiled);
    expect(s1.fusedDispatches - s0.fusedDispatches).toBe(3);
  });

  it('compile() on webgpu fuses elementwise chains and trains like eager', async () => {
    setBackend('webgpu');
    try {
      const run = async (compiled: boolean): Promise<{ losses: number[]; fused: number }> => {
        manualSeed(4);
        const model = new nn.Sequential(new nn.Linear(6, 16), new nn.GELU(), new nn.Linear(16, 3));
        const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
        const step = compiled ? compileModule(model, (o, t) => F.crossEntropy(o, t)) : null;
        const x = tensor(Array.from({ length: 60 }, (_, i) => Math.sin(i)), { shape: [10, 6] });
        const y = tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], { dtype: 'int32' });
        const losses: number[] = [];
        for (let i = 0; i < 8; i++) {
          const loss = scope(() => {
            opt.zeroGrad();
            let l: Tensor;
            if (step) l = step(x, y);
            else { l = F.crossEntropy(model.forward(x), y); l.backward(); }
            opt.step();
            return l;
          });
          losses.push((await loss.data())[0]);
          loss.dispose();
        }
        const fused = step?.stats()?.fusedKernels ?? 0;
        step?.dispose();
        opt.dispose();
        model.dispose();
        x.dispose();
        y.dispose();
        return { losses, fused };
      };
      const eager = await run(false), comp = await run(true);
      expect(comp.fused).toBeGreaterThan(0);
      comp.losses.forEach((l, i) => expect(l).toBeCloseTo(eager.losses[i], 4));
      expect(gpu!.stats().firstError).toBeNull();
    } finally {
      setBackend('cpu');
    }
  });
});
