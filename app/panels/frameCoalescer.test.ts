import { describe, expect, it } from 'vitest';
import { frameCoalescer } from './frameCoalescer.ts';

/** A frame clock the test advances by hand, like the browser's requestAnimationFrame. */
function clock() {
  let next = 1;
  const queued = new Map<number, () => void>();
  return {
    raf: (cb: () => void) => (queued.set(next, cb), next++),
    caf: (id: number) => void queued.delete(id),
    tick() {
      const cbs = [...queued.values()];
      queued.clear();
      for (const cb of cbs) cb();
    },
  };
}

describe('frameCoalescer', () => {
  it('draws once per frame however many requests came', () => {
    const c = clock();
    let draws = 0;
    const f = frameCoalescer(() => draws++, c.raf, c.caf);
    f.request();
    f.request();
    f.request();
    c.tick();
    expect(draws).toBe(1);
    f.request();
    c.tick();
    expect(draws).toBe(2);
  });

  it('draws after a StrictMode unmount/remount cancelled the first frame', () => {
    const c = clock();
    let draws = 0;
    const f = frameCoalescer(() => draws++, c.raf, c.caf);
    f.request(); // first mount's effect
    f.cancel(); // StrictMode's immediate unmount
    f.request(); // the remount's effect
    c.tick();
    expect(draws).toBe(1);
  });
});
