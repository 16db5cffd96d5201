/**
 * ONNX rows for the dense, merge, reshaping, activation and dropout layers, and Custom Code
 * (which cannot be exported). Dense keeps PyTorch's weight layout [units, in]: Gemm with
 * transB for [N,F] inputs, a Transpose + MatMul for [N,...,F]. GELU is the exact erf form
 * (opset 18 has no Gelu operator); Dropout is the identity, as when predicting.
 */
import { num, sampleDims, type EmitContext, type OnnxFamily } from './types.ts';

const one = (op: string, attrs: (c: EmitContext) => Record<string, number | number[] | { float: number }> = () => ({})) => ({
  emit: (c: EmitContext) => c.b.node(c.id, op, [c.inputs[0]!], attrs(c)),
});

/** x·W[units,in]ᵀ + b along the last dimension. */
export function dense(c: EmitContext, x: string, rank: number, weight: string, bias: string | null, scope = c.id): string {
  if (rank === 2) return c.b.node(scope, 'Gemm', bias ? [x, weight, bias] : [x, weight], { transB: 1 });
  const y = c.b.node(scope, 'MatMul', [x, c.b.node(scope, 'Transpose', [weight], { perm: [1, 0] })]);
  return bias ? c.b.node(scope, 'Add', [y, bias]) : y;
}

/** GELU(x) = x·Φ(x) = 0.5·x·(1 + erf(x/√2)). */
export function gelu(c: EmitContext, x: string, scope = c.id): string {
  const b = c.b;
  const erf = b.node(scope, 'Erf', [b.node(scope, 'Mul', [x, b.scalar(scope, Math.SQRT1_2)])]);
  return b.node(scope, 'Mul', [b.node(scope, 'Mul', [x, b.scalar(scope, 0.5)]), b.node(scope, 'Add', [erf, b.scalar(scope, 1)])]);
}

export const CORE_ONNX = {
  Dense: { emit: (c) => dense(c, c.inputs[0]!, c.inShapes[0]!.length, c.weight('weight'), c.optional('bias')) },
  Add: { emit: (c) => c.b.node(c.id, 'Add', [c.inputs[0]!, c.inputs[1]!]) },
  Multiply: { emit: (c) => c.b.node(c.id, 'Mul', [c.inputs[0]!, c.inputs[1]!]) },
  Concat: { emit: (c) => c.b.node(c.id, 'Concat', [c.inputs[0]!, c.inputs[1]!], { axis: num(c.attrs.dim) }) },
  Flatten: one('Flatten', () => ({ axis: 1 })),
  // 0 copies the batch dimension; the per-sample dims are the inferred ones (a -1 resolved).
  Reshape: { emit: (c) => c.b.node(c.id, 'Reshape', [c.inputs[0]!, c.b.ints(c.id, [0, ...sampleDims(c.outShape)])]) },
  Permute: one('Transpose', (c) => ({ perm: [0, ...(c.attrs.dims as number[])] })),
  Upsample: {
    emit(c) {
      const s = num(c.attrs.scale);
      const scales = c.b.floats(c.id, [c.inShapes[0]!.length], c.inShapes[0]!.map((_, i) => (i < 2 ? 1 : s)));
      return c.b.node(c.id, 'Resize', [c.inputs[0]!, '', scales], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
    },
  },
  ReLU: one('Relu'),
  LeakyReLU: one('LeakyRelu', (c) => ({ alpha: { float: num(c.attrs.slope) } })),
  ELU: one('Elu', (c) => ({ alpha: { float: num(c.attrs.alpha) } })),
  GELU: { emit: (c) => gelu(c, c.inputs[0]!) },
  SiLU: { emit: (c) => c.b.node(c.id, 'Mul', [c.inputs[0]!, c.b.node(c.id, 'Sigmoid', [c.inputs[0]!])]) },
  Tanh: one('Tanh'),
  Sigmoid: one('Sigmoid'),
  Softmax: one('Softmax', (c) => ({ axis: num(c.attrs.dim) })),
  LogSoftmax: one('LogSoftmax', (c) => ({ axis: num(c.attrs.dim) })),
  Dropout: one('Identity'),
  CustomCode: { unsupported: 'its forward pass is JavaScript, which ONNX cannot express; replace it with catalog layers to export the model' },
} satisfies OnnxFamily;
