/**
 * The one host facility CPU threads need that ES2022 does not define: starting a thread.
 * The engine stays free of DOM and Node imports; a browser worker (workers/cpuThread.ts) or
 * Node's worker_threads (engine/cli/nodeThreads.ts) installs a ThreadHost, and without one
 * the CPU backend runs on one thread with the same results.
 */

/** A started thread; it has already answered its start message when this is handed out. */
export interface ThreadHandle {
  terminate(): void;
}

export interface ThreadHost {
  /** Starts a thread that runs `runCpuThread(init)` (engine/backend/cpu/threadLoop.ts); resolves once it runs. */
  spawn(init: unknown): Promise<ThreadHandle>;
  /** Logical cores of this machine (navigator.hardwareConcurrency, os.availableParallelism). */
  cores: number;
}

let installed: ThreadHost | null = null;

export function setThreadHost(host: ThreadHost | null): void {
  installed = host;
}

export function threadHost(): ThreadHost | null {
  return installed;
}

/** Whether this host can share memory between threads (SharedArrayBuffer, and isolation in a page). */
export function canShareMemory(): boolean {
  const g = globalThis as { SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean };
  return typeof g.SharedArrayBuffer === 'function' && g.crossOriginIsolated !== false && typeof Atomics === 'object';
}

/** The most threads Auto picks: past this, small models gain less than the cores they take. */
export const AUTO_MAX_THREADS = 8;

/** The thread count a setting asks for: 0 or absent is Auto (the host's cores, capped). */
export function threadsFor(setting: number | undefined, cores: number): number {
  return setting && setting > 0 ? Math.floor(setting) : Math.max(1, Math.min(cores, AUTO_MAX_THREADS));
}
