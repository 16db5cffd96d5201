/**
 * The project being edited: its name, model graph, dataset and training config — everything
 * autosave stores and a project file carries. Graph edits run the pure commands in
 * app/commands and swap the graph object; nothing here mutates.
 */
import type { StateCreator } from 'zustand';
import type { AttrValue, GraphJSON } from '../../engine/graph/types.ts';
import { defaultAttrs } from '../../engine/graph/catalog.ts';
import { defaultGraph } from '../../engine/graph/format.ts';
import { DEFAULT_DATASET, DEFAULT_TRAIN_CONFIG, type Builtin2DSpec, type TrainConfig } from '../../engine/project/config.ts';
import * as cmd from '../commands/graph.ts';
import * as groups from '../commands/groups.ts';
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
  /** Groups the selected layers into a new block (selection stays on its members); returns its id. */
  groupSelection(name?: string): string | null;
  ungroup(groupId: string): void;
  renameGroup(groupId: string, name: string): void;
  /** Collapses a group into one canvas node (which becomes the selection) or expands it (its members do). */
  setGroupCollapsed(groupId: string, collapsed: boolean): void;
  /** Repeats a group so it appears `times` times in a row; says why in a notice when it cannot. */
  repeatGroup(groupId: string, times: number): void;
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
    // A collapsed group's node stands for its members.
    get().deleteElements({ nodeIds: [...selection.nodes, ...groups.expandGroupNodeIds(get().graph, selection.nodes)], edgeIds: selection.edges });
  },

  setAttr(nodeId, name, value) {
    get().edit((g) => cmd.updateAttr(g, { nodeId, name, value }), `attr:${nodeId}:${name}`);
  },

  groupSelection(name) {
    const ids = groups.expandGroupNodeIds(get().graph, get().selection.nodes);
    let id: string | null = null;
    get().edit((g) => {
      const r = groups.groupNodes(g, { nodeIds: ids, name });
      id = r.groupId;
      return r.graph;
    });
    if (id) {
      const members = groups.findGroup(get().graph, id)?.nodeIds ?? [];
      get().select({ nodes: members, edges: [] });
    }
    return id;
  },

  ungroup(groupId) {
    const g = groups.findGroup(get().graph, groupId);
    if (!g) return;
    get().edit((graph) => groups.ungroup(graph, groupId));
    get().select({ nodes: g.nodeIds, edges: [] });
  },

  renameGroup(groupId, name) {
    get().edit((g) => groups.renameGroup(g, { groupId, name }), `group-name:${groupId}`);
  },

  setGroupCollapsed(groupId, collapsed) {
    get().edit((g) => groups.setGroupCollapsed(g, { groupId, collapsed }));
    const g = groups.findGroup(get().graph, groupId);
    if (g) get().select(collapsed ? { nodes: [groups.groupNodeId(groupId)], edges: [] } : { nodes: g.nodeIds, edges: [] });
  },

  repeatGroup(groupId, times) {
    let error: string | undefined;
    get().edit((g) => {
      const r = groups.repeatGroup(g, { groupId, times });
      error = r.error;
      return r.graph;
    });
    if (error) get().notify('error', error);
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
