// The op contract, checked: OPS (ops/index.ts) lists every OpDef, and the op suite
// (engine/test/ops/*Cases, run on every backend by ops.test.ts, ops.nn.test.ts,
// ops.extra.test.ts and the WebGPU tests) must exercise each one forward, and through its
// gradient rule where it has one. Every backend's kernel table (types.ts KernelTable) has a
// row for every kernel name, or an explicit null for an optional kernel it leaves to the
// composed path. "How to add an op" in docs/ARCHITECTURE.md relies on these checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPS } from './index.ts';
import type { OpDef } from './op.ts';
import { LAYER_CASES, OP_CASES } from '../test/ops/cases.ts';
import { EXTRA_CASES } from '../test/ops/compositeCases.ts';
import { checkForward, checkGradBackend } from '../test/ops/opcheck.ts';
import { CPU_KERNELS } from '../backend/cpu/backend.ts';
import { REFERENCE_ALL_KERNELS } from '../backend/reference/backend.ts';
import { WEBGPU_KERNELS } from '../backend/webgpu/kernels.ts';
import type { AnyKernelName, OptionalKernelName } from '../backend/types.ts';

const CASES = [...OP_CASES, ...LAYER_CASES, ...EXTRA_CASES];

/**
 * Gradient rules the float32/float64 op suite cannot reach, each with where it is checked
 * instead. Keep this short: an op belongs here only when no case can express it.
 */
const GRADIENT_CHECKED_ELSEWHERE: Partial<Record<keyof typeof OPS, string>> = {
  // The suite has one float dtype per run, so a float → float cast is a clone there.
  cast: 'engine/amp/amp.test.ts (autocast float16 ↔ float32 forward and backward)',
};

/** Optional kernels a backend leaves to the ops' composed path (null rows), with the reason in its table. */
const NOT_SUPPORTED: Record<string, readonly OptionalKernelName[]> = {
  cpu: [],
  reference: [],
  webgpu: ['avgPool2d', 'avgPool2dGrad', 'crossEntropy', 'crossEntropyGrad', 'linear'],
};

describe('op contract: every OPS entry is exercised by the op suite', () => {
  const forward = new Set<string>();
  const gradient = new Set<string>();
  const restore: (() => void)[] = [];

  beforeAll(async () => {
    // Record which OpDefs the cases reach: apply() always calls shape(); backward calls grad().
    for (const op of Object.values(OPS) as OpDef<unknown>[]) {
      const { shape, grad } = op;
      const def = op as { shape: typeof shape; grad?: typeof grad };
      def.shape = (...a) => (forward.add(op.name), shape.apply(op, a));
      if (grad) def.grad = (...a) => (gradient.add(op.name), grad.apply(op, a));
      restore.push(() => Object.assign(def, { shape, grad }));
    }
    for (const c of CASES) {
      await checkForward(c, 'cpu');
      if (c.grad !== false) await checkGradBackend(c, 'cpu');
    }
  }, 120_000);
  afterAll(() => { for (const r of restore) r(); });

  it('the table lists every op once under its own name', () => {
    expect(Object.keys(OPS).length).toBeGreaterThanOrEqual(66);
    for (const [name, op] of Object.entries(OPS)) expect(op.name).toBe(name);
  });

  it('each op runs forward in some case', () => {
    expect(Object.keys(OPS).filter((n) => !forward.has(n))).toEqual([]);
  });

  it('each op with a gradient rule has it checked in some case', () => {
    const unchecked = Object.values(OPS).filter((op) => op.grad && !gradient.has(op.name)).map((op) => op.name);
    expect(unchecked.filter((n) => !GRADIENT_CHECKED_ELSEWHERE[n])).toEqual([]);
    // An exemption that the suite now covers is stale: drop it.
    expect(Object.keys(GRADIENT_CHECKED_ELSEWHERE).filter((n) => gradient.has(n))).toEqual([]);
  });
});

describe('kernel contract: every backend has a row for every kernel', () => {
  const tables: Record<string, Readonly<Record<AnyKernelName, unknown>>> = { cpu: CPU_KERNELS, reference: REFERENCE_ALL_KERNELS, webgpu: WEBGPU_KERNELS };
  const names = Object.keys(CPU_KERNELS).sort();

  for (const [backend, table] of Object.entries(tables)) {
    it(`${backend}: the same kernel names as every other backend, and only the listed ones unsupported`, () => {
      expect(Object.keys(table).sort()).toEqual(names);
      expect(names.filter((k) => table[k as AnyKernelName] === null)).toEqual([...NOT_SUPPORTED[backend]!].sort());
      for (const k of names) if (table[k as AnyKernelName] !== null) expect(typeof table[k as AnyKernelName], `${backend}.${k}`).toBe('function');
    });
  }
});
