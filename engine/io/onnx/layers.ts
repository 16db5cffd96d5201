/**
 * The ONNX table: every model layer kind's row (Input and Loss are the exporter's own: the
 * graph input and output). Typed `Record<ModelLayerType, OnnxLayer>`, so a kind added to the
 * catalog without its ONNX row does not compile; each family file holds its rows.
 */
import type { ModelLayerType } from '../../graph/catalog.ts';
import type { OnnxLayer } from './types.ts';
import { CORE_ONNX } from './layersCore.ts';
import { CONV_ONNX } from './layersConv.ts';
import { SEQUENCE_ONNX } from './layersSequence.ts';

export const ONNX_LAYERS: Readonly<Record<ModelLayerType, OnnxLayer>> = { ...CORE_ONNX, ...CONV_ONNX, ...SEQUENCE_ONNX };

/** A node type's row, or undefined for a kind the catalog does not have. */
export function onnxRowFor(type: string): OnnxLayer | undefined {
  return Object.hasOwn(ONNX_LAYERS, type) ? ONNX_LAYERS[type as ModelLayerType] : undefined;
}
