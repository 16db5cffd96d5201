/**
 * Stripping after pruning: the masks are dropped (the zeros stay in the weights), and for
 * channel pruning the graph really shrinks — its producers lose the zeroed channels and the
 * weights are sliced to match (channels.ts), so the saved model is smaller and faster.
 */
import type { GraphJSON } from '../graph/types.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import { FlowgradError } from '../core/errors.ts';
import { encodeSafetensors } from '../project/safetensors.ts';
import type { GraphModel } from '../train/graphModel.ts';
import { channelGroups, shrinkChannels, type HostTensor } from './channels.ts';

/** The model's parameters and buffers as host arrays (synchronous reads: the CPU backends). */
export function hostTensors(model: GraphModel): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {};
  for (const [name, t] of [...model.namedParameters(), ...model.namedBuffers()]) out[name] = { shape: [...t.shape], data: Float32Array.from(t.dataSync()) };
  return out;
}

/** A float32 safetensors file of host tensors, named as the engine saves weights. */
export function encodeHostTensors(tensors: Readonly<Record<string, HostTensor>>): Uint8Array {
  const input: Parameters<typeof encodeSafetensors>[0] = {};
  for (const [name, t] of Object.entries(tensors)) input[name] = { dtype: 'F32', shape: t.shape, data: t.data };
  return encodeSafetensors(input, { format: 'flowgrad', producer: 'flowgrad' });
}

/** The smaller graph and its weights with the channels outside `keep` removed. */
export function stripChannels(model: GraphModel, keep: ReadonlyMap<string, readonly number[]>): { graph: GraphJSON; tensors: Record<string, HostTensor> } {
  const groups = channelGroups(model.graph, model.analysis);
  const shrunk = shrinkChannels(model.graph, groups, keep, hostTensors(model));
  const a = analyzeGraph(shrunk.graph);
  const err = a.issues.find((i) => i.severity === 'error');
  if (!a.ok || err) throw new FlowgradError('graph', `channel pruning produced an invalid graph: ${err?.message ?? 'unknown error'}`, err?.nodeId ? { nodeId: err.nodeId } : {});
  return shrunk;
}
