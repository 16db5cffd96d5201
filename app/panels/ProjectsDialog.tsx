/**
 * Projects: the project list stored in this browser (open, delete), the current project's
 * Save / Save as / Duplicate, and import from a .flowgrad.zip file (or drop one on the page).
 */
import { useEffect, useId, useState } from 'react';
import { deleteSavedProject, duplicateProject, openSavedProject, refreshProjects, saveProjectAs, saveProjectNow } from '../actions/projects.ts';
import { formatCount } from '../canvas/convert.ts';
import { useApp } from '../store/index.ts';
import { Dialog } from './Dialog.tsx';

const when = (t: number) => {
  const d = new Date(t);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : d.toLocaleDateString();
};

export function ProjectsDialog({ onImport }: { onImport(): void }) {
  const projects = useApp((s) => s.projects);
  const currentId = useApp((s) => s.projectId);
  const name = useApp((s) => s.name);
  const [asName, setAsName] = useState(`${name} (copy)`);
  const asId = useId();
  const close = () => useApp.getState().openDialog(null);
  useEffect(() => {
    void refreshProjects();
  }, []);

  return (
    <Dialog title="Projects" onClose={close} className="projects-dialog">
      <section className="projects-current" aria-label="Current project">
        <div className="row">
          <strong>{name}</strong>
          <span className="muted small">saved automatically</span>
          <span className="spacer" />
          <button type="button" onClick={() => void saveProjectNow(true)}>Save</button>
          <button type="button" onClick={() => void duplicateProject().then(close)}>Duplicate</button>
        </div>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void saveProjectAs(asName).then(close);
          }}
        >
          <label htmlFor={asId} className="muted small">Save as</label>
          <input id={asId} value={asName} onChange={(e) => setAsName(e.target.value)} />
          <button type="submit">Save as</button>
        </form>
      </section>
      <div className="row">
        <h3>In this browser</h3>
        <span className="spacer" />
        <button type="button" onClick={onImport}>Import .flowgrad.zip…</button>
      </div>
      {projects.length === 0 ? (
        <p className="muted">No saved projects yet — edits are saved automatically.</p>
      ) : (
        <ul className="project-list" aria-label="Saved projects">
          {projects.map((p) => (
            <li key={p.id} className={p.id === currentId ? 'current' : undefined}>
              <button type="button" className="project-open" onClick={() => void openSavedProject(p.id)} disabled={p.id === currentId} aria-label={`Open ${p.name}`}>
                <strong>{p.name}</strong>
                <span className="muted small">
                  {p.layers} layers · {formatCount(p.params)} params · {when(p.savedAt)}
                  {p.id === currentId ? ' · open now' : ''}
                </span>
              </button>
              <button
                type="button"
                className="danger"
                aria-label={`Delete ${p.name}`}
                disabled={p.id === currentId}
                onClick={() => {
                  if (confirm(`Delete “${p.name}” and its run history from this browser?`)) void deleteSavedProject(p.id);
                }}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
