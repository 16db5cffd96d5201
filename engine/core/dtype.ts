/**
 * Element types and their storage. One place decides which typed array holds which dtype and
 * how dtypes combine (bool < int32 < float32 < float64), so kernels and ops never guess.
 * float64 exists mainly for the reference backend: gradient checks run in double precision.
 */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

export function isFloat(d: DType): boolean {
  return d === 'float32' || d === 'float64';
}

export function bytesPerElement(d: DType): number {
  return d === 'float64' ? 8 : d === 'bool' ? 1 : 4;
}

export function makeArray(d: DType, n: number): TypedArray {
  switch (d) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'int32': return new Int32Array(n);
    case 'bool': return new Uint8Array(n);
    default: return d satisfies never;
  }
}

/** The dtype able to hold both operands (NumPy/PyTorch-style promotion). */
export function promote(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Floating dtype an operation on `d` computes in (int/bool become float32). */
export function floatOf(d: DType): DType {
  return isFloat(d) ? d : 'float32';
}

export function dtypeOfArray(a: ArrayLike<number>): DType | null {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array) return 'bool';
  return null;
}
