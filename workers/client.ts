/**
 * The app's handle on the engine worker. Starts the worker lazily on first use, exposes the
 * typed `EngineApi` through comlink, and rebuilds errors with their `code` on this side
 * (comlink turns thrown errors into plain Errors, so the code travels as a field).
 *
 * Calls are independent: `stop` reaches the worker while `train` is still running, because
 * the worker's training loop yields to its event loop between steps.
 *
 * Custom Code never runs in the engine worker: a call whose graph holds any goes to the
 * sandbox worker (sandbox.worker.ts: no storage, no network, a watchdog), and only when the
 * app's code policy allows every body in it (code from a link or file waits for consent).
 */
import * as Comlink from 'comlink';
import type { OnnxProject } from '../engine/io/onnx/project.ts';
import type { EngineApi, TrainEvent, TrainRequest, RunResult, EngineInfo, EpochEvent, CodeProblem, InputPrep, EvaluateRequest, EvaluateResult, ExportPytorchRequest, ExportBundleRequest, CompressRequest, CompressEvent, CompressResult } from './api.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphJSON } from '../engine/graph/types.ts';
import type { DatasetSpec } from '../engine/project/config.ts';
import { customCodeNodes, nameNodes, watchSandbox, type CodeNode, type Watched } from './sandboxHost.ts';
import { startUiHeartbeat } from './uiHeartbeat.ts';

export type { TrainEvent, TrainRequest, RunResult, EngineInfo, CodeProblem, InputPrep, EvaluateRequest, EvaluateResult, CompressRequest, CompressEvent, CompressResult } from './api.ts';

/** Which Custom Code bodies may run (the app sets it; until then none does). */
export interface CodePolicy {
  allows(code: string): boolean;
}

let policy: CodePolicy = { allows: () => false };

export function setCodePolicy(p: CodePolicy): void {
  policy = p;
}

/** Code the policy does not allow: the call is refused before anything reaches a worker. */
export const UNTRUSTED_CODE = 'untrusted-code';

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

/** ONNX cannot express Custom Code: the refusal naming its nodes, or null. */
function noCodeInOnnx(graph: GraphJSON): EngineError | null {
  const custom = customCodeNodes(graph);
  if (custom.length === 0) return null;
  return new EngineError('unsupported', `Custom Code ${nameNodes(custom)} cannot be exported to ONNX: its forward pass is JavaScript, which ONNX cannot express. Replace it with catalog layers to export the model.`, custom.length === 1 ? custom[0]!.id : undefined);
}

export class EngineClient {
  private worker: Worker | null = null;
  private remote: Comlink.Remote<EngineApi> | null = null;
  /** Rejecters of calls in flight: a worker that dies or fails to load never answers them. */
  private readonly pending = new Set<(e: EngineError) => void>();
  /** The sandbox client, for graphs with Custom Code (this one is the sandbox when `sandboxed`). */
  private sandbox: EngineClient | null = null;
  /** Runs that live in the sandbox (Stop/Pause/Resume go there). */
  private readonly sandboxRuns = new Set<string>();
  /** Sandbox calls in flight: the watchdog names their nodes, the page serves their uploads. */
  private readonly watched = new Set<Watched>();
  private unwatch: (() => void) | null = null;
  /** Code checks run one at a time, so a hang is pinned on the right node. */
  private checks: Promise<unknown> = Promise.resolve();

  constructor(private readonly sandboxed = false) {}

