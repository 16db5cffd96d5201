/**
 * The browser ThreadHost: CPU pool threads as dedicated module workers (cpuThread.worker.ts),
 * started from the engine worker (or the bench page). Shared memory needs the page to be
 * cross-origin isolated; without it the engine keeps one thread (engine/core/threads.ts).
 */
import type { ThreadHost } from '../../engine/index.ts';

export const browserThreadHost: ThreadHost = {
  cores: Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1),
  spawn(init) {
    return new Promise((resolve, reject) => {
      const w = new Worker(new URL('../cpuThread.worker.ts', import.meta.url), { type: 'module', name: 'flowgrad-cpu-thread' });
      w.onmessage = () => resolve({ terminate: () => w.terminate() });
      w.onerror = (e) => {
        w.terminate();
        reject(new Error(`CPU thread failed to start: ${e.message}`));
      };
      w.postMessage(init);
    });
  },
};
