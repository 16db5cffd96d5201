// A training loop with no dispose() and no scope(), run in a fresh Node process without
// --expose-gc: its real memory stays bounded. Before, every tensor's buffer was held by the
// finalizer's bookkeeping, and finalizers never run inside a synchronous loop, so these 5,000
// MLP steps held 342 MB of ArrayBuffers (every step's x, y, activations and loss). Now the GC
// reclaims an unreachable tensor's host memory as it goes (memory.ts); the peak then follows
// V8's external-memory GC trigger (measured 53–77 MB here), hence the 128 MB bound.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const MB = 1024 * 1024;

describe('a training loop that never disposes', () => {
  it('5,000 Adam steps of an MLP keep tensor memory under 128 MB (no explicit GC)', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'engine/test/noDisposeLoop.ts', '5000', '256'], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' },
    });
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as { steps: number; peakArrayBuffers: number; lastLoss: number; engineLiveTensors: number };
    expect(r.steps).toBe(5000);
    expect(Number.isFinite(r.lastLoss)).toBe(true);
    // Kept, each step would add ~68 KB (x, y, two 32×256 activations, logits, loss): 342 MB.
    expect(r.peakArrayBuffers).toBeLessThan(128 * MB);
  });
});
