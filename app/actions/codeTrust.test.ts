// Trust follows the code's text: typed or approved bodies run, anything else (a share link,
// an imported file) is refused before it reaches a worker, and only approvals survive a reload.
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CUSTOM_CODE } from '../../engine/graph/catalog/custom.ts';
import type { GraphJSON } from '../../engine/graph/types.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../engine/project/config.ts';
import { EngineClient, UNTRUSTED_CODE, setCodePolicy, type EngineError } from '../../workers/client.ts';
import { MAX_PERSISTED, approveCode, isCodeTrusted, loadTrust, trustTypedCode, untrustedNodes } from './codeTrust.ts';

// Node has no localStorage: the browser's, as a map.
const store = new Map<string, string>();
(globalThis as { localStorage?: unknown }).localStorage = {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, String(v)),
  removeItem: (k: string) => void store.delete(k),
};

const HOSTILE = "fetch('http://127.0.0.1:9/steal'); return x;";
const at = { x: 0, y: 0 };
const graph = (code: string): GraphJSON => ({
  format: 'flowgrad.graph', version: 1,
  nodes: [
    { id: 'in', type: 'Input', attrs: { shape: [2] }, position: at },
    { id: 'cc1', type: 'CustomCode', attrs: { code, outputShape: [] }, position: at },
  ],
  edges: [{ id: 'e', source: 'in', sourcePort: 'out', target: 'cc1', targetPort: 'in' }],
});

beforeEach(() => {
  store.clear();
  loadTrust();
});

describe('code trust', () => {
  it('trusts the built-in default and typed code, nothing else', () => {
    expect(isCodeTrusted(DEFAULT_CUSTOM_CODE)).toBe(true);
    expect(isCodeTrusted(HOSTILE)).toBe(false);
    expect(untrustedNodes(graph(HOSTILE))).toEqual([{ id: 'cc1', code: HOSTILE }]);
    trustTypedCode('return x.relu();');
    expect(isCodeTrusted('return x.relu();')).toBe(true);
    expect(isCodeTrusted('return x.relu(); ')).toBe(false); // one more character is other code
  });

  it('keeps approvals across a reload, but not code that was only opened', () => {
    approveCode(['return x.tanh();']);
    loadTrust(); // a reload
    expect(isCodeTrusted('return x.tanh();')).toBe(true);
    expect(isCodeTrusted(HOSTILE)).toBe(false);
    expect(JSON.parse(store.get('flowgrad.trustedCode')!)).toHaveLength(1);
  });

  it('keeps at most MAX_PERSISTED hashes, the most recent first', () => {
    approveCode(Array.from({ length: MAX_PERSISTED + 5 }, (_, i) => `return x.mul(${i});`));
    approveCode(['return x.mul(0);']);
    const kept: string[] = JSON.parse(store.get('flowgrad.trustedCode')!);
    expect(kept).toHaveLength(MAX_PERSISTED);
    loadTrust();
    expect(isCodeTrusted('return x.mul(0);')).toBe(true);
    expect(isCodeTrusted(`return x.mul(${MAX_PERSISTED + 4});`)).toBe(false);
  });

  it('ignores a tampered store entry', () => {
    store.set('flowgrad.trustedCode', JSON.stringify(['nope', 42, 'a'.repeat(64)]));
    loadTrust();
    expect(isCodeTrusted(HOSTILE)).toBe(false);
  });
});

describe('the engine client enforces the policy', () => {
  it('refuses untrusted code by name before any worker exists (Node has no Worker: one would throw)', async () => {
    setCodePolicy({ allows: isCodeTrusted });
    const client = new EngineClient();
    const err = (await client.predict(graph(HOSTILE), new Uint8Array(0), new Float32Array(2), 1).catch((e: unknown) => e)) as EngineError;
    expect(err.code).toBe(UNTRUSTED_CODE);
    expect(err.nodeId).toBe('cc1');
    expect(err.message).toContain('‘cc1’');
    const check = (await client.checkCustomCode(HOSTILE, [2], [2], 'cc1').catch((e: unknown) => e)) as EngineError;
    expect(check.code).toBe(UNTRUSTED_CODE);
    // Evaluate runs the graph too: refused the same way.
    const dataset = { kind: 'builtin2d', name: 'circles', samples: 10, noise: 0, seed: 1 } as const;
    const ev = (await client.evaluate({ graph: graph(HOSTILE), weights: new Uint8Array(0), dataset, config: DEFAULT_TRAIN_CONFIG }).catch((e: unknown) => e)) as EngineError;
    expect(ev.code).toBe(UNTRUSTED_CODE);
    expect(ev.nodeId).toBe('cc1');
  });
});
