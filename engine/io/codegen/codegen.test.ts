import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultGraph } from '../../graph/format.ts';
import { defaultAttrs } from '../../graph/catalog.ts';
import type { GraphJSON } from '../../graph/types.ts';
import { DEFAULT_DATASET, DEFAULT_TRAIN_CONFIG } from '../../project/config.ts';
import { planGraph, pytorchProjectFiles, toPyTorch, toTypeScript } from './index.ts';
import { strFromU8, unzipSync } from 'fflate';

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
    expect(code).toContain('torch.optim.Adam(params, lr=0.01)');
    expect(code).toContain('CosineAnnealingLR(opt, T_max=epochs');
    expect(code).toContain('CLIP_NORM = 1 ');
    expect(code).toContain('model.load_state_dict(best_state)');
    expect(code).toContain('model.to(device)');
    expect(code).not.toMatch(/undefined|NaN|\[object/);
  });

  it('writes mixed precision as torch.autocast on CUDA with loss scaling (unscale before clipping)', () => {
    const code = toPyTorch(defaultGraph(), { training: { ...DEFAULT_TRAIN_CONFIG, mixedPrecision: true, clipGradNorm: 1 }, dataset: DEFAULT_DATASET });
    expect(code).toContain('MIXED_PRECISION = True');
    expect(code).toContain('scaler = torch.amp.GradScaler("cuda", enabled=amp)');
    expect(code).toContain('with torch.autocast(device.type, dtype=torch.float16, enabled=amp)');
    expect(code).toMatch(/scaler\.unscale_\(opt\)\n(.*\n){1,4}\s+nn\.utils\.clip_grad_norm_/);
    expect(code).toMatch(/scaler\.step\(opt\)\n\s+scaler\.update\(\)/);
    expect(code).toContain('mixed precision on the CPU');
  });

  it('keeps every optimizer and scheduler option, per-step and sequential schedules, clipping, accumulation and class weights', () => {
    const g = defaultGraph();
    const loss = g.nodes.find((n) => n.type === 'Loss')!;
    loss.attrs = { ...loss.attrs, classWeights: [1, 3], labelSmoothing: 0.1 };
    const code = toPyTorch(g, {
      training: {
        ...DEFAULT_TRAIN_CONFIG, optimizer: 'adagrad', optimizerOptions: { lrDecay: 0.01, initialAccumulatorValue: 0.1, eps: 1e-9, weightDecay: 0.001, maximize: false },
        scheduler: { type: 'sequential', schedulers: [{ type: 'linear', startFactor: 0.1, totalIters: 3 }, { type: 'cosine' }], milestones: [3], interval: 'step' },
        clipGradValue: 0.5, clipGradNorm: 2, gradAccumSteps: 4,
      },
      dataset: DEFAULT_DATASET,
    });
    expect(code).toContain('torch.optim.Adagrad(params, lr=0.01, lr_decay=0.01, weight_decay=0.001, initial_accumulator_value=0.1, eps=1e-9, maximize=False)');
    expect(code).toContain('SequentialLR(opt, schedulers=[torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, end_factor=1, total_iters=3), torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs * max(1, steps_per_epoch), eta_min=0)], milestones=[3])');
    expect(code).toContain('"step"');
    expect(code).toContain('CLIP_VALUE = 0.5');
    expect(code).toContain('ACCUM_STEPS = 4');
    expect(code).toContain('nn.CrossEntropyLoss(weight=torch.tensor([1, 3]), label_smoothing=0.1)');
    const oneCycle = toPyTorch(g, { training: { ...DEFAULT_TRAIN_CONFIG, optimizer: 'lion', scheduler: { type: 'oneCycle', maxLr: 0.1 } } });
    expect(oneCycle).toContain('cycle_momentum=False');
    expect(oneCycle).toContain('class Lion(torch.optim.Optimizer)');
  });

  it('names BatchNorm statistics and learned positions as Flowgrad saves them', () => {
    expect(toPyTorch(cnn())).toContain('RENAMES = {"running_mean": "runningMean", "running_var": "runningVar"}');
    const pos = toPyTorch(chain([['Input', { shape: [4, 8] }], ['PositionalEncoding', { kind: 'learned', maxLen: 8 }], ['Flatten', {}], ['Dense', { units: 2 }], ['Loss', {}]]));
    expect(pos).toContain('self.weight = nn.Parameter(torch.zeros(max_len, dim))');
  });

  it('loads the real dataset in the code view: an upload reads data.npz, never a built-in generator', () => {
    const code = toPyTorch(defaultGraph(), { dataset: { kind: 'upload', id: 'u1', name: 'iris.csv', prep: { label: 'species' } } });
    expect(code).toContain("the uploaded dataset 'iris.csv'");
    expect(code).toContain('np.load(path)');
    expect(code).not.toMatch(/circles|rng\.uniform/);
  });

  it('ships an upload\'s prepared splits (test rows included) as data.npz, shaped [rows, ...sample]', () => {
    const rows = (n: number, k: number) => ({ x: Float32Array.from({ length: n * 2 }, (_, i) => i + k), y: Int32Array.from({ length: n }, (_, i) => i % 2), rows: n, features: 2 });
    const files = pytorchProjectFiles({
      name: 'iris', graph: defaultGraph(), dataset: { kind: 'upload', id: 'u', name: 'iris.csv' }, weights: null,
      data: { train: rows(6, 0), val: rows(2, 100), test: rows(3, 200), classNames: ['a', 'b'], sampleShape: [2] },
    });
    expect(Object.keys(files).sort()).toEqual(['README.md', 'data.npz', 'data.py', 'model.py', 'requirements.txt', 'train.py']);
    const npz = unzipSync(files['data.npz']!);
    expect(Object.keys(npz).sort()).toEqual(['x_test.npy', 'x_train.npy', 'x_val.npy', 'y_test.npy', 'y_train.npy', 'y_val.npy']);
    const header = (b: Uint8Array) => strFromU8(b.subarray(10, 10 + (b[8]! | (b[9]! << 8))));
    expect(header(npz['x_test.npy']!)).toContain("'shape': (3, 2)");
    expect(new Float32Array(npz['x_val.npy']!.slice(npz['x_val.npy']!.length - 16).buffer)).toEqual(Float32Array.from([100, 101, 102, 103]));
    expect(strFromU8(files['data.py']!)).toContain('CLASS_NAMES = ["a","b"]');
    expect(strFromU8(files['README.md']!)).toContain('absent: the project was not trained');
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
