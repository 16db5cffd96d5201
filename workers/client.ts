/**
 * The app's handle on the engine worker. Starts the worker lazily on first use, exposes the
 * typed `EngineApi` through comlink, and rebuilds errors with their `code` on this side
 * (comlink turns thrown errors into plain Errors, so the code travels as a field).
 *
 * Calls are independent: `stop` reaches the worker while `train` is still running, because
 * the worker's training loop yields to its event loop between steps.
 */
import * as Comlink from 'comlink';
import type { EngineApi, TrainEvent, TrainRequest, RunResult, EngineInfo, EpochEvent, CodeProblem, InputPrep } from './api.ts';
import type { GraphJSON } from '../engine/graph/types.ts';
import type { DatasetSpec } from '../engine/project/config.ts';

export type { TrainEvent, TrainRequest, RunResult, EngineInfo, CodeProblem, InputPrep } from './api.ts';

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
  /** Rejecters of calls in flight: a worker that dies or fails to load never answers them. */
  private readonly pending = new Set<(e: EngineError) => void>();

  private api(): Comlink.Remote<EngineApi> {
    if (!this.remote) {
      const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'flowgrad-engine' });
      worker.addEventListener('error', (ev) => {
        ev.preventDefault();
        this.fail(new EngineError('backend', `The training engine could not start or crashed${ev.message ? `: ${ev.message}` : ''}. Reload the page to try again.`));
      });
      this.worker = worker;
      this.remote = Comlink.wrap<EngineApi>(worker);
    }
    return this.remote;
  }

  /** Rejects every call in flight and drops the worker (the next call starts a fresh one). */
  private fail(err: EngineError): void {
    for (const reject of this.pending) reject(err);
    this.pending.clear();
    this.terminate();
  }

  private async call<T>(f: (api: Comlink.Remote<EngineApi>) => Promise<T>): Promise<T> {
    let reject!: (e: EngineError) => void;
    const died = new Promise<never>((_, r) => (reject = r));
    this.pending.add(reject);
    try {
      return await Promise.race([f(this.api()), died]);
    } catch (e) {
      throw e instanceof EngineError ? e : rebuild(e);
    } finally {
      this.pending.delete(reject);
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

  /** Holds a run between steps (its weights and optimizer state stay in the worker). */
  pause(runId: string): Promise<void> {
    return this.call((a) => a.pause(runId));
  }

  resume(runId: string): Promise<void> {
    return this.call((a) => a.resume(runId));
  }

  predict(graph: GraphJSON, weights: Uint8Array, inputs: Float32Array, rows: number): Promise<Float32Array> {
    return this.call((a) => a.predict(graph, weights, inputs, rows));
  }

  boundary(graph: GraphJSON, weights: Uint8Array, dataset: DatasetSpec, resolution: number): Promise<NonNullable<EpochEvent['boundary']>> {
    return this.call((a) => a.boundary(graph, weights, dataset, resolution));
  }

  /** Parses a Custom Code body and runs it on a dummy batch, as compiling the graph would; null when fine. */
  checkCustomCode(code: string, inSample: number[] | null, outSample: number[] | null): Promise<CodeProblem | null> {
    return this.call((a) => a.checkCustomCode(code, inSample, outSample));
  }

  /** The sample shape, class names and normalisation a dataset's inputs get for training. */
  inputPrep(dataset: DatasetSpec, opts: { validationSplit?: number; seed?: number }): Promise<InputPrep> {
    return this.call((a) => a.inputPrep(dataset, opts));
  }

  /** Test-only (see EngineApi.debugLoseDevice): destroys the worker's WebGPU device. */
  debugLoseDevice(): Promise<boolean> {
    return this.call((a) => a.debugLoseDevice());
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
