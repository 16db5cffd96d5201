/**
 * Entry point: opens a graph shared by URL (`#graph=...`) or restores the autosaved project
 * (with its id, run history and trained model), starts autosave, renders the app; Custom Code that did not
 * come from this browser stays inert until the user allows it (actions/codeTrust.ts); a first visit opens the
 * start screen. In dev builds (or with `?e2e` in the URL) it also exposes
 * `window.__flowgrad` for tests and the UI benchmark.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles/theme.css';
import './styles/layout.css';
import './styles/canvas.css';
import './styles/panels.css';
import './styles/ide.css';
import './styles/dashboard.css';
import { App } from './App.tsx';
import { loadAutosave, startAutosave } from './actions/autosave.ts';
import { refreshProjects } from './actions/projects.ts';
import { loadRuns } from './actions/runHistory.ts';
import { decodeGraph, graphFromHash } from './actions/share.ts';
import { isWelcomed } from './actions/startScreen.ts';
import { freshProject } from './store/graphSlice.ts';
import { newProjectId } from './store/projectsSlice.ts';
import { currentWeights } from './actions/projectFiles.ts';
import { useApp } from './store/index.ts';
import { analyze } from './store/analysis.ts';
import { getEngine } from '../workers/client.ts';
import { installCodeTrust } from './actions/codeTrust.ts';
import { restoreModel } from './actions/modelStore.ts';

declare global {
  interface Window {
    __flowgrad?: {
      getGraph(): unknown;
      getAnalysis(): unknown;
      getLastWeights(): Uint8Array | null;
      /** The whole store (benchmarks drive edits through it). */
      store: typeof useApp;
      predict(inputs: number[][]): Promise<number[][]>;
      /**
       * Destroys the engine worker's WebGPU device, as a driver reset would (true when there
       * was one). Only for the device-lost recovery test (e2e/device-lost.spec.ts): losing a
       * GPU on purpose is otherwise impossible from a page.
       */
      loseGpuDevice(): Promise<boolean>;
    };
  }
}

function exposeTestHooks(): void {
  window.__flowgrad = {
    getGraph: () => structuredClone(useApp.getState().graph),
    getAnalysis: () => analyze(useApp.getState().graph),
    getLastWeights: () => useApp.getState().model?.weights ?? null,
    store: useApp,
    async predict(inputs) {
      const s = useApp.getState();
      const weights = currentWeights(s);
      if (!weights) throw new Error('No trained weights for the current graph');
      const out = await getEngine().predict(s.graph, weights, Float32Array.from(inputs.flat()), inputs.length, s.model?.int8);
      const k = inputs.length ? out.length / inputs.length : 0;
      return Array.from({ length: inputs.length }, (_, i) => Array.from(out.subarray(i * k, (i + 1) * k)));
    },
    loseGpuDevice: () => getEngine().debugLoseDevice(),
  };
}

/** Opens a graph from the URL hash as a new project; true when there was one. */
function openSharedGraph(): boolean {
  const enc = graphFromHash(location.hash);
  if (!enc) return false;
  history.replaceState(null, '', location.pathname + location.search);
  try {
    const graph = decodeGraph(enc);
    const s = useApp.getState();
    s.loadProject({ ...freshProject(), name: 'Shared model', graph });
    s.setProjectId(newProjectId());
    s.notify('info', 'Opened a shared model as a new project.');
  } catch (e) {
    useApp.getState().notify('error', `Could not open the shared link: ${(e as Error).message}`);
  }
  return true;
}

async function boot(): Promise<void> {
  document.documentElement.dataset.theme = useApp.getState().theme;
  // Before any graph is loaded: which Custom Code may run (code from links and files waits for consent).
  installCodeTrust();
  const saved = await Promise.race([loadAutosave(), new Promise<null>((r) => setTimeout(() => r(null), 1500))]);
  if (saved) {
    const { projectId, ...project } = saved;
    useApp.getState().loadProject(project);
    if (projectId) {
      useApp.getState().setProjectId(projectId);
      void loadRuns(projectId).then((runs) => useApp.getState().projectId === projectId && useApp.getState().setRuns(runs));
      void restoreModel(projectId);
    }
  }
  const shared = openSharedGraph();
  window.addEventListener('hashchange', openSharedGraph);
  if (!saved && !shared && !isWelcomed()) useApp.getState().openDialog('templates', { welcome: true });
  startAutosave();
  void refreshProjects();
  if (import.meta.env.DEV || new URLSearchParams(location.search).has('e2e')) exposeTestHooks();
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void boot();
