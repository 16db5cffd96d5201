// What a reload keeps of a run (the curve from the checkpoint's history), which checkpoint
// Train may continue from (only one trained for the graph on the canvas), and the message
// a full storage gives.
import { describe, expect, it } from 'vitest';
import { defaultGraph } from '../../engine/graph/format.ts';
import { moveNodes, updateAttr } from '../commands/graph.ts';
import { CHECKPOINT_VERSION, type Checkpoint } from '../../engine/project/checkpointFormat.ts';
import { DEFAULT_DATASET } from '../../engine/project/config.ts';
import { series } from '../store/series.ts';
import { keepFailedMessage, keepModel, seriesFromHistory } from './modelStore.ts';
import { useApp } from '../store/index.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../engine/project/config.ts';
import { resumableCheckpoint } from './training.ts';

const checkpoint: Checkpoint = {
  meta: {
    version: CHECKPOINT_VERSION, epoch: 2, batchInEpoch: 0, step: 20, seed: 1, optimizer: null, scheduler: null,
    rng: { state: 1, spare: null }, scaler: null, best: null, sinceBest: 0,
    history: [{ epoch: 1, step: 10, loss: 0.7, lr: 0.01, accuracy: 0.6, valLoss: 0.65, valAccuracy: 0.7 }, { epoch: 2, step: 20, loss: 0.5, lr: 0.01, accuracy: 0.8 }],
  },
  weights: new Uint8Array(8),
  optimizer: null,
};

describe('the kept model', () => {
  it('draws the curve back from the checkpoint history, one point per epoch at its last step', () => {
    seriesFromHistory(checkpoint.meta.history);
    expect(series.step).toEqual([10, 20]);
    expect(series.loss).toEqual([0.7, 0.5]);
    expect(series.accuracy).toEqual([60, 80]);
    expect(series.valLoss).toEqual([0.65, null]);
    expect(series.valAccuracy).toEqual([70, null]);
  });

  it('continues only from a checkpoint trained for the graph on the canvas (positions may move)', () => {
    const graph = defaultGraph();
    const model = { weights: checkpoint.weights, graph, dataset: DEFAULT_DATASET, metrics: null, checkpoint };
    expect(resumableCheckpoint({ model, graph })).toBe(checkpoint);
    expect(resumableCheckpoint({ model, graph: moveNodes(graph, new Map([['dense1', { x: 5, y: 5 }]])) })).toBe(checkpoint);
    expect(resumableCheckpoint({ model, graph: updateAttr(graph, { nodeId: 'dense1', name: 'units', value: 3 }) })).toBeNull();
    expect(resumableCheckpoint({ model: { ...model, checkpoint: null }, graph })).toBeNull();
    expect(resumableCheckpoint({ model: null, graph })).toBeNull();
  });

  it('says plainly when the storage is full, and what still works', () => {
    const quota = Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
    expect(keepFailedMessage(quota)).toMatch(/storage for this site is full.*Download.*not affected/);
    expect(keepFailedMessage(new Error('private mode'))).toMatch(/refused to store it \(private mode\)/);
  });

  it('a storage that cannot be written (Node has no IndexedDB) gives that message, and the model stays in use', async () => {
    const model = { weights: checkpoint.weights, graph: defaultGraph(), dataset: DEFAULT_DATASET, metrics: null, config: DEFAULT_TRAIN_CONFIG, checkpoint };
    useApp.getState().patchRun({ model });
    expect(await keepModel('p1', model)).toBe(false);
    expect(useApp.getState().notice).toMatchObject({ kind: 'error', text: expect.stringMatching(/could not be kept in this browser.*stays usable/) as unknown as string });
    expect(useApp.getState().model).toBe(model);
  });
});
