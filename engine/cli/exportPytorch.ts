/**
 * `npm run flowgrad -- export <project|template:ID> --format pytorch --out project.zip`: the
 * PyTorch project (engine/io/codegen/pytorchProject.ts) with the project's trained weights and
 * its data exactly as training sees it (generated or uploaded, preprocessed and split). A
 * template without a built-in dataset exports the sample data its tests train on
 * (engine/templates/data.ts) unless --data names other data. Node-only (writes the file).
 */
import { writeFileSync } from 'node:fs';
import { pytorchProjectZip, type ExportedData } from '../io/codegen/index.ts';
import { loadData } from '../train/session.ts';
import { splitDataset, type ArrayDataset } from '../data/split.ts';
import { asOwnTargets, tokenSequences, trendSequences } from '../templates/data.ts';
import { DEFAULT_TRAIN_CONFIG, type DatasetSpec, type TrainConfig } from '../project/config.ts';
import type { ProjectFiles, ProjectJSON } from '../project/projectFile.ts';
import type { DataIO } from '../data/resolve.ts';

/** Rows of sample data for the templates that have no built-in dataset, as their tests make them. */
const TEMPLATE_SAMPLES = 1000;
const TEMPLATE_DATA: Record<string, (config: TrainConfig) => Promise<{ data: ArrayDataset; sampleShape: number[]; what: string }>> = {
  transformer: async () => ({ data: tokenSequences(TEMPLATE_SAMPLES, 1), sampleShape: [16], what: 'token sequences (engine/templates/data.ts)' }),
  lstm: async () => ({ data: trendSequences(TEMPLATE_SAMPLES, 1), sampleShape: [20, 1], what: 'rising / falling sequences (engine/templates/data.ts)' }),
  autoencoder: async () => {
    const d = await loadData({ kind: 'builtin', name: 'digits', samples: TEMPLATE_SAMPLES, noise: 0.1, seed: 7 }, { validationSplit: 0, seed: 1 });
    return { data: asOwnTargets(d.train), sampleShape: d.sampleShape, what: 'synthetic digits as their own targets' };
  },
};

export interface ExportPytorchInput {
  file: string;
  loaded: { project: ProjectJSON } & ProjectFiles;
  opts: Record<string, string>;
  /** The CLI's data resolution (the project's dataset, its included file, or --data). */
  resolveData(): Promise<{ dataset: DatasetSpec | undefined; io?: DataIO }>;
  log(line: string): void;
}

export async function exportPytorch({ file, loaded, opts, resolveData, log }: ExportPytorchInput): Promise<void> {
  if (!opts.out) throw new Error('export needs --out FILE');
  const { project, weights } = loaded;
  const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...project.training };
  const sample = file.startsWith('template:') && !project.data && !opts.data ? TEMPLATE_DATA[file.slice('template:'.length)] : undefined;
  let data: ExportedData;
  let dataset: DatasetSpec | undefined;
  if (sample) {
    const s = await sample(config);
    log(`note: ${file} has no built-in dataset: exporting its sample data (${s.what}); pass --data for other data`);
    data = { ...splitDataset(s.data, config.validationSplit, config.seed), classNames: null, sampleShape: s.sampleShape };
  } else {
    const r = await resolveData();
    dataset = r.dataset;
    const d = await loadData(r.dataset!, config, r.io);
    data = { train: d.train, val: d.val, test: d.test, classNames: d.classNames, sampleShape: d.sampleShape };
  }
  const zip = pytorchProjectZip({ name: project.name, graph: project.graph, training: config, ...(dataset ? { dataset } : {}), weights, data });
  writeFileSync(opts.out, zip);
  log(`wrote ${opts.out} (${zip.byteLength.toLocaleString('en-US')} bytes: model.py, train.py, data.py, data.npz${weights ? ', weights.safetensors' : ', no trained weights'})`);
}
