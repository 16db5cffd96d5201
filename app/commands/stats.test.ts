import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../engine/graph/analyze.ts';
import { defaultGraph } from '../../engine/graph/format.ts';
import { formatBytes, modelStats } from './stats.ts';

describe('model stats', () => {
  it('counts params, FLOPs and memory at a batch size', () => {
    const a = analyzeGraph(defaultGraph());
    const s = modelStats(a, 32, 'adam');
    expect(s.params).toBe(354);
    expect(s.flopsPerSample).toBe(a.totalFlops);
    // Activations: 2 + 16·4 + 2·2 = 70 floats per sample (the Loss output is a scalar, skipped).
    expect(s.activationBytes).toBe(70 * 32 * 4);
    expect(s.trainingBytes).toBe(354 * 4 * 4 + 70 * 32 * 4 * 2);
    expect(modelStats(a, 32, 'sgd').trainingBytes).toBeLessThan(s.trainingBytes);
  });

  it('formats bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MB');
  });
});
