/**
 * The peers: TensorFlow.js 4 on its 'cpu' backend (plain JS), its 'wasm' backend (XNNPACK,
 * SIMD, threads when the page is cross-origin isolated — TF.js decides) and its 'webgpu'
 * backend (@tensorflow/tfjs-backend-webgpu, default flags, on navigator.gpu's adapter — the
 * one Flowgrad's webgpu backend uses in the same page). Same workloads and
 * same input data as bench/flowgrad.ts, in TF.js's own layouts (NHWC, HWIO filters), written
 * idiomatically: tf.variable parameters, optimizer.minimize (which computes the gradients with
 * tf.variableGrads and applies them), tf.train.adam.
 *
 * The wasm backend has no Conv2DBackpropFilter kernel, so it cannot train a CNN: that entry is
 * reported as unavailable ("cannot train"), detected from the kernel registry up front.
 * Every timed call ends with `await t.data()` on its output (the loss, for training steps);
 * WebGPU entries queue `inner` steps first and read only the last one, like Flowgrad's side.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { CONV, LENET, MLP } from './harness.ts';
import type { EntrySpec, ImplName, Implementation, Inputs, Setup, Workload } from './harness.ts';

/** Where the page serves tfjs-backend-wasm's binaries (see bench/main.ts). */
export type WasmPaths = Parameters<typeof setWasmPaths>[0];

/** U(±1/√fanIn) weights, like the Flowgrad side. */
function weight(shape: number[], fanIn: number): tf.Variable {
  const b = 1 / Math.sqrt(fanIn);
  const init = tf.randomUniform(shape, -b, b, 'float32');
  const v = tf.variable(init);
  init.dispose();
  return v;
}

type TfBackend = 'cpu' | 'wasm' | 'webgpu';

function trainer(vars: tf.Variable[], x: tf.Tensor, labels: Int32Array, inner: number, forward: (x: tf.Tensor) => tf.Tensor): Workload {
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 10).asType('float32'));
  const opt = tf.train.adam(1e-3);
  const one = (): tf.Scalar => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, forward(x)) as tf.Scalar, true, vars)!;
  return {
    notes: 'Adam lr 1e-3, optimizer.minimize',
    async step() {
      for (let i = 1; i < inner; i++) one().dispose();
      const loss = one();
      await loss.data();
      loss.dispose();
    },
    dispose() {
      opt.dispose();
      tf.dispose([...vars, x, y]);
    },
  };
}

const dense = (x: tf.Tensor, w: tf.Variable, b: tf.Variable): tf.Tensor2D => tf.add(tf.matMul(x as tf.Tensor2D, w), b);

