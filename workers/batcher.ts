/**
 * Coalesces worker → UI events: at most one message per `intervalMs`, each carrying every
 * event since the last. A trailing timer makes sure the last events of a burst go out even
 * when no new event arrives to trigger the send.
 */
export class EventBatcher<E> {
  private queue: E[] = [];
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly send: (events: E[]) => void, private readonly intervalMs: number) {}

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
    this.send(batch);
  }

  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
