// Project files version 2: the checkpoint (optimizer.safetensors + project.json's entry), the
// preprocessing and an included dataset round-trip; a version 1 file (written the old way:
// project.json version 1 and weights only) still opens; a damaged or partial training state
// is refused or dropped with the rest of the project kept.
import { describe, expect, it } from 'vitest';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { defaultGraph } from '../graph/format.ts';
import { runTraining } from '../train/session.ts';
import { newProject, projectCheckpoint, readProjectZip, writeProjectZip, type ProjectJSON } from './projectFile.ts';
import { badFile } from '../test/throws.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from './config.ts';

const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, optimizer: 'adam', epochs: 2, batchSize: 32, scheduler: { type: 'cosine' } };
const dataset = { kind: 'builtin2d' as const, name: 'moons' as const, samples: 200, noise: 0.2, seed: 3 };

async function trained() {
  const out = await runTraining({ runId: 'r', graph: defaultGraph(), dataset, config, boundaryResolution: 0 }, { onEvent: () => {}, shouldStop: () => false });
  const project: ProjectJSON = { ...newProject('moons'), data: dataset, training: config, checkpoint: out.checkpoint.meta };
  return { out, project };
}

describe('project files, version 2', () => {
  it('round-trips weights, optimizer state, the checkpoint entry, preprocessing and an included dataset', async () => {
    const { out, project } = await trained();
    const csv = strToU8('x,y,label\n1,2,a\n3,4,b\n');
    const full: ProjectJSON = {
      ...project,
      preprocessing: {
        version: 1, kind: 'table', task: 'classification', sampleShape: [2], classNames: ['a', 'b'], featureNames: ['x', 'y'],
        columns: [{ name: 'x', kind: 'numeric' }, { name: 'y', kind: 'numeric' }], label: 'label', normalize: { mode: 'standardize', shift: [2, 3], scale: [1, 1] },
      },
      dataset: { file: 'points.csv', bytes: csv.byteLength },
    };
    const bytes = writeProjectZip({ project: full, weights: out.weights, optimizer: out.checkpoint.optimizer, dataset: csv });
    expect(Object.keys(unzipSync(bytes)).sort()).toEqual(['dataset/points.csv', 'optimizer.safetensors', 'project.json', 'weights.safetensors']);
    const read = readProjectZip(bytes);
    expect(read.project).toEqual(JSON.parse(JSON.stringify(full)));
    expect(read.optimizer).toEqual(out.checkpoint.optimizer);
    expect(read.dataset).toEqual(csv);
    const ck = projectCheckpoint(read)!;
    expect(ck.meta).toMatchObject({ epoch: 2, batchInEpoch: 0, optimizer: { kind: 'adam' }, scheduler: { kind: 'closedForm', t: 2 } });
    expect(ck.meta.history.map((h) => h.epoch)).toEqual([1, 2]);
    // Continuing from the file gives the same as continuing from the in-memory checkpoint.
    const a = await runTraining({ runId: 'a', graph: defaultGraph(), dataset, config: { ...config, epochs: 1 }, boundaryResolution: 0, resumeFrom: ck }, { onEvent: () => {}, shouldStop: () => false });
    const b = await runTraining({ runId: 'b', graph: defaultGraph(), dataset, config: { ...config, epochs: 1 }, boundaryResolution: 0, resumeFrom: out.checkpoint }, { onEvent: () => {}, shouldStop: () => false });
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    expect(a.checkpoint.meta.epoch).toBe(3);
  });

  it('opens a version 1 file (project.json version 1, weights only): no checkpoint, the weights kept', async () => {
    const { out } = await trained();
    const v1 = { format: 'flowgrad.project', version: 1, name: 'old', createdAt: '2024-05-01T00:00:00.000Z', graph: defaultGraph(), data: dataset, training: config, metrics: { loss: 0.3 } };
    const bytes = zipSync({ 'project.json': strToU8(JSON.stringify(v1, null, 2)), 'weights.safetensors': out.weights });
    const read = readProjectZip(bytes);
    expect(read.project.version).toBe(2);
    expect(read.project.metrics).toEqual({ loss: 0.3 });
    expect(read.weights).toEqual(out.weights);
    expect(read.optimizer).toBeNull();
    expect(projectCheckpoint(read)).toBeNull();
    // Saved again, it is a version 2 file.
    expect(readProjectZip(writeProjectZip({ project: read.project, weights: read.weights })).project.version).toBe(2);
  });

  it('a checkpoint entry whose optimizer file is missing keeps the weights and drops only the optimizer state', async () => {
    const { out, project } = await trained();
    const bytes = zipSync({ 'project.json': strToU8(JSON.stringify(project)), 'weights.safetensors': out.weights });
    const read = readProjectZip(bytes);
    expect(read.project.checkpoint!.optimizer).toBeNull();
    expect(projectCheckpoint(read)!.optimizer).toBeNull();
  });

  it('a damaged checkpoint entry or a path in the dataset name is a bad-file error naming the field', async () => {
    const { out, project } = await trained();
    const damaged = { ...project, checkpoint: { ...project.checkpoint, epoch: -1 } };
    expect(badFile(() => readProjectZip(zipSync({ 'project.json': strToU8(JSON.stringify(damaged)), 'weights.safetensors': out.weights })))).toMatch(/checkpoint\.epoch/);
    const future = { ...project, checkpoint: { ...project.checkpoint, version: 9 } };
    expect(badFile(() => readProjectZip(zipSync({ 'project.json': strToU8(JSON.stringify(future)), 'weights.safetensors': out.weights })))).toMatch(/reads training state up to version 1/);
    const sneaky = { ...project, dataset: { file: '../x.csv', bytes: 1 } };
    expect(badFile(() => readProjectZip(zipSync({ 'project.json': strToU8(JSON.stringify(sneaky)), 'weights.safetensors': out.weights })))).toMatch(/not a plain file name/);
    expect(() => writeProjectZip({ project, weights: null })).toThrow(/a checkpoint needs the weights/);
  });
});
