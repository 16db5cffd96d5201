import { describe, expect, it } from 'vitest';
import { runTraining, predictRows, boundaryGrid } from './session.ts';
import type { SessionEvent } from './session.ts';
import { defaultGraph } from '../graph/format.ts';
import { memory } from '../core/memory.ts';
import { FlowgradError } from '../core/errors.ts';
import type { GraphJSON } from '../graph/types.ts';
import type { TrainConfig } from '../project/config.ts';

const dataset = { kind: 'builtin2d', name: 'circles', samples: 300, noise: 0.2, seed: 7 } as const;
const config: TrainConfig = { optimizer: 'adam', lr: 0.01, batchSize: 32, epochs: 15, seed: 1, validationSplit: 0.2 };

async function train(graph: GraphJSON, over: Partial<typeof config> = {}, shouldStop = () => false) {
  const events: SessionEvent[] = [];
  const out = await runTraining({ runId: 'r1', graph, dataset, config: { ...config, ...over }, boundaryResolution: 8 }, { onEvent: (e) => events.push(e), shouldStop });
  return { out, events };
}

describe('training session', () => {
  it('trains the default graph on circles: loss falls, accuracy high, memory returns to zero', async () => {
    const before = memory().liveTensors;
    const { out, events } = await train(defaultGraph());
    const steps = events.filter((e) => e.type === 'step');
    expect(steps.length).toBeGreaterThan(50);
    expect(out.final.loss).toBeLessThan(steps[0].loss / 2);
    expect(out.final.metrics.accuracy).toBeGreaterThan(0.9);
    expect(out.final.metrics.valAccuracy).toBeGreaterThan(0.9);
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs).toHaveLength(15);
    const b = epochs[14].type === 'epoch' ? epochs[14].boundary! : null;
    expect(b!.probs).toHaveLength(8 * 8 * 2);
    expect(memory().liveTensors).toBe(before);
  });

  it('same seed, same run', async () => {
    const a = await train(defaultGraph(), { epochs: 3 });
    const b = await train(defaultGraph(), { epochs: 3 });
    expect(a.out.final.loss).toBe(b.out.final.loss);
    expect(Array.from(a.out.weights)).toEqual(Array.from(b.out.weights));
  });

  it('saved weights predict exactly what the trained model predicted', async () => {
    const { out } = await train(defaultGraph(), { epochs: 3 });
    const pts = new Float32Array([0, 0, 4, 1, -3, 3]);
    const p1 = await predictRows(defaultGraph(), out.weights, pts, 3);
    const p2 = await predictRows(defaultGraph(), out.weights, pts, 3);
    expect(p1).toHaveLength(6);
    expect(Array.from(p1)).toEqual(Array.from(p2));
    const grid = await boundaryGrid(defaultGraph(), out.weights, dataset, 4);
    expect(grid.probs).toHaveLength(32);
  });

  it('stops when asked, keeping the weights so far', async () => {
    let calls = 0;
    const { out } = await train(defaultGraph(), { epochs: 50 }, () => ++calls > 20);
    expect(out.reason).toBe('stopped');
    expect(out.final.step).toBe(20);
    expect(out.weights.length).toBeGreaterThan(0);
  });

  it('a diverging run stops with a message and keeps finite weights', async () => {
    const { out, events } = await train(defaultGraph(), { optimizer: 'sgd', lr: 1e6, epochs: 30 });
    expect(out.reason).toBe('diverged');
    expect(out.final.message).toMatch(/lower learning rate/);
    expect(events.at(-1)!.type).toBe('done');
    const p = await predictRows(defaultGraph(), out.weights, new Float32Array([1, 1]), 1);
    expect(Array.from(p).every(Number.isFinite)).toBe(true);
  });

  it('a graph that does not fit the data fails on the node to change', async () => {
    const g = defaultGraph();
    g.nodes.find((n) => n.type === 'Input')!.attrs.shape = [3];
    await expect(train(g)).rejects.toMatchObject({ code: 'graph', nodeId: 'input' });
    const g2 = defaultGraph();
    g2.nodes.find((n) => n.id === 'dense3')!.attrs.units = 3;
    const err = await train(g2).catch((e: FlowgradError) => e);
    expect(err).toBeInstanceOf(FlowgradError);
    expect((err as FlowgradError).nodeId).toBe('loss');
  });

  it('a graph with errors is refused with the node that has them', async () => {
    const g = defaultGraph();
    g.edges = g.edges.filter((e) => e.target !== 'relu1');
    await expect(train(g)).rejects.toMatchObject({ code: 'graph', nodeId: 'relu1' });
  });
});
