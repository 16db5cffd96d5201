/**
 * New / Open / Download. Download writes a `.flowgrad.zip` (project.json + the trained
 * weights, the optimizer state and checkpoint entry to continue from, and the preprocessing,
 * when the model still fits the graph on the canvas; the uploaded data file when asked). Open reads a project zip, a bare
 * project.json or a bare graph JSON; on any problem it says why and leaves the current
 * project untouched; on success it keeps the file's trained model as the current one (and in
 * this browser's storage) and redraws its decision boundary; a project downloaded with its data
 * brings the data back as an upload (projectData.ts). A model kept as int8 is saved with its
 * int8 file (a version 3 project) and reopens as int8.
 */
import { parseGraph } from '../../engine/graph/format.ts';
import { PROJECT_VERSION, parseProject, projectCheckpoint, readProjectZip, writeProjectZip, type ProjectJSON } from '../../engine/project/projectFile.ts';
import type { Checkpoint } from '../../engine/project/checkpointFormat.ts';
import type { Preprocessing } from '../../engine/project/preprocessing.ts';
import type { Builtin2DSpec, DatasetSpec } from '../../engine/project/config.ts';
import { getEngine } from '../../workers/client.ts';
import { structureKey } from '../store/analysis.ts';
import { IDLE_COMPRESSION } from '../store/compressSlice.ts';
import { freshProject, type ProjectState } from '../store/graphSlice.ts';
import { useApp, type AppState } from '../store/index.ts';
import { currentDatasetSpec } from '../store/dataSlice.ts';
import { newProjectId, uniqueName } from '../store/projectsSlice.ts';
import { loadRuns } from './runHistory.ts';
import { resetSeries } from '../store/series.ts';
import { BOUNDARY_RESOLUTION } from './training.ts';
import { keepModel, restoreModel, seriesFromHistory } from './modelStore.ts';
import { includableDataset, restoreIncludedDataset } from './projectData.ts';

