/**
 * The engine's home in the browser: a dedicated module worker exposing `EngineApi` through
 * comlink. The whole training loop runs here (never one message per op); events go out in
 * batches at most every 80 ms (≤ 12.5 messages/s), with at most STEPS_PER_BATCH step events
 * and one decision boundary each, so the UI stays smooth however fast steps are. Errors
 * leave as plain objects with `code` and `nodeId`, which the client rebuilds.
 */
import * as Comlink from 'comlink';
import type { EngineApi, EpochEvent, TrainEvent, RunResult, EngineInfo } from './api.ts';
import { runTraining, predictRows, boundaryGrid, RecoverableRunError } from '../engine/train/session.ts';
import { isFlowgradError } from '../engine/core/errors.ts';
import { chooseBackend, getBackend, getThreads, listBackends, parallelPlan, setReplicaHost, setThreadHost, setThreads, threadsFor } from '../engine/index.ts';
import { analyzeGraph } from '../engine/graph/index.ts';
import type { BackendChoice, ReplicaOutcome, WebGPUBackend } from '../engine/index.ts';
import { backend } from '../engine/backend/registry.ts';
import { EventBatcher, lastKeeps, thinned } from './batcher.ts';
import { uploads } from './uploadSource.ts';
import { checkCustomCode } from '../engine/train/builders/custom.ts';
import { resolveDataset } from '../engine/data/resolve.ts';
import { evaluateRun } from './host/evaluate.ts';
import { projectToOnnx } from '../engine/io/onnx/project.ts';
import { importOnnx } from '../engine/io/onnx/import.ts';
import { buildBundle } from '../engine/bundle/index.ts';
import { exportPytorchRun } from './host/exportPytorch.ts';
import { compressRun } from './host/compress.ts';
import { int8ProjectToOnnx } from '../engine/compress/onnx.ts';
import { int8Setup } from '../engine/compress/int8Model.ts';
import type { CompressEvent } from './api.ts';
import { browserThreadHost } from './host/cpuThreads.ts';
import { browserReplicaHost } from './host/replicas.ts';
import { clockMs, uiPace } from './uiPace.ts';

setThreadHost(browserThreadHost);
setReplicaHost(browserReplicaHost);

/** The backend the last run asked for and what it got (shown in the UI). */
let lastChoice: BackendChoice | null = null;
/** How the last CPU run spent its workers (shown with the Threads setting). */
let lastParallel: EngineInfo['parallel'] = null;

const stopRequests = new Set<string>();
/**
 * At most one event message per 80 ms (12.5/s): each one re-renders the dashboard (charts,
 * text, a layout of the page), ~15–30 ms of the main thread on a 2-core machine while the
 * cores train; at 20/s that kept the main thread 80–95% busy (`npm run bench:ui -- --trace`).
 */
const EVENT_INTERVAL_MS = 80;
/**
 * Step events per batch at most (≤ ~300 a second), and the decision boundary on the batch's
 * last epoch event only (every epoch event goes: validation curves and histograms are per
 * epoch; the page shows only the latest boundary). The page keeps the curves to 40,000 rows and
 * draws 2,000 points, so a faster run's loss curve is every k-th step, as its own thinning
 * would have left it; the last step is always sent. The starter model on 2,000 samples
 * (bench:ui) trains ~7,400 steps and ~150 epochs a second: ~600 step events a batch, and an
 * 18 KB boundary with each epoch (~2.7 MB a second of arrays for the page's GC).
 */
const STEPS_PER_BATCH = 24;
const thinTrainEvents = (events: TrainEvent[]): TrainEvent[] =>
  lastKeeps(thinned(events, (e) => e.type === 'step', STEPS_PER_BATCH), (e) => e.type === 'epoch' && e.boundary !== undefined, (e) => {
    const { boundary: _, ...rest } = e as EpochEvent;
    return rest;
  });
const pauseRequests = new Set<string>();

