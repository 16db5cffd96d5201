// Composite ops (activations, math, manipulation, extra layers and losses) through the op
// harness on every backend, and the op count: every op with at least one gradient-checked
// case in the suite's tables (the issue asks for at least 80).
import { describe, expect, it } from 'vitest';
import { listBackends } from '../backend/registry.ts';
import { LAYER_CASES, OP_CASES } from '../test/ops/cases.ts';
import { EXTRA_CASES as CASES } from '../test/ops/compositeCases.ts';
import { checkForward, checkGradBackend, checkGradNumeric, opOf } from '../test/ops/opcheck.ts';

describe('composite ops', () => {
  for (const be of listBackends()) {
    describe(`on ${be}`, () => {
      for (const c of CASES) {
        it(`${c.name} forward`, async () => expect(await checkForward(c, be)).toBeNull());
        if (c.grad !== false) it(`${c.name} gradient`, async () => expect(await checkGradBackend(c, be)).toBeNull());
      }
    });
  }
  describe('gradients vs finite differences', () => {
    for (const c of CASES.filter((x) => x.grad !== false)) it(c.name, () => expect(checkGradNumeric(c)).toBeNull());
  });
});

describe('op count', () => {
  it('has at least 80 distinct ops with gradient checks', () => {
    const all = [...OP_CASES, ...LAYER_CASES, ...CASES];
    const withGrad = new Set(all.filter((c) => c.grad !== false && c.inputs.some((i) => (i.dtype ?? 'float') === 'float' && i.grad !== false)).map(opOf));
    const listed = [...withGrad].sort();
    console.info(`ops with gradient checks: ${listed.length}\n${listed.join(' ')}`);
    expect(listed.length).toBeGreaterThanOrEqual(80);
  });
});
