/**
 * The Node worker_threads entry of a training replica (started by nodeReplicas.ts): builds
 * its model, says it is ready, then trains its shard of every step until the group stops.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runReplica } from '../train/replicas/loop.ts';
import type { ReplicaInit } from '../train/replicas/layout.ts';

try {
  runReplica(workerData as ReplicaInit, () => parentPort?.postMessage('ready'));
} catch (e) {
  parentPort?.postMessage({ error: e instanceof Error ? e.message : String(e) });
}
