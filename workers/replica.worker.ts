/**
 * A data-parallel training replica in the browser (started by workers/host/replicas.ts from
 * the engine worker): builds its model from the start message, answers 'ready', then trains
 * its shard of every step through Atomics only (engine/train/replicas/loop.ts) until the
 * group stops; it never handles another message.
 */
import { runReplica } from '../engine/train/replicas/loop.ts';
import type { ReplicaInit } from '../engine/train/replicas/layout.ts';

self.onmessage = (e: MessageEvent<ReplicaInit>) => {
  try {
    runReplica(e.data, () => self.postMessage('ready'));
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
