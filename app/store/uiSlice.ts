/**
 * What the user is looking at rather than what they are building: the selection, node sizes
 * React Flow measured, the one dismissible notice, and requests to bring a node into view.
 * Never saved.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from './index.ts';

export interface Selection {
  nodes: string[];
  edges: string[];
}

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
  /** Offers an "Undo" button that restores this project snapshot. */
  undo?: import('./graphSlice.ts').ProjectState & { projectId?: string };
}

export interface UiSlice {
  selection: Selection;
  /** Node sizes measured by React Flow; kept so controlled nodes are not re-measured. */
  measured: Record<string, { width: number; height: number }>;
  notice: Notice | null;
  /** Incremented request to centre the canvas on a node. */
  focus: { nodeId: string; seq: number } | null;
  select(sel: Selection): void;
  setMeasured(m: Record<string, { width: number; height: number }>): void;
  notify(kind: Notice['kind'], text: string, undo?: Notice['undo']): void;
  dismissNotice(): void;
  focusNode(nodeId: string): void;
}

let noticeSeq = 0;

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set, get) => ({
  selection: { nodes: [], edges: [] },
  measured: {},
  notice: null,
  focus: null,

  select(sel) {
    const cur = get().selection;
    const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
    if (same(cur.nodes, sel.nodes) && same(cur.edges, sel.edges)) return;
    set({ selection: sel });
  },

  setMeasured(m) {
    set({ measured: m });
  },

  notify(kind, text, undo) {
    set({ notice: { id: ++noticeSeq, kind, text, undo } });
  },

  dismissNotice() {
    set({ notice: null });
  },

  focusNode(nodeId) {
    set({ selection: { nodes: [nodeId], edges: [] }, focus: { nodeId, seq: (get().focus?.seq ?? 0) + 1 } });
  },
});
