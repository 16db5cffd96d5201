/**
 * The project being edited: its name, model graph, dataset and training config — everything
 * autosave stores and a project file carries. Graph edits run the pure commands in
 * app/commands and swap the graph object; nothing here mutates.
 */
import type { StateCreator } from 'zustand';
import type { AttrValue, GraphJSON } from '../../engine/graph/types.ts';
import { defaultAttrs } from '../../engine/graph/catalog.ts';
import { defaultGraph } from '../../engine/graph/format.ts';
import { DEFAULT_DATASET, DEFAULT_TRAIN_CONFIG, type Builtin2DSpec, type TrainConfig } from '../../engine/train/config.ts';
import * as cmd from '../commands/graph.ts';
import { emptyHistory, record } from '../commands/history.ts';
import { arrange } from '../commands/layout.ts';
import type { AppState } from './index.ts';

export const DEFAULT_PROJECT_NAME = 'Untitled model';

export interface ProjectState {
  name: string;
  graph: GraphJSON;
  dataset: Builtin2DSpec;
  training: TrainConfig;
}

export interface GraphSlice extends ProjectState {
  /** Incremented whenever a whole project is loaded (the canvas re-fits its view). */
  loadSeq: number;
  /**
   * Applies a graph command and records an undo step; a no-op command changes nothing.
   * Edits passing the same `key` in quick succession (a drag, typing a number) form one step.
   */
  edit(f: (g: GraphJSON) => GraphJSON, key?: string): void;
  /** Adds a layer with its default attributes, selects it and returns its id. */
  addLayer(type: string, position: cmd.XY): string;
  connectPorts(args: cmd.ConnectArgs): void;
  deleteElements(args: cmd.DeleteArgs): void;
  deleteSelection(): void;
  setAttr(nodeId: string, name: string, value: AttrValue): void;
  setDataset(patch: Partial<Builtin2DSpec>): void;
  setTraining(patch: Partial<TrainConfig>): void;
  setName(name: string): void;
  /** Replaces the whole project (open, new, restore). */
  loadProject(p: ProjectState): void;
}

export function freshProject(): ProjectState {
  return { name: DEFAULT_PROJECT_NAME, graph: arrange(defaultGraph()), dataset: { ...DEFAULT_DATASET }, training: { ...DEFAULT_TRAIN_CONFIG } };
}

export const createGraphSlice: StateCreator<AppState, [], [], GraphSlice> = (set, get) => ({
  ...freshProject(),
  loadSeq: 0,

  edit(f, key) {
    const before = get().graph;
    const after = f(before);
    if (after === before) return;
    // Live graph edits invalidate errors the engine reported for the old graph.
    set({ graph: after, engineErrors: {}, history: record(get().history, before, key ?? null, Date.now()) });
  },

  addLayer(type, position) {
    const id = cmd.newNodeId(get().graph, type);
    get().edit((g) => cmd.addNode(g, { id, type, attrs: defaultAttrs(type), position }));
    get().select({ nodes: [id], edges: [] });
    return id;
  },

  connectPorts(args) {
    get().edit((g) => cmd.connect(g, args));
  },

  deleteElements(args) {
    get().edit((g) => cmd.deleteElements(g, args));
    const { selection } = get();
    const gone = new Set([...(args.nodeIds ?? []), ...(args.edgeIds ?? [])]);
    const ids = new Set(get().graph.edges.map((e) => e.id));
    get().select({ nodes: selection.nodes.filter((n) => !gone.has(n)), edges: selection.edges.filter((e) => !gone.has(e) && ids.has(e)) });
  },

  deleteSelection() {
    const { selection } = get();
    get().deleteElements({ nodeIds: selection.nodes, edgeIds: selection.edges });
  },

  setAttr(nodeId, name, value) {
    get().edit((g) => cmd.updateAttr(g, { nodeId, name, value }), `attr:${nodeId}:${name}`);
  },

  setDataset(patch) {
    set({ dataset: { ...get().dataset, ...patch } });
  },

  setTraining(patch) {
    set({ training: { ...get().training, ...patch } });
  },

  setName(name) {
    set({ name });
  },

  loadProject(p) {
    set({ name: p.name, graph: p.graph, dataset: p.dataset, training: p.training, engineErrors: {}, loadSeq: get().loadSeq + 1, history: emptyHistory() });
    get().select({ nodes: [], edges: [] });
  },
});
