/**
 * The contract between the app and the data worker (`workers/data.worker.ts`): files in,
 * a stored dataset's summary out, progress streamed through a callback. The parsed arrays
 * stay in the worker and IndexedDB.
 */
import type { BadRowPolicy, DatasetSummary } from '../../engine/project/dataTypes.ts';

export interface IngestFile {
  /** Path inside a dropped folder, else the file name. */
  name: string;
  file: Blob;
}

export interface IngestProgress {
  /** 'reading' a file, 'parsing' rows, 'decoding' images, 'storing' in IndexedDB. */
  phase: 'reading' | 'parsing' | 'decoding' | 'storing';
  /** 0–1 within the phase. */
  fraction: number;
}

export interface DataApi {
  /** Parses and stores the files as one dataset; resolves with its summary. */
  ingest(files: IngestFile[], opts: { badRows: BadRowPolicy }, onProgress: (p: IngestProgress) => void): Promise<DatasetSummary>;
}

/** Raw uploads larger than this are refused before reading. */
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;
