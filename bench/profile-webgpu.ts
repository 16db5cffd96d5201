/**
 * Where Flowgrad's WebGPU time goes, in Node on Dawn (the same SwiftShader driver Chromium
 * uses when there is no GPU, or the machine's Vulkan driver). Runs one WebGPU bench entry's
 * Flowgrad workload (bench/flowgrad.ts) and, with --tfjs, TF.js webgpu's (bench/tfjs.ts) on
 * the same adapter, and prints ms per step plus, for Flowgrad, what one step costs the
 * backend: dispatches, submits, reads, writes, bind groups and pipelines compiled
 * (WebGPUBackend.stats()), and the dispatches per program kind (--kernels).
 *
 * With --timing, the launches of one step are recorded and each is replayed alone (encode,
 * submit, wait) to split the step's GPU time by program kind — on SwiftShader the wait is
 * the kernel's CPU time; on a GPU it includes a submit round trip per launch.
 *
 * With --amp the training entries run in mixed precision (float16 autocast + GradScaler; needs
 * an adapter with shader-f16, e.g. VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.json).
 *
 *   node --import tsx bench/profile-webgpu.ts gpu-mlp-train [calls] [--tfjs] [--eager] [--amp] [--kernels] [--timing]
 */
import { dawnBackend, dawnGpu } from '../engine/backend/webgpu/dawn.ts';
import { setBackend } from '../engine/index.ts';
import { ENTRIES, Inputs } from './harness.ts';
import type { EntryId, Implementation } from './harness.ts';
import { flowgradImpl } from './flowgrad.ts';

const argv = process.argv.slice(2);
const flags = new Set(argv.filter((a) => a.startsWith('--')));
const pos = argv.filter((a) => !a.startsWith('--'));
const id = (pos[0] ?? 'gpu-mlp-train') as EntryId;
const calls = Number(pos[1] ?? 5);
const spec = ENTRIES.find((e) => e.id === id);
if (!spec || spec.group !== 'webgpu') throw new Error(`unknown WebGPU entry '${id}' (one of ${ENTRIES.filter((e) => e.group === 'webgpu').map((e) => e.id).join(', ')})`);
const inner = spec.inner ?? 1;

const gpu = await dawnGpu();
(globalThis as { navigator?: unknown }).navigator ??= { gpu };
const be = (await dawnBackend())!;
const now = (): number => performance.now();

async function time(impl: Implementation, onStep?: (calls: number) => void): Promise<number> {
  const w = await impl.setup(spec!, new Inputs());
  if ('unavailable' in w) throw new Error(w.unavailable);
  await w.activate?.();
  for (let i = 0; i < 2; i++) await w.step();
  onStep?.(0);
  const t0 = now();
  for (let i = 0; i < calls; i++) await w.step();
  const ms = (now() - t0) / (calls * inner);
  onStep?.(calls);
  w.dispose();
  return ms;
}

const report = (who: string, ms: number): void => console.log(`${who.padEnd(16)} ${ms.toFixed(2).padStart(9)} ms/step  ` +
  (spec.flopsPerStep ? `${(spec.flopsPerStep / ms / 1e6).toFixed(3)} GFLOP/s` : `${(1000 / ms).toFixed(2)} steps/s`));

// Flowgrad: count what the backend does per step (and record the launches for --timing).
const kinds = new Map<string, number>();
type L = { program: { key: string } };
const recorded: L[] = [];
let recording = false;
const enc = (be as unknown as { encode(l: L): void });
const orig = enc.encode.bind(be);
const kindOf = (l: L) => l.program.key.split(':').slice(0, 2).join(':');
if (flags.has('--kernels') || flags.has('--timing')) {
  enc.encode = (l) => { kinds.set(kindOf(l), (kinds.get(kindOf(l)) ?? 0) + 1); if (recording) recorded.push(l); orig(l); };
}
let s0 = be.stats();
const fg = await time(flowgradImpl('webgpu', !flags.has('--eager'), flags.has('--amp')), (c) => {
  if (c === 0) { s0 = be.stats(); kinds.clear(); recording = true; return; }
  const s = be.stats(), steps = c * inner;
  const per = (k: keyof typeof s) => (((s[k] as number) - (s0[k] as number)) / steps).toFixed(1);
  console.log(`per step: dispatches ${per('dispatches')}, submits ${per('submits')}, reads ${per('reads')}, writes ${per('writes')}, ` +
    `bind groups created ${per('bindGroupsCreated')}, pipelines compiled ${per('pipelinesCompiled')}, buffers created ${per('buffersCreated')}` +
    `${s.firstError ? `; first error: ${s.firstError}` : ''}`);
  if (kinds.size) console.log([...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${k}: ${(n / steps).toFixed(1)}`).join('\n'));
});
report(`flowgrad${flags.has('--eager') ? ' eager' : ''}${flags.has('--amp') ? ' amp' : ''}`, fg);
if (flags.has('--timing')) {
  const one = recorded.slice(0, recorded.length / (calls * inner));
  const ms = new Map<string, number>();
  let total = 0;
  for (const l of one) {
    await be.sync();
    const t0 = now();
    for (let r = 0; r < 3; r++) orig(l);
    await be.sync();
    const t = (now() - t0) / 3;
    ms.set(kindOf(l), (ms.get(kindOf(l)) ?? 0) + t);
    total += t;
  }
  console.log(`replayed one step's ${one.length} launches alone: ${total.toFixed(1)} ms`);
  console.log([...ms].sort((a, b) => b[1] - a[1]).map(([k, t]) => `  ${k.padEnd(20)} ${t.toFixed(1).padStart(8)} ms`).join('\n'));
}
setBackend('cpu');

if (flags.has('--tfjs')) {
  const { tfjsWebgpu } = await import('./tfjs.ts');
  const tf = tfjsWebgpu();
  console.log(`tfjs: ${await tf.init()}`);
  report('tfjs-webgpu', await time(tf));
}
process.exit(0);
