/**
 * A user's training loop as people write it first: no dispose(), no scope(), one synchronous
 * for-loop (so no finalizer can run until it ends). Run in its own Node process (no
 * --expose-gc) by engine/core/nodispose.test.ts, which reads the JSON it prints: the peak of
 * the process's ArrayBuffer memory (where tensor storage lives) sampled through the run, and
 * the engine's own counts. Usage: tsx engine/test/noDisposeLoop.ts [steps] [hidden]
 */
import { F, manualSeed, memory, nn, optim, tensor } from '../index.ts';
import type { Tensor } from '../index.ts';

const steps = Number(process.argv[2] ?? 5000);
const hidden = Number(process.argv[3] ?? 128);
manualSeed(1);

class Mlp extends nn.Module {
  fc1 = new nn.Linear(16, hidden);
  fc2 = new nn.Linear(hidden, 4);
  override forward(v: Tensor): Tensor {
    return this.fc2.forward(this.fc1.forward(v).relu());
  }
}

const model = new Mlp();
const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
const xs = new Float32Array(32 * 16).map((_, i) => Math.sin(i));
const ys = Int32Array.from({ length: 32 }, (_, i) => i % 4);
let peakArrayBuffers = 0;
let lastLoss = NaN;
const t0 = performance.now();
for (let s = 1; s <= steps; s++) {
  const x = tensor(xs, { shape: [32, 16] });
  const y = tensor(ys, { dtype: 'int32' });
  opt.zeroGrad();
  const loss = F.crossEntropy(model.forward(x), y);
  loss.backward();
  opt.step();
  if (s % 25 === 0) peakArrayBuffers = Math.max(peakArrayBuffers, process.memoryUsage().arrayBuffers);
  if (s === steps) lastLoss = loss.item();
}
const seconds = (performance.now() - t0) / 1000;
const m = memory();
console.log(JSON.stringify({ steps, peakArrayBuffers, stepsPerSec: steps / seconds, lastLoss, engineLiveTensors: m.liveTensors, engineBytesInUse: m.bytesInUse }));
