/**
 * What the data panel and the page-wide drop zone do: collect dropped or picked files
 * (folders too, through webkitGetAsEntry), send them to the data worker, and on success
 * select the new upload with a default preparation; on failure only an error message changes
 * (role=alert), never the project. The chosen data source is remembered in IndexedDB.
 */
import { ingestFiles, DataError, type IngestFile } from '../../workers/data/client.ts';
import { deleteDataset, getSetting, listSummaries, putSetting } from '../../workers/data/store.ts';
import { arraySampleShape, labelIndex } from '../../engine/project/dataPlan.ts';
import { DEFAULT_PREP, type BadRowPolicy, type DataPrep, type DatasetSummary } from '../../engine/project/dataTypes.ts';
import { useApp } from '../store/index.ts';
import type { DataSource } from '../store/dataSlice.ts';

let lastFiles: IngestFile[] | null = null;
const ACTIVE_KEY = 'active';

/** The preparation a new upload starts with: label column guessed, 70/15/15 split. */
export function defaultPrep(s: DatasetSummary): DataPrep {
  const prep: DataPrep = { valFraction: DEFAULT_PREP.valFraction, testFraction: DEFAULT_PREP.testFraction, seed: 1, normalize: 'standardize', missing: 'mean' };
  if (s.table) prep.label = s.table.columns[labelIndex(s.table.columns.map((c) => c.name), {})]?.name;
  if (s.images) prep.imageSize = Math.min(s.images.width, 32);
  // Integer arrays are usually token ids: standardising them would make ids negative.
  if (s.tensor?.xInteger && !arraySampleShape(s.tensor.xShape).image) prep.normalize = 'none';
  return prep;
}

export async function loadFiles(files: IngestFile[], badRows: BadRowPolicy = 'stop'): Promise<void> {
  const s = useApp.getState();
  if (s.dataBusy || files.length === 0) return;
  lastFiles = files;
  const name = files.length === 1 ? files[0].name : files[0].name.split('/')[0] || `${files.length} files`;
  s.patchData({ dataBusy: { name, phase: 'reading', fraction: 0 }, dataError: null });
  // Progress comes through its own channel and may arrive after the result: ignore it then.
  let done = false;
  try {
    const summary = await ingestFiles(files, badRows, (p) => {
      if (!done) useApp.getState().patchData({ dataBusy: { name, ...p } });
    });
    done = true;
    const cur = useApp.getState();
    cur.setUploads([summary, ...cur.uploads.filter((u) => u.id !== summary.id)]);
    cur.setDataSource({ kind: 'upload', id: summary.id, name: summary.name, prep: { ...defaultPrep(summary) } });
    cur.patchData({ dataBusy: null, dataPanelOpen: true });
    lastFiles = null;
  } catch (e) {
    done = true;
    const err = e instanceof DataError ? e : new DataError('internal', String((e as Error)?.message ?? e));
    useApp.getState().patchData({ dataBusy: null, dataError: { text: err.message, canSkip: err.canSkip && badRows === 'stop' } });
  }
}

/** Loads the last failed files again, leaving malformed rows out. */
export function retrySkippingBadRows(): void {
  if (lastFiles) void loadFiles(lastFiles, 'skip');
}

export async function removeUpload(id: string): Promise<void> {
  await deleteDataset(id).catch(() => undefined);
  const s = useApp.getState();
  s.setUploads(s.uploads.filter((u) => u.id !== id));
  if (s.dataSource?.kind === 'upload' && s.dataSource.id === id) s.setDataSource(null);
}

function readEntry(entry: FileSystemEntry, out: IngestFile[]): Promise<void> {
  if (entry.isFile) {
    return new Promise((resolve) => (entry as FileSystemFileEntry).file((file) => {
      out.push({ name: entry.fullPath.replace(/^\//, ''), file });
      resolve();
    }, () => resolve()));
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  return new Promise((resolve) => {
    const batch = () => reader.readEntries(async (entries) => {
      if (entries.length === 0) return resolve();
      for (const e of entries) await readEntry(e, out);
      batch();
    }, () => resolve());
    batch();
  });
}

/** Files of a drop: folders walked (paths kept, for class sub-folders), plain files as named. */
export async function filesFromDataTransfer(dt: DataTransfer): Promise<IngestFile[]> {
  const entries = Array.from(dt.items ?? [])
    .filter((i) => i.kind === 'file')
    .map((i) => (typeof i.webkitGetAsEntry === 'function' ? i.webkitGetAsEntry() : null));
  if (entries.length > 0 && entries.every((e) => e !== null) && entries.some((e) => e!.isDirectory)) {
    const out: IngestFile[] = [];
    for (const e of entries) await readEntry(e!, out);
    return out;
  }
  return Array.from(dt.files).map((file) => ({ name: file.name, file }));
}

/** Files from an <input type=file> (with webkitRelativePath for folder pickers). */
export function filesFromInput(list: FileList | null): IngestFile[] {
  return Array.from(list ?? []).map((file) => ({ name: file.webkitRelativePath || file.name, file }));
}

let started = false;

/** Restores the stored uploads and the chosen data source, then remembers every change. */
export function startData(): () => void {
  if (started) return () => undefined;
  started = true;
  let restoring = true;
  void (async () => {
    try {
      const [list, active] = await Promise.all([listSummaries(), getSetting<DataSource>(ACTIVE_KEY)]);
      const s = useApp.getState();
      s.setUploads(list);
      // A choice made while restoring wins over the stored one.
      if (active && s.dataSource === null && (active.kind !== 'upload' || list.some((u) => u.id === active.id))) s.setDataSource(active);
    } catch (e) {
      console.warn('Flowgrad: could not read stored datasets', e);
    } finally {
      restoring = false;
      useApp.getState().patchData({ uploadsLoaded: true });
    }
  })();
  const unsub = useApp.subscribe((s, prev) => {
    if (restoring || s.dataSource === prev.dataSource) return;
    putSetting(ACTIVE_KEY, s.dataSource).catch((e) => console.warn('Flowgrad: could not remember the dataset choice', e));
  });
  return () => {
    unsub();
    started = false;
  };
}
