/**
 * The Node ReplicaHost: training replicas as worker_threads running replica.node.ts, loaded
 * through tsx's API as the kernel threads are (nodeThreads.ts). Workers are unref'd: a
 * group left running never keeps the process alive.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { setReplicaHost } from '../index.ts';
import type { ReplicaHost } from '../index.ts';

export const nodeReplicaHost: ReplicaHost = {
  spawn(init) {
    return new Promise((resolve, reject) => {
      const entry = new URL('./replica.node.ts', import.meta.url).href;
      const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
      const boot = `import(${JSON.stringify(api)}).then((t) => t.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
      const worker = new Worker(boot, { eval: true, workerData: init });
      worker.once('message', (m: unknown) => {
        if (m && typeof m === 'object' && 'error' in m) {
          void worker.terminate();
          reject(new Error(String((m as { error: unknown }).error)));
          return;
        }
        worker.unref();
        resolve({ terminate: () => void worker.terminate() });
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`replica exited with code ${code} before it started`)));
    });
  },
};

/** `--replicas N` of the CLI: installs this host; returns the count asked (fit says what it got). */
export function useReplicas(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--replicas takes a whole number ≥ 1 (got '${value}')`);
  setReplicaHost(nodeReplicaHost);
  return n;
}
