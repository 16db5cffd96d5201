/**
 * Where Flowgrad's time goes, in Node (same V8 as Chromium, easier to profile). Runs one bench
 * entry's Flowgrad workload (bench/flowgrad.ts, public API, backend 'cpu') and prints
 *  - ms per step, and for the training entries ms per phase (forward + loss, backward,
 *    optimizer step) — the cpu backend computes synchronously, so wall-clock per phase is exact;
 *  - with --cpu-prof, a V8 profile that bench/profile-summary.mjs folds into self time per
 *    function (file:line), i.e. per kernel.
 *
 *   node --import tsx bench/profile.ts mlp-train [steps]
 *   node --cpu-prof --cpu-prof-dir=bench/results/profiles --import tsx bench/profile.ts lenet-train 30
 *   node bench/profile-summary.mjs bench/results/profiles/*.cpuprofile --steps=<printed count>
 */
import { F, optim, scope, setBackend, tensor } from '../engine/index.ts';
import type { nn } from '../engine/index.ts';
import type { Tensor } from '../engine/index.ts';
import { ENTRIES, Inputs, LENET, MLP } from './harness.ts';
import type { EntryId } from './harness.ts';
import { LeNet5, convOps, flowgrad, mlp } from './flowgrad.ts';

const id = (process.argv[2] ?? 'mlp-train') as EntryId;
const steps = Number(process.argv[3] ?? 20);
const spec = ENTRIES.find((e) => e.id === id);
if (!spec) throw new Error(`unknown entry '${id}' (one of ${ENTRIES.map((e) => e.id).join(', ')})`);

const now = (): number => performance.now();
const fmt = (ms: number): string => ms.toFixed(2).padStart(8);

await flowgrad.init();
const inputs = new Inputs();
const w = await flowgrad.setup(spec, inputs);
if ('unavailable' in w) throw new Error(w.unavailable);
for (let i = 0; i < 3; i++) await w.step();
const t0 = now();
for (let i = 0; i < steps; i++) await w.step();
const per = (now() - t0) / steps;
w.dispose();
console.log(`${spec.name}: ${per.toFixed(2)} ms per step over ${steps} steps${spec.flopsPerStep ? ` (${(spec.flopsPerStep / per / 1e6).toFixed(2)} GFLOP/s)` : ` (${(1000 / per).toFixed(2)} steps/s)`}`);

/** Phase split for the training entries: same model and data, forward / backward / step timed apart. */
async function phases(model: nn.Module, x: Tensor, y: Tensor): Promise<void> {
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const acc = { forward: 0, backward: 0, step: 0, read: 0 };
  for (let i = -3; i < steps; i++) {
    const t: number[] = [now()];
    const loss = scope(() => {
      opt.zeroGrad();
      const l = F.crossEntropy(model.forward(x), y);
      t.push(now());
      l.backward();
      t.push(now());
      opt.step();
      t.push(now());
      return l;
    });
    await loss.data();
    loss.dispose();
    t.push(now());
    if (i < 0) continue;
    acc.forward += t[1] - t[0];
    acc.backward += t[2] - t[1];
    acc.step += t[3] - t[2];
    acc.read += t[4] - t[3];
  }
  console.log(`per step (ms): forward+loss ${fmt(acc.forward / steps)}  backward ${fmt(acc.backward / steps)}  Adam step ${fmt(acc.step / steps)}  read+scope exit ${fmt(acc.read / steps)}`);
  opt.dispose();
}

setBackend('cpu');
if (id === 'mlp-train') {
  const { x, y } = inputs.batch(MLP.batch, MLP.sizes[0], 10);
  await phases(mlp(), tensor(x, { shape: [MLP.batch, MLP.sizes[0]] }), tensor(y, { shape: [MLP.batch], dtype: 'int32' }));
} else if (id === 'lenet-train') {
  const ops = convOps();
  if ('missing' in ops) throw new Error(`${ops.missing.join(' and ')} not in the engine yet`);
  const { x, y } = inputs.batch(LENET.batch, 28 * 28, 10);
  await phases(new LeNet5(ops.conv2d, ops.maxPool2d), tensor(x, { shape: [LENET.batch, 1, 28, 28] }), tensor(y, { shape: [LENET.batch], dtype: 'int32' }));
}

// Warm-up and timed steps of the workload, plus warm-up and timed steps of the phase split.
const profiled = 3 + steps + (id === 'mlp-train' || id === 'lenet-train' ? 3 + steps : 0);
console.log(`(a --cpu-prof profile of this run covers ${profiled} steps: pass --steps=${profiled} to bench/profile-summary.mjs)`);
