// adoptTensor: the CPU backend uses a handed-over batch array as the tensor's storage (no
// copy, never pooled, bytes accounted), other backends and compile traces get a copy.
import { afterEach, describe, expect, it } from 'vitest';
import { adoptTensor, tensor } from './creation.ts';
import { backend, setBackend } from '../backend/registry.ts';
import { record } from '../compile/trace.ts';
import type { CpuBuffer } from '../backend/cpu/backend.ts';

afterEach(() => setBackend('cpu'));

describe('adoptTensor', () => {
  it('on the CPU the array is the storage: no copy, and freeing it does not pool it', () => {
    setBackend('cpu');
    const be = backend();
    const before = be.memory();
    const x = new Float32Array([1, 2, 3, 4, 5, 6]);
    const t = adoptTensor(x, [2, 3]);
    expect((t._storage.buf as CpuBuffer).data).toBe(x);
    expect(be.memory().bytesInUse).toBe(before.bytesInUse + x.byteLength);
    const total = t.sum();
    expect(Array.from(total.dataSync())).toEqual([21]);
    total.dispose();
    const pooled = be.memory().bytesPooled;
    const labels = adoptTensor(new Int32Array([0, 1]), [2]);
    expect(labels.dtype).toBe('int32');
    t.dispose();
    labels.dispose();
    expect(be.memory().bytesInUse).toBe(before.bytesInUse);
    expect(be.memory().bytesPooled).toBe(pooled);
    // Still readable by its owner after the tensor is gone (a batch's labels feed the metrics).
    expect(Array.from(x)).toEqual([1, 2, 3, 4, 5, 6]);
    // A pooled buffer is not this array: the next tensor of this size gets its own memory.
    const u = tensor([0, 0, 0, 0, 0, 0], { shape: [2, 3] });
    expect((u._storage.buf as CpuBuffer).data).not.toBe(x);
    u.dispose();
  });

  it('elsewhere, and while a compile trace records, the data is copied with a recorded write', () => {
    setBackend('reference');
    const x = new Float32Array([1, 2]);
    const t = adoptTensor(x, [2]);
    x[0] = 9;
    expect(Array.from(t.dataSync())).toEqual([1, 2]);
    t.dispose();
    setBackend('cpu');
    const { result, events } = record(backend(), () => adoptTensor(new Float32Array([3, 4]), [2]));
    expect(events.some((e) => e.kind === 'write')).toBe(true);
    result.dispose();
  });

  it('refuses a shape the data does not fill', () => {
    expect(() => adoptTensor(new Float32Array(5), [2, 3])).toThrow(/do not fill/);
  });
});
