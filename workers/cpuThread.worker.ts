/**
 * A CPU pool thread in the browser (started by workers/host/cpuThreads.ts from the engine
 * worker): answers its start message, then runs the pool loop on the shared memory; it never
 * handles another message, the pool talks to it through Atomics only.
 */
import { runCpuThread } from '../engine/backend/cpu/threadLoop.ts';
import type { ThreadInit } from '../engine/backend/cpu/threadLoop.ts';

self.onmessage = (e: MessageEvent<ThreadInit>) => {
  self.postMessage('ready');
  runCpuThread(e.data);
};