/** The workload for one entry on the current TF.js backend. */
function build(entry: EntrySpec, inputs: Inputs, backend: TfBackend): Setup {
  const inner = entry.inner ?? 1;
  switch (entry.workload) {
    case 'matmul': {
      const n = entry.n!;
      const { a: ad, b: bd } = inputs.matmul(n);
      const a = tf.tensor2d(ad, [n, n]), b = tf.tensor2d(bd, [n, n]);
      let last: tf.Tensor | null = null;
      return {
        async step() {
          for (let i = 1; i < inner; i++) tf.matMul(a, b).dispose();
          const c = tf.matMul(a, b);
          await c.data();
          last?.dispose();
          last = c;
        },
        output: async () => (await last!.data()) as Float32Array,
        dispose() { tf.dispose([a, b]); last?.dispose(); },
      };
    }
    case 'conv2d': {
      const { n, cin, cout, h, w, k, pad } = CONV;
      const { x: xd, w: wd } = inputs.conv();
      // Same numbers as Flowgrad's NCHW / OIHW tensors, moved to NHWC / HWIO outside the clock.
      const x = tf.tidy(() => tf.transpose(tf.tensor4d(xd, [n, cin, h, w]), [0, 2, 3, 1])) as tf.Tensor4D;
      const filt = tf.tidy(() => tf.transpose(tf.tensor4d(wd, [cout, cin, k, k]), [2, 3, 1, 0])) as tf.Tensor4D;
      const padding: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [pad, pad], [pad, pad], [0, 0]];
      let last: tf.Tensor | null = null;
      return {
        async step() {
          for (let i = 1; i < inner; i++) tf.conv2d(x, filt, 1, padding).dispose();
          const y = tf.conv2d(x, filt, 1, padding);
          await y.data();
          last?.dispose();
          last = y;
        },
        output: async () => {
          const nchw = tf.transpose(last!, [0, 3, 1, 2]);
          const d = (await nchw.data()) as Float32Array;
          nchw.dispose();
          return d;
        },
        dispose() { tf.dispose([x, filt]); last?.dispose(); },
      };
    }
    case 'mlp-train': {
      const [i, h1, h2, o] = MLP.sizes;
      const { x, y } = inputs.batch(MLP.batch, i, o);
      const v = [weight([i, h1], i), weight([h1], i), weight([h1, h2], h1), weight([h2], h1), weight([h2, o], h2), weight([o], h2)];
      return trainer(v, tf.tensor2d(x, [MLP.batch, i]), y, inner, (xb) => {
        const a1 = tf.relu(dense(xb, v[0], v[1]));
        const a2 = tf.relu(dense(a1, v[2], v[3]));
        return dense(a2, v[4], v[5]);
      });
    }
    case 'lenet-train': {
      if (!tf.getKernel('Conv2DBackpropFilter', backend)) {
        return { unavailable: `cannot train: TF.js '${backend}' backend has no Conv2DBackpropFilter kernel` };
      }
      const { x, y } = inputs.batch(LENET.batch, 28 * 28, 10);
      const v = [
        weight([5, 5, 1, 6], 25), weight([6], 25), weight([5, 5, 6, 16], 150), weight([16], 150),
        weight([400, 120], 400), weight([120], 400), weight([120, 84], 120), weight([84], 120), weight([84, 10], 84), weight([10], 84),
      ];
      const xb = tf.tensor4d(x, [LENET.batch, 28, 28, 1]);
      return trainer(v, xb, y, inner, (inp) => {
        const c1 = tf.relu(tf.add(tf.conv2d(inp as tf.Tensor4D, v[0] as tf.Tensor4D, 1, 'same'), v[1]));
        const p1 = tf.maxPool(c1 as tf.Tensor4D, 2, 2, 'valid');
        const c2 = tf.relu(tf.add(tf.conv2d(p1, v[2] as tf.Tensor4D, 1, 'valid'), v[3]));
        const p2 = tf.maxPool(c2 as tf.Tensor4D, 2, 2, 'valid');
        const f1 = tf.relu(dense(tf.reshape(p2, [LENET.batch, 400]), v[4], v[5]));
        const f2 = tf.relu(dense(f1, v[6], v[7]));
        return dense(f2, v[8], v[9]);
      });
    }
  }
}

function makeTfjs(name: ImplName, backend: TfBackend, wasmPaths?: WasmPaths, threads?: number): Implementation {
  return {
    name,
    async init() {
      if (backend === 'wasm' && wasmPaths) setWasmPaths(wasmPaths);
      if (backend === 'wasm' && threads) setThreadsCount(threads);
      if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
      await tf.ready();
      if (backend === 'cpu') return `TF.js ${tf.version.tfjs} cpu`;
      if (backend === 'webgpu') {
        const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
        return `TF.js ${tf.version.tfjs} webgpu${info ? ` on ${info.vendor} ${info.architecture}` : ''}`;
      }
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      const mt = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
      return `TF.js ${tf.version.tfjs} wasm: simd ${simd}, multithread ${mt}, threads ${getThreadsCount()}`;
    },

    async setup(entry: EntrySpec, inputs: Inputs): Promise<Setup> {
      const activate = async (): Promise<void> => {
        if (tf.getBackend() !== backend) await tf.setBackend(backend);
      };
      await activate();
      const s = build(entry, inputs, backend);
      return 'unavailable' in s ? s : { ...s, activate };
    },
  };
}

export const tfjsCpu = (): Implementation => makeTfjs('tfjs-cpu', 'cpu');
/** `threads`: its pthread pool size (by default TF.js takes half the cores, at most 4: one thread on 2 cores). */
export const tfjsWasm = (paths: WasmPaths, threads?: number): Implementation => makeTfjs('tfjs-wasm', 'wasm', paths, threads);
export const tfjsWebgpu = (): Implementation => makeTfjs('tfjs-webgpu', 'webgpu');