function toWire(e: unknown): { code: string; message: string; nodeId?: string } {
  if (isFlowgradError(e)) return { code: e.code, message: e.message, ...(e.nodeId ? { nodeId: e.nodeId } : {}) };
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

/** The registered WebGPU backend, if one was created. */
function webgpuBackend(): WebGPUBackend | null {
  return listBackends().includes('webgpu') ? (backend('webgpu') as WebGPUBackend) : null;
}

/** A lost GPU, told to the user: which GPU, why, and what was kept. */
function lostGpuMessage(e: RecoverableRunError): string {
  const gpu = webgpuBackend();
  const a = gpu?.adapter ?? lastChoice?.adapter ?? null;
  const name = a ? [a.vendor, a.architecture, a.description].filter(Boolean).join(' ') : '';
  const why = gpu?.lostReason?.replace(/\.+$/, '');
  const kept = e.weights
    ? e.epoch > 0
      ? `The weights after epoch ${e.epoch} were kept: press "Continue on CPU" to train on from there.`
      : 'The starting weights were kept: press "Continue on CPU" to train from them.'
    : 'No epoch had finished, so there are no weights to keep: train again (on the CPU).';
  return `The GPU device${name ? ` (WebGPU: ${name})` : ''} was lost during training${why ? ` — ${why}` : ''}. ${kept}`;
}

async function guard<T>(f: () => Promise<T> | T): Promise<T> {
  try {
    return await f();
  } catch (e) {
    // comlink serializes Error objects without custom fields (the code would be lost):
    // throw a plain object, which the client rebuilds into an EngineError.
    throw toWire(e);
  }
}

const api: EngineApi = {
  async info(): Promise<EngineInfo> {
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    let webgpu: EngineInfo['webgpu'] = { available: false };
    if (gpu) {
      try {
        const adapter = await gpu.requestAdapter();
        if (adapter) {
          const i = adapter.info;
          webgpu = { available: true, adapter: [i.vendor, i.architecture, i.description].filter(Boolean).join(' '), fallback: (i as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false, float16: adapter.features.has('shader-f16') };
        }
      } catch {
        /* no adapter: leave unavailable */
      }
    }
    return { backend: getBackend(), crossOriginIsolated: self.crossOriginIsolated, threads: getThreads(), cores: browserThreadHost.cores, autoThreads: threadsFor(0, browserThreadHost.cores), parallel: lastParallel, webgpu, ...(lastChoice ? { choice: { name: lastChoice.name, reason: lastChoice.reason, adapter: lastChoice.adapter?.description ?? null } } : {}) };
  },

  async train(req, onEvents, ui): Promise<RunResult> {
    const beat = ui ? new Int32Array(ui) : null;
    stopRequests.delete(req.runId);
    pauseRequests.delete(req.runId);
    const batcher = new EventBatcher<TrainEvent>((events) => onEvents(events), EVENT_INTERVAL_MS, thinTrainEvents);
    try {
      // 'auto' trains on a real GPU and on the CPU path when only a software adapter exists.
      lastChoice = await chooseBackend(req.config.backend ?? 'auto');
      // CPU workers only where the CPU trains (a WebGPU run starts none): kernel threads or
      // replicas, as the Threads mode says (engine/train/replicas/plan.ts).
      const plan = lastChoice.name === 'cpu'
        ? parallelPlan(req.config.threadMode, threadsFor(req.config.threads, browserThreadHost.cores), req.graph, analyzeGraph(req.graph), req.config)
        : null;
      if (plan) {
        await setThreads(plan.threads);
        lastParallel = { replicas: 1, threads: getThreads(), why: plan.why };
      } else lastParallel = null;
      const result = await runTraining(req, {
        ...(plan && plan.replicas > 1 ? {
          replicas: plan.replicas,
          onReplicas: (o: ReplicaOutcome) => void (lastParallel = { replicas: o.replicas, threads: getThreads(), why: o.reason ? `one worker: ${o.reason}` : plan.why }),
        } : {}),
        onEvent: (e) => batcher.push(e),
        shouldStop: () => stopRequests.has(req.runId),
        shouldPause: () => pauseRequests.has(req.runId),
        ...(beat ? { pace: () => uiPace(Atomics.load(beat, 0), clockMs()) } : {}),
        io: uploads,
      });
      batcher.flush();
      const weights = result.weights;
      return Comlink.transfer(result, weights ? [weights.buffer as ArrayBuffer] : []);
    } catch (e) {
      // A lost GPU leaves the last epoch's weights: hand them back so the UI can continue on the CPU.
      const recovered = e instanceof RecoverableRunError ? e.weights : null;
      // Say which GPU was lost and why, when it was (other GPU errors keep their own message).
      const err = e instanceof RecoverableRunError && webgpuBackend()?.isLost ? { ...toWire(e), message: lostGpuMessage(e) } : toWire(e);
      const final = { type: 'error' as const, runId: req.runId, ...err, ...(recovered ? { recoverable: true } : {}) };
      batcher.push(final);
      batcher.flush();
      return Comlink.transfer({ runId: req.runId, reason: 'error' as const, weights: recovered, final }, recovered ? [recovered.buffer as ArrayBuffer] : []);
    } finally {
      batcher.close();
      stopRequests.delete(req.runId);
      pauseRequests.delete(req.runId);
    }
  },

  async stop(runId) {
    stopRequests.add(runId);
  },

  async pause(runId) {
    pauseRequests.add(runId);
  },

  async resume(runId) {
    pauseRequests.delete(runId);
  },

  evaluate(req) {
    return guard(() => evaluateRun(req, uploads));
  },

  compress(req, onEvents) {
    stopRequests.delete(req.runId);
    const batcher = new EventBatcher<CompressEvent>((events) => onEvents(events), EVENT_INTERVAL_MS);
    return guard(async () => {
      // The report's latency column is the CPU's, so the variants are measured there.
      await chooseBackend('cpu');
      try {
        const out = await compressRun(req, uploads, (e) => batcher.push(e), () => stopRequests.has(req.runId));
        batcher.flush();
        return Comlink.transfer(out, out.variants.flatMap((v) => [v.weights.buffer as ArrayBuffer, v.file.buffer as ArrayBuffer]));
      } finally {
        batcher.flush();
        batcher.close();
        stopRequests.delete(req.runId);
      }
    });
  },

  exportPytorch(req) {
    return guard(async () => {
      const zip = await exportPytorchRun(req, uploads);
      return Comlink.transfer(zip, [zip.buffer as ArrayBuffer]);
    });
  },

  predict(graph, weights, inputs, rows, int8) {
    return guard(async () => {
      const out = await predictRows(graph, weights, inputs, rows, int8Setup(int8));
      return Comlink.transfer(out, [out.buffer as ArrayBuffer]);
    });
  },

  boundary(graph, weights, dataset, resolution, int8) {
    return guard(() => boundaryGrid(graph, weights, dataset, resolution, int8Setup(int8)));
  },

  exportOnnx(project, weights) {
    return guard(() => {
      const bytes = projectToOnnx(project, weights);
      return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
    });
  },

  exportBundle(req) {
    return guard(async () => {
      // The runtime module is its own chunk, loaded on the first export only.
      const { default: runtime } = await import('virtual:flowgrad-bundle-runtime');
      const { zip } = buildBundle({ ...req, runtime });
      return Comlink.transfer(zip, [zip.buffer as ArrayBuffer]);
    });
  },

  exportInt8Onnx(project, int8File) {
    return guard(() => {
      const bytes = int8ProjectToOnnx(project, int8File);
      return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
    });
  },

  importOnnx(bytes, name) {
    return guard(() => {
      const out = importOnnx(bytes, name);
      return Comlink.transfer(out, [out.weights.buffer as ArrayBuffer]);
    });
  },

  checkCustomCode(code, inSample, outSample) {
    return guard(() => checkCustomCode(code, inSample, outSample));
  },

  // Prepares the dataset as a run would (uploads: read, split, statistics from the training part).
  inputPrep(dataset, opts) {
    return guard(async () => {
      const d = await resolveDataset(dataset, uploads, opts);
      const stats = d.stats && d.stats.mode !== 'none' ? { mode: d.stats.mode, shift: Array.from(d.stats.shift), scale: Array.from(d.stats.scale) } : null;
      return { sampleShape: d.sampleShape, classNames: d.classNames, stats };
    });
  },

  // Test-only (see api.ts): the raw device's destroy(), not the backend's, so the backend
  // learns of the loss the way it would from a driver reset — through `device.lost`.
  async debugLoseDevice() {
    const gpu = webgpuBackend();
    if (!gpu || gpu.isLost) return false;
    gpu.device.destroy();
    return true;
  },
};

Comlink.expose(api);
