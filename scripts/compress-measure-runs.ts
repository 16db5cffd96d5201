/**
 * The variants and target verdicts of issue #15's measurement, shared by compress-measure.ts
 * (LeNet-5 on the built-in digits) and compress-measure-csv.ts (an MLP on an uploaded CSV) so
 * that both cases run exactly the same compressions and judge them by the same rules.
 */
import { compressModel, type CompressJob } from '../engine/compress/pipeline.ts';
import type { DataIO } from '../engine/data/resolve.ts';
import type { GraphJSON } from '../engine/graph/types.ts';
import type { VariantReport } from '../engine/compress/report.ts';

export interface MeasureCase {
  base: Omit<CompressJob, 'prune' | 'quantize' | 'distill'>;
  io?: DataIO;
  /** The distillation student (≤ 1/4 of the teacher's parameters). */
  student: GraphJSON;
  epochs: number;
  finetune: number;
  /** Distillation's temperature and alpha (4 and 0.7 unless given: the CLI's and Compress view's defaults). */
  temperature?: number;
  alpha?: number;
  log(line: string): void;
}

export interface Target {
  target: string;
  value: string;
  met: boolean;
}

export interface Measured {
  results: Record<string, VariantReport[]>;
  /** Each file's bytes without the safetensors header (tensor data only), by run and variant. */
  dataBytes: Record<string, Record<string, number>>;
  targets: Target[];
}

/** Runs every variant on the trained model and judges the targets. */
export async function measureCompression(c: MeasureCase): Promise<Measured> {
  const { finetune, epochs } = c;
  const runs: [string, Partial<CompressJob>][] = [
    ['int8 PTQ', { quantize: { kind: 'int8', calibration: 'minmax', calibrationBatches: 8 } }],
    ['int8 PTQ (percentile)', { quantize: { kind: 'int8', calibration: 'percentile', percentile: 99.99, calibrationBatches: 8 } }],
    ['int8 QAT (1 epoch)', { quantize: { kind: 'int8', calibration: 'minmax', calibrationBatches: 8, qatEpochs: 1 } }],
    ['80% unstructured (per layer)', { prune: { mode: 'unstructured', sparsity: 0.8, schedule: 'polynomial', finetuneEpochs: finetune } }],
    ['80% global', { prune: { mode: 'global', sparsity: 0.8, schedule: 'polynomial', finetuneEpochs: finetune } }],
    ['50% channels', { prune: { mode: 'channels', sparsity: 0.5, schedule: 'polynomial', finetuneEpochs: finetune } }],
    ['distillation', { distill: { student: c.student, temperature: c.temperature ?? 4, alpha: c.alpha ?? 0.7, epochs, compareWithoutTeacher: true } }],
  ];
  const results: Record<string, VariantReport[]> = {};
  const dataBytes: Record<string, Record<string, number>> = {};
  for (const [name, extra] of runs) {
    c.log(`${name}…`);
    const variants = await compressModel({ ...c.base, ...extra }, c.io ? { io: c.io } : {});
    results[name] = variants.map((v) => v.report);
    dataBytes[name] = Object.fromEntries(variants.map((v) => [v.report.name, tensorDataBytes(v.file)]));
  }
  return { results, dataBytes, targets: judge(results, dataBytes) };
}

/** A safetensors file less its 8-byte length and JSON header: on a small model the header (tensor names, shapes, metadata) is a visible part of the file. */
function tensorDataBytes(file: Uint8Array): number {
  const header = Number(new DataView(file.buffer, file.byteOffset, 8).getBigUint64(0, true));
  return file.byteLength - 8 - header;
}

