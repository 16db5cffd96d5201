/**
 * Compress: runs the engine's compression (workers/client.ts `compress`) on the current
 * trained model with the view's options, feeds its live curves and report rows into the store
 * (compressSlice), cancels it, downloads a variant in every export format (the project file
 * with its weights, ONNX — QDQ for an int8 variant —, the PyTorch project, the compressed
 * weight file), and keeps a variant as the project's model (an undoable graph edit; the model
 * before it stays in the view, one click from coming back). An int8 variant is kept as int8
 * (TrainedModel.int8): everything that runs the project's model computes it as the report did.
 */
import { getEngine, type CompressEvent } from '../../workers/client.ts';
import type { CompressedVariant } from '../../workers/api.ts';
import type { ProjectJSON } from '../../engine/project/projectFile.ts';
import { writeProjectZip } from '../../engine/project/projectFile.ts';
import { structureKey } from '../store/analysis.ts';
import { currentDatasetSpec } from '../store/dataSlice.ts';
import { useApp } from '../store/index.ts';
import { IDLE_COMPRESSION, type CompressCurve, type CompressionState } from '../store/compressSlice.ts';
import type { TrainedModel } from '../store/runSlice.ts';
import { readCompressForm } from './compressForm.ts';
import { untrustedNodes } from './codeTrust.ts';
import { buildProject, projectFileName, saveBytes } from './projectFiles.ts';
import { onnxFileName } from './onnxFiles.ts';
import { pytorchFileName } from './exportPytorch.ts';
import { bundleFileName } from './exportBundle.ts';
import { keepModel } from './modelStore.ts';
import { BOUNDARY_RESOLUTION } from './training.ts';

const st = () => useApp.getState();

/** Single-sample forwards timed per variant (the median is reported). */
const LATENCY_RUNS = 20;

/** The graph on the canvas when it is not the trained model's (a student the user drew), else null. */
export function canvasStudent(): ReturnType<typeof st>['graph'] | null {
  const s = st();
  return s.model && structureKey(s.graph) !== structureKey(s.model.graph) ? s.graph : null;
}

export function openCompress(): void {
  st().openDialog('compress');
}

/** Folds a batch of events into the curves, rows and log. */
export function foldCompressEvents(c: CompressionState, events: CompressEvent[]): Partial<CompressionState> {
  const curves = { ...c.curves };
  const rows = [...c.rows];
  const log = [...c.log];
  let active = c.active;
  const curve = (v: string): CompressCurve => (curves[v] = curves[v] ? { ...curves[v]! } : { steps: [], loss: [], epochs: [], totalSteps: 0 });
  for (const e of events) {
    if (e.type === 'log') log.push(e.line);
    else if (e.type === 'variant') rows.push(e.report);
    else if (e.type === 'step') {
      const k = curve(e.variant);
      k.steps = [...k.steps, e.step];
      k.loss = [...k.loss, e.loss];
      k.totalSteps = e.totalSteps;
      active = e.variant;
    } else {
      const k = curve(e.variant);
      k.epochs = [...k.epochs, { step: e.step, epoch: e.epoch, valLoss: e.metrics.valLoss, valAccuracy: e.metrics.valAccuracy }];
    }
  }
  return { curves, rows, log: log.slice(-50), active };
}

/** Runs compression on the current model with the view's options (does nothing while one runs or an option is bad). */
export async function startCompress(): Promise<void> {
  const s = st();
  const model = s.model;
  if (!model || s.compression.status === 'running' || s.compression.status === 'cancelling') return;
  if (s.status === 'running' || s.status === 'paused' || s.status === 'stopping') {
    s.patchCompression({ status: 'error', message: 'Training is running: stop it or let it finish, then compress the model it leaves.' });
    return;
  }
  const { options } = readCompressForm(s.compressForm, canvasStudent());
  if (!options) return;
  if (untrustedNodes(model.graph).length > 0) {
    s.patchCompression({ ...IDLE_COMPRESSION, status: 'error', model, message: 'This model holds Custom Code that has not been allowed to run: review and allow it first.' });
    return;
  }
  const runId = `compress-${Date.now().toString(36)}`;
  const kept = { kept: s.compression.kept, original: s.compression.original };
  s.patchCompression({ ...IDLE_COMPRESSION, ...kept, status: 'running', runId, model });
  const mine = () => st().compression.runId === runId;
  try {
    const out = await getEngine().compress(
      { runId, graph: model.graph, weights: model.weights, dataset: model.dataset, config: model.config ?? s.training, latencyRuns: LATENCY_RUNS, webgpuLatency: true, ...options },
      (events) => mine() && st().patchCompression(foldCompressEvents(st().compression, events)),
    );
    if (mine()) st().patchCompression({ status: 'done', variants: out.variants, rows: out.variants.map((v) => v.report), active: null });
  } catch (e) {
    if (!mine()) return;
    const cancelled = (e as { code?: string }).code === 'aborted';
    st().patchCompression({ status: cancelled ? 'cancelled' : 'error', active: null, message: cancelled ? 'Cancelled: nothing was changed.' : `Could not compress: ${(e as Error).message}` });
  }
}

export function cancelCompress(): void {
  const c = st().compression;
  if (c.status !== 'running' || !c.runId) return;
  st().patchCompression({ status: 'cancelling' });
  void getEngine().stop(c.runId).catch(() => {});
}

