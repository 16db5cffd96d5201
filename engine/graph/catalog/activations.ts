/**
 * Activation functions and Dropout: layers that keep their input's shape and own no
 * parameters. FLOPs count multiply-adds only (as the contract says), so they report 0.
 */
import { ShapeError, fmt, resolveDim } from '../shapes.ts';
import { shapePreserving, only, type LayerDef } from './common.ts';

function softmaxLike<const T extends string>(type: T, label: string, doc: string): LayerDef<T> {
  return shapePreserving(
    type, label, 'activation', doc,
    [{ name: 'dim', label: 'Dimension', kind: 'int', default: -1, doc: 'The dimension whose values add up to 1; -1 is the last one (the classes).' }],
    {
      inferShape(ctx) {
        const x = only(ctx);
        if (x.length < 2) throw new ShapeError(`${label}: input ${fmt(x)} has no feature dimension to normalize`);
        resolveDim(label, 'dim', ctx.attrs.dim as number, x, false);
        return [...x];
      },
    },
  );
}

export const ACTIVATIONS = [
  shapePreserving('ReLU', 'ReLU', 'activation', 'Keeps positive values and turns negative ones into 0: max(0, x).'),
  shapePreserving('LeakyReLU', 'Leaky ReLU', 'activation', 'Like ReLU, but negative values are scaled by a small slope instead of becoming 0.', [
    { name: 'slope', label: 'Negative slope', kind: 'float', default: 0.01, doc: 'What negative inputs are multiplied by (0.01 keeps 1% of them).' },
  ]),
  shapePreserving('ELU', 'ELU', 'activation', 'Like ReLU, but negative values curve smoothly towards -alpha instead of stopping at 0.', [
    { name: 'alpha', label: 'Alpha', kind: 'float', default: 1.0, min: 0, doc: 'The value very negative inputs approach (as -alpha).' },
  ]),
  shapePreserving('GELU', 'GELU', 'activation', 'A smooth ReLU used in transformers: x times the chance a standard normal is below x.'),
  shapePreserving('SiLU', 'SiLU (Swish)', 'activation', 'A smooth ReLU: x times sigmoid(x).'),
  shapePreserving('Tanh', 'Tanh', 'activation', 'Squashes every value into the range -1 to 1.'),
  shapePreserving('Sigmoid', 'Sigmoid', 'activation', 'Squashes every value into the range 0 to 1.'),
  softmaxLike('Softmax', 'Softmax', 'Turns a row of scores into probabilities that are positive and add up to 1.'),
  softmaxLike('LogSoftmax', 'LogSoftmax', 'The logarithm of Softmax, computed stably: log-probabilities, as the NLL loss expects.'),
  shapePreserving(
    'Dropout', 'Dropout', 'regularization',
    'While training, randomly sets a fraction p of the values to 0 (and scales the rest up) so the network cannot rely on any one of them; does nothing when predicting.',
    [{ name: 'p', label: 'Drop probability', kind: 'float', default: 0.5, min: 0, max: 1, doc: 'The fraction of values set to 0 while training: at least 0 and below 1.' }],
    {
      checkAttrs(attrs) {
        const p = attrs.p as number;
        return p >= 1 ? [{ attr: 'p', message: `Dropout: p must be below 1 (got ${p}); p = 1 would drop every value` }] : [];
      },
    },
  ),
];
