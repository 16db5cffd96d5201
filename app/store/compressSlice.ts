/**
 * The Compress view's state: the options as typed, and the compression run — its status, the
 * live fine-tuning / distillation curves per variant (from the training event stream), the
 * report rows as they are measured, the finished variants (graph, weights, compressed file),
 * and the model the project had before a variant was kept (so keeping one loses nothing:
 * the view can put it back). Never saved.
 */
import type { StateCreator } from 'zustand';
import type { GraphJSON } from '../../engine/graph/types.ts';
import type { CompressedVariant, VariantReport } from '../../workers/api.ts';
import { DEFAULT_COMPRESS_FORM, type CompressForm } from '../actions/compressForm.ts';
import type { AppState } from './index.ts';
import type { TrainedModel } from './runSlice.ts';

export type CompressStatus = 'idle' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'error';

/** One variant's training curve: loss per step, validation accuracy per epoch. */
export interface CompressCurve {
  steps: number[];
  loss: number[];
  epochs: { step: number; epoch: number; valLoss?: number; valAccuracy?: number }[];
  totalSteps: number;
}

export interface CompressionState {
  status: CompressStatus;
  runId: string | null;
  /** The trained model this run compresses (a newer model makes the report stale). */
  model: TrainedModel | null;
  rows: VariantReport[];
  variants: CompressedVariant[] | null;
  curves: Record<string, CompressCurve>;
  /** The variant training now (its curve grows). */
  active: string | null;
  log: string[];
  message: string | null;
  /** The variant kept as the project's model, if any. */
  kept: string | null;
  /** The project's graph and model before the first "Keep", to put back. */
  original: { graph: GraphJSON; model: TrainedModel } | null;
}

export const IDLE_COMPRESSION: CompressionState = {
  status: 'idle', runId: null, model: null, rows: [], variants: null, curves: {}, active: null, log: [], message: null, kept: null, original: null,
};

export interface CompressSlice {
  compressForm: CompressForm;
  compression: CompressionState;
  setCompressForm(patch: Partial<CompressForm>): void;
  patchCompression(patch: Partial<CompressionState>): void;
}

export const createCompressSlice: StateCreator<AppState, [], [], CompressSlice> = (set, get) => ({
  compressForm: { ...DEFAULT_COMPRESS_FORM },
  compression: IDLE_COMPRESSION,
  setCompressForm(patch) {
    set({ compressForm: { ...get().compressForm, ...patch } });
  },
  patchCompression(patch) {
    set({ compression: { ...get().compression, ...patch } });
  },
});
