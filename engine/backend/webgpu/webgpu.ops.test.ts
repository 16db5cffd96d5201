// The op suite (engine/test/ops/cases.ts: OP_CASES and LAYER_CASES) on the WebGPU backend in Node
// (Dawn; on machines without a GPU, Chromium's SwiftShader Vulkan driver). Forward values and
// gradients are compared with the float64 reference backend using each case's tolerances.
// No adapter fails the file loudly; FLOWGRAD_SKIP_WEBGPU=1 skips it on purpose.
import { afterAll, describe, expect, it } from 'vitest';
import { LAYER_CASES, OP_CASES } from '../../test/ops/cases.ts';
import { checkForward, checkGradBackend } from '../../test/ops/opcheck.ts';
import type { OpCase } from '../../test/ops/opcheck.ts';
import { dawnBackend } from './dawn.ts';

const be = await dawnBackend();
const suite = be ? describe : describe.skip;
if (!be) console.warn('FLOWGRAD_SKIP_WEBGPU is set: skipping the WebGPU op suite');

function run(cases: OpCase[], label: string): void {
  suite(`${label} on webgpu: forward vs reference float64`, () => {
    for (const c of cases) it(c.name, async () => expect(await checkForward(c, 'webgpu')).toBeNull());
  });
  suite(`${label} on webgpu: gradients vs reference float64`, () => {
    for (const c of cases.filter((x) => x.grad !== false)) it(c.name, async () => expect(await checkGradBackend(c, 'webgpu')).toBeNull());
  });
}

run(OP_CASES, 'op table');
run(LAYER_CASES, 'layer ops');

suite('webgpu health', () => {
  it('raised no WebGPU validation errors', async () => {
    await be!.sync();
    expect(be!.stats().firstError).toBeNull();
  });
});

afterAll(() => {
  if (be) console.log('webgpu op suite stats:', JSON.stringify(be.stats()));
});
