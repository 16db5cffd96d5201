/**
 * Where the engine worker reads uploaded datasets: IndexedDB by default; the Custom Code
 * sandbox (sandbox.worker.ts), which has no IndexedDB, swaps in a reader that asks the page.
 */
import type { StoredDataset } from '../engine/project/dataTypes.ts';
import { readDataset } from './data/store.ts';

let reader: (id: string) => Promise<StoredDataset> = readDataset;

export function setUploadReader(r: (id: string) => Promise<StoredDataset>): void {
  reader = r;
}

export const uploads = { readUpload: (id: string): Promise<StoredDataset> => reader(id) };
