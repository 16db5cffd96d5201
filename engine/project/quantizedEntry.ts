/**
 * project.json's `quantized` entry (project version 3): the project's model is kept as int8,
 * and `weights.int8.safetensors` beside weights.safetensors holds it in the compress format
 * (engine/compress/quantFile.ts: int8 per-channel weights with their scales, the activation
 * scales and zero points). weights.safetensors then holds the dequantized float32 values, so a
 * reader that only knows float weights (PyTorch, safetensors tools) still gets the model.
 * The entry is versioned on its own: a format or version this Flowgrad does not know is refused
 * with a message saying to update, never computed as float32 by mistake.
 */
import { FlowgradError } from '../core/errors.ts';
import type { JsonReader } from '../graph/json-check.ts';
import { readSafetensorsHeader } from './safetensors.ts';

export const QUANTIZED_FILE = 'weights.int8.safetensors';
/**
 * 2: the int8 file may be in the compact layout 2 (F16 scales packed in one tensor), which a
 * Flowgrad reading only version 1 cannot decode: it says to update instead. Version 1 entries
 * (layout 1 files) are still read.
 */
export const QUANTIZED_VERSION = 2;
/** The safetensors metadata key every int8 file from Flowgrad carries (quantFile.ts writes it). */
export const INT8_METADATA_KEY = 'flowgrad.int8';
/** Layout 2's packed tensors: every scale (F16), every input zero point (I8). */
export const INT8_SCALES = 'int8.scales';
export const INT8_ZERO_POINTS = 'int8.zero_points';

export interface QuantizedEntry {
  /** How the model computes: int8 weights and activations, simulated (fake-quant) by the engine. */
  format: 'int8';
  version: typeof QUANTIZED_VERSION;
}

const FORMATS = ['int8'] as const;

/** project.json's `quantized` entry, checked (unknown formats and newer versions: a clear error). */
export function readQuantizedEntry(r: JsonReader, v: unknown): QuantizedEntry {
  const o = r.object(v, 'quantized');
  const format = r.string(o.format, 'quantized.format', true);
  const version = r.number(o.version, 'quantized.version', { int: true, min: 1 });
  if (!(FORMATS as readonly string[]).includes(format) || version > QUANTIZED_VERSION) {
    throw new FlowgradError('bad-file', `This project's model is quantized as "${format}" (version ${version}), which this Flowgrad cannot compute (it reads int8 up to version ${QUANTIZED_VERSION}): update Flowgrad to open it`);
  }
  return { format: 'int8', version: QUANTIZED_VERSION };
}

/** Checks an int8 weight file's header: valid safetensors with Flowgrad's int8 metadata. */
export function checkInt8File(bytes: Uint8Array, prefix: string): void {
  let meta: Record<string, string>;
  try {
    meta = readSafetensorsHeader(bytes).metadata;
  } catch (e) {
    throw new FlowgradError('bad-file', `${prefix}: ${QUANTIZED_FILE} cannot be read. ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (meta[INT8_METADATA_KEY] === undefined) throw new FlowgradError('bad-file', `${prefix}: ${QUANTIZED_FILE} is not an int8 model from Flowgrad (no '${INT8_METADATA_KEY}' metadata)`);
}

/** What the IDE shows of an int8 model (from the file's header alone). */
export interface Int8Summary {
  /** Weights stored as int8 (per-channel scales beside each). */
  weights: number;
  /** Their values (int8 numbers). */
  values: number;
  /** Layer inputs quantized per tensor (fake-quant before the layer). */
  inputs: number;
  bytes: number;
}

export function int8Summary(bytes: Uint8Array): Int8Summary {
  const { entries, metadata } = readSafetensorsHeader(bytes);
  const weights = entries.filter((e) => e.dtype === 'I8' && e.name !== INT8_ZERO_POINTS && !e.name.endsWith('.input_zero_point'));
  let inputs: number;
  try {
    inputs = (JSON.parse(metadata[INT8_METADATA_KEY] ?? '{}') as { inputs?: unknown[] }).inputs?.length ?? 0;
  } catch {
    inputs = 0; // a damaged header still shows the weights
  }
  return { weights: weights.length, values: weights.reduce((a, e) => a + e.shape.reduce((p, d) => p * d, 1), 0), inputs, bytes: bytes.byteLength };
}
