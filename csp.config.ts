/**
 * The app's Content-Security-Policy, in one place: vite.config.ts sends it from the dev and
 * preview servers and public/_headers carries the same text for static hosts (a test keeps
 * the two equal). Documents and ordinary workers get DOCUMENT_CSP: scripts only from this
 * origin (no inline script, no eval; WebAssembly for the CPU kernels), connections only to
 * this origin. The Custom Code sandbox worker (served from /sandbox/) gets SANDBOX_CSP, the
 * only place 'unsafe-eval' is allowed: the user's forward(x, ctx) body is compiled there, in a
 * global scope without storage or network (workers/sandbox/lockdown.ts); its script-src also
 * keeps `import()` from loading anything from another origin.
 */

const common = [
  "default-src 'self'",
  "style-src 'self' 'unsafe-inline'", // React style attributes, Monaco's injected styles
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
];

export function documentCsp(nonce?: string): string {
  return [`script-src 'self' 'wasm-unsafe-eval'${nonce ? ` 'nonce-${nonce}'` : ''}`, ...common].join('; ');
}

export const DOCUMENT_CSP = documentCsp();
export const SANDBOX_CSP = ["script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'", ...common].join('; ');

/** Where the sandbox worker is served from: its own folder, so static hosts can give it its own header. */
export const SANDBOX_DIR = 'sandbox';

/** The policy a response for `url` gets (dev serves the worker from its source path). */
export function cspFor(url: string, nonce?: string): string {
  const path = url.split('?')[0]!;
  return path.startsWith(`/${SANDBOX_DIR}/`) || path.endsWith('/workers/sandbox.worker.ts') ? SANDBOX_CSP : documentCsp(nonce);
}
