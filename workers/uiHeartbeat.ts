/**
 * The page's side of uiPace.ts: while a run trains, writes the clock into a shared Int32 every
 * HEARTBEAT_MS (a timer task, so it is late exactly when the page's thread is busy) and 0
 * while the page is hidden. Null where memory cannot be shared (the run then trains unpaced).
 */
import { HEARTBEAT_MS, clockMs } from './uiPace.ts';

export interface UiHeartbeat {
  buffer: SharedArrayBuffer;
  stop(): void;
}

export function startUiHeartbeat(): UiHeartbeat | null {
  if (typeof SharedArrayBuffer === 'undefined' || !globalThis.crossOriginIsolated) return null;
  const buffer = new SharedArrayBuffer(4), beat = new Int32Array(buffer);
  const write = (): void => void Atomics.store(beat, 0, document.visibilityState === 'hidden' ? 0 : clockMs());
  write();
  const timer = setInterval(write, HEARTBEAT_MS);
  document.addEventListener('visibilitychange', write);
  return {
    buffer,
    stop() {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', write);
      Atomics.store(beat, 0, 0);
    },
  };
}
