/**
 * Starting models people can open from a menu or the CLI (`template:<id>`): each a graph
 * that validates, with the parameter count it must have, the built-in dataset it opens on
 * (so Train works at once) and, where it differs from the defaults, its training settings.
 * Descriptions state what a run reaches; templates.test.ts checks it. Pure (no tensors):
 * the app imports this folder.
 */
import type { DatasetSpec, TrainConfig } from '../project/config.ts';
import type { GraphJSON } from '../graph/types.ts';
import { GraphBuilder } from './build.ts';

export interface Template {
  id: string;
  name: string;
  description: string;
  /** Trainable parameters of the graph (checked by the tests). */
  params: number;
  /** The built-in dataset it opens on, ready to train (its description states what that run reaches). */
  dataset: DatasetSpec;
  /** Training settings it opens with (the rest are the defaults). */
  training?: Partial<TrainConfig>;
  build(): GraphJSON;
}

function mlp(): GraphJSON {
  const g = new GraphBuilder();
  g.chain(null, ['input', 'Input', { shape: [2] }], ['dense1', 'Dense', { units: 32 }], ['relu1', 'ReLU'], ['dense2', 'Dense', { units: 32 }], ['relu2', 'ReLU'],
    ['dense3', 'Dense', { units: 2 }], ['softmax', 'Softmax'], ['loss', 'Loss', { loss: 'crossEntropy' }]);
  return g.build();
}

/** LeNet-5 (LeCun et al. 1998) on 1×28×28: conv 6@5×5 (pad 2) → pool → conv 16@5×5 → pool → 120 → 84 → 10. */
function lenet5(): GraphJSON {
  const g = new GraphBuilder();
  g.chain(null,
    ['input', 'Input', { shape: [1, 28, 28] }],
    ['conv1', 'Conv2d', { filters: 6, kernelSize: 5, padding: 2 }], ['tanh1', 'Tanh'], ['pool1', 'AvgPool2d', { kernelSize: 2 }],
    ['conv2', 'Conv2d', { filters: 16, kernelSize: 5 }], ['tanh2', 'Tanh'], ['pool2', 'AvgPool2d', { kernelSize: 2 }],
    ['flatten', 'Flatten'], ['fc1', 'Dense', { units: 120 }], ['tanh3', 'Tanh'], ['fc2', 'Dense', { units: 84 }], ['tanh4', 'Tanh'],
    ['fc3', 'Dense', { units: 10 }], ['loss', 'Loss', { loss: 'crossEntropy' }]);
  return g.build();
}

/** A small ResNet: stem conv → BN → ReLU → pool, one residual block (two 3×3 convs + identity Add), global pooling, classifier. */
function resnet(): GraphJSON {
  const g = new GraphBuilder();
  const stem = g.chain(null, ['input', 'Input', { shape: [1, 28, 28] }], ['stem', 'Conv2d', { filters: 16, kernelSize: 3, padding: 1 }], ['bn0', 'BatchNorm2d'], ['relu0', 'ReLU'], ['pool', 'MaxPool2d', { kernelSize: 2 }]);
  const branch = g.chain(stem, ['convA', 'Conv2d', { filters: 16, kernelSize: 3, padding: 1 }, 1], ['bnA', 'BatchNorm2d', {}, 1], ['reluA', 'ReLU', {}, 1],
    ['convB', 'Conv2d', { filters: 16, kernelSize: 3, padding: 1 }, 1], ['bnB', 'BatchNorm2d', {}, 1]);
  g.add('add', 'Add');
  g.connect(branch, 'add', 'a').connect(stem, 'add', 'b');
  g.chain('add', ['relu', 'ReLU'], ['gap', 'GlobalAvgPool'], ['fc', 'Dense', { units: 10 }], ['loss', 'Loss', { loss: 'crossEntropy' }]);
  return g.build();
}

/** Token ids [16] → Embedding(64→32) → positions → one encoder block → mean over positions → 2 classes. */
function transformer(): GraphJSON {
  const g = new GraphBuilder();
  g.chain(null, ['input', 'Input', { shape: [16] }], ['embed', 'Embedding', { numEmbeddings: 64, embeddingDim: 32 }], ['pos', 'PositionalEncoding', { kind: 'sinusoidal', maxLen: 64 }],
    ['encoder', 'TransformerEncoderBlock', { numHeads: 4, dimFeedforward: 64, dropout: 0.1 }], ['toChannels', 'Permute', { dims: [2, 1] }], ['mean', 'GlobalAvgPool'],
    ['fc', 'Dense', { units: 2 }], ['loss', 'Loss', { loss: 'crossEntropy' }]);
  return g.build();
}

