/**
 * Which backend new tensors live on. Backends register themselves by name; the default is
 * the fast 'cpu' backend, 'reference' is the slow, obvious one that others are tested against.
 */
import { FlowgradError } from '../core/errors.ts';
import type { Backend } from './types.ts';
import { ReferenceBackend } from './reference/backend.ts';
import { CpuBackend } from './cpu/backend.ts';

const backends = new Map<string, Backend>();
let current: Backend;

export function registerBackend(b: Backend): void {
  backends.set(b.name, b);
}

export function setBackend(name: string): void {
  const b = backends.get(name);
  if (!b) throw new FlowgradError('backend', `setBackend: unknown backend '${name}' (registered: ${[...backends.keys()].join(', ')})`);
  current = b;
}

export function getBackend(): string {
  return current.name;
}

export function backend(name?: string): Backend {
  if (name === undefined) return current;
  const b = backends.get(name);
  if (!b) throw new FlowgradError('backend', `unknown backend '${name}'`);
  return b;
}

export function listBackends(): string[] {
  return [...backends.keys()];
}

registerBackend(new ReferenceBackend());
current = new CpuBackend();
registerBackend(current);
