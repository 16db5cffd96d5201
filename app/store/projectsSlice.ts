/**
 * The project list: the id of the project being edited and the saved projects' metadata
 * (name, when saved, size), as listed in the Projects dialog. The projects themselves live in
 * IndexedDB (actions/projects.ts); autosave writes the current one there under its id.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from './index.ts';

export interface ProjectMeta {
  id: string;
  name: string;
  savedAt: number;
  layers: number;
  params: number;
}

export interface ProjectsSlice {
  projectId: string;
  projects: ProjectMeta[];
  setProjectId(id: string): void;
  setProjects(list: ProjectMeta[]): void;
}

export function newProjectId(): string {
  return `p-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** `name`, or `name 2`, `name 3`... : the first not already in `taken` (a new project's default name). */
export function uniqueName(name: string, taken: readonly string[]): string {
  const used = new Set(taken);
  if (!used.has(name)) return name;
  const base = name.replace(/ \d+$/, '');
  for (let k = 2; ; k++) if (!used.has(`${base} ${k}`)) return `${base} ${k}`;
}

export const createProjectsSlice: StateCreator<AppState, [], [], ProjectsSlice> = (set) => ({
  projectId: newProjectId(),
  projects: [],
  setProjectId(id) {
    set({ projectId: id });
  },
  setProjects(list) {
    set({ projects: [...list].sort((a, b) => b.savedAt - a.savedAt) });
  },
});
