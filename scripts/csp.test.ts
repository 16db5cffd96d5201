// The Content-Security-Policy: public/_headers (static hosts) says what csp.config.ts (dev and
// preview servers) says, path by path; eval is allowed only for the Custom Code sandbox worker;
// index.html has no inline script for the policy to block.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_CSP, SANDBOX_CSP, cspFor } from '../csp.config.ts';

/** `_headers` as path → header name → values. */
function headers(text: string): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  let cur: Map<string, string[]> | null = null;
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    if (!/^\s/.test(line)) out.set(line.trim(), (cur = new Map()));
    else {
      const [, name, value] = /^\s+([^:]+):\s*(.*)$/.exec(line)!;
      cur!.set(name!, [...(cur!.get(name!) ?? []), value!]);
    }
  }
  return out;
}

describe('Content-Security-Policy', () => {
  const file = headers(readFileSync(new URL('../public/_headers', import.meta.url), 'utf8'));

  it('_headers gives documents and assets the document policy and the sandbox its own, never two on one path', () => {
    for (const path of ['/', '/index.html', '/sw.js', '/assets/*']) expect(file.get(path)?.get('Content-Security-Policy')).toEqual([DOCUMENT_CSP]);
    expect(file.get('/sandbox/*')?.get('Content-Security-Policy')).toEqual([SANDBOX_CSP]);
    expect(file.get('/*')?.get('Content-Security-Policy')).toBeUndefined();
    expect(file.get('/*')?.get('Cross-Origin-Embedder-Policy')).toEqual(['require-corp']);
  });

  it('allows eval only in the sandbox, connections only to this origin, no inline script anywhere', () => {
    expect(DOCUMENT_CSP).not.toContain("'unsafe-eval'");
    expect(SANDBOX_CSP).toContain("'unsafe-eval'");
    for (const p of [DOCUMENT_CSP, SANDBOX_CSP]) {
      expect(p).toContain("connect-src 'self'");
      expect(p).toMatch(/script-src 'self' 'wasm-unsafe-eval'/);
      expect(p).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    }
    expect(cspFor('/sandbox/sandbox.worker-abc.js')).toBe(SANDBOX_CSP);
    expect(cspFor('/workers/sandbox.worker.ts?worker_file&type=module')).toBe(SANDBOX_CSP);
    expect(cspFor('/assets/engine.worker-abc.js')).toBe(DOCUMENT_CSP);
    expect(cspFor('/', 'n0nce')).toContain("'nonce-n0nce'");
  });

  it('index.html loads its scripts from files', () => {
    const html = readFileSync(new URL('../index.html', import.meta.url), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc=/);
      expect(body!.trim()).toBe('');
    }
  });
});
