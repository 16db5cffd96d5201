// QDQ ONNX export of int8 models: onnxruntime-node runs every layer kind that int8 quantizes
// (in the tiny per-kind graph), LeNet-5 (trained briefly on digits) and an MLP (spirals) with outputs matching the engine's fake-quant simulation
// within one quantization step of the output (its float range / 255, the step an int8 output
// would have); the file holds INT8 weights read through per-channel DequantizeLinear and a
// QuantizeLinear/DequantizeLinear pair at each quantized layer input, and is smaller (over 3× for LeNet-5).
import { afterAll, describe, expect, it } from 'vitest';
import { fromBinary } from '@bufbuild/protobuf';
import { fit } from '../train/fit.ts';
import { GraphModel } from '../train/graphModel.ts';
import { getTemplate } from '../templates/index.ts';
import { makeDigits } from '../data/digits.ts';
import { makeBuiltin } from '../data/builtin.ts';
import { manualSeed, tensor } from '../ops/creation.ts';
import type { ArrayDataset } from '../data/split.ts';
import type { TrainConfig } from '../project/config.ts';
import { exportOnnx } from '../io/onnx/export.ts';
import { ModelProtoSchema, TensorProto_DataType as DataType } from '../io/onnx/proto/index.ts';
import { forward, hostWeights, maxAbsDiff, runOnnx } from '../test/onnxRun.ts';
import { quantizeModel, simulateQuantized } from './quantize.ts';
import { encodeInt8 } from './quantFile.ts';
import { int8ToOnnx } from './onnx.ts';
import { LAYER_CASES, MODEL_LAYER_TYPES, tinyGraph } from '../test/graph/layerCases.ts';
import { sampleInputs } from '../test/onnxRun.ts';
import { compressRow } from './layers.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { pythonWith } from '../test/python.ts';

const measured: string[] = [];
/** Every QDQ file made here, for the reference checker at the end. */
const files: [string, Uint8Array][] = [];
afterAll(() => console.log(`QDQ ONNX (onnxruntime-node) vs the engine's int8 simulation:\n${measured.join('\n')}`));

async function check(label: string, template: string, data: ArrayDataset, cfg: TrainConfig, minShrink: number): Promise<void> {
  manualSeed(3);
  const graph = getTemplate(template)!.build();
  const model = new GraphModel(graph);
  try {
    await fit(model, data, null, cfg);
    model.eval();
    const floatBytes = exportOnnx(graph, hostWeights(model));
    const calib = function* () {
      for (let r = 0; r < 64; r += 32) yield tensor(data.x.slice(r * data.features, (r + 32) * data.features), { shape: [32, ...data.sampleShape!] });
    };
    const qm = quantizeModel(model, calib(), 'minmax');
    simulateQuantized(model, qm);
    const bytes = int8ToOnnx(graph, encodeInt8(qm));
    files.push([label, bytes]);

    const onnx = fromBinary(ModelProtoSchema, bytes);
    const ops = onnx.graph!.node.map((n) => n.opType);
    expect(ops.filter((o) => o === 'QuantizeLinear')).toHaveLength(qm.activations.length);
    expect(ops.filter((o) => o === 'DequantizeLinear')).toHaveLength(qm.activations.length + qm.weights.length);
    for (const w of qm.weights) expect(onnx.graph!.initializer.find((t) => t.name === `${w.name}_quantized`)?.dataType).toBe(DataType.INT8);
    expect(bytes.byteLength).toBeLessThan(floatBytes.byteLength / minShrink);

    const n = 64, rows = Math.min(n, data.rows);
    const x = data.x.slice(data.x.length - rows * data.features);
    const shape = [rows, ...data.sampleShape!];
    const want = forward(model, x, shape);
    const got = await runOnnx(bytes, x, shape);
    expect(got.dims).toEqual(want.dims);
    const step = outputStep(want.data);
    const d = maxAbsDiff(got.data, want.data);
    measured.push(`${label.padEnd(10)} max |diff| ${d.toExponential(2)} = ${(d / step).toExponential(1)} output steps (step ${step.toExponential(2)}), ${bytes.byteLength.toLocaleString('en-US')} bytes vs float ${floatBytes.byteLength.toLocaleString('en-US')}`);
    expect(d / step).toBeLessThanOrEqual(1);
  } finally {
    model.dispose();
  }
}

/** The output's quantization step: its float range (with 0) / 255. */
function outputStep(y: Float32Array): number {
  let lo = 0, hi = 0;
  for (const v of y) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  return (hi - lo) / 255 || 1;
}

describe('QDQ ONNX of every layer kind with int8 weights or inputs (Input → layer → Flatten → Dense)', () => {
  for (const type of MODEL_LAYER_TYPES) {
    const row = compressRow(type);
    if (!row || (!row.quantizeInput && Object.keys(row.weights).length === 0)) continue;
    it(type, async () => {
      manualSeed(5);
      const graph = tinyGraph(type);
      const model = new GraphModel(graph, analyzeGraph(graph));
      try {
        model.eval();
        const ids = LAYER_CASES[type].ids;
        const shape = [8, ...model.inputShape];
        const x = sampleInputs(8, model.inputShape, ids, 3);
        const qm = quantizeModel(model, [tensor(x, { shape })], 'minmax');
        simulateQuantized(model, qm);
        const want = forward(model, x, shape);
        const bytes = int8ToOnnx(graph, encodeInt8(qm));
        files.push([type, bytes]);
        const got = await runOnnx(bytes, x, shape);
        const d = maxAbsDiff(got.data, want.data) / outputStep(want.data);
        measured.push(`${type.padEnd(10)} ${d.toExponential(1)} output steps`);
        expect(d).toBeLessThanOrEqual(1);
      } finally {
        model.dispose();
      }
    });
  }
});

describe('QDQ ONNX export of int8 models', () => {
  it('LeNet-5 on digits', async () => {
    const d = makeDigits(320, 0.1, 5);
    await check('LeNet-5', 'lenet5', { x: d.x, y: d.y, rows: 320, features: 784, sampleShape: [1, 28, 28] }, { optimizer: 'adam', lr: 0.002, batchSize: 32, epochs: 1, seed: 1, validationSplit: 0 }, 3);
  }, 120_000);

  it('MLP on spirals', async () => {
    const d = makeBuiltin('spirals', { samples: 400, noise: 0.2, seed: 7 });
    await check('MLP', 'mlp', { x: d.x, y: d.y, rows: 400, features: 2, sampleShape: [2] }, { optimizer: 'adam', lr: 0.01, batchSize: 32, epochs: 20, seed: 1, validationSplit: 0 }, 1); // 1,218 parameters: the graph's bytes weigh as much as the weights'
  }, 60_000);
});

// Last, after the files above exist: python's onnx.checker (full shape inference) accepts them.
describe('QDQ ONNX files pass onnx.checker', () => {
  const py = pythonWith(['onnx']);
  it.skipIf(!py)('every file made above', () => {
    expect(files.length).toBeGreaterThan(2);
    const dir = mkdtempSync(join(tmpdir(), 'flowgrad-qdq-'));
    try {
      const paths = files.map(([name, bytes]) => {
        const p = join(dir, `${name}.onnx`);
        writeFileSync(p, bytes);
        return p;
      });
      const r = spawnSync(py!, ['-c', 'import sys, onnx\nfor p in sys.argv[1:]: onnx.checker.check_model(onnx.load(p), full_check=True)\nprint(len(sys.argv) - 1)', ...paths], { encoding: 'utf8' });
      expect(r.stderr, 'onnx.checker').toBe('');
      expect(r.stdout.trim()).toBe(String(files.length));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
