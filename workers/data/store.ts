/**
 * Uploaded datasets in IndexedDB (database `flowgrad-data`): the parsed data by id (what the
 * engine worker trains on), its small preview summary (what the data panel lists), the
 * uploaded file itself as a Blob (version 2: what a downloaded project can include), and a
 * few settings (the dataset chosen last). Works in the page and in workers alike, so the data
 * worker writes an upload once and the engine worker reads it by id, without the page ever
 * holding the big arrays.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { DatasetSummary, StoredDataset } from '../../engine/project/dataTypes.ts';

/** The file an upload came from (several dropped files: zipped into one), to include in a project. */
export interface UploadFile {
  file: string;
  blob: Blob;
}

interface DataDB extends DBSchema {
  datasets: { key: string; value: StoredDataset };
  files: { key: string; value: UploadFile };
  summaries: { key: string; value: DatasetSummary & { createdAt: string } };
  settings: { key: string; value: unknown };
}

const DB_NAME = 'flowgrad-data';
let dbPromise: Promise<IDBPDatabase<DataDB>> | null = null;

function db(): Promise<IDBPDatabase<DataDB>> {
  return (dbPromise ??= openDB<DataDB>(DB_NAME, 2, {
    upgrade(d, oldVersion) {
      if (oldVersion < 1) {
        d.createObjectStore('datasets');
        d.createObjectStore('summaries');
        d.createObjectStore('settings');
      }
      if (oldVersion < 2) d.createObjectStore('files');
    },
  }).catch((e: unknown) => {
    dbPromise = null;
    throw e;
  }));
}

/** Stores a parsed upload and its summary in one transaction. */
export async function putDataset(stored: StoredDataset, summary: DatasetSummary): Promise<void> {
  const d = await db();
  const tx = d.transaction(['datasets', 'summaries'], 'readwrite');
  await Promise.all([tx.objectStore('datasets').put(stored, stored.id), tx.objectStore('summaries').put({ ...summary, createdAt: stored.createdAt }, stored.id), tx.done]);
}

/** The stored upload; throws when there is none (the engine turns that into a clear message). */
export async function readDataset(id: string): Promise<StoredDataset> {
  const v = await (await db()).get('datasets', id);
  if (!v) throw new Error(`no stored dataset '${id}'`);
  return v;
}

export async function readSummary(id: string): Promise<DatasetSummary | null> {
  return (await (await db()).get('summaries', id)) ?? null;
}

/** Every stored upload's summary, newest first. */
export async function listSummaries(): Promise<DatasetSummary[]> {
  const all = await (await db()).getAll('summaries');
  return all.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export async function deleteDataset(id: string): Promise<void> {
  const d = await db();
  const tx = d.transaction(['datasets', 'summaries', 'files'], 'readwrite');
  await Promise.all([tx.objectStore('datasets').delete(id), tx.objectStore('summaries').delete(id), tx.objectStore('files').delete(id), tx.done]);
}

export async function putUploadFile(id: string, f: UploadFile): Promise<void> {
  await (await db()).put('files', f, id);
}

/** The file an upload came from; null when it was not kept (uploads from before version 2, or too big). */
export async function readUploadFile(id: string): Promise<UploadFile | null> {
  return (await (await db()).get('files', id)) ?? null;
}

export async function getSetting<T>(key: string): Promise<T | undefined> {
  return (await (await db()).get('settings', key)) as T | undefined;
}

export async function putSetting(key: string, value: unknown): Promise<void> {
  await (await db()).put('settings', value, key);
}
