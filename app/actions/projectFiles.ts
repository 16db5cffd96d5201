/**
 * New / Open / Download. Download writes a `.flowgrad.zip` (project.json + the trained
 * weights when they still fit the graph on the canvas). Open reads a project zip, a bare
 * project.json or a bare graph JSON; on any problem it says why and leaves the current
 * project untouched; on success it keeps the file's weights as the current model and redraws
 * its decision boundary.
 */
import { parseGraph } from '../../engine/graph/format.ts';
import { PROJECT_VERSION, parseProject, readProjectZip, writeProjectZip, type ProjectJSON } from '../../engine/project/projectFile.ts';
import type { Builtin2DSpec, DatasetSpec } from '../../engine/project/config.ts';
import { getEngine } from '../../workers/client.ts';
import { structureKey } from '../store/analysis.ts';
import { freshProject, type ProjectState } from '../store/graphSlice.ts';
import { useApp, type AppState } from '../store/index.ts';
import { currentDatasetSpec } from '../store/dataSlice.ts';
import { newProjectId } from '../store/projectsSlice.ts';
import { loadRuns } from './runHistory.ts';
import { resetSeries } from '../store/series.ts';
import { BOUNDARY_RESOLUTION } from './training.ts';

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

export function downloadProject(): void {
  const s = useApp.getState();
  try {
    const weights = currentWeights(s);
    const bytes = writeProjectZip({ project: buildProject(s), ...(weights ? { weights } : {}) });
    saveBytes(bytes, projectFileName(s.name), 'application/zip');
  } catch (e) {
    s.notify('error', `Could not build the project file: ${(e as Error).message}`);
  }
}

/** Forgets the current run and model (a different project is coming). */
export function resetRunState(): void {
  resetSeries();
  const s = useApp.getState();
  if (s.runId && (s.status === 'running' || s.status === 'stopping')) getEngine().stop(s.runId).catch(() => {});
  s.patchRun({ status: 'idle', runId: null, metrics: null, boundary: null, model: null, runMessage: null, engineErrors: {}, seriesVersion: s.seriesVersion + 1 });
}

function snapshot(s: AppState): ProjectState {
  return { name: s.name, graph: s.graph, dataset: s.dataset, training: s.training };
}

export function newProject(): void {
  const before = { ...snapshot(useApp.getState()), projectId: useApp.getState().projectId };
  resetRunState();
  useApp.getState().loadProject(freshProject());
  startedNewProject();
  useApp.getState().notify('info', 'Started a new project.', before);
}

/** The project just loaded is a new one in the project list: its own id, no runs yet. */
export function startedNewProject(): void {
  const s = useApp.getState();
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
  }
  useApp.getState().dismissNotice();
}

/** The data panel shows generated 2-D datasets for now; other kinds fall back to the current one. */
const builtin2dOr = (d: DatasetSpec, fallback: Builtin2DSpec): Builtin2DSpec => (d.kind === 'builtin2d' ? d : fallback);

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const stem = (fileName: string) => fileName.replace(/\.flowgrad\.zip$|\.zip$|\.json$/i, '') || 'Untitled model';

/** Reads a file into a project (and weights) without touching the store. Throws with a readable message. */
export async function readProjectFile(file: File, fallback: ProjectState): Promise<{ project: ProjectState; weights: Uint8Array | null; metrics: ProjectJSON['metrics']; data?: DatasetSpec }> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (isZip(bytes)) {
    const { project, weights } = readProjectZip(bytes);
    return { project: { name: project.name || stem(file.name), graph: project.graph, dataset: builtin2dOr(project.data, fallback.dataset), training: project.training }, weights, metrics: project.metrics, data: project.data };
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
  resetRunState();
  const { project, weights, metrics, data } = read;
  useApp.getState().loadProject(project);
  // Generated and uploaded datasets are a data source; 2-D ones live in the project itself.
  useApp.getState().setDataSource(data && data.kind !== 'builtin2d' ? data : null);
  startedNewProject();
  useApp.getState().dismissNotice();
  if (!weights) return;
  const m = metrics as { loss?: number; accuracy?: number; valLoss?: number; valAccuracy?: number; epoch?: number; step?: number } | undefined;
  const runMetrics = m && typeof m.loss === 'number' ? { step: m.step ?? 0, epoch: m.epoch ?? 0, loss: m.loss, accuracy: m.accuracy, valLoss: m.valLoss, valAccuracy: m.valAccuracy } : null;
  const model = { weights, graph: project.graph, dataset: project.dataset, metrics: runMetrics };
  useApp.getState().patchRun({ model, metrics: runMetrics, runMessage: { kind: 'info', text: `Loaded “${project.name}” with its trained weights.` } });
  try {
    const boundary = await getEngine().boundary(project.graph, weights, project.dataset, BOUNDARY_RESOLUTION);
    if (useApp.getState().model === model) useApp.getState().patchRun({ boundary });
  } catch (e) {
    if (useApp.getState().model === model) {
      useApp.getState().patchRun({ runMessage: { kind: 'warn', text: `Loaded the model, but could not draw its decision boundary: ${(e as Error).message}` } });
    }
  }
}
