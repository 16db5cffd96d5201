/**
 * The IndexedDB database for the project list, run history and trained models
 * ('flowgrad-projects'), kept apart from the autosave database so each can evolve its own
 * versions. Version 2 adds `models` (each project's trained model: checkpoint and
 * preprocessing) without touching the stores of version 1. Failures (private mode, quota)
 * surface as rejected promises; callers decide what the user is told.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ProjectState } from '../store/graphSlice.ts';
import type { RunRecord } from '../store/runsSlice.ts';
import type { GraphJSON } from '../../engine/graph/types.ts';
import type { DatasetSpec, TrainConfig } from '../../engine/project/config.ts';
import type { Checkpoint } from '../../engine/project/checkpointFormat.ts';
import type { Preprocessing } from '../../engine/project/preprocessing.ts';
import type { RunMetrics } from '../store/runSlice.ts';

export interface SavedProject extends ProjectState {
  id: string;
  savedAt: number;
}

/** A project's trained model as kept across reloads (one per project, the latest run's). */
export interface SavedModel {
  projectId: string;
  savedAt: number;
  /** The graph, data and settings the model was trained with. */
  graph: GraphJSON;
  dataset: DatasetSpec;
  config: TrainConfig;
  metrics: RunMetrics | null;
  checkpoint: Checkpoint;
  preprocessing: Preprocessing | null;
  /** The int8 file of a model kept as int8 (absent: float32; records from before it have none). */
  int8?: Uint8Array | null;
}

interface Schema extends DBSchema {
  projects: { key: string; value: SavedProject };
  runs: { key: string; value: RunRecord; indexes: { projectId: string } };
  models: { key: string; value: SavedModel };
}

export const PROJECTS_DB = 'flowgrad-projects';
export const PROJECTS_DB_VERSION = 2;

let dbPromise: Promise<IDBPDatabase<Schema>> | null = null;

export function projectsDb(): Promise<IDBPDatabase<Schema>> {
  return (dbPromise ??= openDB<Schema>(PROJECTS_DB, PROJECTS_DB_VERSION, {
    upgrade(d, oldVersion) {
      if (oldVersion < 1) {
        d.createObjectStore('projects', { keyPath: 'id' });
        d.createObjectStore('runs', { keyPath: 'id' }).createIndex('projectId', 'projectId');
      }
      if (oldVersion < 2) d.createObjectStore('models', { keyPath: 'projectId' });
    },
  }).catch((e: unknown) => {
    dbPromise = null; // try again on the next call
    throw e;
  }));
}
