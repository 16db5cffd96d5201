/**
 * Coalesces worker → UI events: at most one message per `intervalMs`, each carrying every
 * event since the last (or what `thin` keeps of them). A trailing timer makes sure the last
 * events of a burst go out even when no new event arrives to trigger the send.
 */
export class EventBatcher<E> {
  private queue: E[] = [];
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly send: (events: E[]) => void, private readonly intervalMs: number, private readonly thin: (events: E[]) => E[] = (e) => e) {}

  push(e: E): void {
    this.queue.push(e);
    const now = Date.now();
    if (now - this.last >= this.intervalMs) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.intervalMs - (now - this.last));
  }

  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.last = Date.now();
    this.send(this.thin(batch));
  }

  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

/**
 * At most `max` of the events `pick` selects, evenly spaced and the last always among them;
 * every other event kept, all in their order. A small model trains thousands of steps a second
 * (bench:ui: ~7,400), and an event per step put ~600 objects a batch on the page's main thread
 * (cloned, folded into the store, appended to the curves and thinned again there) for charts
 * that draw a few hundred points.
 */
export function thinned<E>(events: E[], pick: (e: E) => boolean, max: number): E[] {
  let n = 0;
  for (const e of events) if (pick(e)) n++;
  if (n <= max) return events;
  const every = Math.ceil(n / max);
  const out: E[] = [];
  let i = 0;
  for (const e of events) {
    if (!pick(e)) out.push(e);
    // Counted back from the last, so the last is kept.
    else if ((n - 1 - i++) % every === 0) out.push(e);
  }
  return out;
}

/**
 * The events, with every one `has` marks but the last given `strip`'s copy without that
 * payload: for what the page reads only from the latest event (the decision boundary).
 */
export function lastKeeps<E>(events: E[], has: (e: E) => boolean, strip: (e: E) => E): E[] {
  let last = -1;
  for (let i = events.length - 1; i >= 0 && last < 0; i--) if (has(events[i]!)) last = i;
  if (last < 0) return events;
  return events.map((e, i) => (i !== last && has(e) ? strip(e) : e));
}
