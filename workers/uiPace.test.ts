import { describe, expect, it } from 'vitest';
import { FROZEN_MS, GIVE_MS, STALE_MS, clockMs, uiPace } from './uiPace.ts';

describe('uiPace', () => {
  it('steps aside only while the heartbeat is stale, not frozen, and the page is there', () => {
    const now = 5_000_000;
    expect(uiPace(0, now)).toBe(0); // hidden page, or no page
    expect(uiPace(now - 3, now)).toBe(0);
    expect(uiPace(now - STALE_MS, now)).toBe(0);
    expect(uiPace(now - STALE_MS - 1, now)).toBe(GIVE_MS);
    expect(uiPace(now - FROZEN_MS + 1, now)).toBe(GIVE_MS);
    expect(uiPace(now - FROZEN_MS, now)).toBe(0); // a page that stopped beating does not stall training
  });

  it('reads ages across the clock wrap', () => {
    expect(uiPace(2 ** 30 - 10, 20)).toBe(GIVE_MS); // 30 ms old
    expect(uiPace(2 ** 30 - 5, 3)).toBe(0); // 8 ms old
  });

  it('the clock is never 0 (0 means no page)', () => {
    expect(clockMs()).toBeGreaterThan(0);
    expect(clockMs()).toBeLessThan(2 ** 30);
  });
});
