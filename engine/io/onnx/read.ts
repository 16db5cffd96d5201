/**
 * Reads an ONNX file's header facts without running it: the graph's input and output names
 * and shapes, the opset, and Flowgrad's metadata (preprocessing, class names). `predict` uses
 * them to prepare raw inputs for a model.onnx as the project would.
 */
import { fromBinary } from '@bufbuild/protobuf';
import { FlowgradError } from '../../core/errors.ts';
import { readPreprocessing, type Preprocessing } from '../../project/preprocessing.ts';
import { JsonReader } from '../../graph/json-check.ts';
import { ModelProtoSchema, type ModelProto, type ValueInfoProto } from './proto/index.ts';
import { META } from './export.ts';

export interface OnnxInfo {
  opset: number | null;
  producer: string;
  inputs: { name: string; shape: (number | string)[] }[];
  outputs: { name: string; shape: (number | string)[] }[];
  metadata: Record<string, string>;
  /** Flowgrad's preprocessing, when the file carries it (checked like project.json's). */
  preprocessing: Preprocessing | null;
  classNames: string[] | null;
}

/** Parses ONNX bytes; a file that is not an ONNX model is a 'bad-file' error naming `name`. */
export function parseOnnx(bytes: Uint8Array, name = 'the file'): ModelProto {
  let model: ModelProto;
  try {
    model = fromBinary(ModelProtoSchema, bytes);
  } catch (e) {
    throw new FlowgradError('bad-file', `${name} is not an ONNX model: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (!model.graph || model.graph.node.length === 0) throw new FlowgradError('bad-file', `${name} is not an ONNX model: it has no graph`);
  return model;
}

const shapeOf = (v: ValueInfoProto): (number | string)[] => {
  const t = v.type?.value.case === 'tensorType' ? v.type.value.value : null;
  return (t?.shape?.dim ?? []).map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : d.value.case === 'dimParam' ? d.value.value : '?'));
};

export function onnxInfo(bytes: Uint8Array, name = 'the file'): OnnxInfo {
  const model = parseOnnx(bytes, name);
  const g = model.graph!;
  const inits = new Set(g.initializer.map((t) => t.name));
  const metadata = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
  const r = new JsonReader(`${name}: Flowgrad metadata`);
  const json = (key: string): unknown => {
    try {
      return JSON.parse(metadata[key]!);
    } catch {
      return r.fail(key, 'is not JSON');
    }
  };
  const preprocessing = metadata[META.preprocessing] ? readPreprocessing(r, json(META.preprocessing)) : null;
  const classNames = metadata[META.classNames] ? r.array(json(META.classNames), META.classNames).map((s, i) => r.string(s, `${META.classNames}[${i}]`)) : null;
  const opset = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return {
    opset: opset ? Number(opset.version) : null,
    producer: model.producerName,
    inputs: g.input.filter((i) => !inits.has(i.name)).map((i) => ({ name: i.name, shape: shapeOf(i) })),
    outputs: g.output.map((o) => ({ name: o.name, shape: shapeOf(o) })),
    metadata, preprocessing, classNames,
  };
}
