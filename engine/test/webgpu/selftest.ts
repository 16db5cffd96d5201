/**
 * A WebGPU self-test anyone can run where the engine runs — a browser page, a worker, Node —
 * without a test runner: the op suite's cases (engine/test/ops/cases.ts) on the 'webgpu' backend,
 * each checked against the float64 reference (forward and gradients, with the cases'
 * tolerances) and its forward output also against the CPU backend. The browser end-to-end
 * test runs it in a dedicated worker on Chromium's adapter; the app can use it to vouch for
 * a user's GPU before training on it.
 */
import { allclose, checkForward, checkGradBackend, makeInputs } from '../ops/opcheck.ts';
import type { OpCase } from '../ops/opcheck.ts';
import { LAYER_CASES, OP_CASES } from '../ops/cases.ts';
import { scope } from '../../core/memory.ts';
import { getBackend, setBackend } from '../../backend/registry.ts';
import type { AdapterDescription } from '../../backend/webgpu/backend.ts';
import { chooseBackend } from '../../backend/webgpu/device.ts';

export interface SelfTestCase {
  name: string;
  /** null when WebGPU agrees with the float64 reference, else the first mismatch. */
  forward: string | null;
  gradient: string | null;
  /** WebGPU forward output vs the CPU backend's. */
  cpu: string | null;
}

export interface SelfTestReport {
  adapter: AdapterDescription | null;
  cases: SelfTestCase[];
  failed: number;
  ms: number;
}

async function versusCpu(c: OpCase): Promise<string | null> {
  const [g, cpu] = scope(() => [c.fn(...makeInputs(c, 'webgpu', 'float32')), c.fn(...makeInputs(c, 'cpu', 'float32'))]);
  try {
    return allclose(await g.data(), await cpu.data(), c.atol ?? 1e-4, c.rtol ?? 1e-4);
  } finally {
    g.dispose();
    cpu.dispose();
  }
}

/** Runs the op suite (optionally only cases whose name matches `filter`) on WebGPU. */
export async function runWebGPUSelfTest(opts: { gpu?: GPU | null; filter?: RegExp; layers?: boolean } = {}): Promise<SelfTestReport> {
  const t0 = Date.now();
  const before = getBackend();
  const choice = await chooseBackend('webgpu', { gpu: opts.gpu });
  setBackend(before);
  const all = opts.layers === false ? OP_CASES : [...OP_CASES, ...LAYER_CASES];
  const cases: SelfTestCase[] = [];
  for (const c of all) {
    if (opts.filter && !opts.filter.test(c.name)) continue;
    cases.push({
      name: c.name,
      forward: await checkForward(c, 'webgpu'),
      gradient: c.grad === false ? null : await checkGradBackend(c, 'webgpu'),
      cpu: await versusCpu(c),
    });
  }
  const failed = cases.filter((r) => r.forward || r.gradient || r.cpu).length;
  return { adapter: choice.adapter, cases, failed, ms: Date.now() - t0 };
}
