/**
 * The data the model trains on, beyond the project's generated 2-D dataset: a chosen
 * built-in (blobs, sine, digits) or an uploaded dataset with its preparation, the list of
 * stored uploads, upload progress and errors, and the resulting DataSignature that the
 * canvas checks the graph against. `dataSource` null means "the project's 2-D dataset"
 * (graphSlice.dataset), so projects without uploads behave exactly as before.
 */
import type { StateCreator } from 'zustand';
import type { BuiltinSpec, DatasetSpec, UploadSpec } from '../../engine/project/config.ts';
import type { DataSignature } from '../../engine/graph/dataFit.ts';
import type { DataPrep, DatasetSummary } from '../../engine/project/dataTypes.ts';
import { BUILTIN_2D_SIGNATURE } from '../../engine/data/builtin2d.ts';
import { builtinSignature } from '../../engine/data/builtin.ts';
import { signatureOf } from '../../engine/project/dataPlan.ts';
import type { AppState } from './index.ts';

export type DataSource = BuiltinSpec | UploadSpec | null;

export interface DataBusy {
  name: string;
  phase: 'reading' | 'parsing' | 'decoding' | 'storing';
  fraction: number;
}

export interface DataSlice {
  dataSource: DataSource;
  /** Summaries of the uploads stored in this browser, newest first. */
  uploads: DatasetSummary[];
  uploadsLoaded: boolean;
  dataBusy: DataBusy | null;
  /** The last upload's failure (shown with role=alert); `canSkip`: "Skip bad rows" would help. */
  dataError: { text: string; canSkip: boolean } | null;
  dataPanelOpen: boolean;
  /** What a model must accept and predict for the chosen data; the same object while unchanged. */
  dataSignature: DataSignature;
  /** Why the chosen data cannot be used as prepared (no label, upload gone...), else null. */
  dataProblem: string | null;
  setDataSource(src: DataSource): void;
  /** Changes the chosen upload's preparation. */
  patchPrep(patch: Partial<DataPrep>): void;
  setUploads(list: DatasetSummary[]): void;
  patchData(p: Partial<Pick<DataSlice, 'dataBusy' | 'dataError' | 'dataPanelOpen' | 'uploadsLoaded'>>): void;
}

const sameSig = (a: DataSignature, b: DataSignature) => a.classes === b.classes && a.vocabSize === b.vocabSize && a.sampleShape.join(',') === b.sampleShape.join(',');

/** Signature and problem for a source; keeps `prev` when nothing is known yet. */
export function signatureFor(src: DataSource, uploads: DatasetSummary[], loaded: boolean, prev: DataSignature): { sig: DataSignature; problem: string | null } {
  if (!src) return { sig: BUILTIN_2D_SIGNATURE, problem: null };
  if (src.kind === 'builtin') {
    const sig = builtinSignature(src.name);
    return sig ? { sig, problem: null } : { sig: prev, problem: `Unknown built-in dataset '${src.name}'` };
  }
  const summary = uploads.find((u) => u.id === src.id);
  if (!summary) return { sig: prev, problem: loaded ? `The uploaded dataset '${src.name}' is not stored in this browser any more: drop the file again.` : null };
  try {
    return { sig: signatureOf(summary, (src.prep ?? {}) as DataPrep), problem: null };
  } catch (e) {
    return { sig: prev, problem: (e as Error).message.replace(/^./, (c) => c.toUpperCase()) };
  }
}

/** The dataset a training run should use. */
export function currentDatasetSpec(s: Pick<AppState, 'dataSource' | 'dataset'>): DatasetSpec {
  return s.dataSource ?? s.dataset;
}

export const createDataSlice: StateCreator<AppState, [], [], DataSlice> = (set, get) => {
  const recompute = (patch: Partial<DataSlice>): Partial<DataSlice> => {
    const s = { ...get(), ...patch };
    const { sig, problem } = signatureFor(s.dataSource, s.uploads, s.uploadsLoaded, s.dataSignature);
    return { ...patch, dataSignature: sameSig(sig, s.dataSignature) ? s.dataSignature : sig, dataProblem: problem };
  };
  return {
    dataSource: null,
    uploads: [],
    uploadsLoaded: false,
    dataBusy: null,
    dataError: null,
    dataPanelOpen: false,
    dataSignature: BUILTIN_2D_SIGNATURE,
    dataProblem: null,

    setDataSource(src) {
      set(recompute({ dataSource: src }));
    },

    patchPrep(patch) {
      const src = get().dataSource;
      if (src?.kind !== 'upload') return;
      set(recompute({ dataSource: { ...src, prep: { ...(src.prep ?? {}), ...patch } } }));
    },

    setUploads(list) {
      set(recompute({ uploads: list }));
    },

    patchData(p) {
      set('uploadsLoaded' in p ? recompute(p) : p);
    },
  };
};
