// ONNX files made by another tool: PyTorch's exporter writes recurrent models with zero
// initial states sized from the input's shape (Shape → Gather → Concat → ConstantOfShape) and
// takes h[-1] with a Gather. Such files import as Flowgrad LSTM/GRU/Embedding/Dense graphs
// whose forward equals PyTorch's own output on the same inputs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../graph/analyze.ts';
import { modelWithWeights } from '../../train/session.ts';
import { forward, maxAbsDiff } from '../../test/onnxRun.ts';
import { pythonWith } from '../../test/python.ts';
import { importOnnx } from './import.ts';

const EXPORT = `
import json, sys, warnings, torch, torch.nn as nn
warnings.filterwarnings('ignore')
torch.manual_seed(0)
out = sys.argv[1]

class LastState(nn.Module):  # LSTM classifier on h[-1]
    def __init__(s):
        super().__init__(); s.rnn = nn.LSTM(3, 6, batch_first=True); s.fc = nn.Linear(6, 2)
    def forward(s, x):
        _, (h, _) = s.rnn(x); return s.fc(h[-1])

class Tagger(nn.Module):  # GRU over the whole sequence, a Linear at every step
    def __init__(s):
        super().__init__(); s.rnn = nn.GRU(3, 5, batch_first=True); s.fc = nn.Linear(5, 4)
    def forward(s, x):
        y, _ = s.rnn(x); return s.fc(y)

class TextGru(nn.Module):  # token ids → Embedding → GRU → h[-1] → Linear
    def __init__(s):
        super().__init__(); s.emb = nn.Embedding(12, 4); s.rnn = nn.GRU(4, 5, batch_first=True); s.fc = nn.Linear(5, 3)
    def forward(s, x):
        _, h = s.rnn(s.emb(x.long())); return s.fc(h[-1])

cases = {'lstm': (LastState(), torch.randn(3, 7, 3)), 'gru_seq': (Tagger(), torch.randn(3, 7, 3)), 'text_gru': (TextGru(), torch.randint(0, 12, (3, 7)).float())}
meta = {}
for name, (m, x) in cases.items():
    m.eval()
    torch.onnx.export(m, (x,), f'{out}/{name}.onnx', dynamo=False, input_names=['x'], output_names=['y'], dynamic_axes={'x': {0: 'N'}, 'y': {0: 'N'}}, opset_version=17)
    with torch.no_grad():
        meta[name] = {'x': x.flatten().tolist(), 'shape': list(x.shape), 'y': m(x).flatten().tolist()}
print(json.dumps(meta))
`;

describe('ONNX files exported by PyTorch import and predict what PyTorch does', () => {
  const py = pythonWith(['torch', 'onnx']);
  it.skipIf(!py)('LSTM on h[-1], GRU at every step, Embedding → GRU', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowgrad-torch-onnx-'));
    try {
      const r = spawnSync(py!, ['-c', EXPORT, dir], { encoding: 'utf8', timeout: 180_000 });
      expect(r.status, r.stderr).toBe(0);
      const cases = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, { x: number[]; shape: number[]; y: number[] }>;
      const layers: Record<string, string[]> = { lstm: ['LSTM', 'Dense'], gru_seq: ['GRU', 'Dense'], text_gru: ['Embedding', 'GRU', 'Dense'] };
      for (const [name, c] of Object.entries(cases)) {
        const back = importOnnx(readFileSync(join(dir, `${name}.onnx`)), `${name}.onnx`);
        expect(analyzeGraph(back.graph).issues.filter((i) => i.severity === 'error'), name).toEqual([]);
        expect(back.graph.nodes.map((n) => n.type).filter((t) => !['Input', 'Loss'].includes(t)), name).toEqual(layers[name]);
        const model = modelWithWeights(back.graph, back.weights);
        try {
          expect(maxAbsDiff(forward(model, Float32Array.from(c.x), c.shape).data, Float32Array.from(c.y)), name).toBeLessThanOrEqual(1e-5);
        } finally {
          model.dispose();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
