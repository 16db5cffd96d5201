/**
 * The few things outside the canvas need from the React Flow instance (where the view is
 * centred, so a clicked palette item lands in sight; fitting the view after a layout or a
 * shortcut; the canvas' size, so auto-layout fits it). Set by Canvas while it is mounted.
 */
import type { XY } from '../commands/graph.ts';

export const canvasBridge: {
  viewCenter: (() => XY) | null;
  fitView: (() => void) | null;
  /** The canvas' size on screen (auto-layout aims at its aspect ratio). */
  size?: (() => { width: number; height: number }) | null;
} = { viewCenter: null, fitView: null, size: null };

/** Where a layer added without a drop position goes: the view centre, nudged off other nodes. */
export function placeNewNode(existing: readonly XY[]): XY {
  const c = canvasBridge.viewCenter?.() ?? { x: 0, y: 0 };
  const p = { x: Math.round(c.x - 70), y: Math.round(c.y - 30) };
  for (let k = 0; k < 20 && existing.some((q) => Math.abs(q.x - p.x) < 40 && Math.abs(q.y - p.y) < 40); k++) {
    p.x += 30;
    p.y += 30;
  }
  return p;
}