/** "My model!" → "My-model.flowgrad.zip". */
export function projectFileName(name: string): string {
  const base = name.trim().replace(/[\\/:*?"<>|]+/g, '').replace(/\s+/g, '-').slice(0, 80) || 'model';
  return `${base}.flowgrad.zip`;
}

/** Trained weights that still fit the graph on the canvas (positions may have moved). */
export function currentWeights(s: Pick<AppState, 'model' | 'graph'>): Uint8Array | null {
  if (!s.model) return null;
  return structureKey(s.model.graph) === structureKey(s.graph) ? s.model.weights : null;
}

/** The int8 file of the trained model when it is kept as int8 and still fits the canvas. */
export function currentInt8(s: Pick<AppState, 'model' | 'graph'>): Uint8Array | null {
  return currentWeights(s) ? (s.model?.int8 ?? null) : null;
}

export function buildProject(s: AppState): ProjectJSON {
  const weights = currentWeights(s);
  const m = weights ? (s.model?.metrics ?? null) : null;
  const project: ProjectJSON = {
    format: 'flowgrad.project',
    version: PROJECT_VERSION,
    name: s.name,
    createdAt: new Date().toISOString(),
    graph: s.graph,
    // The dataset actually selected (generated, uploaded or 2-D), so reopening trains on it again.
    data: currentDatasetSpec(s),
    training: s.training,
  };
  const ck = weights ? s.model?.checkpoint : null;
  if (ck) project.checkpoint = ck.meta;
  if (weights && s.model?.preprocessing) project.preprocessing = s.model.preprocessing;
  if (m) {
    project.metrics = {
      epoch: m.epoch, step: m.step, loss: m.loss,
      ...(m.accuracy !== undefined ? { accuracy: m.accuracy } : {}),
      ...(m.valLoss !== undefined ? { valLoss: m.valLoss } : {}),
      ...(m.valAccuracy !== undefined ? { valAccuracy: m.valAccuracy } : {}),
    };
  }
  return project;
}

/** Offers bytes to the user as a download named `fileName`. */
export function saveBytes(bytes: Uint8Array, fileName: string, type: string): void {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Writes the .flowgrad.zip; with `includeData`, the uploaded data file goes in too. */
export async function downloadProject(opts: { includeData?: boolean } = {}): Promise<void> {
  const s = useApp.getState();
  try {
    const weights = currentWeights(s);
    const optimizer = weights && s.model?.checkpoint?.meta.optimizer ? s.model.checkpoint.optimizer : null;
    const project = buildProject(s);
    const file = opts.includeData ? await includableDataset(s) : null;
    if (opts.includeData && !file) throw new Error('the uploaded data file is not stored in this browser any more: drop it again to include it');
    const data = file ? new Uint8Array(await file.blob.arrayBuffer()) : null;
    if (file && data) project.dataset = { file: file.file, bytes: data.byteLength };
    const int8 = currentInt8(s);
    const bytes = writeProjectZip({ project, ...(weights ? { weights } : {}), ...(optimizer ? { optimizer } : {}), ...(data ? { dataset: data } : {}), ...(int8 ? { int8 } : {}) });
    saveBytes(bytes, projectFileName(s.name), 'application/zip');
  } catch (e) {
    s.notify('error', `Could not build the project file: ${(e as Error).message}`);
  }
}

/** Download: asks whether to include the data when there is an uploaded file to include, else downloads. */
export async function requestDownload(): Promise<void> {
  if (await includableDataset(useApp.getState())) useApp.getState().openDialog('download');
  else await downloadProject();
}

/** Forgets the current run and model (a different project is coming). */
export function resetRunState(): void {
  resetSeries();
  const s = useApp.getState();
  if (s.runId && (s.status === 'running' || s.status === 'stopping')) getEngine().stop(s.runId).catch(() => {});
  s.patchRun({ status: 'idle', runId: null, metrics: null, boundary: null, model: null, runMessage: null, engineErrors: {}, seriesVersion: s.seriesVersion + 1, evaluation: null });
  // A compression run and its variants belong to the project being left.
  const c = s.compression;
  if (c.runId && c.status === 'running') getEngine().stop(c.runId).catch(() => {});
  s.patchCompression(IDLE_COMPRESSION);
}

function snapshot(s: AppState): ProjectState {
  return { name: s.name, graph: s.graph, dataset: s.dataset, training: s.training };
}

export function newProject(): void {
  const before = { ...snapshot(useApp.getState()), projectId: useApp.getState().projectId };
  resetRunState();
  useApp.getState().loadProject(freshProject());
  startedNewProject(before.name);
  useApp.getState().notify('info', 'Started a new project.', before);
}

/**
 * The project just loaded is a new one in the project list: its own id, a name no other project
 * has (nor the one it replaced, `previous`, which may not be listed yet), no runs yet.
 */
export function startedNewProject(previous?: string): void {
  const s = useApp.getState();
  s.setName(uniqueName(s.name, [...s.projects.map((p) => p.name), ...(previous ? [previous] : [])]));
  s.setProjectId(newProjectId());
  s.setRuns([]);
}

export function undoReplace(p: ProjectState & { projectId?: string }): void {
  resetRunState();
  const { projectId, ...project } = p;
  useApp.getState().loadProject(project);
  if (projectId) {
    useApp.getState().setProjectId(projectId);
    void loadRuns(projectId).then((runs) => useApp.getState().projectId === projectId && useApp.getState().setRuns(runs));
    void restoreModel(projectId);
  }
  useApp.getState().dismissNotice();
}

/** The data panel shows generated 2-D datasets for now; other kinds fall back to the current one. */
const builtin2dOr = (d: DatasetSpec, fallback: Builtin2DSpec): Builtin2DSpec => (d.kind === 'builtin2d' ? d : fallback);

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const stem = (fileName: string) => fileName.replace(/\.flowgrad\.zip$|\.zip$|\.json$/i, '') || 'Untitled model';

export interface ReadProject {
  project: ProjectState;
  weights: Uint8Array | null;
  metrics: ProjectJSON['metrics'];
  data?: DatasetSpec;
  /** The training state to continue from (version 2 files). */
  checkpoint?: Checkpoint | null;
  preprocessing?: Preprocessing | null;
  /** The data file the project carries (when it was downloaded with its data). */
  included?: { file: string; bytes: Uint8Array } | null;
  /** The model's int8 file when it was kept as int8 (version 3). */
  int8?: Uint8Array | null;
}

/** Reads a file into a project (and weights) without touching the store. Throws with a readable message. */
export async function readProjectFile(file: File, fallback: ProjectState): Promise<ReadProject> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (isZip(bytes)) {
    const files = readProjectZip(bytes);
    const { project, weights } = files;
    return {
      project: { name: project.name || stem(file.name), graph: project.graph, dataset: builtin2dOr(project.data, fallback.dataset), training: project.training }, weights, metrics: project.metrics, data: project.data,
      checkpoint: projectCheckpoint(files), preprocessing: project.preprocessing ?? null,
      included: project.dataset && files.dataset ? { file: project.dataset.file, bytes: files.dataset } : null,
      int8: files.int8,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    // Neither a zip nor JSON: let the project reader say what the file looks like.
    readProjectZip(bytes);
    throw new Error('This is neither a Flowgrad project (.flowgrad.zip) nor a JSON graph.');
  }
  if (json && typeof json === 'object' && (json as { format?: unknown }).format === 'flowgrad.project') {
    const p = parseProject(json);
    return { project: { name: p.name || stem(file.name), graph: p.graph, dataset: builtin2dOr(p.data, fallback.dataset), training: p.training }, weights: null, metrics: p.metrics, data: p.data };
  }
  const graph = parseGraph(json);
  return { project: { ...fallback, name: stem(file.name), graph }, weights: null, metrics: undefined };
}

export async function openProjectFile(file: File): Promise<void> {
  const s = useApp.getState();
  let read: Awaited<ReturnType<typeof readProjectFile>>;
  try {
    read = await readProjectFile(file, snapshot(s));
  } catch (e) {
    s.notify('error', `Could not open “${file.name}”: ${(e as Error).message}`);
    return;
  }
  const { project, weights, metrics, checkpoint, preprocessing, included, int8 } = read;
  let data = read.data;
  let dataProblem: string | null = null;
  if (included && data?.kind === 'upload') {
    try {
      data = await restoreIncludedDataset(data, included);
    } catch (e) {
      dataProblem = `Opened “${file.name}”, but the data it includes could not be loaded: ${(e as Error).message}`;
    }
  }
  resetRunState();
  useApp.getState().loadProject(project);
  // Generated and uploaded datasets are a data source; 2-D ones live in the project itself.
  useApp.getState().setDataSource(data && data.kind !== 'builtin2d' ? data : null);
  startedNewProject();
  if (dataProblem) useApp.getState().notify('error', dataProblem);
  else useApp.getState().dismissNotice();
  if (!weights) return;
  const m = metrics as { loss?: number; accuracy?: number; valLoss?: number; valAccuracy?: number; epoch?: number; step?: number } | undefined;
  const runMetrics = m && typeof m.loss === 'number' ? { step: m.step ?? 0, epoch: m.epoch ?? 0, loss: m.loss, accuracy: m.accuracy, valLoss: m.valLoss, valAccuracy: m.valAccuracy } : null;
  const model = { weights, graph: project.graph, dataset: data ?? project.dataset, metrics: runMetrics, config: project.training, checkpoint: checkpoint ?? null, preprocessing: preprocessing ?? null, int8: int8 ?? null };
  if (checkpoint) seriesFromHistory(checkpoint.meta.history);
  useApp.getState().patchRun({
    model, metrics: runMetrics, seriesVersion: useApp.getState().seriesVersion + 1,
    runMessage: { kind: 'info', text: `Loaded “${project.name}” with its trained ${int8 ? 'int8 model (it computes as int8)' : 'weights'}${checkpoint ? ` (${checkpoint.meta.epoch} epochs; Train can continue from them)` : ''}.` },
  });
  if (checkpoint) void keepModel(useApp.getState().projectId, model);
  if (model.dataset.kind !== 'builtin2d') return;
  try {
    const boundary = await getEngine().boundary(project.graph, weights, project.dataset, BOUNDARY_RESOLUTION, int8);
    if (useApp.getState().model === model) useApp.getState().patchRun({ boundary });
  } catch (e) {
    if (useApp.getState().model === model) {
      useApp.getState().patchRun({ runMessage: { kind: 'warn', text: `Loaded the model, but could not draw its decision boundary: ${(e as Error).message}` } });
    }
  }
}
