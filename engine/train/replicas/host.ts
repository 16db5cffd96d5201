/**
 * Starting a replica is a host facility, as starting a kernel thread is (core/threads.ts): a
 * browser worker (workers/host/replicas.ts) or Node's worker_threads (cli/nodeReplicas.ts)
 * installs a ReplicaHost; without one, or without shared memory, training runs on one worker.
 */
import type { ThreadHandle } from '../../core/threads.ts';
import type { ReplicaInit } from './layout.ts';

export interface ReplicaHost {
  /** Starts a worker running `runReplica(init)` (loop.ts); resolves once it has built its model. */
  spawn(init: ReplicaInit): Promise<ThreadHandle>;
}

let installed: ReplicaHost | null = null;

export function setReplicaHost(host: ReplicaHost | null): void {
  installed = host;
}

export function replicaHost(): ReplicaHost | null {
  return installed;
}