export const pp = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(2)} pp`;

function judge(results: Record<string, VariantReport[]>, dataBytes: Measured['dataBytes']): Target[] {
  const get = (run: string, name: string) => results[run]!.find((r) => r.name === name)!;
  const b = get('int8 PTQ', 'baseline');
  const int8 = get('int8 PTQ', 'int8'), int8p = get('int8 PTQ (percentile)', 'int8');
  const unstr = get('80% unstructured (per layer)', 'pruned'), glob = get('80% global', 'pruned'), qat = get('int8 QAT (1 epoch)', 'int8'), ch = get('50% channels', 'pruned');
  const dist = get('distillation', 'distilled'), alone = get('distillation', 'student (no teacher)');
  const dataRatio = (run: string) => `tensor data alone ${(dataBytes[run]!['baseline']! / dataBytes[run]!['int8']!).toFixed(2)}×`;
  return [
    { target: 'int8 PTQ ≤ 1 pp drop at ≥ 3.5× smaller weights (MinMax)', value: `${pp(int8.delta)}, ${(b.file.bytes / int8.file.bytes).toFixed(2)}× smaller (${dataRatio('int8 PTQ')})`, met: int8.delta >= -0.01 && b.file.bytes / int8.file.bytes >= 3.5 },
    { target: 'int8 PTQ, percentile 99.99 calibration', value: `${pp(int8p.delta)}, ${(b.file.bytes / int8p.file.bytes).toFixed(2)}× smaller`, met: int8p.delta >= -0.01 && b.file.bytes / int8p.file.bytes >= 3.5 },
    { target: 'int8 QAT (1 epoch) ≤ 1 pp drop at ≥ 3.5× smaller weights', value: `${pp(qat.delta)}, ${(b.file.bytes / qat.file.bytes).toFixed(2)}× smaller`, met: qat.delta >= -0.01 && b.file.bytes / qat.file.bytes >= 3.5 },
    { target: '80% unstructured (global threshold) after fine-tuning ≤ 1 pp drop, ≥ 3× smaller gzipped', value: `${pp(glob.delta)}, ${(b.file.gzipBytes / glob.file.gzipBytes).toFixed(2)}× smaller gzipped`, met: glob.delta >= -0.01 && b.file.gzipBytes / glob.file.gzipBytes >= 3 },
    { target: '80% unstructured (per-layer threshold), same target', value: `${pp(unstr.delta)}, ${(b.file.gzipBytes / unstr.file.gzipBytes).toFixed(2)}× smaller gzipped`, met: unstr.delta >= -0.01 && b.file.gzipBytes / unstr.file.gzipBytes >= 3 },
    { target: '50% channel pruning: ≥ 40% fewer FLOPs within 2 pp', value: `${((1 - ch.flops / b.flops) * 100).toFixed(1)}% fewer FLOPs, ${pp(ch.delta)}`, met: 1 - ch.flops / b.flops >= 0.4 && ch.delta >= -0.02 },
    { target: 'student ≤ 1/4 params within 2 pp, better than without teacher', value: `${((dist.parameters / b.parameters) * 100).toFixed(1)}% of the params, ${pp(dist.delta)} (no teacher: ${pp(alone.delta)})`, met: dist.parameters <= b.parameters / 4 && dist.delta >= -0.02 && (dist.accuracy ?? 0) > (alone.accuracy ?? 0) },
  ];
}

/** The report as the markdown tables docs/compression.md holds. */
export function printMeasured(m: Measured): void {
  const row = (r: VariantReport) => `| ${r.name} | ${r.parameters.toLocaleString('en-US')} | ${r.nonZeros.toLocaleString('en-US')} | ${r.flops.toLocaleString('en-US')} | ${r.file.format} | ${r.file.bytes.toLocaleString('en-US')} | ${r.file.gzipBytes.toLocaleString('en-US')} | ${((r.accuracy ?? 0) * 100).toFixed(2)}% | ${pp(r.delta)} | ${r.latencyMs.toFixed(3)} |`;
  console.log('\n| variant | params | non-zeros | FLOPs | weights | bytes | gzipped | accuracy | delta | CPU ms/sample |\n|---|---:|---:|---:|---|---:|---:|---:|---:|---:|');
  console.log(row(m.results['int8 PTQ']!.find((r) => r.name === 'baseline')!));
  for (const [run, reports] of Object.entries(m.results)) for (const r of reports) if (r.name !== 'baseline') console.log(row({ ...r, name: `${run}: ${r.name}` }));
  console.log('\n| target | measured | met |\n|---|---|---|');
  for (const t of m.targets) console.log(`| ${t.target} | ${t.value} | ${t.met ? 'yes' : 'no'} |`);
}
