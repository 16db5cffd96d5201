// Finds a Vulkan driver whose WebGPU adapter has shader-f16, for the float16 tests (SwiftShader,
// which the main test run uses, has none). Mesa's lavapipe ≥ 25 does: on Debian 12 it is
// mesa-vulkan-drivers from bookworm-backports (.ci/run installs it). Prints the ICD file's
// path and exits 0 when one works; prints why not and exits 1 otherwise.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const candidates = [process.env.FLOWGRAD_F16_ICD, '/usr/share/vulkan/icd.d/lvp_icd.json'].filter(Boolean);
const probe = `import { create, globals } from 'webgpu';
Object.assign(globalThis, globals);
const a = await create([]).requestAdapter();
console.log(a && a.features.has('shader-f16') ? 'yes' : a ? 'no' : 'none');
process.exit(0);`;

for (const icd of candidates) {
  if (!existsSync(icd)) continue;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { env: { ...process.env, VK_ICD_FILENAMES: icd }, encoding: 'utf8', timeout: 60_000 });
  const answer = (r.stdout ?? '').trim().split('\n').pop();
  if (answer === 'yes') {
    console.log(icd);
    process.exit(0);
  }
  console.error(`${icd}: ${answer === 'no' ? 'its adapter has no shader-f16' : answer === 'none' ? 'gives no WebGPU adapter (Debian 12\'s own Mesa 22 lavapipe does not work; Mesa 25 from bookworm-backports does)' : `probe failed: ${r.stderr?.trim().split('\n').pop()}`}`);
}
console.error(`No Vulkan driver with shader-f16 found for the float16 tests. On Debian 12, add the
bookworm-backports suite to your apt sources (same mirror as bookworm; .ci/run does it), then:
  apt-get update && apt-get install -y -t bookworm-backports mesa-vulkan-drivers`);
process.exit(1);
