import { describe, expect, it, vi } from 'vitest';
import { EventBatcher, lastKeeps, thinned } from './batcher.ts';

describe('EventBatcher', () => {
  it('sends at most one message per interval, carrying every event', () => {
    vi.useFakeTimers();
    const sent: number[][] = [];
    const b = new EventBatcher<number>((e) => sent.push(e), 50);
    b.push(1); // first push goes out at once
    for (let i = 2; i <= 100; i++) b.push(i);
    expect(sent).toEqual([[1]]);
    vi.advanceTimersByTime(50); // trailing timer flushes the burst
    expect(sent.length).toBe(2);
    expect(sent.flat()).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    b.close();
    vi.useRealTimers();
  });

  it('flush sends what is queued and close cancels the timer', () => {
    vi.useFakeTimers();
    const sent: string[][] = [];
    const b = new EventBatcher<string>((e) => sent.push(e), 50);
    b.push('a');
    b.push('b');
    b.flush();
    expect(sent).toEqual([['a'], ['b']]);
    b.push('c');
    b.close();
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([['a'], ['b']]);
    vi.useRealTimers();
  });

  it('thins what it sends with the given function', () => {
    const sent: number[][] = [];
    const b = new EventBatcher<number>((e) => sent.push(e), 50, (e) => e.filter((x) => x % 2 === 0));
    b.push(1);
    b.push(2);
    b.push(3);
    b.flush();
    expect(sent).toEqual([[], [2]]);
    b.close();
  });
});

describe('thinned', () => {
  type Ev = { type: 'step' | 'epoch'; n: number };
  const steps = (k: number): Ev[] => Array.from({ length: k }, (_, i) => ({ type: 'step', n: i }));
  const isStep = (e: Ev) => e.type === 'step';

  it('keeps everything up to the limit', () => {
    const ev = steps(5);
    expect(thinned(ev, isStep, 5)).toBe(ev);
  });

  it('keeps at most max picked events, evenly spaced, the last among them, and every other event in order', () => {
    const ev = steps(600);
    ev.splice(300, 0, { type: 'epoch', n: -1 });
    const out = thinned(ev, isStep, 24);
    const kept = out.filter(isStep).map((e) => e.n);
    expect(kept.length).toBeLessThanOrEqual(24);
    expect(kept.at(-1)).toBe(599);
    const gaps = new Set(kept.slice(1).map((n, i) => n - kept[i]!));
    expect([...gaps]).toEqual([25]);
    expect(out.filter((e) => !isStep(e))).toEqual([{ type: 'epoch', n: -1 }]);
    // The epoch event stays between the steps that surrounded it.
    const at = out.findIndex((e) => !isStep(e));
    expect(out[at - 1]!.n).toBeLessThan(300);
    expect(out[at + 1]!.n).toBeGreaterThanOrEqual(300);
  });
});

describe('lastKeeps', () => {
  type Ev = { n: number; big?: string };
  const has = (e: Ev) => e.big !== undefined;
  const strip = ({ big: _, ...rest }: Ev): Ev => rest;

  it('strips the payload from every marked event but the last, keeping every event in order', () => {
    const ev: Ev[] = [{ n: 0, big: 'a' }, { n: 1 }, { n: 2, big: 'b' }, { n: 3, big: 'c' }, { n: 4 }];
    expect(lastKeeps(ev, has, strip)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3, big: 'c' }, { n: 4 }]);
    expect(ev[0]).toEqual({ n: 0, big: 'a' }); // the input is not changed
  });

  it('returns the events as they are when none is marked', () => {
    const ev: Ev[] = [{ n: 0 }, { n: 1 }];
    expect(lastKeeps(ev, has, strip)).toBe(ev);
  });
});
