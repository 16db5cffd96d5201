/**
 * Page-wide data drop: dropping files or a folder anywhere on the page loads them as a
 * dataset (an overlay says so while dragging). Project files (*.flowgrad.zip) are left to the
 * project import. Also restores the stored uploads on start and hosts the dataset dialog.
 */
import { useEffect, useState } from 'react';
import { useApp } from '../store/index.ts';
import { filesFromDataTransfer, loadFiles, startData } from './dataActions.ts';
import { DataDialog } from './DataDialog.tsx';
import './data.css';

/** Names the project import handles (app/actions/projectDrop.ts); every other dropped file is data. */
const PROJECT_FILE = /\.flowgrad\.(zip|json)$|\.onnx$/i; // opened as projects (actions/projectDrop.ts)

function hasFiles(e: DragEvent): boolean {
  return !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
}

function isProjectDrop(dt: DataTransfer): boolean {
  const files = Array.from(dt.files);
  return files.length > 0 && files.every((f) => PROJECT_FILE.test(f.name));
}

export function DataLayer() {
  const [dragging, setDragging] = useState(false);
  const running = useApp((s) => s.status === 'running' || s.status === 'stopping' || s.status === 'paused');

  useEffect(() => startData(), []);

  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const over = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      depth = 0;
      setDragging(false);
      const dt = e.dataTransfer;
      if (!dt || !hasFiles(e) || isProjectDrop(dt)) return;
      e.preventDefault();
      if (useApp.getState().status === 'running') {
        useApp.getState().patchData({ dataError: { text: 'Stop training before loading another dataset.', canSkip: false } });
        return;
      }
      void filesFromDataTransfer(dt).then((files) => loadFiles(files.filter((f) => !PROJECT_FILE.test(f.name))));
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);

  return (
    <>
      {dragging && <div className="data-drop-overlay" aria-hidden="true">{running ? 'Stop training before loading another dataset' : 'Drop a dataset to load it (CSV, JSON, NPY/NPZ, IDX, a ZIP or folder of images)'}</div>}
      <DataDialog />
    </>
  );
}
