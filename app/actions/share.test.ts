import { describe, expect, it } from 'vitest';
import { defaultGraph } from '../../engine/graph/format.ts';
import { decodeGraph, encodeGraph, graphFromHash, shareUrl } from './share.ts';

describe('share by URL', () => {
  it('round-trips a graph through a short URL-safe string', () => {
    const g = defaultGraph();
    const s = encodeGraph(g);
    expect(s).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(s.length).toBeLessThan(JSON.stringify(g).length / 2);
    expect(decodeGraph(s)).toEqual(g);
  });

  it('builds and reads the hash', () => {
    const url = shareUrl(defaultGraph(), 'https://flowgrad.dev/app?x=1#old');
    expect(url.startsWith('https://flowgrad.dev/app?x=1#graph=')).toBe(true);
    const enc = graphFromHash(new URL(url).hash)!;
    expect(decodeGraph(enc).nodes).toHaveLength(8);
    expect(graphFromHash('#nothing')).toBeNull();
  });

  it('says a damaged link is damaged', () => {
    expect(() => decodeGraph('abc')).toThrow(/damaged/);
  });
});
