import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultGraph } from '../../graph/format.ts';
import { defaultAttrs } from '../../graph/catalog.ts';
import type { GraphJSON } from '../../graph/types.ts';
import { DEFAULT_DATASET, DEFAULT_TRAIN_CONFIG } from '../../project/config.ts';
import { planGraph, toPyTorch, toTypeScript } from './index.ts';

function chain(spec: [string, Record<string, unknown>][]): GraphJSON {
  const nodes = spec.map(([type, attrs], i) => ({ id: `${type.toLowerCase()}${i}`, type, attrs: { ...defaultAttrs(type), ...attrs } as GraphJSON['nodes'][number]['attrs'], position: { x: i * 100, y: 0 } }));
  const edges = nodes.slice(1).map((t, i) => ({ id: `e${i}`, source: nodes[i]!.id, sourcePort: 'out', target: t.id, targetPort: 'in' }));
  return { format: 'flowgrad.graph', version: 1, nodes, edges };
}

const cnn = () => chain([
  ['Input', { shape: [1, 8, 8] }], ['Conv2d', { filters: 4, kernelSize: 3, padding: 1 }], ['ReLU', {}], ['MaxPool2d', { kernelSize: 2 }],
  ['BatchNorm2d', {}], ['Flatten', {}], ['Dense', { units: 3 }], ['Softmax', {}], ['Loss', { loss: 'crossEntropy' }],
]);

describe('code generation', () => {
  it('plans the default graph in order, folding the Softmax into the loss', () => {
    const p = planGraph(defaultGraph());
    expect(p.steps.map((s) => s.type)).toEqual(['Dense', 'ReLU', 'Dense', 'ReLU', 'Dense']);
    expect(p.output).toBe('dense3');
    expect(p.loss).toMatchObject({ kind: 'crossEntropy', foldedSoftmax: true });
    expect(p.classes).toBe(2);
  });

  it('writes a PyTorch module and training loop for the default graph', () => {
    const code = toPyTorch(defaultGraph(), { training: { ...DEFAULT_TRAIN_CONFIG, scheduler: { type: 'cosine' }, clipGradNorm: 1, earlyStopping: { patience: 5, minDelta: 0 }, keepBest: true }, dataset: DEFAULT_DATASET });
    expect(code).toContain('class Model(nn.Module):');
    expect(code).toContain('self.dense1 = nn.Linear(2, 16)');
    expect(code).toContain('self.dense3 = nn.Linear(16, 2)');
    expect(code).toContain('return dense3');
    expect(code).toContain('nn.CrossEntropyLoss()');
    expect(code).toContain('torch.optim.Adam(model.parameters(), lr=0.01)');
    expect(code).toContain('CosineAnnealingLR(opt, T_max=40');
    expect(code).toContain('clip_grad_norm_(model.parameters(), 1)');
    expect(code).toContain('model.load_state_dict(best_state)');
    expect(code).not.toMatch(/undefined|NaN|\[object/);
  });

  it('writes mixed precision as torch.autocast + GradScaler (unscale before clipping)', () => {
    const code = toPyTorch(defaultGraph(), { training: { ...DEFAULT_TRAIN_CONFIG, mixedPrecision: true, clipGradNorm: 1 }, dataset: DEFAULT_DATASET });
    expect(code).toContain('scaler = torch.amp.GradScaler(device_type)');
    expect(code).toContain('with torch.autocast(device_type');
    expect(code).toMatch(/scaler\.scale\(loss\)\.backward\(\)\n\s+scaler\.unscale_\(opt\)\n\s+torch\.nn\.utils\.clip_grad_norm_/);
    expect(code).toMatch(/scaler\.step\(opt\)\n\s+scaler\.update\(\)/);
    expect(code).not.toContain('        opt.step()');
  });

  it('maps convolution, pooling and normalization with inferred channels', () => {
    const py = toPyTorch(cnn());
    expect(py).toContain('nn.Conv2d(1, 4, kernel_size=3, stride=1, padding=1, dilation=1, groups=1)');
    expect(py).toContain('nn.MaxPool2d(2, stride=2, padding=0)');
    expect(py).toContain('nn.BatchNorm2d(4,');
    expect(py).toContain('nn.Linear(64, 3)');
    const ts = toTypeScript(cnn());
    expect(ts).toContain('new nn.Conv2d(1, 4, 3, { stride: 1, padding: 1, dilation: 1, groups: 1 })');
    expect(ts).toContain('new nn.Linear(64, 3)');
  });

  it('lists graph problems at the top instead of failing', () => {
    const g = defaultGraph();
    const broken = { ...g, edges: g.edges.slice(1) };
    expect(toPyTorch(broken)).toMatch(/^# Generated[\s\S]*incomplete/);
    expect(toTypeScript(broken)).toContain('incomplete');
  });

  it('writes TypeScript that runs on the engine (npx tsx, a few steps)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowgrad-codegen-'));
    try {
      const run = (graph: GraphJSON, dataset = DEFAULT_DATASET, extra: Partial<typeof DEFAULT_TRAIN_CONFIG> = {}) => {
        const file = join(dir, `model-${Math.random().toString(36).slice(2)}.ts`);
        const code = toTypeScript(graph, {
          training: { ...DEFAULT_TRAIN_CONFIG, epochs: 2, batchSize: 32, scheduler: { type: 'step', stepSize: 1, gamma: 0.5 }, earlyStopping: { patience: 3, minDelta: 0 }, ...extra },
          dataset: { ...dataset, samples: 96 },
          engineRoot: resolve('engine'),
        });
        writeFileSync(file, code);
        return execFileSync('npx', ['tsx', file], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
      };
      const out = run(defaultGraph());
      expect(out).toMatch(/epoch 1: loss \d+\.\d+\s+val_loss \d+\.\d+\s+val_acc/);
      expect(out).toMatch(/epoch 2:/);
      // A CNN on placeholder data of the right shape runs too.
      expect(run(cnn(), { kind: 'builtin', name: 'digits', samples: 64, noise: 0, seed: 1 } as never)).toMatch(/epoch 2:/);
      // Mixed precision (autocast + GradScaler, with clipping) runs as generated.
      expect(run(defaultGraph(), DEFAULT_DATASET, { mixedPrecision: true, clipGradNorm: 1 })).toMatch(/epoch 2: loss \d+\.\d+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
