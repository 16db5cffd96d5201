/**
 * An int8 model kept as a project's model computes as int8 wherever the project's model runs
 * (Evaluate, predict / the playground, the decision boundary, the CLI): the model is built from
 * its float32 weights as usual, then the int8 file's simulation is installed — the same
 * simulateQuantized (dequantized int8 weights, fake-quant inputs) the compression report
 * scored it with, so Evaluate's accuracy is the report's and predictions are the bundle's and
 * the QDQ ONNX model's. train/ cannot import compress/, so it takes this as a ModelSetup.
 */
import type { ModelSetup } from '../train/session.ts';
import { decodeInt8 } from './quantFile.ts';
import { simulateQuantized } from './quantize.ts';

/** The setup that makes a model compute as the int8 file says; undefined for a float32 model. */
export function int8Setup(int8: Uint8Array | null | undefined): ModelSetup | undefined {
  if (!int8) return undefined;
  const qm = decodeInt8(int8);
  return (model) => {
    simulateQuantized(model, qm);
  };
}
