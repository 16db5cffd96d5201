/**
 * A complete Flowgrad training run: a small MLP learns the two-moons-like "circles" problem
 * (points inside vs outside a ring). Run with `npx tsx engine/examples/mlp.ts`.
 * Shows the pieces a training loop needs: a Module, crossEntropy, an optimizer, one scope()
 * per step (so no tensor leaks), noGrad() evaluation and memory().
 */
import { F, Tensor, manualSeed, memory, nn, noGrad, optim, scope, tensor } from '../index.ts';
import { Rng } from '../core/rng.ts';

// Engine code is type-checked without DOM/Node typings, so reach console through globalThis.
const log = (globalThis as unknown as { console: { log(...a: unknown[]): void } }).console.log;

manualSeed(0);
const rng = new Rng(1);

// Data: 256 points in [-1, 1]²; class 1 when the radius is above 0.6.
const n = 256;
const xs: number[][] = [];
const ys: number[] = [];
for (let i = 0; i < n; i++) {
  const p = [rng.uniform(-1, 1), rng.uniform(-1, 1)];
  xs.push(p);
  ys.push(Math.hypot(p[0], p[1]) > 0.6 ? 1 : 0);
}
const x = tensor(xs); // float32 [256, 2]
const y = tensor(ys, { dtype: 'int32' }); // class indices [256]

class Mlp extends nn.Module {
  fc1 = new nn.Linear(2, 32);
  fc2 = new nn.Linear(32, 32);
  out = new nn.Linear(32, 2);
  override forward(v: Tensor): Tensor {
    return this.out.forward(this.fc2.forward(this.fc1.forward(v).relu()).relu());
  }
}

const model = new Mlp();
const opt = new optim.Adam(model.parameters(), { lr: 0.01 });

for (let step = 0; step <= 300; step++) {
  const loss = scope(() => {
    opt.zeroGrad();
    const l = F.crossEntropy(model.forward(x), y);
    l.backward();
    opt.step();
    return l.item(); // a plain number leaves the scope; every tensor is freed
  });
  if (step % 50 === 0) log(`step ${step}  loss ${loss.toFixed(4)}`);
}

const accuracy = noGrad(() =>
  scope(() => model.forward(x).argmax(1).eq(y).float().mean().item()),
);
log(`accuracy ${(accuracy * 100).toFixed(1)}%`, memory());
