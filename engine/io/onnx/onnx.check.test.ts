// The exported files are valid ONNX by the reference checker (python `onnx.checker` with
// full shape inference) and carry what export.ts promises: opset 18, a dynamic batch axis on
// the input and output, every trained parameter as an initializer (none as a graph input),
// and the class names and preprocessing in metadata_props.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { manualSeed } from '../../ops/creation.ts';
import { GraphModel } from '../../train/graphModel.ts';
import { TEMPLATES } from '../../templates/index.ts';
import { MODEL_LAYER_TYPES, tinyGraph } from '../../test/graph/layerCases.ts';
import { hostWeights } from '../../test/onnxRun.ts';
import { pythonWith } from '../../test/python.ts';
import type { Preprocessing } from '../../project/preprocessing.ts';
import type { GraphJSON } from '../../graph/types.ts';
import { exportOnnx } from './export.ts';

const PRE: Preprocessing = {
  version: 1, kind: 'table', task: 'classification', sampleShape: [2], classNames: ['inner', 'outer'], featureNames: ['x', 'y'],
  columns: [{ name: 'x', kind: 'numeric' }, { name: 'y', kind: 'numeric' }], label: 'ring',
  normalize: { mode: 'standardize', shift: [0.5, -1], scale: [2, 3] },
};

const CHECK = `
import json, sys, onnx
out = {}
for path in sys.argv[1:]:
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    g = m.graph
    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
    out[path] = {
        "opset": [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")],
        "inputs": [(i.name, dims(i)) for i in g.input],
        "outputs": [(o.name, dims(o)) for o in g.output],
        "initializers": sorted(t.name for t in g.initializer),
        "meta": {p.key: p.value for p in m.metadata_props},
    }
print(json.dumps(out))
`;

function exported(graph: GraphJSON, pre?: Preprocessing): { bytes: Uint8Array; params: string[] } {
  manualSeed(2);
  const model = new GraphModel(graph);
  try {
    return { bytes: exportOnnx(graph, hostWeights(model), pre ? { preprocessing: pre } : {}), params: model.namedParameters().map(([n]) => n) };
  } finally {
    model.dispose();
  }
}

describe('exported ONNX files pass onnx.checker', () => {
  const py = pythonWith(['onnx']);
  it.skipIf(!py)('every template and every layer kind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowgrad-onnx-'));
    try {
      const cases = [
        ...TEMPLATES.map((t) => ({ name: `template-${t.id}`, ...exported(t.build(), t.id === 'mlp' ? PRE : undefined) })),
        ...MODEL_LAYER_TYPES.filter((t) => t !== 'CustomCode').map((t) => ({ name: `layer-${t}`, ...exported(tinyGraph(t)) })),
      ];
      const paths = cases.map((c) => {
        const p = join(dir, `${c.name}.onnx`);
        writeFileSync(p, c.bytes);
        return p;
      });
      const r = spawnSync(py!, ['-c', CHECK, ...paths], { encoding: 'utf8', maxBuffer: 64 << 20 });
      expect(r.stderr, 'onnx.checker').toBe('');
      const report = JSON.parse(r.stdout) as Record<string, { opset: number[]; inputs: [string, (string | number)[]][]; outputs: [string, (string | number)[]][]; initializers: string[]; meta: Record<string, string> }>;
      cases.forEach((c, i) => {
        const got = report[paths[i]!]!;
        expect(got.opset, c.name).toEqual([18]);
        expect(got.inputs.map(([n]) => n), `${c.name}: weights are initializers, not graph inputs`).toEqual(['input']);
        expect(got.inputs[0]![1][0], `${c.name}: dynamic batch`).toBe('batch');
        expect(got.outputs[0]![0]).toBe('output');
        expect(got.outputs[0]![1][0]).toBe('batch');
        for (const p of c.params) expect(got.initializers, c.name).toContain(p);
      });
      const mlp = report[paths[0]!]!.meta;
      expect(JSON.parse(mlp['flowgrad.class_names']!)).toEqual(['inner', 'outer']);
      expect(JSON.parse(mlp['flowgrad.preprocessing']!)).toEqual(PRE);
      expect(JSON.parse(mlp['flowgrad.output']!)).toMatchObject({ meaning: 'probabilities', loss: 'crossEntropy', shape: [2] });
      expect(JSON.parse(mlp['flowgrad.input_shape']!)).toEqual([2]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
