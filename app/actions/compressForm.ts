/**
 * The Compress view's options as the user typed them (strings, so a half-typed number stays
 * on screen) and their reading into the engine's compression job: every bad value gets its
 * message at its own field, and no job is made until all are fine. Pure, so it is tested
 * without a browser; the limits are the CLI's (engine/cli/compress.ts).
 */
import type { GraphJSON } from '../../engine/graph/types.ts';
import type { Calibration, CompressJob, PruneMode, SparsitySchedule } from '../../workers/api.ts';

export type StudentChoice = 'suggested' | 'canvas';

export interface CompressForm {
  prune: boolean;
  pruneAmount: string;
  pruneMode: PruneMode;
  schedule: SparsitySchedule;
  finetuneEpochs: string;
  quantize: boolean;
  quantKind: 'int8' | 'float16';
  calibration: Calibration;
  percentile: string;
  calibrationBatches: string;
  /** int8: epochs of quantization-aware fine-tuning before the int8 weights are made (0: post-training only). */
  qatEpochs: string;
  distill: boolean;
  student: StudentChoice;
  studentWidth: string;
  temperature: string;
  alpha: string;
  distillEpochs: string;
  /** The student's training rows: the first N of the training split; empty for all of them. */
  studentRows: string;
}

export const DEFAULT_COMPRESS_FORM: CompressForm = {
  prune: true, pruneAmount: '0.8', pruneMode: 'global', schedule: 'polynomial', finetuneEpochs: '2',
  quantize: true, quantKind: 'int8', calibration: 'minmax', percentile: '99.99', calibrationBatches: '8', qatEpochs: '0',
  distill: false, student: 'suggested', studentWidth: '0.5', temperature: '4', alpha: '0.7', distillEpochs: '3', studentRows: '',
};

export type FormErrors = Partial<Record<keyof CompressForm | 'methods', string>>;

/** The job's options (the trained model, data and settings are added by the action). */
export type CompressOptions = Pick<CompressJob, 'prune' | 'quantize' | 'distill'>;

function reader(f: CompressForm, errors: FormErrors) {
  return (key: keyof CompressForm, ok: (v: number) => boolean, what: string): number => {
    const raw = String(f[key]).trim();
    const v = raw === '' ? NaN : Number(raw);
    if (!Number.isFinite(v) || !ok(v)) errors[key] = `${what} (got ${raw === '' ? 'nothing' : `“${raw}”`})`;
    return v;
  };
}

const whole = (lo: number, hi: number) => (v: number) => Number.isInteger(v) && v >= lo && v <= hi;

/**
 * Reads the form. `canvasStudent` is the graph on the canvas when it differs from the trained
 * model's (the student the user drew), else null.
 */
export function readCompressForm(f: CompressForm, canvasStudent: GraphJSON | null): { options: CompressOptions | null; errors: FormErrors } {
  const errors: FormErrors = {};
  const num = reader(f, errors);
  const options: CompressOptions = {};
  if (f.prune) {
    const sparsity = num('pruneAmount', (v) => v > 0 && v < 1, 'a fraction between 0 and 1, such as 0.8');
    const finetuneEpochs = num('finetuneEpochs', whole(0, 1000), 'a whole number from 0 to 1000');
    options.prune = { sparsity, mode: f.pruneMode, schedule: f.schedule, finetuneEpochs };
  }
  if (f.quantize) {
    if (f.quantKind === 'int8') {
      const percentile = f.calibration === 'percentile' ? num('percentile', (v) => v > 50 && v <= 100, 'a percentile above 50, at most 100') : undefined;
      const calibrationBatches = num('calibrationBatches', whole(1, 64), 'a whole number from 1 to 64');
      const qatEpochs = num('qatEpochs', whole(0, 100), 'a whole number from 0 to 100');
      options.quantize = { kind: 'int8', calibration: f.calibration, calibrationBatches, ...(percentile !== undefined ? { percentile } : {}), ...(qatEpochs > 0 ? { qatEpochs } : {}) };
    } else options.quantize = { kind: 'float16', calibration: 'minmax' };
  }
  if (f.distill) {
    const temperature = num('temperature', (v) => v > 0 && v <= 100, 'a number above 0, at most 100');
    const alpha = num('alpha', (v) => v >= 0 && v <= 1, 'a number from 0 to 1');
    const epochs = num('distillEpochs', whole(1, 1000), 'a whole number from 1 to 1000');
    const width = f.student === 'suggested' ? num('studentWidth', (v) => v > 0 && v <= 1, 'a fraction above 0, at most 1') : 1;
    if (f.student === 'canvas' && !canvasStudent) errors.student = 'The canvas shows the trained model itself: draw a smaller student on the canvas first, or use the suggested one.';
    const rowsTyped = f.studentRows.trim() !== '';
    const studentRows = rowsTyped ? num('studentRows', (v) => Number.isInteger(v) && v >= 1, 'a whole number of rows, 1 or more (empty: all rows)') : undefined;
    options.distill = { student: f.student === 'canvas' ? canvasStudent : null, width, temperature, alpha, epochs, ...(studentRows !== undefined ? { studentRows } : {}) };
  }
  if (!f.prune && !f.quantize && !f.distill) errors.methods = 'Choose at least one of pruning, quantization or distillation.';
  return { options: Object.keys(errors).length ? null : options, errors };
}
