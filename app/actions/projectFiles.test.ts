import { describe, expect, it } from 'vitest';
import { defaultGraph } from '../../engine/graph/format.ts';
import { readProjectZip, writeProjectZip } from '../../engine/project/projectFile.ts';
import { moveNodes, updateAttr } from '../commands/graph.ts';
import { freshProject } from '../store/graphSlice.ts';
import { useApp } from '../store/index.ts';
import { buildProject, currentInt8, currentWeights, projectFileName, readProjectFile } from './projectFiles.ts';
import { trainedModelOf } from './modelStore.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../engine/project/config.ts';
import { encodeSafetensors } from '../../engine/project/safetensors.ts';
import { CHECKPOINT_VERSION, type Checkpoint } from '../../engine/project/checkpointFormat.ts';

describe('project files', () => {
  it('names the download after the project', () => {
    expect(projectFileName('My model')).toBe('My-model.flowgrad.zip');
    expect(projectFileName('  a/b:c  ')).toBe('abc.flowgrad.zip');
    expect(projectFileName('')).toBe('model.flowgrad.zip');
  });

  it('keeps weights only while they fit the graph (moving nodes is fine, editing is not)', () => {
    const graph = defaultGraph();
    const model = { weights: new Uint8Array([1]), graph, dataset: freshProject().dataset, metrics: null };
    expect(currentWeights({ model, graph })).toBe(model.weights);
    expect(currentWeights({ model, graph: moveNodes(graph, new Map([['dense1', { x: 9, y: 9 }]])) })).toBe(model.weights);
    expect(currentWeights({ model, graph: updateAttr(graph, { nodeId: 'dense1', name: 'units', value: 3 }) })).toBeNull();
    expect(currentWeights({ model: null, graph })).toBeNull();
  });

  it('saves the selected generated or uploaded dataset, not only the 2-D one', () => {
    const src = { kind: 'builtin', name: 'digits', samples: 300, noise: 0.1, seed: 2 } as const;
    const back = readProjectZip(writeProjectZip({ project: buildProject({ ...useApp.getState(), dataSource: src }) }));
    expect(back.project.data).toEqual(src);
  });

  it('builds a project that the project reader accepts', () => {
    const project = buildProject(useApp.getState());
    const back = readProjectZip(writeProjectZip({ project }));
    expect(back.project.graph).toEqual(useApp.getState().graph);
    expect(back.project.data).toEqual(useApp.getState().dataset);
    expect(back.weights).toBeNull();
  });

  it('downloads the checkpoint (weights, optimizer state, meta) and opens it back to continue from', async () => {
    const graph = defaultGraph();
    const dataset = { kind: 'builtin2d', name: 'circles', samples: 120, noise: 0.2, seed: 3 } as const;
    const config = { ...DEFAULT_TRAIN_CONFIG, optimizer: 'adam' as const, epochs: 2 };
    const t = (v: number[]) => ({ dtype: 'F32' as const, shape: [v.length], data: Float32Array.from(v) });
    const ck: Checkpoint = {
      meta: {
        version: CHECKPOINT_VERSION, epoch: 2, batchInEpoch: 0, step: 8, seed: 1,
        optimizer: { kind: 'adam', step: 8, lr: 0.01, paramSteps: { 'dense1.bias': 8 } },
        scheduler: null, rng: { state: 12345, spare: null }, scaler: null, best: { loss: 0.4, epoch: 2 }, sinceBest: 0,
        history: [{ epoch: 1, step: 4, loss: 0.6, lr: 0.01 }, { epoch: 2, step: 8, loss: 0.4, lr: 0.01, valLoss: 0.5 }],
      },
      weights: encodeSafetensors({ 'dense1.bias': t([1, 2]) }, { format: 'flowgrad' }),
      optimizer: encodeSafetensors({ 'dense1.bias/m': t([0.1, 0.2]), 'dense1.bias/v': t([0.01, 0.02]) }, { format: 'flowgrad.optimizer' }),
    };
    const model = { weights: ck.weights, graph, dataset, metrics: null, config, checkpoint: ck, preprocessing: null };
    const s = { ...useApp.getState(), graph, dataset, model };
    const bytes = writeProjectZip({ project: buildProject(s), weights: ck.weights, optimizer: ck.optimizer });
    const read = await readProjectFile(new File([bytes as Uint8Array<ArrayBuffer>], 'm.flowgrad.zip'), freshProject());
    expect(read.checkpoint!.meta).toEqual(ck.meta);
    expect(read.checkpoint!.optimizer).toEqual(ck.optimizer);
    expect(read.checkpoint!.weights).toEqual(ck.weights);
    // A model that no longer fits the canvas is not written (neither its weights nor its state).
    const edited = buildProject({ ...s, graph: updateAttr(graph, { nodeId: 'dense1', name: 'units', value: 3 }) });
    expect(edited.checkpoint).toBeUndefined();
  });

  it('keeps a model kept as int8 as int8: its int8 file while it fits the canvas, in the download and back', async () => {
    const graph = defaultGraph();
    const dataset = { kind: 'builtin2d', name: 'circles', samples: 120, noise: 0.2, seed: 3 } as const;
    const t = (v: number[]) => ({ dtype: 'F32' as const, shape: [v.length], data: Float32Array.from(v) });
    const weights = encodeSafetensors({ 'dense1.bias': t([1, 2]) }, { format: 'flowgrad' });
    const int8 = encodeSafetensors({ 'dense1.weight': { dtype: 'I8', shape: [2, 2], data: Int8Array.of(1, -2, 3, 127) }, 'dense1.weight.scale': t([0.1, 0.2]) }, { format: 'flowgrad', 'flowgrad.int8': JSON.stringify({ axes: { 'dense1.weight': 0 }, inputs: [] }) });
    const model = { weights, graph, dataset, metrics: null, int8 };
    expect(currentInt8({ model, graph })).toBe(int8);
    expect(currentInt8({ model, graph: updateAttr(graph, { nodeId: 'dense1', name: 'units', value: 3 }) })).toBeNull();
    expect(currentInt8({ model: { ...model, int8: null }, graph })).toBeNull();
    const bytes = writeProjectZip({ project: buildProject({ ...useApp.getState(), graph, dataset, model }), weights, int8 });
    const read = await readProjectFile(new File([bytes as Uint8Array<ArrayBuffer>], 'm.flowgrad.zip'), freshProject());
    expect(read.int8).toEqual(int8);
    expect(read.weights).toEqual(weights);
    // The browser's stored model brings it back too (records from before have none: float32).
    const saved = { projectId: 'p', savedAt: 0, graph, dataset, config: DEFAULT_TRAIN_CONFIG, metrics: null, checkpoint: { meta: null as never, weights, optimizer: null }, preprocessing: null };
    expect(trainedModelOf({ ...saved, int8 }).int8).toBe(int8);
    expect(trainedModelOf(saved).int8).toBeNull();
  });

  it('opens a bare graph JSON, keeping the current data and training settings', async () => {
    const fallback = freshProject();
    const file = new File([JSON.stringify(defaultGraph())], 'net.json', { type: 'application/json' });
    const r = await readProjectFile(file, fallback);
    expect(r.project.name).toBe('net');
    expect(r.project.graph).toEqual(defaultGraph());
    expect(r.project.training).toBe(fallback.training);
    expect(r.weights).toBeNull();
  });

  it('refuses files that are not projects or graphs with a readable message', async () => {
    const fallback = freshProject();
    await expect(readProjectFile(new File(['hello'], 'x.zip'), fallback)).rejects.toThrow(/not a Flowgrad project/);
    await expect(readProjectFile(new File(['{"a":1}'], 'x.json'), fallback)).rejects.toThrow(/not a Flowgrad graph/);
  });
});
