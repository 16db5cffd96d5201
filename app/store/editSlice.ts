/**
 * Editing verbs on top of the graph slice: undo/redo (graph snapshots, see
 * commands/history.ts), copy/cut/paste/duplicate (commands/clipboard.ts), select all and
 * arrow-key nudging. Each verb is one pure command plus a selection update, so toolbar
 * buttons, menus and keyboard shortcuts all call these same functions.
 */
import type { StateCreator } from 'zustand';
import type { GraphJSON } from '../../engine/graph/types.ts';
import { copyNodes, duplicateNodes, nudgeNodes, pasteNodes, selectAll, type ClipboardPayload } from '../commands/clipboard.ts';
import type { XY } from '../commands/graph.ts';
import { expandGroupNodeIds } from '../commands/groups.ts';
import { emptyHistory, redo, undo, type History } from '../commands/history.ts';
import type { AppState } from './index.ts';

export interface EditSlice {
  history: History;
  /** The last payload copied in this tab (used when the system clipboard is unavailable). */
  clipboard: ClipboardPayload | null;
  undo(): void;
  redo(): void;
  /** Copies the selected nodes; returns the payload (the caller may also put it on the system clipboard). */
  copySelection(): ClipboardPayload | null;
  cutSelection(): ClipboardPayload | null;
  /** Pastes a payload (default: the tab's clipboard) and selects what was pasted. */
  paste(payload?: ClipboardPayload | null, place?: { at?: XY; offset?: XY }): void;
  duplicateSelection(): void;
  selectAll(): void;
  nudgeSelection(dx: number, dy: number): void;
}

/** Keeps only selected ids that still exist in `g`. */
function keepExisting(sel: { nodes: string[]; edges: string[] }, g: GraphJSON) {
  const n = new Set(g.nodes.map((x) => x.id));
  const e = new Set(g.edges.map((x) => x.id));
  return { nodes: sel.nodes.filter((id) => n.has(id)), edges: sel.edges.filter((id) => e.has(id)) };
}

export const createEditSlice: StateCreator<AppState, [], [], EditSlice> = (set, get) => ({
  history: emptyHistory(),
  clipboard: null,

  undo() {
    const s = get();
    const r = undo(s.history, s.graph);
    if (!r) return;
    set({ graph: r.graph, history: r.history, engineErrors: {} });
    s.select(keepExisting(get().selection, r.graph));
  },

  redo() {
    const s = get();
    const r = redo(s.history, s.graph);
    if (!r) return;
    set({ graph: r.graph, history: r.history, engineErrors: {} });
    s.select(keepExisting(get().selection, r.graph));
  },

  copySelection() {
    const s = get();
    const payload = copyNodes(s.graph, expandGroupNodeIds(s.graph, s.selection.nodes));
    if (payload) set({ clipboard: payload });
    return payload;
  },

  cutSelection() {
    const payload = get().copySelection();
    if (payload) get().deleteSelection();
    return payload;
  },

  paste(payload, place) {
    const s = get();
    const p = payload ?? s.clipboard;
    if (!p) return;
    const sameGraph = p.nodes.every((n) => s.graph.nodes.some((m) => m.id === n.id));
    let result: ReturnType<typeof pasteNodes> | null = null;
    s.edit((g) => {
      result = pasteNodes(g, p, place ?? (sameGraph ? { offset: { x: 40, y: 40 } } : { offset: { x: 0, y: 0 } }));
      return result.graph;
    });
    if (result) get().select({ nodes: (result as ReturnType<typeof pasteNodes>).nodeIds, edges: [] });
    // A second paste of the same payload lands further along, not on top of the first.
    if (!payload) set({ clipboard: { ...p, nodes: p.nodes.map((n) => ({ ...n, position: { x: n.position.x + 40, y: n.position.y + 40 } })) } });
  },

  duplicateSelection() {
    const s = get();
    let ids: string[] = [];
    s.edit((g) => {
      const r = duplicateNodes(g, expandGroupNodeIds(g, s.selection.nodes));
      if (!r) return g;
      ids = r.nodeIds;
      return r.graph;
    });
    if (ids.length) get().select({ nodes: ids, edges: [] });
  },

  selectAll() {
    get().select(selectAll(get().graph));
  },

  nudgeSelection(dx, dy) {
    const s = get();
    s.edit((g) => nudgeNodes(g, expandGroupNodeIds(g, s.selection.nodes), dx, dy), 'nudge');
  },
});
