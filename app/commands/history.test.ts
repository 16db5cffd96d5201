import { describe, expect, it } from 'vitest';
import { defaultGraph } from '../../engine/graph/format.ts';
import { updateAttr } from './graph.ts';
import { COALESCE_MS, emptyHistory, record, redo, undo } from './history.ts';

describe('history', () => {
  const g0 = defaultGraph();
  const g1 = updateAttr(g0, { nodeId: 'dense1', name: 'units', value: 8 });
  const g2 = updateAttr(g1, { nodeId: 'dense1', name: 'units', value: 4 });

  it('undoes and redoes edits in order', () => {
    let h = record(emptyHistory(), g0, null, 0);
    h = record(h, g1, null, 1);
    const u1 = undo(h, g2)!;
    expect(u1.graph).toBe(g1);
    const u2 = undo(u1.history, u1.graph)!;
    expect(u2.graph).toBe(g0);
    expect(undo(u2.history, u2.graph)).toBeNull();
    const r1 = redo(u2.history, u2.graph)!;
    expect(r1.graph).toBe(g1);
    const r2 = redo(r1.history, r1.graph)!;
    expect(r2.graph).toBe(g2);
    expect(redo(r2.history, r2.graph)).toBeNull();
  });

  it('a new edit clears the redo stack', () => {
    const h = record(emptyHistory(), g0, null, 0);
    const u = undo(h, g1)!;
    expect(u.history.future).toHaveLength(1);
    expect(record(u.history, g0, null, 5).future).toHaveLength(0);
  });

  it('coalesces a stream of edits with the same key', () => {
    let h = record(emptyHistory(), g0, 'attr:dense1:units', 0);
    h = record(h, g1, 'attr:dense1:units', COALESCE_MS / 2);
    expect(h.past).toEqual([g0]);
    h = record(h, g1, 'attr:dense1:units', COALESCE_MS * 3);
    expect(h.past).toHaveLength(2);
    h = record(h, g2, 'move:1', COALESCE_MS * 3 + 1);
    expect(h.past).toHaveLength(3);
  });

  it('keeps at most `limit` steps', () => {
    let h = emptyHistory();
    for (let i = 0; i < 10; i++) h = record(h, g0, null, i, 4);
    expect(h.past).toHaveLength(4);
  });
});
