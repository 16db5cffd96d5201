/**
 * Where data enters and where the model is judged: Input (the per-sample feature shape) and
 * Loss (shown as "Output / Loss"), which compares the predictions with the dataset's labels.
 * A model may have several of each: every Input reads its own slice of a sample (offset), and
 * the weighted losses are summed.
 */
import { ShapeError, fmt } from '../shapes.ts';
import { OUT, only, type LayerDef } from './common.ts';

const input: LayerDef<'Input'> = {
  type: 'Input',
  label: 'Input',
  category: 'io',
  doc: 'Where the data enters the model: one sample\'s features (the batch dimension N is added for you).',
  inputs: [],
  outputs: OUT,
  attrs: [
    { name: 'shape', label: 'Shape', kind: 'shape', default: [2], min: 1, doc: 'The shape of one sample, without the batch dimension: [2] for points (x, y).' },
    {
      name: 'offset', label: 'Data offset', kind: 'int', default: 0, min: 0,
      doc: 'Models with several Inputs: where this Input\'s values start in each sample\'s features (table columns in order, or the flattened array); it reads as many values as its shape holds from there. 0 for a model with one Input.',
    },
  ],
  inferShape: (ctx) => ['N', ...(ctx.attrs.shape as number[])],
  params: () => [],
  flops: () => 0,
};

/** The losses the Output / Loss node offers (engine/train/losses.ts computes them). */
export const LOSSES = ['crossEntropy', 'mse', 'l1', 'huber', 'bce', 'bceWithLogits', 'nll', 'klDiv'] as const;
export type LossName = (typeof LOSSES)[number];

/** Losses whose input is one score (or log-probability) per class, [N, classes]. */
const PER_CLASS = new Set<string>(['crossEntropy', 'nll', 'klDiv']);

const loss: LayerDef<'Loss'> = {
  type: 'Loss',
  label: 'Output / Loss',
  category: 'loss',
  doc:
    'The model\'s output: measures how far its predictions are from the labels; training lowers this number. ' +
    'crossEntropy takes one score per class ([N, classes]), or per token ([N, tokens, classes]) when the dataset labels every token; when its input comes straight from a Softmax, ' +
    'the scores before the Softmax are used, so a Softmax before the loss is fine and numerically stable. ' +
    'mse is the mean squared difference, for predicting numbers.',
  inputs: [{ name: 'in', label: 'predictions' }],
  outputs: [],
  attrs: [
    {
      name: 'loss', label: 'Loss function', kind: 'enum', default: 'crossEntropy', options: [...LOSSES],
      doc: 'crossEntropy / nll (after LogSoftmax) / klDiv (after LogSoftmax) for choosing a class; bce (after Sigmoid) or bceWithLogits for yes/no outputs; mse, l1 or huber for predicting numbers.',
    },
    { name: 'labelSmoothing', label: 'Label smoothing', kind: 'float', default: 0, min: 0, max: 0.99, doc: 'crossEntropy only: spread this much of each target over all classes (0.1 is common).' },
    { name: 'delta', label: 'Huber delta', kind: 'float', default: 1, min: 1e-6, doc: 'huber only: errors smaller than this are squared, larger ones count linearly.' },
    { name: 'weight', label: 'Weight', kind: 'float', default: 1, min: 0, doc: 'Models with several Output / Loss nodes: training lowers the sum of every loss times its weight. Predictions and metrics come from the first Output / Loss.' },
  ],
  richAttrs: [
    { name: 'classWeights', label: 'Class weights', kind: 'numbers', default: [], min: 0, doc: 'crossEntropy / nll: one weight per class to count rare classes more; empty means all 1.' },
  ],
  inferShape(ctx) {
    const x = only(ctx);
    const kind = ctx.attrs.loss as string;
    if (PER_CLASS.has(kind)) {
      // [N, classes], or for token classification (crossEntropy, nll) [N, tokens, classes]: one label per token.
      const perToken = x.length === 3 && kind !== 'klDiv';
      if ((x.length !== 2 && !perToken) || x[0] !== 'N') {
        throw new ShapeError(`Output / Loss: ${kind} needs one score per class, shaped [N,classes]${kind !== 'klDiv' ? ' (or [N,tokens,classes] for one label per token)' : ''}; got ${fmt(x)} (add a Flatten and a Dense before the loss)`, { attr: 'loss' });
      }
      const c = x[x.length - 1] as number;
      if (c < 2) {
        throw new ShapeError(`Output / Loss: ${kind} needs at least 2 class scores; got ${fmt(x)}. Give the last Dense one unit per class (2 for two classes)`, { attr: 'loss' });
      }
      const w = (ctx.attrs.classWeights as number[] | undefined) ?? [];
      if (w.length > 0 && w.length !== c) {
        throw new ShapeError(`Output / Loss: ${w.length} class weights for ${c} classes; give one weight per class or none`, { attr: 'classWeights' });
      }
    } else if (x.length < 1 || x[0] !== 'N') {
      throw new ShapeError(`Output / Loss: predictions ${fmt(x)} have no batch dimension N`);
    }
    return [];
  },
  params: () => [],
  flops: () => 0,
};

export const IO = [input, loss] as const;
