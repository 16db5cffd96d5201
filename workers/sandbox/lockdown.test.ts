// The sandbox's lockdown on a stand-in global scope: own and inherited members go, stay gone
// when user code assigns or redefines them, and a member that cannot be removed stops the
// worker from starting (fail closed) instead of leaving it reachable.
import { describe, expect, it } from 'vitest';
import { LOCKED_GLOBALS, lockDown } from './lockdown.ts';

function scope() {
  const proto: Record<string, unknown> = { fetch: () => 'network', indexedDB: { open: () => 'db' }, importScripts: () => 0 };
  const self = Object.create(proto) as Record<string, unknown>;
  self.WebSocket = class {};
  self.caches = {};
  self.postMessage = () => 'kept';
  self.Math = Math;
  const nav = Object.create({ storage: {}, gpu: { requestAdapter: () => null } }) as Record<string, unknown>;
  return { self, proto, nav };
}

describe('lockDown', () => {
  it('removes storage and network members, own and inherited, and keeps the rest', () => {
    const { self, proto, nav } = scope();
    lockDown(self, nav);
    for (const name of LOCKED_GLOBALS) expect(self[name]).toBeUndefined();
    expect('fetch' in proto).toBe(false);
    expect(nav.storage).toBeUndefined();
    expect(nav.gpu).toBeDefined(); // WebGPU stays: training needs it
    expect((self.postMessage as () => string)()).toBe('kept');
  });

  it('cannot be undone by user code', () => {
    const { self, nav } = scope();
    lockDown(self, nav);
    expect(() => {
      'use strict';
      self.fetch = () => 'back';
    }).toThrow(TypeError);
    expect(() => Object.defineProperty(self, 'indexedDB', { value: {} })).toThrow(TypeError);
    expect(self.fetch).toBeUndefined();
  });

  it('refuses to start when a member cannot be removed', () => {
    const { self, nav } = scope();
    Object.defineProperty(self, 'fetch', { value: () => 'pinned', configurable: false });
    expect(() => lockDown(self, nav)).toThrow(/could not be locked down \(fetch/);
  });
});
