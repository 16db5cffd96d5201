/**
 * The few messages the Custom Code sandbox worker and the page exchange besides comlink's
 * calls: a heartbeat (the page's watchdog stops a worker whose event loop stops answering, an
 * endless loop in user code) and requests for an uploaded dataset (the sandbox has no
 * IndexedDB; the page reads the dataset a run names and hands it over). Comlink ignores them:
 * they carry no top-level `id` or `type`.
 */
import type { StoredDataset } from '../../engine/project/dataTypes.ts';

/** How often the sandbox says it is alive. */
export const BEAT_MS = 250;
/** How long the sandbox may stay silent while a call is in flight before it is stopped. */
export const HANG_LIMIT_MS = 12_000;
/** How long a fresh sandbox may take to load before its first heartbeat. */
export const START_LIMIT_MS = 60_000;

export type SandboxMessage =
  | { flowgradSandbox: 'beat' }
  | { flowgradSandbox: 'upload'; req: number; id: string };

export type PageMessage =
  | { flowgradSandbox: 'upload-reply'; req: number; data?: StoredDataset; error?: string };

/** One of the messages above (either direction); comlink's own messages never are. */
export function isSandboxMessage<T extends SandboxMessage | PageMessage>(d: unknown): d is T {
  return typeof d === 'object' && d !== null && typeof (d as { flowgradSandbox?: unknown }).flowgradSandbox === 'string';
}
