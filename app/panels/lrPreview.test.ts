import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_CONFIG } from '../../engine/project/config.ts';
import { lrPreview } from './lrPreview.ts';

describe('LR preview', () => {
  const base = { ...DEFAULT_TRAIN_CONFIG, lr: 0.1, epochs: 10 };
  it('is flat without a scheduler and decays with one', () => {
    const flat = lrPreview(base, 5);
    expect(Math.max(...flat.lr)).toBeCloseTo(0.1);
    expect(Math.min(...flat.lr)).toBeCloseTo(0.1);
    const step = lrPreview({ ...base, scheduler: { type: 'step', stepSize: 3, gamma: 0.1 } }, 5);
    expect(Math.min(...step.lr)).toBeLessThan(0.001);
    const cos = lrPreview({ ...base, scheduler: { type: 'cosine' } }, 5);
    expect(cos.lr[0]).toBeCloseTo(0.1);
    expect(cos.lr[cos.lr.length - 1]).toBeLessThan(0.01);
  });
  it('one-cycle rises to maxLr then falls', () => {
    const c = lrPreview({ ...base, scheduler: { type: 'oneCycle', maxLr: 1 } }, 10);
    const peak = Math.max(...c.lr);
    expect(peak).toBeCloseTo(1, 1);
    expect(c.lr[0]).toBeLessThan(0.1);
    expect(c.lr[c.lr.length - 1]).toBeLessThan(0.01);
  });
});
