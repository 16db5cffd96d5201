/**
 * The compiled-vs-eager section: the training step the IDE, the CLI and `fit` run
 * (engine/train/trainStep.ts on a GraphModel built from a graph), with TrainConfig.compiled
 * true (`flowgrad-compiled`: the step traced once, then replayed as a static plan) and false
 * (`flowgrad-eager`: ops run one by one, autograd graph per step), on the cpu backend at one
 * thread. Same graphs, batches and optimizer as the cpu section's MLP and LeNet-5 rows (Adam
 * lr 1e-3; the loss read back every step). This reaches past the public API on purpose: what
 * is measured is the product's own step, not a hand-written loop.
 */
import { optim, scope, setBackend, setThreadHost, setThreads, tensor } from '../engine/index.ts';
import { GraphModel } from '../engine/train/graphModel.ts';
import { TrainStep } from '../engine/train/trainStep.ts';
import { GraphBuilder } from '../engine/templates/build.ts';
import type { GraphJSON } from '../engine/graph/types.ts';
import { browserThreadHost } from '../workers/host/cpuThreads.ts';
import { LENET, MLP } from './harness.ts';
import type { EntrySpec, Implementation, Inputs, Setup, Workload } from './harness.ts';

/** The bench's MLP as a graph: 784-256-256-10 with ReLU, cross-entropy. */
function mlpGraph(): GraphJSON {
  const [i, h1, h2, o] = MLP.sizes;
  const g = new GraphBuilder();
  g.chain(null, ['input', 'Input', { shape: [i] }], ['fc1', 'Dense', { units: h1 }], ['relu1', 'ReLU'], ['fc2', 'Dense', { units: h2 }], ['relu2', 'ReLU'],
    ['fc3', 'Dense', { units: o }], ['loss', 'Loss', { loss: 'crossEntropy' }]);
  return g.build();
}

/** The bench's LeNet-5 as a graph (ReLU and max pooling, 61,706 parameters), cross-entropy. */
function lenetGraph(): GraphJSON {
  const g = new GraphBuilder();
  g.chain(null, ['input', 'Input', { shape: [1, 28, 28] }],
    ['conv1', 'Conv2d', { filters: 6, kernelSize: 5, padding: 2 }], ['relu1', 'ReLU'], ['pool1', 'MaxPool2d', { kernelSize: 2 }],
    ['conv2', 'Conv2d', { filters: 16, kernelSize: 5 }], ['relu2', 'ReLU'], ['pool2', 'MaxPool2d', { kernelSize: 2 }],
    ['flatten', 'Flatten'], ['fc1', 'Dense', { units: 120 }], ['relu3', 'ReLU'], ['fc2', 'Dense', { units: 84 }], ['relu4', 'ReLU'],
    ['fc3', 'Dense', { units: 10 }], ['loss', 'Loss', { loss: 'crossEntropy' }]);
  return g.build();
}

/** One step as fit runs it: zeroGrad, TrainStep.run (forward, loss, backward), Adam; the loss read back. */
function graphTrainer(graph: GraphJSON, x: Float32Array, xShape: number[], y: Int32Array, compiled: boolean): Workload {
  const model = new GraphModel(graph);
  model.train();
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const step = new TrainStep(model, { compiled }, null, null);
  const xt = tensor(x, { shape: xShape, dtype: 'float32' });
  const yt = tensor(y, { shape: [y.length], dtype: 'int32' });
  let checked = false;
  return {
    notes: 'Adam lr 1e-3, engine/train/trainStep.ts (as fit trains), loss read every step',
    async step() {
      const loss = scope(() => {
        opt.zeroGrad();
        const r = step.run(xt, yt, 1);
        opt.step();
        return r.loss.detach();
      });
      await loss.data();
      loss.dispose();
      // A compiled run that fell back to eager would measure eager twice: say so instead.
      if (!checked && compiled && !step.compiled) throw new Error(`the step did not compile: ${step.reason}`);
      checked = true;
    },
    dispose() {
      opt.zeroGrad();
      opt.dispose();
      step.dispose();
      model.dispose();
      xt.dispose();
      yt.dispose();
    },
  };
}

/** TrainConfig.compiled true (`flowgrad-compiled`) or false (`flowgrad-eager`), cpu backend, one thread. */
export function trainStepImpl(compiled: boolean): Implementation {
  const activate = async (): Promise<void> => {
    setBackend('cpu');
    await setThreads(1);
  };
  return {
    name: compiled ? 'flowgrad-compiled' : 'flowgrad-eager',
    async init() {
      setBackend('cpu');
      setThreadHost(browserThreadHost);
      await setThreads(1);
      return `backend 'cpu', 1 thread, TrainConfig.compiled ${compiled}`;
    },
    async setup(entry: EntrySpec, inputs: Inputs): Promise<Setup> {
      await activate();
      let w: Workload;
      if (entry.workload === 'mlp-train') {
        const { x, y } = inputs.batch(MLP.batch, MLP.sizes[0], 10);
        w = graphTrainer(mlpGraph(), x, [MLP.batch, MLP.sizes[0]], y, compiled);
      } else if (entry.workload === 'lenet-train') {
        const { x, y } = inputs.batch(LENET.batch, 28 * 28, 10);
        w = graphTrainer(lenetGraph(), x, [LENET.batch, 1, 28, 28], y, compiled);
      } else return { unavailable: `n/a: the compiled section times training steps only, not '${entry.workload}'` };
      return { ...w, activate };
    },
  };
}
