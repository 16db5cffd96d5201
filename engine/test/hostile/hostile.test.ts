/**
 * Regression suite for the hostile inputs of issue #11 §3 (engine/test/hostile/cases.ts):
 * each ends in a FlowgradError with the expected code and message, and the peak resident
 * memory of the process grows by less than 256 MB while it runs (the limit the issue sets;
 * a peak can only be over-counted by a case, never hidden). The per-case time is measured,
 * in a fresh process, by scripts/hostile-measure.ts; here a hang fails by the test timeout.
 */
import { describe, expect, it } from 'vitest';
import { isFlowgradError } from '../../core/errors.ts';
import { analyzeRing, HOSTILE_CASES } from './cases.ts';

const MB = 2 ** 20;
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

describe('hostile files end in a FlowgradError, within the memory bound', () => {
  for (const c of HOSTILE_CASES) {
    it(`${c.id}: ${c.what}`, async () => {
      const input = c.make();
      const before = peakRss();
      let error: unknown = null;
      try {
        await c.run(input as never);
      } catch (e) {
        error = e;
      }
      const grown = peakRss() - before;
      expect(error, 'no error thrown').not.toBeNull();
      expect(isFlowgradError(error), `not a FlowgradError: ${String(error)}`).toBe(true);
      expect((error as { code: string }).code).toBe(c.code);
      expect((error as Error).message).toMatch(c.message);
      expect(grown / MB, 'peak memory growth (MB)').toBeLessThan(256);
    }, 20_000);
  }

  it('analyzeGraph on a 20,000-node loop: one short message per node, naming a few others', () => {
    const a = analyzeRing(20_000);
    const cycles = a.issues.filter((i) => i.code === 'cycle');
    expect(cycles).toHaveLength(20_000);
    expect(cycles[0]!.message).toMatch(/^Dense: is in a loop with 'd1', 'd2', 'd3', 'd4', 'd5' and 19,994 more;/);
    expect(Math.max(...cycles.map((i) => i.message.length))).toBeLessThan(200);
    expect(a.ok).toBe(false);
  }, 20_000);
});
