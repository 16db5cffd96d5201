/**
 * The app's handle on the engine worker. Starts the worker lazily on first use, exposes the
 * typed `EngineApi` through comlink, and rebuilds errors with their `code` on this side
 * (comlink turns thrown errors into plain Errors, so the code travels as a field).
 *
 * Calls are independent: `stop` reaches the worker while `train` is still running, because
 * the worker's training loop yields to its event loop between steps.
 */
import * as Comlink from 'comlink';
import type { EngineApi, TrainEvent, TrainRequest, RunResult, EngineInfo, EpochEvent } from './api.ts';
import type { GraphJSON } from '../engine/graph/types.ts';
import type { DatasetSpec } from '../engine/train/config.ts';

export type { TrainEvent, TrainRequest, RunResult, EngineInfo } from './api.ts';

export class EngineError extends Error {
  constructor(readonly code: string, message: string, readonly nodeId?: string) {
    super(message);
    this.name = 'EngineError';
  }
}

function rebuild(e: unknown): EngineError {
  const o = (typeof e === 'object' && e !== null ? e : {}) as { code?: string; message?: string; nodeId?: string };
  return new EngineError(o.code ?? 'internal', o.message ?? String(e), o.nodeId);
}

export class EngineClient {
  private worker: Worker | null = null;
  private remote: Comlink.Remote<EngineApi> | null = null;

  private api(): Comlink.Remote<EngineApi> {
    if (!this.remote) {
      this.worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'flowgrad-engine' });
      this.remote = Comlink.wrap<EngineApi>(this.worker);
    }
    return this.remote;
  }

  private async call<T>(f: (api: Comlink.Remote<EngineApi>) => Promise<T>): Promise<T> {
    try {
      return await f(this.api());
    } catch (e) {
      throw rebuild(e);
    }
  }

  info(): Promise<EngineInfo> {
    return this.call((a) => a.info());
  }

  /** Runs training; `onEvents` receives batched events (≤ 20 calls per second). */
  train(req: TrainRequest, onEvents: (events: TrainEvent[]) => void): Promise<RunResult> {
    return this.call((a) => a.train(req, Comlink.proxy(onEvents)) as Promise<RunResult>);
  }

  stop(runId: string): Promise<void> {
    return this.call((a) => a.stop(runId));
  }

  predict(graph: GraphJSON, weights: Uint8Array, inputs: Float32Array, rows: number): Promise<Float32Array> {
    return this.call((a) => a.predict(graph, weights, inputs, rows));
  }

  boundary(graph: GraphJSON, weights: Uint8Array, dataset: DatasetSpec, resolution: number): Promise<NonNullable<EpochEvent['boundary']>> {
    return this.call((a) => a.boundary(graph, weights, dataset, resolution));
  }

  /** Ends the worker (a later call starts a fresh one). */
  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    this.remote = null;
  }
}

let engine: EngineClient | null = null;

/** The app-wide engine client (one worker, started on first use). */
export function getEngine(): EngineClient {
  return (engine ??= new EngineClient());
}
