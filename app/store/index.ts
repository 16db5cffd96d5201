/**
 * The one app store, combined from slices: `graphSlice` (the project: graph, dataset,
 * training config), `editSlice` (undo/redo, clipboard), `uiSlice` (selection, notices),
 * `prefsSlice` (theme, panels, open dialog), `runSlice` (the training run, current model),
 * `runsSlice` (run history), `projectsSlice` (the saved-project list), `dataSlice` (uploaded
 * and generated data beyond the project's 2-D dataset) and `compressSlice` (the Compress view). Components select
 * narrowly; use `useShallow` when a selector builds an object.
 */
import { create } from 'zustand';
import { createGraphSlice, type GraphSlice } from './graphSlice.ts';
import { createEditSlice, type EditSlice } from './editSlice.ts';
import { createUiSlice, type UiSlice } from './uiSlice.ts';
import { createPrefsSlice, type PrefsSlice } from './prefsSlice.ts';
import { createRunSlice, type RunSlice } from './runSlice.ts';
import { createRunsSlice, type RunsSlice } from './runsSlice.ts';
import { createProjectsSlice, type ProjectsSlice } from './projectsSlice.ts';
import { createDataSlice, type DataSlice } from './dataSlice.ts';
import { createCompressSlice, type CompressSlice } from './compressSlice.ts';

export type AppState = GraphSlice & EditSlice & UiSlice & PrefsSlice & RunSlice & RunsSlice & ProjectsSlice & DataSlice & CompressSlice;

export const useApp = create<AppState>()((...a) => ({
  ...createGraphSlice(...a),
  ...createEditSlice(...a),
  ...createUiSlice(...a),
  ...createPrefsSlice(...a),
  ...createRunSlice(...a),
  ...createRunsSlice(...a),
  ...createProjectsSlice(...a),
  ...createDataSlice(...a),
  ...createCompressSlice(...a),
}));

export type { ProjectState } from './graphSlice.ts';
