/**
 * The app's handle on the data worker: started lazily on the first upload, errors rebuilt
 * with their `code` and whether skipping malformed rows would get past them.
 */
import * as Comlink from 'comlink';
import type { DataApi, IngestFile, IngestProgress } from './api.ts';
import type { BadRowPolicy, DatasetSummary } from '../../engine/project/dataTypes.ts';

export type { IngestFile, IngestProgress } from './api.ts';

export class DataError extends Error {
  constructor(readonly code: string, message: string, readonly canSkip = false) {
    super(message);
    this.name = 'DataError';
  }
}

let remote: Comlink.Remote<DataApi> | null = null;
let worker: Worker | null = null;

function api(): Comlink.Remote<DataApi> {
  if (!remote) {
    worker = new Worker(new URL('../data.worker.ts', import.meta.url), { type: 'module', name: 'flowgrad-data' });
    remote = Comlink.wrap<DataApi>(worker);
  }
  return remote;
}

/** Parses and stores dropped files in the data worker; resolves with the preview summary. */
export async function ingestFiles(files: IngestFile[], badRows: BadRowPolicy, onProgress: (p: IngestProgress) => void): Promise<DatasetSummary> {
  let failed: ((e: DataError) => void) | null = null;
  const died = new Promise<never>((_, reject) => (failed = reject));
  const r = api();
  const onError = (ev: ErrorEvent) => {
    ev.preventDefault();
    failed?.(new DataError('internal', `The data worker crashed${ev.message ? `: ${ev.message}` : ''}. Try again.`));
    worker?.terminate();
    worker = null;
    remote = null;
  };
  worker?.addEventListener('error', onError);
  try {
    return await Promise.race([r.ingest(files, { badRows }, Comlink.proxy(onProgress)), died]);
  } catch (e) {
    if (e instanceof DataError) throw e;
    const o = (typeof e === 'object' && e !== null ? e : {}) as { code?: string; message?: string; canSkip?: boolean };
    throw new DataError(o.code ?? 'internal', o.message ?? String(e), o.canSkip === true);
  } finally {
    worker?.removeEventListener('error', onError);
  }
}
