/**
 * ONNX rows for convolutions, pooling and normalization. Weight layouts are already ONNX's
 * (Conv [out, in/groups, k...], ConvTranspose [in, out/groups, k...]); pooling counts padding
 * in averages as PyTorch does; adaptive average pooling is the same two averaging matrices
 * the engine multiplies by; GroupNorm is InstanceNormalization over [N, groups, rest], then
 * the per-channel scale and shift.
 */
import { num, sampleDims, type EmitContext, type OnnxFamily, type OnnxLayer } from './types.ts';

const rep = (v: number, n: number): number[] => Array.from({ length: n }, () => v);
const convInputs = (c: EmitContext): string[] => {
  const bias = c.optional('bias');
  return bias ? [c.inputs[0]!, c.weight('weight'), bias] : [c.inputs[0]!, c.weight('weight')];
};

function conv(dims: 1 | 2, group: (c: EmitContext) => number): OnnxLayer {
  return {
    emit(c) {
      const a = c.attrs;
      return c.b.node(c.id, 'Conv', convInputs(c), {
        kernel_shape: rep(num(a.kernelSize), dims), strides: rep(num(a.stride), dims), pads: rep(num(a.padding), 2 * dims),
        dilations: rep(num(a.dilation ?? 1), dims), group: group(c),
      });
    },
  };
}

function pool(op: 'MaxPool' | 'AveragePool', dims: 1 | 2): OnnxLayer {
  return {
    emit(c) {
      const k = num(c.attrs.kernelSize), s = num(c.attrs.stride) || k, p = num(c.attrs.padding);
      const attrs = { kernel_shape: rep(k, dims), strides: rep(s, dims), pads: rep(p, 2 * dims), ...(op === 'AveragePool' ? { count_include_pad: 1 } : {}) };
      return c.b.node(c.id, op, [c.inputs[0]!], attrs);
    },
  };
}

/** The [o, n] matrix whose row i averages positions floor(i·n/o) .. ceil((i+1)·n/o) − 1 (as ops/conv.ts). */
function adaptiveMatrix(n: number, o: number): Float32Array {
  const m = new Float32Array(o * n);
  for (let i = 0; i < o; i++) {
    const s = Math.floor((i * n) / o), e = Math.ceil(((i + 1) * n) / o);
    for (let j = s; j < e; j++) m[i * n + j] = 1 / (e - s);
  }
  return m;
}

/** Scale and shift per channel: the node's affine parameters, or 1 and 0 when it has none. */
function affine(c: EmitContext, channels: number): [string, string] {
  const w = c.optional('weight'), b = c.optional('bias');
  return [w ?? c.b.floats(c.id, [channels], rep(1, channels)), b ?? c.b.floats(c.id, [channels], rep(0, channels))];
}

const batchNorm: OnnxLayer = {
  emit(c) {
    const ch = sampleDims(c.inShapes[0]!)[0]!;
    const [scale, shift] = affine(c, ch);
    // Files from before the running statistics were saved predict with the defaults (mean 0, variance 1), as the engine does.
    const mean = c.buffer(['running_mean', 'runningMean']) ?? c.b.floats(c.id, [ch], rep(0, ch));
    const variance = c.buffer(['running_var', 'runningVar']) ?? c.b.floats(c.id, [ch], rep(1, ch));
    return c.b.node(c.id, 'BatchNormalization', [c.inputs[0]!, scale, shift, mean, variance], { epsilon: { float: num(c.attrs.eps) } });
  },
};

export const CONV_ONNX = {
  Conv1d: conv(1, () => 1),
  Conv2d: conv(2, (c) => num(c.attrs.groups)),
  DepthwiseConv2d: conv(2, (c) => sampleDims(c.inShapes[0]!)[0]!),
  ConvTranspose2d: {
    emit(c) {
      const a = c.attrs;
      return c.b.node(c.id, 'ConvTranspose', convInputs(c), {
        kernel_shape: rep(num(a.kernelSize), 2), strides: rep(num(a.stride), 2), pads: rep(num(a.padding), 4), output_padding: rep(num(a.outputPadding), 2),
      });
    },
  },
  MaxPool1d: pool('MaxPool', 1),
  MaxPool2d: pool('MaxPool', 2),
  AvgPool1d: pool('AveragePool', 1),
  AvgPool2d: pool('AveragePool', 2),
  GlobalAvgPool: {
    emit(c) {
      const rank = c.inShapes[0]!.length;
      const axes = c.b.ints(c.id, Array.from({ length: rank - 2 }, (_, i) => i + 2));
      return c.b.node(c.id, 'ReduceMean', [c.inputs[0]!, axes], { keepdims: 0 });
    },
  },
  AdaptiveAvgPool: {
    emit(c) {
      const [, h, w] = sampleDims(c.inShapes[0]!) as [number, number, number];
      const [oh, ow] = c.attrs.outputSize as [number, number];
      const pwT = adaptiveMatrix(w, ow), ph = adaptiveMatrix(h, oh);
      // [N,C,h,w] @ pwᵀ [w,ow] → [N,C,h,ow]; ph [oh,h] @ that → [N,C,oh,ow].
      const t = new Float32Array(w * ow);
      for (let i = 0; i < ow; i++) for (let j = 0; j < w; j++) t[j * ow + i] = pwT[i * w + j]!;
      const cols = c.b.node(c.id, 'MatMul', [c.inputs[0]!, c.b.floats(c.id, [w, ow], t)]);
      return c.b.node(c.id, 'MatMul', [c.b.floats(c.id, [oh, h], ph), cols]);
    },
  },
  BatchNorm1d: batchNorm,
  BatchNorm2d: batchNorm,
  LayerNorm: {
    emit(c) {
      const d = sampleDims(c.inShapes[0]!);
      const [scale, shift] = affine(c, d[d.length - 1]!);
      return c.b.node(c.id, 'LayerNormalization', [c.inputs[0]!, scale, shift], { axis: -1, epsilon: { float: num(c.attrs.eps) } });
    },
  },
  GroupNorm: {
    emit(c) {
      const b = c.b, x = c.inputs[0]!;
      const dims = sampleDims(c.inShapes[0]!);
      const ch = dims[0]!, g = num(c.attrs.groups);
      const grouped = b.node(c.id, 'Reshape', [x, b.ints(c.id, [0, g, -1])]);
      const normed = b.node(c.id, 'InstanceNormalization', [grouped, b.floats(c.id, [g], rep(1, g)), b.floats(c.id, [g], rep(0, g))], { epsilon: { float: num(c.attrs.eps) } });
      const back = b.node(c.id, 'Reshape', [normed, b.ints(c.id, [0, ...dims])]);
      if (c.attrs.affine === false) return back;
      // weight [C] → [C, 1, ...] so it broadcasts over the positions.
      const perChannel = b.ints(c.id, [ch, ...rep(1, dims.length - 1)]);
      const [scale, shift] = affine(c, ch);
      const scaled = b.node(c.id, 'Mul', [back, b.node(c.id, 'Reshape', [scale, perChannel])]);
      return b.node(c.id, 'Add', [scaled, b.node(c.id, 'Reshape', [shift, perChannel])]);
    },
  },
} satisfies OnnxFamily;
