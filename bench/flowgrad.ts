/**
 * Flowgrad's side of the benchmark, written the way a user would: the public engine API only
 * (engine/index.ts), PyTorch layouts (NCHW, weights [out, in, kh, kw]). Two implementations:
 * `flowgrad` on backend 'cpu' and `flowgrad-webgpu` on backend 'webgpu' (chooseBackend
 * creates it from navigator.gpu — the adapter TF.js webgpu gets too). On WebGPU the training
 * steps run through compileModule (a static plan: fused elementwise kernels, no graph built
 * per step), which is how a user trains fast on a GPU; see docs/webgpu.md.
 *
 * Convolution and pooling are looked up at run time (F.conv2d, F.maxPool2d, as DESIGN.md
 * names them), so that an engine without them (an older checkout, a branch that renames them)
 * still builds the bench: the entries that need them report "n/a" with the reason instead.
 * Every step ends with `await t.data()` on its output (the loss, for training steps).
 */
import { F, amp, chooseBackend, compileModule, nn, noGrad, optim, scope, setBackend, setThreadHost, setThreads, tensor } from '../engine/index.ts';
import * as Comlink from 'comlink';
import { browserThreadHost } from '../workers/host/cpuThreads.ts';
import type { FlowgradWorkerApi } from './flowgradWorker.ts';
import type { PoolTimes } from '../engine/backend/cpu/pool.ts';
import type { Tensor } from '../engine/index.ts';
import { CONV, LENET, MLP } from './harness.ts';
import type { EntrySpec, Implementation, Inputs, Setup, Workload } from './harness.ts';

/** The bench's Flowgrad backends. */
export type FlowgradBackend = 'cpu' | 'webgpu';

interface ConvOptions { stride?: number; padding?: number }
type Conv2d = (x: Tensor, w: Tensor, b?: Tensor | null, opts?: ConvOptions) => Tensor;
type MaxPool2d = (x: Tensor, opts: { kernelSize: number; stride?: number }) => Tensor;

/** An F.* function that may not exist yet (looked up by a computed key, so bundlers keep it optional). */
function optionalF<T>(name: string): T | undefined {
  const ns: Record<string, unknown> = F;
  const f = ns[name];
  return typeof f === 'function' ? (f as T) : undefined;
}

const f32 = (data: Float32Array, shape: number[]): Tensor => tensor(data, { shape, dtype: 'float32' });
const i32 = (data: Int32Array): Tensor => tensor(data, { shape: [data.length], dtype: 'int32' });

