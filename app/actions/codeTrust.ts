/**
 * Which Custom Code may run in this browser. Code is trusted by content: the SHA-256 of a
 * body typed here (the node editor) or approved in the consent dialog after reading it, or
 * the node's built-in default. Anything else — code from a share link, an imported file, a
 * project saved before this browser trusted its code — is inert: nothing sends it to a
 * worker (workers/client.ts refuses it through the policy installed here), the node says so,
 * Train is blocked until the user reviews it. Shapes still show, since the catalog infers
 * them without running the code.
 *
 * Trust follows the text, not the project, so autosave, reloads, copy/paste and undo cannot
 * launder a body: a reloaded share link is exactly as untrusted as before. The hashes of
 * trusted code in use are kept in localStorage (most recently used first, capped), so an
 * approved project does not ask again. Code typed during a session is trusted at once and
 * persisted when it is still in the graph a moment later (not every keystroke's version).
 */
import { useSyncExternalStore } from 'react';
import { DEFAULT_CUSTOM_CODE } from '../../engine/graph/catalog/custom.ts';
import type { GraphJSON } from '../../engine/graph/types.ts';
import { setCodePolicy } from '../../workers/client.ts';
import { useApp } from '../store/index.ts';
import { sha256Hex } from './sha256.ts';

const STORAGE_KEY = 'flowgrad.trustedCode';
/** Hashes kept across visits (64 hex characters each: 32 KiB at most). */
export const MAX_PERSISTED = 500;
const PERSIST_DELAY_MS = 500;

/** Hashes persisted, most recently used first. */
let persisted: string[] = [];
/** Everything trusted now: persisted hashes plus what was typed or approved this session. */
const session = new Set<string>();
const builtIn = new Set<string>([sha256Hex(DEFAULT_CUSTOM_CODE)]);
/** Hash of each body seen (bodies are often re-checked while rendering). */
const hashes = new Map<string, string>();
let version = 0;
const listeners = new Set<() => void>();

function hashOf(code: string): string {
  let h = hashes.get(code);
  if (h === undefined) {
    if (hashes.size > 1000) hashes.clear();
    h = sha256Hex(code);
    hashes.set(code, h);
  }
  return h;
}

function changed(): void {
  version++;
  for (const f of listeners) f();
}

function save(): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(persisted));
  } catch {
    // Without storage the code asks again next visit: the safe direction.
  }
}

/** Reads the persisted hashes (startup; tests call it again after clearing storage). */
export function loadTrust(): void {
  persisted = [];
  session.clear();
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    if (Array.isArray(raw)) persisted = raw.filter((h): h is string => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h)).slice(0, MAX_PERSISTED);
  } catch {
    persisted = [];
  }
  for (const h of persisted) session.add(h);
  changed();
}

/** Moves these hashes to the front of the persisted list (adding them), capped. */
function persist(hs: string[]): void {
  const fresh = hs.filter((h) => !builtIn.has(h));
  if (fresh.length === 0) return;
  const set = new Set(fresh);
  const next = [...set, ...persisted.filter((h) => !set.has(h))].slice(0, MAX_PERSISTED);
  if (next.length === persisted.length && next.every((h, i) => h === persisted[i])) return;
  persisted = next;
  save();
}

export function isCodeTrusted(code: string): boolean {
  const h = hashOf(code);
  return builtIn.has(h) || session.has(h);
}

/** Code the user typed in this browser: trusted from now on. */
export function trustTypedCode(code: string): void {
  const h = hashOf(code);
  if (builtIn.has(h) || session.has(h)) return;
  session.add(h);
  changed();
}

/** Code the user read and allowed: trusted and remembered at once. */
export function approveCode(codes: readonly string[]): void {
  const hs = codes.map(hashOf);
  for (const h of hs) session.add(h);
  persist(hs);
  changed();
}

export interface UntrustedNode {
  id: string;
  code: string;
}

/** The Custom Code nodes of `graph` whose code may not run yet. */
export function untrustedNodes(graph: GraphJSON): UntrustedNode[] {
  const out: UntrustedNode[] = [];
  for (const n of graph.nodes) {
    if (n.type !== 'CustomCode') continue;
    const code = typeof n.attrs.code === 'string' ? n.attrs.code : '';
    if (!isCodeTrusted(code)) out.push({ id: n.id, code });
  }
  return out;
}

export function subscribeTrust(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

/** The untrusted Custom Code nodes of the graph on the canvas (re-renders on edits and approvals). */
export function useUntrustedNodes(): UntrustedNode[] {
  const graph = useApp((s) => s.graph);
  useSyncExternalStore(subscribeTrust, () => version);
  return untrustedNodes(graph);
}

/** The message an untrusted node shows (and the reason Train is blocked). */
export const UNTRUSTED_MESSAGE = 'Custom Code: code not run — it came from a link or a file; review and allow it';

/**
 * Installs the policy the engine client enforces, reads the persisted hashes and keeps the
 * trusted code of the current graph persisted (most recent first); returns the stop function.
 */
export function installCodeTrust(): () => void {
  loadTrust();
  setCodePolicy({ allows: isCodeTrusted });
  let timer: ReturnType<typeof setTimeout> | null = null;
  const touch = () => {
    timer = null;
    const hs = useApp.getState().graph.nodes.flatMap((n) => (n.type === 'CustomCode' && typeof n.attrs.code === 'string' && isCodeTrusted(n.attrs.code) ? [hashOf(n.attrs.code)] : []));
    persist(hs);
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(touch, PERSIST_DELAY_MS);
  };
  const unsub = useApp.subscribe((s, prev) => s.graph !== prev.graph && schedule());
  const unTrust = subscribeTrust(schedule);
  const flush = () => timer && (clearTimeout(timer), touch());
  window.addEventListener('pagehide', flush);
  touch();
  return () => {
    unsub();
    unTrust();
    window.removeEventListener('pagehide', flush);
    if (timer) clearTimeout(timer);
  };
}
