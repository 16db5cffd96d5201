/**
 * Structured pruning's graph side: which layers' output channels can be removed (every path
 * from them reaches only per-channel layers, Flatten and the input of a weighted layer; see
 * COMPRESS_LAYERS), and the shrinking itself — a smaller graph (fewer filters/units) and its
 * tensors with the removed channels sliced out of the producer, the per-channel layers after
 * it and the input side of its consumers. Pure data (no tensors), like engine/graph.
 */
import { FlowgradError } from '../core/errors.ts';
import type { GraphAnalysis, GraphJSON } from '../graph/types.ts';
import { compressRow } from './layers.ts';

/** A layer whose output channels can be removed, and every node their removal touches. */
export interface ChannelGroup {
  producer: string;
  channels: number;
  /** Per-channel layers on the way (their params are sliced; `zeroed` ones masked while fine-tuning). */
  perChannel: string[];
  /** Weighted layers that read the channels: channel c is their input block c·block … c·block+block−1. */
  consumers: { node: string; block: number }[];
}

const numDims = (shape: readonly (number | string)[] | null | undefined): number[] => (shape ?? []).map((d) => (typeof d === 'number' ? d : Number.NaN));

/** The channel groups of a graph: the producers that structured pruning may shrink. */
export function channelGroups(graph: GraphJSON, analysis: GraphAnalysis): ChannelGroup[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const out = new Map<string, { target: string; port: string }[]>();
  for (const e of graph.edges) {
    const list = out.get(e.source) ?? [];
    list.push({ target: e.target, port: e.targetPort });
    out.set(e.source, list);
  }
  const groups: ChannelGroup[] = [];
  for (const node of graph.nodes) {
    const row = compressRow(node.type);
    if (row?.channels.kind !== 'producer') continue;
    if (node.type === 'Conv2d' && Number(node.attrs.groups ?? 1) !== 1) continue;
    const shape = numDims(analysis.shapes[node.id]);
    const axis = row.channels.axis === -1 ? shape.length - 1 : 1;
    const channels = shape[axis];
    if (channels === undefined || !(channels > 1)) continue;
    const group: ChannelGroup = { producer: node.id, channels, perChannel: [], consumers: [] };
    // Walk forward: (node, axis of the channels in its output, block size per channel).
    const stack: { id: string; axis: number; block: number }[] = [{ id: node.id, axis, block: 1 }];
    let ok = true;
    while (ok && stack.length) {
      const at = stack.pop()!;
      const next = out.get(at.id) ?? [];
      if (next.length === 0) ok = false; // the model's output: its channels are the prediction
      for (const { target, port } of next) {
        const t = byId.get(target);
        const trow = t ? compressRow(t.type) : null;
        if (!t || !trow || port !== 'in') {
          ok = false;
          break;
        }
        const inShape = numDims(analysis.shapes[at.id]);
        const last = inShape.length - 1;
        const rule = trow.channels;
        if (rule.kind === 'producer') {
          // Conv reads channels on axis 1 (one per channel); Dense reads the last dim.
          const fits = rule.axis === 1 ? at.axis === 1 && at.block === 1 : at.axis === last;
          if (!fits || (t.type === 'Conv2d' && Number(t.attrs.groups ?? 1) !== 1)) ok = false;
          else group.consumers.push({ node: target, block: at.block });
        } else if (rule.kind === 'perChannel') {
          const fits = rule.axis === 0 || (at.block === 1 && (rule.axis === 1 ? at.axis === 1 : at.axis === last));
          if (!fits) ok = false;
          else {
            group.perChannel.push(target);
            stack.push({ id: target, axis: at.axis, block: at.block });
          }
        } else if (rule.kind === 'flatten') {
          if (at.axis !== 1) ok = false;
          else stack.push({ id: target, axis: 1, block: at.block * inShape.slice(2).reduce((a, b) => a * b, 1) });
        } else ok = false;
        if (!ok) break;
      }
    }
    if (ok && group.consumers.length) groups.push(group);
  }
  return groups;
}

/** A host tensor as the shrinking works on it. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** Keeps the indices `keep` of `axis` (in order). */
export function takeAlong(t: HostTensor, axis: number, keep: readonly number[]): HostTensor {
  const outer = t.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const n = t.shape[axis]!;
  const data = new Float32Array(outer * keep.length * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < keep.length; k++) {
      const src = (o * n + keep[k]!) * inner;
      data.set(t.data.subarray(src, src + inner), (o * keep.length + k) * inner);
    }
  }
  const shape = [...t.shape];
  shape[axis] = keep.length;
  return { shape, data };
}

/**
 * Removes channels: for each group's producer, keeps only `keep.get(producer)` (sorted
 * channel indices). Returns the smaller graph (attributes changed, ids and edges kept) and
 * the sliced tensors; tensors of untouched nodes are returned as they are.
 */
export function shrinkChannels(graph: GraphJSON, groups: readonly ChannelGroup[], keep: ReadonlyMap<string, readonly number[]>, tensors: Readonly<Record<string, HostTensor>>): { graph: GraphJSON; tensors: Record<string, HostTensor> } {
  const next: Record<string, HostTensor> = { ...tensors };
  const nodes = graph.nodes.map((n) => ({ ...n, attrs: { ...n.attrs } }));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const slice = (node: string, params: Readonly<Record<string, number>>, idx: readonly number[]) => {
    for (const [param, axis] of Object.entries(params)) {
      const name = `${node}.${param}`;
      if (next[name]) next[name] = takeAlong(next[name]!, axis, idx);
    }
  };
  for (const g of groups) {
    const kept = keep.get(g.producer);
    if (!kept) continue;
    if (kept.length === 0) throw new FlowgradError('bad-argument', `structured pruning would remove every channel of '${g.producer}'`, { nodeId: g.producer });
    const p = byId.get(g.producer)!;
    const rule = compressRow(p.type)!.channels;
    if (rule.kind !== 'producer') continue;
    p.attrs[rule.attr] = kept.length;
    slice(g.producer, rule.out, kept);
    for (const id of g.perChannel) {
      const r = compressRow(byId.get(id)!.type)!.channels;
      if (r.kind === 'perChannel') slice(id, r.params, kept);
    }
    for (const c of g.consumers) {
      const r = compressRow(byId.get(c.node)!.type)!.channels;
      if (r.kind !== 'producer') continue;
      const idx = kept.flatMap((ch) => Array.from({ length: c.block }, (_, j) => ch * c.block + j));
      slice(c.node, r.in, idx);
    }
  }
  return { graph: { ...graph, nodes }, tensors: next };
}
