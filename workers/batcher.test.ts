import { describe, expect, it, vi } from 'vitest';
import { EventBatcher } from './batcher.ts';

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
});
