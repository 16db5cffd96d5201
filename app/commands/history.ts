/**
 * Undo/redo as a pure value: a stack of graph snapshots before each edit (`past`) and the
 * snapshots undone since (`future`). Graphs are immutable, so a snapshot is just the old
 * object — no copying. Edits that arrive as a stream (dragging a node, typing "128" into a
 * field) pass a `key`; consecutive edits with the same key within `COALESCE_MS` fold into one
 * undo step, so Ctrl+Z undoes the whole drag or the whole number, not one pixel or digit.
 */
import type { GraphJSON } from '../../engine/graph/types.ts';

export interface History {
  past: GraphJSON[];
  future: GraphJSON[];
  /** Key and time of the last recorded edit (for coalescing). */
  lastKey: string | null;
  lastAt: number;
}

export const COALESCE_MS = 1000;
export const HISTORY_LIMIT = 200;

export const emptyHistory = (): History => ({ past: [], future: [], lastKey: null, lastAt: 0 });

/** Records `before` as an undo step (unless the edit continues the previous one). */
export function record(h: History, before: GraphJSON, key: string | null, now: number, limit = HISTORY_LIMIT): History {
  if (key !== null && key === h.lastKey && now - h.lastAt < COALESCE_MS && h.past.length > 0) {
    return { ...h, future: [], lastAt: now };
  }
  const past = h.past.length >= limit ? [...h.past.slice(h.past.length - limit + 1), before] : [...h.past, before];
  return { past, future: [], lastKey: key, lastAt: now };
}

/** The graph to show after undo, and the new history; null when there is nothing to undo. */
export function undo(h: History, current: GraphJSON): { history: History; graph: GraphJSON } | null {
  if (h.past.length === 0) return null;
  const graph = h.past[h.past.length - 1]!;
  return { graph, history: { past: h.past.slice(0, -1), future: [current, ...h.future], lastKey: null, lastAt: 0 } };
}

export function redo(h: History, current: GraphJSON): { history: History; graph: GraphJSON } | null {
  if (h.future.length === 0) return null;
  const graph = h.future[0]!;
  return { graph, history: { past: [...h.past, current], future: h.future.slice(1), lastKey: null, lastAt: 0 } };
}
