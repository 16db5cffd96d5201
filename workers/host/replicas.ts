/**
 * The browser ReplicaHost: training replicas as dedicated module workers (replica.worker.ts)
 * started from the engine worker. Shared memory needs the page to be cross-origin isolated;
 * without it fit trains on one worker (engine/train/replicas/group.ts says why).
 */
import type { ReplicaHost } from '../../engine/index.ts';

export const browserReplicaHost: ReplicaHost = {
  spawn(init) {
    return new Promise((resolve, reject) => {
      const w = new Worker(new URL('../replica.worker.ts', import.meta.url), { type: 'module', name: `flowgrad-replica-${init.index}` });
      w.onmessage = (e: MessageEvent<unknown>) => {
        const m = e.data;
        if (m && typeof m === 'object' && 'error' in m) {
          w.terminate();
          reject(new Error(String((m as { error: unknown }).error)));
          return;
        }
        resolve({ terminate: () => w.terminate() });
      };
      w.onerror = (e) => {
        w.terminate();
        reject(new Error(`replica failed to start: ${e.message}`));
      };
      w.postMessage(init);
    });
  },
};
