/**
 * Where data enters and where the model is judged: Input (the per-sample feature shape) and
 * Loss (shown as "Output / Loss"), which compares the predictions with the dataset's labels.
 */
import { ShapeError, fmt } from '../shapes.ts';
import { OUT, only, type LayerDef } from './common.ts';

const input: LayerDef = {
  type: 'Input',
  label: 'Input',
  category: 'io',
  doc: 'Where the data enters the model: one sample\'s features (the batch dimension N is added for you).',
  inputs: [],
  outputs: OUT,
  attrs: [
    { name: 'shape', label: 'Shape', kind: 'shape', default: [2], min: 1, doc: 'The shape of one sample, without the batch dimension: [2] for points (x, y).' },
  ],
  inferShape: (ctx) => ['N', ...(ctx.attrs.shape as number[])],
  params: () => [],
  flops: () => 0,
};

const loss: LayerDef = {
  type: 'Loss',
  label: 'Output / Loss',
  category: 'loss',
  doc:
    'The model\'s output: measures how far its predictions are from the labels; training lowers this number. ' +
    'crossEntropy takes one score per class ([N, classes]); when its input comes straight from a Softmax, ' +
    'the scores before the Softmax are used, so a Softmax before the loss is fine and numerically stable. ' +
    'mse is the mean squared difference, for predicting numbers.',
  inputs: [{ name: 'in', label: 'predictions' }],
  outputs: [],
  attrs: [
    {
      name: 'loss', label: 'Loss function', kind: 'enum', default: 'crossEntropy', options: ['crossEntropy', 'mse'],
      doc: 'crossEntropy for choosing a class (input: one score per class); mse (mean squared error) for predicting numbers.',
    },
  ],
  inferShape(ctx) {
    const x = only(ctx);
    if (ctx.attrs.loss === 'crossEntropy') {
      if (x.length !== 2 || x[0] !== 'N') {
        throw new ShapeError(`Output / Loss: crossEntropy needs one score per class, shaped [N,classes]; got ${fmt(x)} (add a Flatten and a Dense before the loss)`, { attr: 'loss' });
      }
      if ((x[1] as number) < 2) {
        throw new ShapeError(`Output / Loss: crossEntropy needs at least 2 class scores; got ${fmt(x)}. Give the last Dense one unit per class (2 for two classes)`, { attr: 'loss' });
      }
    } else if (x.length < 1 || x[0] !== 'N') {
      throw new ShapeError(`Output / Loss: predictions ${fmt(x)} have no batch dimension N`);
    }
    return [];
  },
  params: () => [],
  flops: () => 0,
};

export const IO: LayerDef[] = [input, loss];
