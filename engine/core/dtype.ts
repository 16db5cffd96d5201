/**
 * Element types and their storage. One place decides which typed array holds which dtype and
 * how dtypes combine (bool < int32 < float32 < float64), so kernels and ops never guess.
 * float64 exists mainly for the reference backend: gradient checks run in double precision.
 * float16 is a storage type (half the memory): backends that have it keep 16-bit values and
 * compute in float32 (the CPU stores raw half bits in a Uint16Array, see core/half.ts);
 * makeArray gives float16 a Float32Array, the container its values are computed in.
 */
export type DType = 'float16' | 'float32' | 'float64' | 'int32' | 'bool';
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array | Uint16Array;

const RANK: Record<DType, number> = { bool: 0, int32: 1, float16: 2, float32: 3, float64: 4 };

export function isFloat(d: DType): boolean {
  return d === 'float32' || d === 'float64' || d === 'float16';
}

export function bytesPerElement(d: DType): number {
  return d === 'float64' ? 8 : d === 'bool' ? 1 : d === 'float16' ? 2 : 4;
}

export function makeArray(d: DType, n: number): TypedArray {
  switch (d) {
    case 'float32': case 'float16': return new Float32Array(n);
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
