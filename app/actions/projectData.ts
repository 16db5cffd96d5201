/**
 * The uploaded dataset inside a downloaded project: which file can be included (the upload's
 * own file, kept in this browser since it was dropped — workers/data/store.ts), and on open,
 * loading an included file as an upload again (through the data worker, as a drop would), so
 * the project trains and evaluates on another machine. The upload gets a new id here; the
 * project's data spec keeps its preparation and points at it.
 */
import { readUploadFile, type UploadFile } from '../../workers/data/store.ts';
import { ingestFiles, DataError } from '../../workers/data/client.ts';
import type { DatasetSpec, UploadSpec } from '../../engine/project/config.ts';
import { useApp, type AppState } from '../store/index.ts';
import { currentDatasetSpec } from '../store/dataSlice.ts';

/** The current data's uploaded file, when this browser kept it (what "Include the dataset" writes). */
export async function includableDataset(s: Pick<AppState, 'dataSource' | 'dataset'>): Promise<UploadFile | null> {
  const d = currentDatasetSpec(s);
  if (d.kind !== 'upload') return null;
  try {
    return await readUploadFile(d.id);
  } catch (e) {
    console.warn('Flowgrad: could not read the uploaded file', e);
    return null;
  }
}

/** "2.4 MB", "310 KB". */
export function sizeText(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} KB`;
}

/**
 * Loads a project's included data file as an upload; returns the project's data spec pointing
 * at it (its preparation kept). Rows the parser cannot read are skipped when they stop it.
 */
export async function restoreIncludedDataset(spec: UploadSpec, file: { file: string; bytes: Uint8Array }): Promise<DatasetSpec> {
  const files = [{ name: file.file, file: new Blob([file.bytes as Uint8Array<ArrayBuffer>]) }];
  let summary;
  try {
    summary = await ingestFiles(files, 'stop', () => {});
  } catch (e) {
    if (!(e instanceof DataError) || !e.canSkip) throw e;
    summary = await ingestFiles(files, 'skip', () => {});
  }
  const s = useApp.getState();
  s.setUploads([summary, ...s.uploads.filter((u) => u.id !== summary.id)]);
  return { ...spec, id: summary.id, name: summary.name };
}
