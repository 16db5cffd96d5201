/**
 * Uploaded datasets inside the sandbox: it has no IndexedDB, so it asks the page, which reads
 * the dataset the current call names (and only that one) and posts it back.
 */
import type { StoredDataset } from '../../engine/project/dataTypes.ts';
import { postToPage } from './install.ts';
import { isSandboxMessage, type PageMessage } from './protocol.ts';

let seq = 0;
const waiting = new Map<number, { resolve(d: StoredDataset): void; reject(e: Error): void }>();

self.addEventListener('message', (ev: MessageEvent) => {
  const d: unknown = ev.data;
  if (!isSandboxMessage<PageMessage>(d) || d.flowgradSandbox !== 'upload-reply') return;
  const w = waiting.get(d.req);
  if (!w) return;
  waiting.delete(d.req);
  if (d.data) w.resolve(d.data);
  else w.reject(new Error(d.error ?? `no stored dataset '${String(d.req)}'`));
});

/** Reads an uploaded dataset through the page. */
export function readUploadFromPage(id: string): Promise<StoredDataset> {
  const req = ++seq;
  return new Promise((resolve, reject) => {
    waiting.set(req, { resolve, reject });
    postToPage({ flowgradSandbox: 'upload', req, id });
  });
}
