/**
 * `npx tsx scripts/replicas-measure.ts [--rounds 3] [--rows 2048]`: training samples/s of the
 * bench's MLP (784-256-256-10, batch 128), LeNet-5 (batch 64) and the LSTM template (batch 64)
 * through fit on the CPU
 * backend at 1 worker × 1 thread, 1 worker × 2 kernel threads and 2 replicas × 1 thread.
 * The settings run alternately, round after round, so a load that comes and goes (other
 * processes on the machine) falls on all of them; the load average is printed with each
 * round. Numbers for docs/ARCHITECTURE.md ("Threads: kernel threads or replicas").
 */
import os from 'node:os';
import { nodeThreadHost } from '../engine/cli/nodeThreads.ts';
import { nodeReplicaHost } from '../engine/cli/nodeReplicas.ts';
import { setBackend, setReplicaHost, setThreadHost, setThreads } from '../engine/index.ts';
import { manualSeed } from '../engine/ops/creation.ts';
import { getTemplate } from '../engine/templates/index.ts';
import { GraphBuilder } from '../engine/templates/build.ts';
import { GraphModel } from '../engine/train/graphModel.ts';
import { fit } from '../engine/train/fit.ts';
import type { ArrayDataset } from '../engine/project/dataTypes.ts';
import type { GraphJSON } from '../engine/graph/types.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const rounds = flag('rounds', 3), rows = flag('rows', 2048);

setBackend('cpu');
setThreadHost(nodeThreadHost);
setReplicaHost(nodeReplicaHost);

function mlp(): GraphJSON {
  const g = new GraphBuilder();
  g.chain(null, ['input', 'Input', { shape: [784] }], ['d1', 'Dense', { units: 256 }], ['r1', 'ReLU'], ['d2', 'Dense', { units: 256 }], ['r2', 'ReLU'], ['d3', 'Dense', { units: 10 }], ['loss', 'Loss', { loss: 'crossEntropy' }]);
  return g.build();
}

let s = 1;
const data = (sampleShape: number[], classes = 10): ArrayDataset => {
  const features = sampleShape.reduce((a, b) => a * b, 1);
  return {
    x: Float32Array.from({ length: rows * features }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32)),
    y: Int32Array.from({ length: rows }, (_, i) => i % classes), rows, features, sampleShape,
  };
};
const models = [
  { name: 'MLP 784-256-256-10 b128', graph: mlp(), data: data([784]), batch: 128 },
  { name: 'LeNet-5 b64', graph: getTemplate('lenet5')!.build(), data: data([1, 28, 28]), batch: 64 },
  { name: 'LSTM template (20 steps, 32 units) b64', graph: getTemplate('lstm')!.build(), data: data([20, 1], 2), batch: 64 },
];
const settings = [
  { name: '1 worker × 1 thread', threads: 1, replicas: 1 },
  { name: '1 worker × 2 kernel threads', threads: 2, replicas: 1 },
  { name: '2 replicas × 1 thread', threads: 1, replicas: 2 },
];

/**
 * Samples/s of one epoch after two warm-up epochs (compile, worker start, JIT and WASM tier-up
 * in the new workers), and the CPU time
 * the whole process (every thread) spent per 1000 samples in it: the work, whatever the load.
 */
async function measure(graph: GraphJSON, train: ArrayDataset, batch: number, replicas: number): Promise<[number, number]> {
  manualSeed(1);
  const model = new GraphModel(graph);
  let sps = 0, cpu = process.cpuUsage(), cpuMs = 0;
  await fit(model, train, null, { optimizer: 'adam', lr: 0.001, batchSize: batch, epochs: 3, seed: 1, validationSplit: 0, readEvery: 1000 }, {
    replicas,
    onEpoch: (r) => {
      if (r.epoch < 3) cpu = process.cpuUsage();
      else {
        const d = process.cpuUsage(cpu);
        cpuMs = ((d.user + d.system) / 1000 / train.rows) * 1000;
        sps = r.samplesPerSec;
      }
    },
    onReplicas: (o) => { if (o.replicas !== replicas) throw new Error(`asked ${replicas} replicas, got ${o.replicas}: ${o.reason}`); },
  });
  model.dispose();
  return [sps, cpuMs];
}

const results = new Map<string, number[]>(), cpuTimes = new Map<string, number[]>();
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
for (let r = 1; r <= rounds; r++) {
  console.log(`round ${r}: load average ${os.loadavg().map((v) => v.toFixed(2)).join(' ')} on ${os.availableParallelism()} cores`);
  for (const m of models) {
    for (const st of settings) {
      await setThreads(st.threads);
      const [v, cpuMs] = await measure(m.graph, m.data, m.batch, st.replicas);
      const key = `${m.name} | ${st.name}`;
      results.set(key, [...(results.get(key) ?? []), v]);
      cpuTimes.set(key, [...(cpuTimes.get(key) ?? []), cpuMs]);
      console.log(`  ${key}: ${v.toFixed(0)} samples/s, ${cpuMs.toFixed(0)} CPU ms per 1000 samples`);
    }
  }
}
console.log('\nmedians over rounds: samples/s (each round) | CPU ms per 1000 samples');
for (const [k, v] of results) console.log(`  ${k}: ${median(v).toFixed(0)} (${v.map((x) => x.toFixed(0)).join(', ')}) | ${median(cpuTimes.get(k)!).toFixed(0)}`);
await setThreads(1);
process.exit(0);
