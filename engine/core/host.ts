/**
 * The few host facilities the engine needs that ES2022 does not define (a clock, a way to
 * yield to the event loop), looked up on globalThis so the same code runs in a worker, a
 * page and Node without DOM or Node typings.
 */
type HostGlobals = {
  performance?: { now(): number };
  setTimeout?: (fn: () => void, ms: number) => unknown;
  MessageChannel?: new () => { port1: { onmessage: (() => void) | null; close?(): void }; port2: { postMessage(v: unknown): void; close?(): void } };
};
const host = globalThis as unknown as HostGlobals;

/** Milliseconds, monotonic where the host has a monotonic clock. */
export function now(): number {
  return host.performance ? host.performance.now() : Date.now();
}

type Refable = { ref?: () => void; unref?: () => void };

let channel: { port1: { onmessage: (() => void) | null }; port2: { postMessage(v: unknown): void } } | null = null;
const waiting: (() => void)[] = [];

/**
 * Lets queued messages (a Stop request, say) run. A MessageChannel round trip avoids the
 * 4 ms clamp of nested setTimeout in browsers; Node and others fall back to setTimeout(0).
 */
export function yieldToHost(): Promise<void> {
  if (host.MessageChannel) {
    if (!channel) {
      channel = new host.MessageChannel();
      channel.port1.onmessage = () => {
        waiting.shift()?.();
        // Node keeps a listening port's process alive: hold it only while someone waits.
        if (waiting.length === 0) (channel!.port1 as Refable).unref?.();
      };
    }
    const c = channel;
    return new Promise((resolve) => {
      waiting.push(resolve);
      (c.port1 as Refable).ref?.();
      c.port2.postMessage(0);
    });
  }
  return new Promise((resolve) => (host.setTimeout ? host.setTimeout(resolve, 0) : resolve()));
}

/** Resolves after `ms` milliseconds (at once where the host has no timers). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => (host.setTimeout ? host.setTimeout(resolve, ms) : resolve()));
}
