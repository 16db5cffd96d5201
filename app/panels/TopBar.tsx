/**
 * The top bar: the app's name, the project's name, New / Open… / Download, and the model's
 * size and state at a glance.
 */
import { useRef } from 'react';
import { downloadProject, newProject, openProjectFile, currentWeights } from '../actions/projectFiles.ts';
import { formatCount } from '../canvas/convert.ts';
import { useAnalysis } from '../store/analysis.ts';
import { useApp } from '../store/index.ts';

export function TopBar() {
  const name = useApp((s) => s.name);
  const setName = useApp((s) => s.setName);
  const hasWeights = useApp((s) => currentWeights(s) !== null);
  const running = useApp((s) => s.status === 'running' || s.status === 'stopping');
  const analysis = useAnalysis();
  const file = useRef<HTMLInputElement>(null);
  const errors = analysis.issues.filter((i) => i.severity === 'error').length;

  return (
    <header className="topbar">
      <div className="brand">
        <img src="/favicon.svg" alt="" width={22} height={22} />
        <span>Flowgrad</span>
      </div>
      <input className="project-name" aria-label="Project name" value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} />
      <div className="topbar-actions">
        <button type="button" aria-label="New project" onClick={newProject} title="Start over with the starter model">
          New
        </button>
        <button type="button" aria-label="Open project" onClick={() => file.current?.click()} title="Open a .flowgrad.zip project or a graph .json">
          Open…
        </button>
        <input
          ref={file}
          type="file"
          accept=".zip,.flowgrad.zip,.json,application/zip,application/json"
          hidden
          aria-label="Project file"
          data-testid="open-project-input"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void openProjectFile(f);
          }}
        />
        <button
          type="button"
          aria-label="Download project"
          onClick={downloadProject}
          disabled={running}
          title={hasWeights ? 'Download the project with its trained weights' : 'Download the project (graph and settings; train first to include weights)'}
        >
          Download .flowgrad.zip
          {hasWeights && <span className="badge">+ weights</span>}
        </button>
      </div>
      <div className="topbar-status" role="status" aria-label="Model summary">
        <span>{analysis.totalParams.toLocaleString('en-US')} params</span>
        <span className="sep">·</span>
        <span>{formatCount(analysis.totalFlops)} FLOPs</span>
        <span className="sep">·</span>
        <span className={errors ? 'text-error' : 'text-ok'}>{errors ? `${errors} error${errors > 1 ? 's' : ''}` : 'valid'}</span>
      </div>
    </header>
  );
}
