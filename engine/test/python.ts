/**
 * Finds a Python that can import the given modules, for the tests that check exports with
 * the real runtimes (PyTorch, onnxruntime, safetensors). Tries $FLOWGRAD_PYTHON, then the
 * project's .venv-py (scripts/python-env.mjs, which `npm test` runs), then python3. None:
 * null, and the caller skips with the printed install command — unless
 * FLOWGRAD_REQUIRE_PYTHON is set (CI), where it throws so a missing runtime is a failure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const found = new Map<string, string | null>();

export const PYTHON_SETUP = 'node scripts/python-env.mjs';

export function pythonWith(modules: readonly string[]): string | null {
  const key = [...modules].sort().join(',');
  if (found.has(key)) return found.get(key)!;
  const venv = resolve(root, '.venv-py/bin/python');
  const candidates = [process.env.FLOWGRAD_PYTHON, existsSync(venv) ? venv : undefined, 'python3'].filter((c): c is string => !!c);
  const py = candidates.find((c) => spawnSync(c, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' }).status === 0) ?? null;
  if (!py) {
    const msg = `Python with ${modules.join(', ')} not found; set it up with: ${PYTHON_SETUP}`;
    if (process.env.FLOWGRAD_REQUIRE_PYTHON) throw new Error(msg);
    console.warn(`skipped: ${msg}`);
  }
  found.set(key, py);
  return py;
}