/** The variant as a project (its graph, the float32 weights it computes with, its scores). */
function variantProject(v: CompressedVariant): ProjectJSON {
  const s = st();
  const p = buildProject(s);
  delete p.checkpoint; // the optimizer state belongs to the original model
  const model = s.compression.model;
  if (model?.preprocessing) p.preprocessing = model.preprocessing;
  else delete p.preprocessing;
  return { ...p, name: `${s.name} (${v.report.name})`, graph: v.graph, data: model?.dataset ?? currentDatasetSpec(s), metrics: { loss: v.report.loss, ...(v.report.accuracy !== undefined ? { accuracy: v.report.accuracy } : {}) } };
}

export type VariantDownload = 'project' | 'onnx' | 'pytorch' | 'weights' | 'bundle';

/** Saves one variant in one format; a failure is told in a notice. */
export async function downloadVariant(v: CompressedVariant, what: VariantDownload): Promise<void> {
  const s = st();
  const project = variantProject(v);
  const base = projectFileName(project.name).replace(/\.flowgrad\.zip$/, '');
  try {
    if (what === 'project') saveBytes(writeProjectZip({ project, weights: v.weights, int8: v.report.file.format === 'int8' ? v.file : null }), `${base}.flowgrad.zip`, 'application/zip');
    else if (what === 'weights') saveBytes(v.file, `${base}.${v.report.file.format}.safetensors`, 'application/octet-stream');
    else if (what === 'bundle') {
      // The bundle runs what the report measured: int8 as the engine simulates it, float16 weights stored as float16.
      const format = v.report.file.format;
      const weights = format === 'int8' ? { type: 'int8' as const, file: v.file } : { type: format === 'float16' ? 'float16' as const : 'float32' as const, safetensors: v.weights };
      saveBytes(await getEngine().exportBundle({ name: project.name, graph: v.graph, weights, preprocessing: project.preprocessing ?? null, data: project.data ?? null }), bundleFileName(project.name), 'application/zip');
    } else if (what === 'pytorch') saveBytes(await getEngine().exportPytorch({ name: project.name, graph: v.graph, weights: v.weights, dataset: project.data!, config: project.training! }), pytorchFileName(project.name), 'application/zip');
    else {
      const onnx = { name: project.name, graph: v.graph, data: project.data, preprocessing: project.preprocessing ?? null };
      const int8 = v.report.file.format === 'int8';
      const bytes = int8 ? await getEngine().exportInt8Onnx(onnx, v.file) : await getEngine().exportOnnx(onnx, v.weights);
      saveBytes(bytes, onnxFileName(project.name).replace(/\.onnx$/, int8 ? '.int8.onnx' : '.onnx'), 'application/octet-stream');
    }
  } catch (e) {
    s.notify('error', `Could not download ${v.report.name}: ${(e as Error).message}`);
  }
}

/** Makes `model` (with `graph`) the project's model: an undoable canvas edit plus the stored model. */
function install(graph: TrainedModel['graph'], model: TrainedModel, text: string): void {
  const s = st();
  s.edit(() => graph);
  s.patchRun({ model, evaluation: null, boundary: null, runMessage: { kind: 'info', text } });
  if (s.projectId) void keepModel(s.projectId, model);
  // 2-D data: the boundary of the model now kept (an int8 one as int8 computes it).
  if (model.dataset.kind === 'builtin2d') {
    getEngine().boundary(model.graph, model.weights, model.dataset, BOUNDARY_RESOLUTION, model.int8)
      .then((boundary) => st().model === model && st().patchRun({ boundary }))
      .catch((e: unknown) => console.warn('Flowgrad: could not draw the kept model\'s decision boundary', e));
  }
}

/** Keeps a variant as the project's model (replacing graph and weights); the model before stays restorable. */
export function keepVariant(v: CompressedVariant): void {
  const s = st();
  const c = s.compression;
  const from = s.model;
  if (!from || !c.model) return;
  const original = c.original ?? { graph: s.graph, model: c.model };
  // Positions from the canvas, so the kept graph lands where the user left the layers.
  const at = new Map(s.graph.nodes.map((n) => [n.id, n.position]));
  const graph = { ...v.graph, nodes: v.graph.nodes.map((n) => ({ ...n, position: at.get(n.id) ?? n.position })) };
  const ck = c.model.checkpoint;
  const model: TrainedModel = {
    weights: v.weights, graph, dataset: c.model.dataset, config: c.model.config, preprocessing: c.model.preprocessing ?? null,
    metrics: { step: from.metrics?.step ?? 0, epoch: from.metrics?.epoch ?? 0, loss: v.report.loss, ...(v.report.accuracy !== undefined ? { accuracy: v.report.accuracy } : {}) },
    // Weights alone: Continue starts a fresh optimizer on the compressed model.
    checkpoint: ck ? { meta: { ...ck.meta, optimizer: null }, weights: v.weights, optimizer: null } : null,
    // An int8 variant stays int8: Evaluate, predictions and exports compute with its int8 file.
    int8: v.report.file.format === 'int8' ? v.file : null,
  };
  install(graph, model, `Kept the compressed model “${v.report.name}”. The model before it stays in the Compress view (Restore) and Undo restores the graph.`);
  s.patchCompression({ kept: v.report.name, original });
}

/** Puts back the model the project had before the first Keep. */
export function restoreOriginal(): void {
  const o = st().compression.original;
  if (!o) return;
  install(o.graph, o.model, 'Restored the model from before compression.');
  st().patchCompression({ kept: null, original: null });
}
