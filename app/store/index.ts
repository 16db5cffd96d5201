/**
 * The one app store, combined from slices: `graphSlice` (the project: graph, dataset,
 * training config), `uiSlice` (selection, notices) and `runSlice` (training run, current
 * model). Components select narrowly; use `useShallow` when a selector builds an object.
 */
import { create } from 'zustand';
import { createGraphSlice, type GraphSlice } from './graphSlice.ts';
import { createUiSlice, type UiSlice } from './uiSlice.ts';
import { createRunSlice, type RunSlice } from './runSlice.ts';

export type AppState = GraphSlice & UiSlice & RunSlice;

export const useApp = create<AppState>()((...a) => ({
  ...createGraphSlice(...a),
  ...createUiSlice(...a),
  ...createRunSlice(...a),
}));

export type { ProjectState } from './graphSlice.ts';
