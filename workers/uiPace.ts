/**
 * The page's claim on the cores while a run trains. Every core may be training (kernel threads
 * or replicas), so the page's own work — layout, paint, the charts — competes with them for
 * CPU time and a 15 ms frame stretches past 50 ms (a long task). The page writes its clock
 * into a shared heartbeat every HEARTBEAT_MS (uiHeartbeat.ts); a heartbeat older than STALE_MS
 * means the page's thread is stuck in a task, and the training loop steps aside for GIVE_MS
 * before its next step (engine fit's `pace` hook), so that task gets a core. Only while the
 * page is visible (a hidden page writes 0, and its timers are throttled) and never for a
 * heartbeat older than FROZEN_MS (a page that stopped beating must not stall training).
 * Both sides import this file: no DOM, no worker globals.
 */
export const HEARTBEAT_MS = 10, STALE_MS = 24, GIVE_MS = 4, FROZEN_MS = 1000;

const WRAP = 2 ** 30;

/** The clock both threads read, in whole milliseconds mod 2³⁰, never 0 (0 means "no page"). */
export function clockMs(): number {
  const p = (globalThis as unknown as { performance: { timeOrigin: number; now(): number } }).performance;
  return Math.floor(p.timeOrigin + p.now()) % WRAP || 1;
}

/** Milliseconds the training loop should step aside for, given the last heartbeat and the clock. */
export function uiPace(beat: number, now: number): number {
  if (beat === 0) return 0;
  const age = (((now - beat) % WRAP) + WRAP) % WRAP;
  return age > STALE_MS && age < FROZEN_MS ? GIVE_MS : 0;
}
