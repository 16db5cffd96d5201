/**
 * Download, when the project's data is an uploaded file this browser kept: the option to
 * include the dataset in the .flowgrad.zip (with its size), so the project opens complete —
 * trainable and evaluable — on another machine.
 */
import { useEffect, useId, useState } from 'react';
import { downloadProject } from '../actions/projectFiles.ts';
import { includableDataset, sizeText } from '../actions/projectData.ts';
import { useApp } from '../store/index.ts';
import { Dialog } from './Dialog.tsx';

export function DownloadDialog() {
  const [file, setFile] = useState<{ name: string; size: number } | null | undefined>(undefined);
  const [include, setInclude] = useState(false);
  const id = useId();
  const close = () => useApp.getState().openDialog(null);
  useEffect(() => {
    let live = true;
    void includableDataset(useApp.getState()).then((f) => live && setFile(f ? { name: f.file, size: f.blob.size } : null));
    return () => {
      live = false;
    };
  }, []);
  return (
    <Dialog title="Download project" onClose={close} className="download-dialog">
      <p className="small muted">The .flowgrad.zip holds the model, its settings and, once trained, the weights with the state to continue training from.</p>
      {file === undefined && <p className="small muted">Looking for the uploaded data…</p>}
      {file === null && <p className="small muted">The uploaded data file is not stored in this browser, so it cannot be included.</p>}
      {file && (
        <label className="small download-include" htmlFor={id}>
          <input id={id} type="checkbox" checked={include} onChange={(e) => setInclude(e.target.checked)} />
          Include the dataset ({file.name}, {sizeText(file.size)})
        </label>
      )}
      <div className="dialog-actions">
        <button
          type="button"
          className="primary"
          onClick={() => {
            close();
            void downloadProject({ includeData: include && !!file });
          }}
        >
          Download
        </button>
      </div>
    </Dialog>
  );
}