/** 1×28×28 → two stride-2 convs (7×7×16 code) → two transposed convs back to 1×28×28, sigmoid, MSE against the input. */
function autoencoder(): GraphJSON {
  const g = new GraphBuilder();
  g.chain(null, ['input', 'Input', { shape: [1, 28, 28] }], ['enc1', 'Conv2d', { filters: 8, kernelSize: 3, stride: 2, padding: 1 }], ['relu1', 'ReLU'],
    ['enc2', 'Conv2d', { filters: 16, kernelSize: 3, stride: 2, padding: 1 }], ['relu2', 'ReLU'],
    ['dec1', 'ConvTranspose2d', { filters: 8, kernelSize: 2, stride: 2 }], ['relu3', 'ReLU'], ['dec2', 'ConvTranspose2d', { filters: 1, kernelSize: 2, stride: 2 }],
    ['sigmoid', 'Sigmoid'], ['loss', 'Loss', { loss: 'mse' }]);
  return g.build();
}

/** A sequence of 20 numbers ([20,1]) → LSTM(32) → last state → 2 classes. */
function lstm(): GraphJSON {
  const g = new GraphBuilder();
  g.chain(null, ['input', 'Input', { shape: [20, 1] }], ['lstm', 'LSTM', { hiddenSize: 32 }], ['fc', 'Dense', { units: 2 }], ['loss', 'Loss', { loss: 'crossEntropy' }]);
  return g.build();
}

const digits: DatasetSpec = { kind: 'builtin', name: 'digits', samples: 2000, noise: 0.1, seed: 7 };
const reviews: DatasetSpec = { kind: 'builtin', name: 'sentiment', samples: 800, noise: 0, seed: 7 };
const sequences: DatasetSpec = { kind: 'builtin', name: 'sequences', samples: 600, noise: 0.3, seed: 7 };
const ownDigits: DatasetSpec = { kind: 'builtin', name: 'digits-recon', samples: 1000, noise: 0.1, seed: 7 };

export const TEMPLATES: readonly Template[] = [
  { id: 'mlp', name: 'MLP', description: 'Two hidden layers of 32 ReLU units: a classifier for 2-D points.', params: 1218, dataset: { kind: 'builtin2d', name: 'spirals', samples: 400, noise: 0.2, seed: 7 }, build: mlp },
  { id: 'lenet5', name: 'LeNet-5', description: 'The classic CNN for 28×28 digits: two conv/pool stages and three dense layers (61,706 parameters).', params: 61706, dataset: digits, build: lenet5 },
  { id: 'resnet', name: 'Small ResNet', description: 'A conv stem and one residual block (identity shortcut through Add) with BatchNorm, global pooling and a classifier.', params: 5066, dataset: digits, build: resnet },
  { id: 'transformer', name: 'Transformer classifier', description: 'Embedding + sinusoidal positions + a Transformer encoder block over 16 tokens, averaged into 2 classes. Opens on the generated reviews (positive / negative) and reaches at least 90% validation accuracy in its 4 epochs.', params: 10658, dataset: reviews, training: { lr: 0.003, epochs: 4 }, build: transformer },
  { id: 'autoencoder', name: 'Conv autoencoder', description: 'Compresses 1×28×28 images to 16×7×7 with strided convs and rebuilds them with transposed convs. Opens on the digits as their own targets; its 3 epochs bring the validation MSE under 0.04.', params: 1801, dataset: ownDigits, training: { epochs: 3 }, build: autoencoder },
  { id: 'lstm', name: 'LSTM sequence classifier', description: 'An LSTM reads 20 numbers and its last state picks one of 2 classes. Opens on the rising / falling sequences and reaches at least 95% validation accuracy in its 6 epochs.', params: 4546, dataset: sequences, training: { epochs: 6 }, build: lstm },
];

export function getTemplate(id: string): Template | undefined {
  return TEMPLATES.find((t) => t.id === id);
}
