/**
 * ONNX import rows for embeddings and recurrent layers. ONNX's LSTM and GRU read sequences
 * first ([L,N,F]) and give Y [L,1,N,H] and Y_h [1,N,H]; Flowgrad's layers are batch first
 * with one output. So the Transpose before such a layer, the layer itself and the
 * Squeeze/Transpose after it are held back (Pending) until the pattern says which output is
 * used; only then the Flowgrad LSTM/GRU is made, its weights taken back from ONNX's gate
 * order (LSTM i,o,f,c; GRU z,r,h) to PyTorch's (i,f,g,o; r,z,n) that the engine uses.
 */
import { strFromU8 } from 'fflate';
import type { HostTensor } from './builder.ts';
import { intAttr, intsAttr, type ImportNode, type Importer } from './importNode.ts';

/** Where PyTorch's gate block i sits in ONNX's order. */
const ONNX_BLOCK: Record<'LSTM' | 'GRU', number[]> = { LSTM: [0, 2, 3, 1], GRU: [1, 0, 2] };

/** Rows [gates·H, …] of `t` (from offset `at` in a flat tensor) in PyTorch's gate order. */
function toTorchOrder(data: Float32Array, at: number, gates: number, rowLen: number, h: number, op: 'LSTM' | 'GRU'): Float32Array {
  const out = new Float32Array(gates * h * rowLen), block = h * rowLen;
  ONNX_BLOCK[op].forEach((src, dst) => out.set(data.subarray(at + src * block, at + (src + 1) * block), dst * block));
  return out;
}

/**
 * Nodes that only compute on the input's shape: PyTorch's exporter sizes an LSTM's zero
 * initial states as ConstantOfShape(Concat(1, Gather(Shape(x), 0), H)). They are held back as
 * shape values, and ConstantOfShape of zero becomes the zeros Flowgrad's layers start from.
 * Returns whether the node was such a node.
 */
export function holdShapeMath(c: ImportNode): boolean {
  const ins = c.node.input.map((_, i) => c.pending(i)?.kind ?? (c.konst(i) || !c.node.input[i] ? 'const' : 'value'));
  if (c.node.opType === 'Shape') return c.hold(0, { kind: 'shape' }), true;
  if (!ins.includes('shape') || ins.some((k) => k !== 'shape' && k !== 'const')) return false;
  if (c.node.opType === 'ConstantOfShape') {
    const v = c.attrs.get('value')?.t;
    if (v && !(v.rawData.every((b) => b === 0) && v.floatData.every((x) => x === 0) && v.int64Data.every((x) => x === 0n))) c.fail('only zeros sized by the batch are supported');
    return c.hold(0, { kind: 'zeros' }), true;
  }
  if (!['Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Cast', 'Slice', 'Reshape', 'Identity'].includes(c.node.opType)) return false;
  c.node.output.forEach((_, i) => c.hold(i, { kind: 'shape' }));
  return true;
}

const isZero = (c: ImportNode, i: number) => c.pending(i)?.kind === 'zeros' || (c.konst(i)?.data.every((v) => v === 0) ?? false);

function recurrent(op: 'LSTM' | 'GRU'): Importer {
  const gates = op === 'LSTM' ? 4 : 3;
  return (c) => {
    const a = c.attrs;
    const x = c.pending(0);
    const src = x?.kind === 'seqFirst' ? x.of : c.fail('only an input transposed from batch first ([N,L,F] → [L,N,F]) maps to a Flowgrad layer; use layout 0 with that Transpose before it');
    if (intAttr(a, 'layout', 0) !== 0) c.fail('layout 1 is not supported; export with the default sequence-first layout');
    const dir = a.get('direction')?.s;
    if (dir && strFromU8(dir) !== 'forward') c.fail('only forward (one-direction) layers are in the catalog');
    if (a.has('activations') || a.has('clip') || intAttr(a, 'input_forget', 0) !== 0) c.fail('custom activations, clip and input_forget are not supported');
    if (op === 'GRU' && intAttr(a, 'linear_before_reset', 0) !== 1) c.fail('only linear_before_reset = 1 (PyTorch\'s GRU) maps to Flowgrad\'s GRU');
    const [w, r, b] = [c.konst(1), c.konst(2), c.node.input[3] ? c.konst(3) : null];
    if (!w || !r || (c.node.input[3] && !b)) c.fail('W, R and B must be initializers or constants');
    if (w!.shape[0] !== 1) c.fail('only one direction is supported');
    const h = intAttr(a, 'hidden_size', r!.shape[2] ?? 0);
    if (c.node.input[4]) c.fail('sequence_lens is not supported (every sequence has the full length)');
    for (const i of op === 'LSTM' ? [5, 6, 7] : [5]) if (c.node.input[i] && !isZero(c, i)) c.fail('initial states must be zero (or absent), as Flowgrad\'s layers start from zero');
    const f = w!.shape[2]!;
    let made: [boolean, string] | null = null;
    const make = (returnSequences: boolean): string => {
      if (made && made[0] === returnSequences) return made[1];
      const id = c.add(c.base, op, { hiddenSize: h, returnSequences, bias: !!b }, [src]);
      const weights: Record<string, HostTensor> = {
        weight_ih_l0: { shape: [gates * h, f], data: toTorchOrder(w!.data, 0, gates, f, h, op) },
        weight_hh_l0: { shape: [gates * h, h], data: toTorchOrder(r!.data, 0, gates, h, h, op) },
      };
      if (b) {
        weights.bias_ih_l0 = { shape: [gates * h], data: toTorchOrder(b.data, 0, gates, 1, h, op) };
        weights.bias_hh_l0 = { shape: [gates * h], data: toTorchOrder(b.data, gates * h, gates, 1, h, op) };
      }
      for (const [k, t] of Object.entries(weights)) c.weights[`${id}.${k}`] = t;
      made = [returnSequences, id];
      return id;
    };
    c.hold(0, { kind: 'rnn', out: 'Y', make });
    if (c.node.output[1]) c.hold(1, { kind: 'rnn', out: 'Yh', make });
    return null;
  };
}

