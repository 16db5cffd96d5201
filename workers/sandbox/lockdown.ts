/**
 * Locks down the global scope of the worker that runs Custom Code, before any of that code is
 * compiled: everything that reaches storage (IndexedDB, Cache Storage, the origin private file
 * system) or the network (fetch, XHR, sockets, event streams, beacons, fonts by URL, nested
 * workers, broadcast channels) is deleted from the global object and its prototype chain and
 * pinned to `undefined` so user code cannot put it back. It fails closed: when a name is still
 * reachable afterwards the module throws, the worker never starts, and no code runs.
 * What remains is computation, `postMessage` to the page, timers and WebGPU.
 * `import()` cannot be deleted; the worker's Content-Security-Policy (script-src 'self') keeps
 * it to this origin's own files (see vite.config.ts / public/_headers).
 */

/** Globals user code must not reach. */
export const LOCKED_GLOBALS = [
  'fetch', 'XMLHttpRequest', 'XMLHttpRequestUpload', 'XMLHttpRequestEventTarget', 'WebSocket', 'WebSocketStream', 'WebTransport', 'EventSource',
  'indexedDB', 'IDBFactory', 'caches', 'CacheStorage', 'Cache',
  'importScripts', 'Worker', 'SharedWorker', 'ServiceWorker', 'BroadcastChannel',
  'FontFace', 'fonts', 'FileSystemHandle', 'FileSystemDirectoryHandle', 'FileSystemFileHandle', 'FileSystemSyncAccessHandle', 'StorageManager',
  'open', 'sendBeacon',
] as const;

/** Members of `navigator` that reach storage or the network. */
export const LOCKED_NAVIGATOR = ['storage', 'sendBeacon', 'serviceWorker'] as const;

function lock(target: object, name: string): void {
  for (let o: object | null = target; o; o = Object.getPrototypeOf(o) as object | null) {
    if (Object.prototype.hasOwnProperty.call(o, name)) Reflect.deleteProperty(o, name);
  }
  // Pinned on the object itself, so neither assignment nor defineProperty can bring it back.
  Reflect.defineProperty(target, name, { value: undefined, writable: false, configurable: false, enumerable: false });
}

/** Deletes and pins every locked name; throws when any is still reachable. */
export function lockDown(scope: object = globalThis, nav: object | undefined = (globalThis as { navigator?: object }).navigator): void {
  for (const name of LOCKED_GLOBALS) lock(scope, name);
  if (nav) for (const name of LOCKED_NAVIGATOR) lock(nav, name);
  const left = [
    ...LOCKED_GLOBALS.filter((n) => (scope as Record<string, unknown>)[n] !== undefined),
    ...(nav ? LOCKED_NAVIGATOR.filter((n) => (nav as Record<string, unknown>)[n] !== undefined).map((n) => `navigator.${n}`) : []),
  ];
  if (left.length) throw new Error(`The Custom Code sandbox could not be locked down (${left.join(', ')} still reachable); no code was run.`);
}
