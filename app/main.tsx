/**
 * Entry point: restores the autosaved project, starts autosave, renders the app. In dev
 * builds (or with `?e2e` in the URL) it also exposes `window.__flowgrad` for tests.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles/theme.css';
import './styles/layout.css';
import './styles/canvas.css';
import './styles/panels.css';
import { App } from './App.tsx';
import { loadAutosave, startAutosave } from './actions/autosave.ts';
import { currentWeights } from './actions/projectFiles.ts';
import { useApp } from './store/index.ts';
import { analyze } from './store/analysis.ts';
import { getEngine } from '../workers/client.ts';

declare global {
  interface Window {
    __flowgrad?: {
      getGraph(): unknown;
      getAnalysis(): unknown;
      getLastWeights(): Uint8Array | null;
      predict(inputs: number[][]): Promise<number[][]>;
    };
  }
}

function exposeTestHooks(): void {
  window.__flowgrad = {
    getGraph: () => structuredClone(useApp.getState().graph),
    getAnalysis: () => analyze(useApp.getState().graph),
    getLastWeights: () => useApp.getState().model?.weights ?? null,
    async predict(inputs) {
      const s = useApp.getState();
      const weights = currentWeights(s);
      if (!weights) throw new Error('No trained weights for the current graph');
      const out = await getEngine().predict(s.graph, weights, Float32Array.from(inputs.flat()), inputs.length);
      const k = inputs.length ? out.length / inputs.length : 0;
      return Array.from({ length: inputs.length }, (_, i) => Array.from(out.subarray(i * k, (i + 1) * k)));
    },
  };
}

async function boot(): Promise<void> {
  const saved = await Promise.race([loadAutosave(), new Promise<null>((r) => setTimeout(() => r(null), 1500))]);
  if (saved) useApp.getState().loadProject(saved);
  startAutosave();
  if (import.meta.env.DEV || new URLSearchParams(location.search).has('e2e')) exposeTestHooks();
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void boot();
