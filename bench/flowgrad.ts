/**
 * Flowgrad's side of the benchmark, written the way a user would: the public engine API only
 * (engine/index.ts), backend 'cpu', PyTorch layouts (NCHW, weights [out, in, kh, kw]).
 *
 * Convolution and pooling are looked up at run time (F.conv2d, F.maxPool2d, as DESIGN.md
 * names them), so that an engine without them (an older checkout, a branch that renames them)
 * still builds the bench: the entries that need them report "n/a" with the reason instead.
 * Every step ends with `await t.data()` on its output (the loss, for training steps).
 */
import { F, nn, noGrad, optim, scope, setBackend, tensor } from '../engine/index.ts';
import type { Tensor } from '../engine/index.ts';
import { CONV, LENET, MLP } from './harness.ts';
import type { EntrySpec, Implementation, Inputs, Setup, Workload } from './harness.ts';

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

/** A training workload: one step = zeroGrad, forward, loss, backward, optimizer step, read the loss. */
function trainer(model: nn.Module, x: Tensor, y: Tensor, notes: string): Workload {
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  return {
    notes,
    async step() {
      const loss = scope(() => {
        opt.zeroGrad();
        const l = F.crossEntropy(model.forward(x), y);
        l.backward();
        opt.step();
        return l;
      });
      await loss.data();
      loss.dispose();
    },
    dispose() {
      opt.zeroGrad();
      opt.dispose();
      for (const p of model.parameters()) p.dispose();
      x.dispose();
      y.dispose();
    },
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

export const flowgrad: Implementation = {
  name: 'flowgrad',
  async init() {
    setBackend('cpu');
    return "backend 'cpu'";
  },

  async setup(entry: EntrySpec, inputs: Inputs): Promise<Setup> {
    const conv2d = optionalF<Conv2d>('conv2d');
    switch (entry.id) {
      case 'matmul-256':
      case 'matmul-512':
      case 'matmul-1024': {
        const n = Number(entry.id.slice('matmul-'.length));
        const { a: ad, b: bd } = inputs.matmul(n);
        const a = f32(ad, [n, n]), b = f32(bd, [n, n]);
        let last: Tensor | null = null;
        return {
          async step() {
            const c = noGrad(() => a.matmul(b));
            await c.data();
            last?.dispose();
            last = c;
          },
          output: async () => (await last!.data()) as Float32Array,
          dispose() { last?.dispose(); a.dispose(); b.dispose(); },
        };
      }
      case 'conv2d': {
        if (!conv2d) return { unavailable: 'n/a: F.conv2d is not in the engine yet' };
        const { n, cin, cout, h, w, k, pad } = CONV;
        const { x: xd, w: wd } = inputs.conv();
        const x = f32(xd, [n, cin, h, w]), wt = f32(wd, [cout, cin, k, k]);
        let last: Tensor | null = null;
        return {
          async step() {
            const y = noGrad(() => conv2d(x, wt, null, { padding: pad }));
            await y.data();
            last?.dispose();
            last = y;
          },
          output: async () => (await last!.data()) as Float32Array,
          dispose() { last?.dispose(); x.dispose(); wt.dispose(); },
        };
      }
      case 'mlp-train': {
        const { x, y } = inputs.batch(MLP.batch, MLP.sizes[0], 10);
        return trainer(mlp(), f32(x, [MLP.batch, MLP.sizes[0]]), i32(y), 'Adam lr 1e-3');
      }
      case 'lenet-train': {
        const ops = convOps();
        if ('missing' in ops) return { unavailable: `n/a: ${ops.missing.join(' and ')} not in the engine yet` };
        const { x, y } = inputs.batch(LENET.batch, 28 * 28, 10);
        return trainer(new LeNet5(ops.conv2d, ops.maxPool2d), f32(x, [LENET.batch, 1, 28, 28]), i32(y), 'Adam lr 1e-3');
      }
    }
  },
};
