// Makes .venv-py: a Python virtual environment with the packages the export tests run
// (scripts/python/requirements.txt: PyTorch, numpy, safetensors, onnx, onnxruntime), from
// pip's configured index. A venv, so Debian's "externally managed" system Python is left
// alone. Prints the interpreter's path; exits 1 with the reason and the install command when
// Python or venv is missing. Already set up: checks the imports and returns at once.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const VENV = '.venv-py';
const PY = `${VENV}/bin/python`;
const REQS = 'scripts/python/requirements.txt';
const IMPORTS = 'import torch, numpy, safetensors, onnx, onnxruntime';

const ok = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const fail = (why) => {
  console.error(`Python checks unavailable: ${why}\nInstall: sudo apt-get install -y python3 python3-venv && node scripts/python-env.mjs`);
  process.exit(1);
};

if (existsSync(PY) && ok(PY, ['-c', IMPORTS])) {
  console.log(PY);
  process.exit(0);
}
if (!ok('python3', ['--version'])) fail('python3 is not installed');
if (!existsSync(PY) && !ok('python3', ['-m', 'venv', VENV])) fail('python3 cannot make a virtual environment (python3-venv)');
console.error(`installing ${REQS} into ${VENV} (PyTorch CPU: a few minutes the first time)`);
// An index may hold both a CUDA build of torch (gigabytes of nvidia-* wheels) and a CPU one
// (`+cpu`): the checks run on the CPU, so take the newest CPU build where one is listed.
// Few retries: where pip's default index is unreachable, each package would wait out five.
const NET = ['--retries', '1'];
const versions = spawnSync(PY, ['-m', 'pip', 'index', 'versions', 'torch', ...NET], { encoding: 'utf8' }).stdout ?? '';
const cpuTorch = (/Available versions: (.*)/.exec(versions)?.[1] ?? '').split(', ').find((v) => v.endsWith('+cpu'));
const extra = cpuTorch ? [`torch==${cpuTorch}`] : [];
if (cpuTorch) console.error(`using the CPU build torch ${cpuTorch}`);
const pip = spawnSync(PY, ['-m', 'pip', 'install', '-q', ...NET, '-r', REQS, ...extra], { stdio: ['ignore', 'inherit', 'inherit'] });
if (pip.status !== 0 || !ok(PY, ['-c', IMPORTS])) fail(`pip could not install ${REQS}`);
console.log(PY);
