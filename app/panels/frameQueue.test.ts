import { describe, expect, it } from 'vitest';
import { frameQueue, type FrameClock } from './frameQueue.ts';

/** A clock the test drives by hand: frames, timers and time advance only when told. */
function clock() {
  let next = 1;
  let t = 0;
  const frames = new Map<number, () => void>();
  const timers = new Map<number, { at: number; cb: () => void }>();
  const c: FrameClock & { tick(): void; advance(ms: number): void; spend(ms: number): void } = {
    raf: (cb) => (frames.set(next, cb), next++),
    caf: (id) => void frames.delete(id),
    now: () => t,
    setTimeout: (cb, ms) => (timers.set(next, { at: t + ms, cb }), next++),
    clearTimeout: (id) => void timers.delete(id),
    tick() {
      const cbs = [...frames.values()];
      frames.clear();
      for (const cb of cbs) cb();
    },
    advance(ms) {
      t += ms;
      for (const [id, x] of [...timers]) {
        if (x.at > t) continue;
        timers.delete(id);
        x.cb();
      }
    },
    spend(ms) {
      t += ms;
    },
  };
  return c;
}

describe('frameQueue', () => {
  it('draws a job once per frame however many requests came', () => {
    const c = clock();
    let draws = 0;
    const f = frameQueue(8, c).job(() => draws++);
    f.request();
    f.request();
    f.request();
    c.tick();
    expect(draws).toBe(1);
    f.request();
    c.tick();
    expect(draws).toBe(2);
  });

  it('draws after a StrictMode unmount/remount cancelled the first request', () => {
    const c = clock();
    let draws = 0;
    const f = frameQueue(8, c).job(() => draws++);
    f.request(); // first mount's effect
    f.cancel(); // StrictMode's immediate unmount
    f.request(); // the remount's effect
    c.tick();
    expect(draws).toBe(1);
  });

  it('stops a frame once the budget is spent and draws the rest on the next frames, in request order', () => {
    const c = clock();
    const q = frameQueue(8, c);
    const order: string[] = [];
    const jobs = ['a', 'b', 'c', 'd'].map((name) => q.job(() => (order.push(name), c.spend(5))));
    for (const j of jobs) j.request();
    c.tick(); // a (5 ms) then b (10 ms ≥ 8): c and d wait
    expect(order).toEqual(['a', 'b']);
    c.tick();
    expect(order).toEqual(['a', 'b', 'c', 'd']);
  });

  it('always runs at least one draw per frame, even one over the budget', () => {
    const c = clock();
    const q = frameQueue(8, c);
    let draws = 0;
    const big = q.job(() => (draws++, c.spend(30)));
    const small = q.job(() => draws++);
    big.request();
    small.request();
    c.tick();
    expect(draws).toBe(1);
    c.tick();
    expect(draws).toBe(2);
  });

  it('a draw that asks again is drawn on the next frame, not in a loop', () => {
    const c = clock();
    let draws = 0;
    const j = frameQueue(8, c).job(() => {
      draws++;
      if (draws < 3) j.request();
    });
    j.request();
    c.tick();
    expect(draws).toBe(1);
    c.tick();
    c.tick();
    expect(draws).toBe(3);
  });

  it('a throttled job waits out its gap, then draws the latest state', () => {
    const c = clock();
    let state = 0;
    const drawn: number[] = [];
    const j = frameQueue(8, c).job(() => drawn.push(state), () => 200);
    j.request();
    c.tick();
    expect(drawn).toEqual([0]);
    state = 1;
    j.request();
    state = 2;
    j.request();
    c.tick();
    expect(drawn).toEqual([0]); // inside the gap: nothing yet
    c.advance(199);
    c.tick();
    expect(drawn).toEqual([0]);
    c.advance(1);
    c.tick();
    expect(drawn).toEqual([0, 2]);
  });

  it('cancel also drops a throttled request waiting on its timer', () => {
    const c = clock();
    let draws = 0;
    const j = frameQueue(8, c).job(() => draws++, () => 100);
    j.request();
    c.tick();
    j.request();
    j.cancel();
    c.advance(200);
    c.tick();
    expect(draws).toBe(1);
  });

  it('a throwing draw does not stop the others', async () => {
    const c = clock();
    const q = frameQueue(8, c);
    let ok = 0;
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    q.job(() => {
      throw new Error('broken plot');
    }).request();
    q.job(() => ok++).request();
    c.tick();
    await new Promise((r) => setTimeout(r, 0));
    process.off('uncaughtException', onError);
    expect(ok).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('an off-screen job holds its requests and draws once when it comes back into view', () => {
    const c = clock();
    let draws = 0;
    const j = frameQueue(8, c).job(() => draws++);
    j.setVisible(false);
    j.request();
    j.request();
    c.tick();
    expect(draws).toBe(0);
    j.setVisible(true);
    c.tick();
    expect(draws).toBe(1);
    c.tick();
    expect(draws).toBe(1); // nothing more was asked for
    j.setVisible(false);
    j.setVisible(true); // shown again with nothing held: no draw
    c.tick();
    expect(draws).toBe(1);
  });

  it('a job hidden while queued or waiting out its gap draws when shown again, not before', () => {
    const c = clock();
    let draws = 0;
    const j = frameQueue(8, c).job(() => draws++, () => 100);
    j.request();
    j.setVisible(false); // queued for the next frame
    c.tick();
    expect(draws).toBe(0);
    j.setVisible(true);
    c.tick();
    expect(draws).toBe(1);
    j.request(); // waits out the 100 ms gap on a timer
    j.setVisible(false);
    c.advance(200);
    c.tick();
    expect(draws).toBe(1);
    j.setVisible(true);
    c.tick();
    expect(draws).toBe(2);
  });

  it('cancel forgets a held request (an unmounted plot never draws)', () => {
    const c = clock();
    let draws = 0;
    const j = frameQueue(8, c).job(() => draws++);
    j.setVisible(false);
    j.request();
    j.cancel();
    j.setVisible(true);
    c.tick();
    expect(draws).toBe(0);
  });
});
