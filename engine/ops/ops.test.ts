// The op suite: the case table (cases.ts) run on every registered backend. Forward results are
// compared with the float64 reference; gradients with float64 finite differences (once, on
// the reference) and with the reference's analytic gradients (on every backend).
import { describe, expect, it } from 'vitest';
import { listBackends } from '../backend/registry.ts';
import { OP_CASES as CASES } from '../test/ops/cases.ts';
import { checkForward, checkGradBackend, checkGradNumeric } from '../test/ops/opcheck.ts';

describe('op table', () => {
  for (const be of listBackends()) {
    describe(`forward on ${be} vs reference float64`, () => {
      for (const c of CASES) it(c.name, async () => expect(await checkForward(c, be)).toBeNull());
    });
    describe(`gradients on ${be} vs reference float64`, () => {
      for (const c of CASES.filter((x) => x.grad !== false)) it(c.name, async () => expect(await checkGradBackend(c, be)).toBeNull());
    });
  }
  describe('gradients vs finite differences (reference, float64)', () => {
    for (const c of CASES.filter((x) => x.grad !== false)) it(c.name, () => expect(checkGradNumeric(c)).toBeNull());
  });
});
