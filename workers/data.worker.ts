/**
 * The data worker: reads dropped files, parses them (CSV streamed with progress; images
 * decoded off the main thread), checks the memory limit, stores the result (and the file
 * itself, for downloads that include the data) in IndexedDB and returns a small summary for the preview. Errors leave as plain objects with `code` and
 * `canSkip` (a malformed row the user may choose to skip), which the client rebuilds.
 */
import * as Comlink from 'comlink';
import type { DataApi, IngestFile, IngestProgress } from './data/api.ts';
import { MAX_UPLOAD_BYTES } from './data/api.ts';
import { BadRowsError, CsvReader } from '../engine/data/csv.ts';
import { decodedBytes, parseUpload, type Parsed } from '../engine/data/detect.ts';
import { summarize } from '../engine/data/summary.ts';
import { isFlowgradError, FlowgradError } from '../engine/core/errors.ts';
import { MAX_DECODED_BYTES, type BadRowPolicy, type StoredDataset } from '../engine/project/dataTypes.ts';
import { putDataset, putUploadFile } from './data/store.ts';
import { zipSync } from 'fflate';
import { LIMITS } from '../engine/core/limits.ts';
import { browserDecoder } from './data/decode.ts';
import { sniffKind } from '../engine/data/detect.ts';

function throttle(f: (p: IngestProgress) => void): (p: IngestProgress) => void {
  let last = 0;
  return (p) => {
    const t = performance.now();
    if (t - last > 50 || p.fraction >= 1) {
      last = t;
      f(p);
    }
  };
}

/** Streams a CSV/TSV file through the reader: progress by bytes read. */
async function streamCsv(f: IngestFile, badRows: BadRowPolicy, progress: (p: IngestProgress) => void): Promise<Parsed> {
  const head = new Uint8Array(await f.file.slice(0, 4096).arrayBuffer());
  const kind = sniffKind(head);
  if (kind || head.includes(0)) throw new FlowgradError('bad-file', `${f.name} is named like a text file but holds ${kind ?? 'binary data'}: check the file, or give it the right extension`);
  if (f.file.size === 0) throw new FlowgradError('bad-file', `${f.name} is empty (0 bytes)`);
  const reader = new CsvReader({ fileName: f.name, badRows });
  const stream = f.file.stream().pipeThrough(new TextDecoderStream());
  const r = stream.getReader();
  let read = 0;
  for (;;) {
    const { done, value } = await r.read();
    if (done) break;
    reader.push(value);
    read += value.length;
    progress({ phase: 'parsing', fraction: Math.min(0.99, read / Math.max(1, f.file.size)) });
  }
  const out = reader.finish();
  progress({ phase: 'parsing', fraction: 1 });
  return { format: out.delimiter === '\t' ? 'tsv' : 'csv', data: out.table, notes: out.notes };
}

function newId(): string {
  return `ds-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** comlink sends thrown Errors without custom fields: errors leave as plain objects. */
function toWire(e: unknown): { code: string; message: string; canSkip: boolean } {
  const code = isFlowgradError(e) ? e.code : 'internal';
  const message = e instanceof Error ? e.message : String(e);
  return { code, message, canSkip: e instanceof BadRowsError || /Skip bad rows/.test(message) };
}

/**
 * Keeps the uploaded file (several files: zipped, paths kept, as a folder of images reopens)
 * so a downloaded project can include it. Best effort: without it the project downloads
 * without its data, and the option says so.
 */
async function keepUploadFile(id: string, root: string, files: IngestFile[], loaded: { name: string; bytes: Uint8Array }[] | null): Promise<void> {
  try {
    if (files.length === 1) {
      if (files[0]!.file.size <= LIMITS.decodedBytes) await putUploadFile(id, { file: baseName(files[0]!.name), blob: files[0]!.file });
    } else if (loaded) {
      const zip = zipSync(Object.fromEntries(loaded.map((f) => [f.name, [f.bytes, { level: 0 }]])));
      if (zip.byteLength <= LIMITS.decodedBytes) await putUploadFile(id, { file: `${baseName(root)}.zip`, blob: new Blob([zip as Uint8Array<ArrayBuffer>]) });
    }
  } catch (e) {
    console.warn('Flowgrad: could not keep the uploaded file', e);
  }
}

const baseName = (path: string) => path.split('/').pop()!.replace(/[\\]/g, '_') || 'data';

const api: DataApi = {
  async ingest(files, opts, onProgress) {
    try {
      const progress = throttle(onProgress);
      const total = files.reduce((s, f) => s + f.file.size, 0);
      if (total > MAX_UPLOAD_BYTES) throw new FlowgradError('bad-file', `${files.length === 1 ? files[0].name : 'the files'} (${(total / 2 ** 20).toFixed(0)} MB) are too big: at most ${MAX_UPLOAD_BYTES / 2 ** 20} MB can be loaded. Use a smaller sample.`);
      let parsed: Parsed;
      let loaded: { name: string; bytes: Uint8Array }[] | null = null;
      if (files.length === 1 && /\.(csv|tsv|tab|txt)$/i.test(files[0].name)) {
        parsed = await streamCsv(files[0], opts.badRows, progress);
      } else {
        loaded = [];
        let done = 0;
        for (const f of files) {
          loaded.push({ name: f.name, bytes: new Uint8Array(await f.file.arrayBuffer()) });
          done += f.file.size;
          progress({ phase: 'reading', fraction: done / Math.max(1, total) });
        }
        parsed = await parseUpload(loaded, { badRows: opts.badRows, decode: browserDecoder, onProgress: (fraction) => progress({ phase: 'decoding', fraction }) });
      }
      const size = decodedBytes(parsed.data);
      if (size > MAX_DECODED_BYTES) throw new FlowgradError('bad-file', `the data is too big once decoded (${(size / 2 ** 20).toFixed(0)} MB, at most ${MAX_DECODED_BYTES / 2 ** 20} MB). Use a smaller sample.`);
      const root = files.length === 1 ? files[0].name : (files[0].name.split('/')[0] || files[0].name);
      const stored: StoredDataset = {
        id: newId(),
        name: root,
        format: parsed.format,
        bytes: total,
        decodedBytes: size,
        createdAt: new Date().toISOString(),
        data: parsed.data,
        notes: parsed.notes,
      };
      progress({ phase: 'storing', fraction: 0 });
      const summary = summarize(stored);
      try {
        await putDataset(stored, summary);
      } catch (e) {
        throw new FlowgradError('bad-file', `could not store the dataset in this browser (${(e as Error)?.message ?? e}); free some space or use a smaller file`);
      }
      await keepUploadFile(stored.id, root, files, loaded);
      progress({ phase: 'storing', fraction: 1 });
      return summary;
    } catch (e) {
      throw toWire(e);
    }
  },
};

Comlink.expose(api);