  private api(): Comlink.Remote<EngineApi> {
    if (!this.remote) {
      const worker = this.sandboxed
        ? new Worker(new URL('./sandbox.worker.ts', import.meta.url), { type: 'module', name: 'flowgrad-sandbox' })
        : new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'flowgrad-engine' });
      worker.addEventListener('error', (ev) => {
        ev.preventDefault();
        this.fail(new EngineError('backend', `The ${this.sandboxed ? 'Custom Code sandbox' : 'training engine'} could not start or crashed${ev.message ? `: ${ev.message}` : ''}. Reload the page to try again.`));
      });
      if (this.sandboxed) this.unwatch = watchSandbox(worker, { inFlight: () => this.watched, hung: (message, nodeId) => this.fail(new EngineError('timeout', message, nodeId)) });
      this.worker = worker;
      this.remote = Comlink.wrap<EngineApi>(worker);
    }
    return this.remote;
  }

  /** The Custom Code nodes of `graph` the policy does not allow, refused with their names. */
  private refuse(nodes: CodeNode[]): EngineError | null {
    const blocked = nodes.filter((n) => !policy.allows(n.code));
    if (blocked.length === 0) return null;
    return new EngineError(UNTRUSTED_CODE, `Custom Code ${nameNodes(blocked)} has not been allowed to run: review its code and allow it first.`, blocked.length === 1 ? blocked[0]!.id : undefined);
  }

  /** Runs `f` here when `graph` has no Custom Code, else in the sandbox once the policy allows it. */
  private route<T>(graph: GraphJSON, datasets: DatasetSpec[], f: (c: EngineClient) => Promise<T>): Promise<T> {
    const nodes = this.sandboxed ? [] : customCodeNodes(graph);
    if (nodes.length === 0) return f(this);
    const refused = this.refuse(nodes);
    if (refused) return Promise.reject(refused);
    const sandbox = (this.sandbox ??= new EngineClient(true));
    const w: Watched = { nodes, uploads: datasets.flatMap((d) => (d.kind === 'upload' ? [d.id] : [])) };
    sandbox.watched.add(w);
    return f(sandbox).finally(() => sandbox.watched.delete(w));
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

  /** Runs training; `onEvents` receives batched events (one call per 80 ms at most). */
  train(req: TrainRequest, onEvents: (events: TrainEvent[]) => void): Promise<RunResult> {
    return this.route(req.graph, [req.dataset], (c) => {
      if (c !== this) this.sandboxRuns.add(req.runId);
      // The page's heartbeat: the run steps aside while this thread is stuck in a task (uiPace.ts).
      const ui = startUiHeartbeat();
      return c.call((a) => a.train(req, Comlink.proxy(onEvents), ui?.buffer) as Promise<RunResult>).finally(() => {
        ui?.stop();
        this.sandboxRuns.delete(req.runId);
      });
    });
  }

  /** The client holding a run (the sandbox for graphs with Custom Code). */
  private holder(runId: string): EngineClient {
    return this.sandboxRuns.has(runId) && this.sandbox ? this.sandbox : this;
  }

  stop(runId: string): Promise<void> {
    return this.holder(runId).call((a) => a.stop(runId));
  }

  /** Holds a run between steps (its weights and optimizer state stay in the worker). */
  pause(runId: string): Promise<void> {
    return this.holder(runId).call((a) => a.pause(runId));
  }

  resume(runId: string): Promise<void> {
    return this.holder(runId).call((a) => a.resume(runId));
  }

  predict(graph: GraphJSON, weights: Uint8Array, inputs: Float32Array, rows: number, int8?: Uint8Array | null): Promise<Float32Array> {
    return this.route(graph, [], (c) => c.call((a) => a.predict(graph, weights, inputs, rows, int8)));
  }

  /**
   * Compresses a trained model (routed like training: a graph with Custom Code runs only in
   * the sandbox); `onEvents` gets batched progress; `stop(runId)` cancels it.
   */
  compress(req: CompressRequest, onEvents: (events: CompressEvent[]) => void): Promise<CompressResult> {
    const graphs = [req.graph, ...(req.distill?.student ? [req.distill.student] : [])];
    const merged: GraphJSON = { ...req.graph, nodes: graphs.flatMap((g) => g.nodes) };
    return this.route(merged, [req.dataset], (c) => {
      if (c !== this) this.sandboxRuns.add(req.runId);
      return c.call((a) => a.compress(req, Comlink.proxy(onEvents)) as Promise<CompressResult>).finally(() => this.sandboxRuns.delete(req.runId));
    });
  }

  /** Scores a trained model on its dataset's test split; a graph with Custom Code runs in the sandbox, as training does. */
  evaluate(req: EvaluateRequest): Promise<EvaluateResult> {
    return this.route(req.graph, [req.dataset], (c) => c.call((a) => a.evaluate(req)));
  }

  /**
   * The trained model as an ONNX file, made in the engine worker. A graph with Custom Code is
   * refused here, naming its nodes: ONNX cannot express JavaScript, and no code needs to run.
   */
  exportOnnx(project: OnnxProject, weights: Uint8Array): Promise<Uint8Array> {
    const refused = noCodeInOnnx(project.graph);
    return refused ? Promise.reject(refused) : this.call((a) => a.exportOnnx(project, weights));
  }

  /** An int8 compressed variant (its int8 weight file) as QDQ ONNX; Custom Code refused as above. */
  exportInt8Onnx(project: OnnxProject, int8File: Uint8Array): Promise<Uint8Array> {
    const refused = noCodeInOnnx(project.graph);
    return refused ? Promise.reject(refused) : this.call((a) => a.exportInt8Onnx(project, int8File));
  }

  /**
   * The standalone inference bundle, zipped in the engine worker. Custom Code is refused here by
   * node: the bundle runs only the engine's own layers, in pages that never approved the code.
   */
  exportBundle(req: ExportBundleRequest): Promise<Uint8Array> {
    const custom = customCodeNodes(req.graph);
    if (custom.length > 0) {
      return Promise.reject(new EngineError('unsupported', `Custom Code ${nameNodes(custom)} cannot go into a standalone bundle: it runs only the engine's own layers. Replace it with catalog layers to export the model.`, custom.length === 1 ? custom[0]!.id : undefined));
    }
    return this.call((a) => a.exportBundle(req));
  }

  /** An ONNX file as a graph and its weights, read in the engine worker (no user code runs). */
  importOnnx(bytes: Uint8Array, name: string): Promise<{ graph: GraphJSON; weights: Uint8Array }> {
    return this.call((a) => a.importOnnx(bytes, name));
  }

  boundary(graph: GraphJSON, weights: Uint8Array, dataset: DatasetSpec, resolution: number, int8?: Uint8Array | null): Promise<NonNullable<EpochEvent['boundary']>> {
    return this.route(graph, [dataset], (c) => c.call((a) => a.boundary(graph, weights, dataset, resolution, int8)));
  }

  /**
   * Parses a Custom Code body and runs it on a dummy batch, as compiling the graph would; null
   * when fine. Runs in the sandbox, one check at a time, and only code the policy allows.
   */
  checkCustomCode(code: string, inSample: number[] | null, outSample: number[] | null, nodeId = 'custom'): Promise<CodeProblem | null> {
    const graph: GraphJSON = { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes: [{ id: nodeId, type: 'CustomCode', position: { x: 0, y: 0 }, attrs: { code } }], edges: [] };
    const run = () => this.route(graph, [], (c) => c.call((a) => a.checkCustomCode(code, inSample, outSample)));
    const p = this.checks.then(run, run);
    this.checks = p.catch(() => undefined);
    return p;
  }

  /** The sample shape, class names and normalisation a dataset's inputs get for training. */
  inputPrep(dataset: DatasetSpec, opts: { validationSplit?: number; seed?: number }): Promise<InputPrep> {
    return this.call((a) => a.inputPrep(dataset, opts));
  }

  /** The PyTorch project zip; it runs no model code, so the plain worker builds it. */
  exportPytorch(req: ExportPytorchRequest): Promise<Uint8Array> {
    return this.call((a) => a.exportPytorch(req));
  }

  /** Test-only (see EngineApi.debugLoseDevice): destroys the worker's WebGPU device. */
  debugLoseDevice(): Promise<boolean> {
    return this.call((a) => a.debugLoseDevice());
  }

  /** Ends the worker (a later call starts a fresh one). */
  terminate(): void {
    this.unwatch?.();
    this.unwatch = null;
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
