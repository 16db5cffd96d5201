/**
 * Copies of a model's weights kept on the device (clones, no readback), so the training loop
 * can fall back to the last good weights after a NaN/Inf loss, or restore the best epoch's,
 * on backends that only read asynchronously. Buffers (BatchNorm running statistics) are
 * included: they are part of what the model predicts with.
 */
import { noGrad } from '../autograd/mode.ts';
import { keep } from '../core/memory.ts';
import type { Tensor } from '../core/tensor.ts';
import type { Module } from '../nn/module.ts';

export class WeightSnapshot {
  private constructor(private readonly copies: Tensor[]) {}

  static of(model: Module): WeightSnapshot {
    return new WeightSnapshot(noGrad(() => targets(model).map((t) => keep(t.clone()))));
  }

  /** Writes the copies back into the model's parameters and buffers. */
  restore(model: Module): void {
    noGrad(() => targets(model).forEach((t, i) => t.assign(this.copies[i]!)));
  }

  dispose(): void {
    for (const c of this.copies) c.dispose();
    this.copies.length = 0;
  }
}

function targets(model: Module): Tensor[] {
  return [...model.parameters(), ...model.namedBuffers().map(([, b]) => b)];
}
