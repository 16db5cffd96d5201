/**
 * The worker's Compress: runs engine/compress/pipeline.ts on a trained model and turns its
 * hooks into events the app draws — each fine-tuning / distillation step and epoch as the
 * training stream's own StepEvent / EpochEvent (tagged with the variant, so the view draws
 * live curves like any run), log lines, and each measured variant's report row as it lands.
 * `shouldStop` cancels between steps (the run then rejects with code 'aborted').
 */
import { compressModel } from '../../engine/compress/pipeline.ts';
import type { DataIO } from '../../engine/data/resolve.ts';
import type { CompressEvent, CompressRequest, CompressResult } from '../api.ts';

export async function compressRun(req: CompressRequest, io: DataIO, emit: (e: CompressEvent) => void, shouldStop: () => boolean): Promise<CompressResult> {
  const { runId, ...job } = req;
  const variants = await compressModel(job, {
    io,
    shouldStop,
    log: (line) => emit({ type: 'log', runId, line }),
    onStep: (variant, r) => emit({
      type: 'step', runId, variant, step: r.step, epoch: r.epoch, loss: r.loss, metrics: r.accuracy !== undefined ? { accuracy: r.accuracy } : {},
      lr: r.lr, samplesPerSec: r.samplesPerSec, etaSec: r.etaSec, totalSteps: r.totalSteps,
    }),
    onEpoch: (variant, r) => emit({
      type: 'epoch', runId, variant, step: r.step, epoch: r.epoch, loss: r.loss, lr: r.lr, samplesPerSec: r.samplesPerSec, etaSec: r.etaSec, best: r.best,
      metrics: { ...(r.accuracy !== undefined ? { accuracy: r.accuracy } : {}), ...(r.valLoss !== undefined ? { valLoss: r.valLoss } : {}), ...(r.valAccuracy !== undefined ? { valAccuracy: r.valAccuracy } : {}) },
    }),
    onVariant: (v) => emit({ type: 'variant', runId, report: v.report }),
  });
  return { runId, variants };
}