/** A parameter of `shape` drawn from U(±1/√fanIn), as PyTorch initialises conv and linear layers. */
function param(shape: number[], fanIn: number): nn.Parameter {
  const b = 1 / Math.sqrt(fanIn);
  const size = shape.reduce((a, c) => a * c, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (Math.random() * 2 - 1) * b;
  const t = f32(values, shape);
  const p = new nn.Parameter(t);
  t.dispose();
  return p;
}

/** The bench's MLP: 784-256-256-10 with ReLU. */
export function mlp(): nn.Module {
  const [i, h1, h2, o] = MLP.sizes;
  return new nn.Sequential(new nn.Linear(i, h1), new nn.ReLU(), new nn.Linear(h1, h2), new nn.ReLU(), new nn.Linear(h2, o));
}

/** F.conv2d and F.maxPool2d, or the names of those missing. */
export function convOps(): { conv2d: Conv2d; maxPool2d: MaxPool2d } | { missing: string[] } {
  const conv2d = optionalF<Conv2d>('conv2d');
  const maxPool2d = optionalF<MaxPool2d>('maxPool2d');
  if (conv2d && maxPool2d) return { conv2d, maxPool2d };
  return { missing: [!conv2d && 'F.conv2d', !maxPool2d && 'F.maxPool2d'].filter((s): s is string => Boolean(s)) };
}

/**
 * A training workload: one step = zeroGrad, forward, loss, backward, optimizer step; a timed
 * call runs `inner` steps and reads the last loss. `compiled`: forward + loss + backward run
 * as one compiled plan (compileModule) instead of eager ops.
 */
function trainer(model: nn.Module, x: Tensor, y: Tensor, inner: number, compiled: boolean, mixed = false): Workload {
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  // Mixed precision: float16 autocast, the loss scaled inside the plan (the scale tensor is
  // captured by buffer, so scaler.update() reaches the plan), unscale/skip in the step.
  const scaler = mixed ? new amp.GradScaler() : null;
  const loss = (out: Tensor, t: Tensor) => (scaler ? scaler.scale(F.crossEntropy(out, t)) : F.crossEntropy(out, t));
  const plan = compiled ? compileModule(model, loss) : null;
  const one = (): Tensor => scope(() => {
    opt.zeroGrad();
    let l: Tensor;
    if (plan) l = amp.autocast(() => plan(x, y), { enabled: mixed });
    else {
      l = amp.autocast(() => loss(model.forward(x), y), { enabled: mixed });
      l.backward();
    }
    if (scaler) {
      scaler.step(opt);
      scaler.update();
    } else opt.step();
    return l;
  });
  return {
    notes: `Adam lr 1e-3${compiled ? ', compileModule' : ''}${mixed ? ', mixed precision (float16)' : ''}${inner > 1 ? `, loss read every ${inner} steps` : ''}`,
    async step() {
      for (let i = 1; i < inner; i++) one().dispose();
      const loss = one();
      await loss.data();
      loss.dispose();
    },
    dispose() {
      opt.zeroGrad();
      opt.dispose();
      scaler?.dispose();
      plan?.dispose();
      for (const p of model.parameters()) p.dispose();
      x.dispose();
      y.dispose();
    },
  };
}

/** `inner` results of `f` per timed call, the last one read (and kept for the output check). */
function repeated(f: () => Tensor, inner: number, free: () => void): Workload {
  let last: Tensor | null = null;
  return {
    async step() {
      for (let i = 1; i < inner; i++) f().dispose();
      const c = f();
      await c.data();
      last?.dispose();
      last = c;
    },
    output: async () => (await last!.data()) as Float32Array,
    dispose() { last?.dispose(); free(); },
  };
}

export class LeNet5 extends nn.Module {
  c1w = param([6, 1, 5, 5], 25);
  c1b = param([6], 25);
  c2w = param([16, 6, 5, 5], 150);
  c2b = param([16], 150);
  fc1 = new nn.Linear(400, 120);
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);
  constructor(private readonly conv2d: Conv2d, private readonly maxPool2d: MaxPool2d) {
    super();
  }
  override forward(x: Tensor): Tensor {
    let h = this.maxPool2d(this.conv2d(x, this.c1w, this.c1b, { padding: 2 }).relu(), { kernelSize: 2 });
    h = this.maxPool2d(this.conv2d(h, this.c2w, this.c2b).relu(), { kernelSize: 2 });
    h = this.fc1.forward(h.flatten(1)).relu();
    h = this.fc2.forward(h).relu();
    return this.fc3.forward(h);
  }
}

/**
 * Flowgrad on `backend`; training steps compiled when `compiled` (default: on WebGPU). On the
 * cpu backend `threads` picks the kernel thread count (the cpu section: 1; the threads
 * section: 1 and 2), set again before every round since the implementations alternate.
 */
export function flowgradImpl(backend: FlowgradBackend, compiled = backend === 'webgpu', mixed = false, threads?: 1 | 2 | 4 | 8): Implementation {
  const activate = async (): Promise<void> => {
    setBackend(backend);
    if (backend === 'cpu') await setThreads(threads ?? 1);
  };
  return {
    name: backend === 'cpu' ? (threads ? `flowgrad-${threads}t` : 'flowgrad') : 'flowgrad-webgpu',
    async init() {
      if (backend === 'cpu') {
        setBackend('cpu');
        setThreadHost(browserThreadHost);
        const got = await setThreads(threads ?? 1);
        return `backend 'cpu', ${got} thread${got === 1 ? '' : 's'}${threads && got !== threads ? ` (asked ${threads}: no shared memory here)` : ''}`;
      }
      const choice = await chooseBackend('webgpu');
      const a = choice.adapter;
      setBackend('cpu');
      return `backend 'webgpu' on ${a ? `${a.vendor} ${a.architecture || a.description}${a.isFallbackAdapter ? ' (fallback adapter)' : ''}` : 'an unknown adapter'}`;
    },

    async setup(entry: EntrySpec, inputs: Inputs): Promise<Setup> {
      await activate();
      const s = build(entry, inputs, compiled || entry.compiled === true, mixed);
      return 'unavailable' in s ? s : { ...s, activate };
    },
  };
}

/**
 * Flowgrad on the cpu backend at `threads` kernel threads in a dedicated worker of its own
 * (flowgradWorker.ts), where the IDE runs it; a timed call (`inner` steps) is one round trip to the worker.
 */
