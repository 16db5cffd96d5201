// float16 storage: exact IEEE conversions, half the bytes on the CPU backend, and ops on
// float16 tensors agreeing with the reference backend's float16 (and with float64).
import { describe, expect, it } from 'vitest';
import { memory, tensor, scope } from '../index.ts';
import { fromHalfBits, toHalfBits } from './half.ts';
import { OP_CASES } from '../test/ops/cases.ts';
import { allclose, makeInputs } from '../test/ops/opcheck.ts';

describe('float16', () => {
  it('converts like IEEE 754 binary16 (round to nearest even, subnormals, overflow)', () => {
    const cases: [number, number][] = [
      [1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [65520, 0x7c00], [1e6, 0x7c00], [2 ** -24, 0x0001], [2 ** -25, 0], [3 * 2 ** -26, 0x0001],
      [0.1, 0x2e66], [2049, 0x6800], [2051, 0x6802], [-0, 0x8000], [Infinity, 0x7c00], [2 ** -14, 0x0400],
    ];
    for (const [v, bits] of cases) expect(toHalfBits(v)).toBe(bits);
    expect(Number.isNaN(fromHalfBits(toHalfBits(NaN)))).toBe(true);
    for (let h = 0; h < 0x7c00; h += 37) expect(toHalfBits(fromHalfBits(h))).toBe(h);
  });

  it('stores 2 bytes per element on the cpu backend and rounds values', () => {
    const before = memory().bytesInUse;
    const t = tensor(new Float32Array(4096).fill(0.1), { shape: [4096], dtype: 'float16' });
    expect(memory().bytesInUse - before).toBe(8192);
    expect(t.dtype).toBe('float16');
    expect(t.dataSync()[0]).toBe(fromHalfBits(0x2e66));
    const back = t.float();
    expect(back.dtype).toBe('float32');
    t.dispose();
    back.dispose();
  });

  it('computes in float32 and stores float16: ops agree with the reference backend', async () => {
    const picked = OP_CASES.filter((c) => /^(add|mul|div|exp|sigmoid|tanh|relu|gelu|sum|mean|max|softmax|logSoftmax|matmul |linear)/.test(c.name) && !c.name.includes('size-0') && c.inputs.every((i) => !i.dtype));
    expect(picked.length).toBeGreaterThan(20);
    for (const c of picked) {
      const [cpu, ref, exact] = scope(() => [
        c.fn(...makeInputs(c, 'cpu', 'float16')), c.fn(...makeInputs(c, 'reference', 'float16')), c.fn(...makeInputs(c, 'reference', 'float64')),
      ]);
      expect(cpu.dtype, c.name).toBe('float16');
      expect(allclose(await cpu.data(), await ref.data(), 5e-3, 5e-3), c.name).toBeNull();
      expect(allclose(await cpu.data(), await exact.data(), 2e-2, 2e-2), c.name).toBeNull();
      for (const t of [cpu, ref, exact]) t.dispose();
    }
  });

  it('trains through float16 parameters (gradients are float16 too)', () => {
    const w = tensor([0.5, -1, 2], { dtype: 'float16', requiresGrad: true });
    const x = tensor([1, 2, 3], { dtype: 'float16' });
    const loss = w.mul(x).sum().square();
    loss.backward();
    expect(w.grad!.dtype).toBe('float16');
    expect(Array.from(w.grad!.dataSync())).toEqual([9, 18, 27]);
    for (const t of [w, x, loss]) t.dispose();
  });
});
