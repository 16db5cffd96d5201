// The Compress view's options: good values become the engine's job; each bad value is
// reported at its own field and no job is made; a canvas student needs a different graph.
import { describe, expect, it } from 'vitest';
import { defaultGraph } from '../../engine/graph/format.ts';
import { DEFAULT_COMPRESS_FORM, readCompressForm } from './compressForm.ts';

describe('readCompressForm', () => {
  it('reads the defaults into prune + int8 options', () => {
    const r = readCompressForm(DEFAULT_COMPRESS_FORM, null);
    expect(r.errors).toEqual({});
    expect(r.options).toEqual({
      prune: { sparsity: 0.8, mode: 'global', schedule: 'polynomial', finetuneEpochs: 2 },
      quantize: { kind: 'int8', calibration: 'minmax', calibrationBatches: 8 },
    });
  });

  it('puts each bad value at its field', () => {
    const r = readCompressForm({ ...DEFAULT_COMPRESS_FORM, pruneAmount: '1.5', finetuneEpochs: '2.5', calibration: 'percentile', percentile: '', distill: true, alpha: 'x', temperature: '0' }, null);
    expect(r.options).toBeNull();
    expect(Object.keys(r.errors).sort()).toEqual(['alpha', 'finetuneEpochs', 'percentile', 'pruneAmount', 'temperature']);
    expect(r.errors.pruneAmount).toContain('“1.5”');
    expect(r.errors.percentile).toContain('nothing');
  });

  it('reads the quantization-aware fine-tuning epochs, with their error at their field', () => {
    expect(readCompressForm({ ...DEFAULT_COMPRESS_FORM, qatEpochs: '3' }, null).options?.quantize).toEqual({ kind: 'int8', calibration: 'minmax', calibrationBatches: 8, qatEpochs: 3 });
    for (const bad of ['-1', '1.5', 'two', '101']) {
      const r = readCompressForm({ ...DEFAULT_COMPRESS_FORM, qatEpochs: bad }, null);
      expect(r.options).toBeNull();
      expect(Object.keys(r.errors)).toEqual(['qatEpochs']);
    }
    // float16 has no fine-tuning: the field is not read.
    expect(readCompressForm({ ...DEFAULT_COMPRESS_FORM, quantKind: 'float16', qatEpochs: 'x' }, null).errors).toEqual({});
  });

  it('needs a method, and a drawn student for the canvas choice', () => {
    expect(readCompressForm({ ...DEFAULT_COMPRESS_FORM, prune: false, quantize: false }, null).errors.methods).toBeDefined();
    const noStudent = readCompressForm({ ...DEFAULT_COMPRESS_FORM, prune: false, quantize: false, distill: true, student: 'canvas' }, null);
    expect(noStudent.errors.student).toBeDefined();
    const g = defaultGraph();
    const ok = readCompressForm({ ...DEFAULT_COMPRESS_FORM, prune: false, quantize: false, distill: true, student: 'canvas' }, g);
    expect(ok.options?.distill).toMatchObject({ student: g, temperature: 4, alpha: 0.7, epochs: 3 });
    expect(ok.options?.distill?.studentRows).toBeUndefined();
  });

  it('reads the student\'s rows: empty is all, a whole number ≥ 1 is that many, anything else is an error at the field', () => {
    const on = { ...DEFAULT_COMPRESS_FORM, prune: false, quantize: false, distill: true };
    expect(readCompressForm({ ...on, studentRows: ' 500 ' }, null).options?.distill?.studentRows).toBe(500);
    for (const bad of ['0', '2.5', 'many']) {
      const r = readCompressForm({ ...on, studentRows: bad }, null);
      expect(r.options).toBeNull();
      expect(r.errors.studentRows).toMatch(/whole number of rows/);
    }
  });
});