export function flowgradWorkerImpl(threads: 1 | 2 | 4 | 8, poolTimes = false): Implementation {
  // Started by init(), so a run without the threads section starts no worker.
  let w: Comlink.Remote<FlowgradWorkerApi>;
  return {
    name: `flowgrad-${threads}t`,
    init() {
      w = Comlink.wrap<FlowgradWorkerApi>(new Worker(new URL('./flowgradWorker.ts', import.meta.url), { type: 'module' }));
      return w.init(threads, poolTimes);
    },
    async setup(entry: EntrySpec): Promise<Setup> {
      const s = await w.setup(entry.id);
      if (s.unavailable !== undefined) return { unavailable: s.unavailable };
      return {
        notes: s.notes,
        step: () => w.step(),
        activate: () => w.activate(),
        output: async () => (await w.output())!,
        // With even threads each would run 1/threads of the chunks; a pool thread the OS runs late takes fewer.
        async afterNote() {
          const s = await w.poolShare();
          const share = s.chunks > 0 ? `pool threads ran ${((100 * s.helped) / s.chunks).toFixed(0)}% of ${s.chunks} chunks` : undefined;
          const t = await w.poolTimes();
          return t && t.pool.jobs > 0 ? `${share}; ${splitNote(t, entry.inner ?? 1, threads)}` : share;
        },
        ceiling: () => w.ceiling(),
        dispose: () => void w.dispose(),
      };
    },
  };
}

/**
 * Where a step's time went on each thread (--pool-times), per step over the warm-up and the
 * timed rounds: the calling thread's chunks, writing and publishing jobs, waiting at joins and
 * the rest (serial JavaScript, kernels too small to split); the pool threads' chunks.
 */
function splitNote(t: { pool: PoolTimes; calls: number; ms: number }, inner: number, threads: number): string {
  const steps = t.calls * inner, ms = (v: number) => (v / steps).toFixed(3);
  const p = t.pool, rest = t.ms - p.callerMs - p.recordMs - p.joinMs;
  return `ms a step: ${t.ms / steps >= 10 ? (t.ms / steps).toFixed(1) : ms(t.ms)}, of which the calling thread's chunks ${ms(p.callerMs)}, writing and publishing ${p.jobs / steps >= 1 ? (p.jobs / steps).toFixed(1) : (p.jobs / steps).toFixed(2)} jobs ${ms(p.recordMs)}, waiting at joins ${ms(p.joinMs)}, the rest ${ms(rest)}; the ${threads - 1} pool thread${threads > 2 ? 's\'' : '\'s'} chunks ${ms(p.helperMs)}, woken from sleep ${(p.helperWakes / steps).toFixed(2)} times`;
}

function build(entry: EntrySpec, inputs: Inputs, compiled: boolean, mixed: boolean): Setup {
  const conv2d = optionalF<Conv2d>('conv2d');
  const inner = entry.inner ?? 1;
  switch (entry.workload) {
    case 'matmul': {
      const n = entry.n!;
      const { a: ad, b: bd } = inputs.matmul(n);
      const a = f32(ad, [n, n]), b = f32(bd, [n, n]);
      return repeated(() => noGrad(() => a.matmul(b)), inner, () => { a.dispose(); b.dispose(); });
    }
    case 'conv2d': {
      if (!conv2d) return { unavailable: 'n/a: F.conv2d is not in the engine yet' };
      const { n, cin, cout, h, w, k, pad } = CONV;
      const { x: xd, w: wd } = inputs.conv();
      const x = f32(xd, [n, cin, h, w]), wt = f32(wd, [cout, cin, k, k]);
      return repeated(() => noGrad(() => conv2d(x, wt, null, { padding: pad })), inner, () => { x.dispose(); wt.dispose(); });
    }
    case 'mlp-train': {
      const { x, y } = inputs.batch(MLP.batch, MLP.sizes[0], 10);
      return trainer(mlp(), f32(x, [MLP.batch, MLP.sizes[0]]), i32(y), inner, compiled, mixed);
    }
    case 'lenet-train': {
      const ops = convOps();
      if ('missing' in ops) return { unavailable: `n/a: ${ops.missing.join(' and ')} not in the engine yet` };
      const { x, y } = inputs.batch(LENET.batch, 28 * 28, 10);
      return trainer(new LeNet5(ops.conv2d, ops.maxPool2d), f32(x, [LENET.batch, 1, 28, 28]), i32(y), inner, compiled, mixed);
    }
  }
}

/** Flowgrad on the cpu backend (eager), as the CPU section has always measured it. */
export const flowgrad: Implementation = flowgradImpl('cpu');
