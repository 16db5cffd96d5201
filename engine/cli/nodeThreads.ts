/**
 * The Node ThreadHost: CPU pool threads as worker_threads running cpuThread.node.ts. The
 * entry is TypeScript, so each worker imports it through tsx's API (the loader the CLI and
 * the tests already run under; Node 20 does not apply an --import loader to a worker's own
 * entry). Workers are unref'd: an idle pool never keeps a process alive.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { setThreadHost, setThreads } from '../index.ts';
import type { ThreadHost } from '../index.ts';

export const nodeThreadHost: ThreadHost = {
  cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
  spawn(init) {
    return new Promise((resolve, reject) => {
      const entry = new URL('./cpuThread.node.ts', import.meta.url).href;
      const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
      const boot = `import(${JSON.stringify(api)}).then((t) => t.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
      const worker = new Worker(boot, { eval: true, workerData: init });
      worker.once('message', () => {
        worker.unref();
        resolve({ terminate: () => void worker.terminate() });
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`CPU thread exited with code ${code} before it started`)));
    });
  },
};

/** `--threads N|auto` of the CLI: installs this host and starts the pool; returns the count in effect. */
export async function useThreads(value: string | undefined): Promise<number> {
  if (value === undefined) return 1;
  const n = value === 'auto' ? nodeThreadHost.cores : Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--threads takes a whole number ≥ 1 or 'auto' (got '${value}')`);
  setThreadHost(nodeThreadHost);
  return setThreads(n);
}