/** The axes of (Un)Squeeze: the second input since opset 13, the attribute before. */
const axesOf = (c: ImportNode): number[] | null => c.konst(1)?.ints ?? intsAttr(c.attrs, 'axes');

const squeeze: Importer = (c) => {
  const p = c.pending(0);
  const axes = axesOf(c);
  if (p?.kind === 'rnn') {
    if (p.out === 'Yh' && axes?.length === 1 && axes[0] === 0) return p.make(false); // Y_h [1,N,H] → [N,H]
    if (p.out === 'Y' && axes?.length === 1 && axes[0] === 1) return c.hold(0, { ...p, out: 'Yseq' }), null; // Y [L,1,N,H] → [L,N,H]
    c.fail('only Y_h squeezed on axis 0, or Y on axis 1, maps to a Flowgrad recurrent layer');
  }
  const src = c.value(0);
  const s = c.sampleOf(src);
  const drop = (axes ?? s.flatMap((d, i) => (d === 1 ? [i + 1] : []))).map((a) => (a < 0 ? a + s.length + 1 : a));
  if (drop.includes(0) || drop.some((a) => s[a - 1] !== 1)) c.fail('only size-1 axes after the batch dimension can be squeezed');
  return c.add(c.base, 'Reshape', { shape: s.filter((_, i) => !drop.includes(i + 1)) }, [src]);
};

const unsqueeze: Importer = (c) => {
  const src = c.value(0);
  const s = c.sampleOf(src);
  const rank = s.length + 1 + (axesOf(c)?.length ?? 0);
  const axes = (axesOf(c) ?? c.fail('axes are required')).map((a) => (a < 0 ? a + rank : a)).sort((p, q) => p - q);
  if (axes.includes(0)) c.fail('a new axis before the batch dimension is not supported');
  const shape = [0, ...s];
  for (const a of axes) shape.splice(a, 0, 1);
  return c.add(c.base, 'Reshape', { shape: shape.slice(1) }, [src]);
};

/** Transpose: the batch↔sequence swap around recurrent layers; everything else is importOps' row. */
export function seqTranspose(c: ImportNode, other: Importer): string | null {
  const perm = intsAttr(c.attrs, 'perm');
  const p = c.pending(0);
  const swap = perm?.join(',') === '1,0,2';
  if (p?.kind === 'rnn' && p.out === 'Yseq' && swap) return p.make(true); // [L,N,H] → [N,L,H]
  if (p) c.fail('this transpose of a recurrent layer\'s output has no Flowgrad layer');
  if (swap && c.konst(0) === null && c.sampleOf(c.value(0)).length === 2) {
    c.hold(0, { kind: 'seqFirst', of: c.value(0) });
    return null;
  }
  return other(c);
}

/** Cast to integers marks ids (Flowgrad keeps them as float32 and truncates, like Embedding does). */
const cast: Importer = (c) => {
  const to = intAttr(c.attrs, 'to', 1);
  if (to === 6 || to === 7) return c.hold(0, { kind: 'ids', of: c.value(0) }), null;
  if (to === 1) return c.value(0);
  return c.fail('only casts to float32 or to integer ids are supported');
};

/** Gather rows of a constant table by the input's ids: an Embedding. */
const gather: Importer = (c) => {
  const p0 = c.pending(0), at = c.konst(1);
  // Y_h[-1] (PyTorch's h[-1]): the one layer's last state.
  if (p0?.kind === 'rnn' && p0.out === 'Yh' && at && at.data.length === 1 && (at.data[0] === 0 || at.data[0] === -1) && intAttr(c.attrs, 'axis', 0) === 0) return p0.make(false);
  const table = c.konst(0);
  if (!table || table.shape.length !== 2 || intAttr(c.attrs, 'axis', 0) !== 0) c.fail('only rows of a constant 2-D table looked up by the input (an embedding) map to Embedding');
  const p = c.pending(1);
  const ids = p?.kind === 'ids' ? p.of : c.value(1);
  const id = c.add(c.base, 'Embedding', { numEmbeddings: table!.shape[0]!, embeddingDim: table!.shape[1]! }, [ids]);
  c.weights[`${id}.weight`] = { shape: table!.shape, data: table!.data };
  return id;
};

export const SEQUENCE_IMPORTERS: Readonly<Record<string, Importer>> = {
  LSTM: recurrent('LSTM'),
  GRU: recurrent('GRU'),
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Cast: cast,
  Gather: gather,
};
