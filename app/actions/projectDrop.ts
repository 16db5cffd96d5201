/**
 * Dropping a project file anywhere on the page opens it: `*.flowgrad.zip` (or a graph /
 * project `.json` named `*.flowgrad.json`), or an ONNX model (`*.onnx`, imported as layers). Every other dropped file is left alone for the
 * data panel's own drop handling (which sees the event first, on its element); the page
 * itself never navigates away to a dropped file.
 */
import { openProjectFile } from './projectFiles.ts';
import { isOnnxFileName, openOnnxFile } from './onnxFiles.ts';

export const isProjectFileName = (name: string) => /\.flowgrad\.(zip|json)$/i.test(name) || isOnnxFileName(name);

export function installProjectDrop(): () => void {
  const over = (e: DragEvent) => {
    if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
  };
  const drop = (e: DragEvent) => {
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length === 0) return;
    e.preventDefault();
    const project = files.find((f) => isProjectFileName(f.name));
    if (project) void (isOnnxFileName(project.name) ? openOnnxFile(project) : openProjectFile(project));
  };
  window.addEventListener('dragover', over);
  window.addEventListener('drop', drop);
  return () => {
    window.removeEventListener('dragover', over);
    window.removeEventListener('drop', drop);
  };
}
