/**
 * IEEE 754 half precision (float16) conversions. ES2022 has no Float16Array, so float16
 * tensors are stored as raw 16-bit patterns (Uint16Array on the CPU backend) and converted
 * to and from float32 at kernel boundaries: round to nearest, ties to even, with subnormals,
 * infinities and NaN handled as the standard says.
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float16 bit pattern nearest to v. */
export function toHalfBits(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow → Inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow → ±0
    mant |= 0x800000; // implicit bit, then shift into a subnormal
    const shift = 14 - e;
    const half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1), mid = 1 << (shift - 1);
    return sign | (half + (rem > mid || (rem === mid && (half & 1)) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  return sign | (half + (rem > 0x1000 || (rem === 0x1000 && (half & 1)) ? 1 : 0)); // carry may round up to Inf: correct
}

/** The value of a float16 bit pattern. */
export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f, mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** v rounded to the nearest float16 value. */
export const roundHalf = (v: number): number => fromHalfBits(toHalfBits(v));

export function decodeHalf(src: Uint16Array, dst: Float32Array, n = src.length): Float32Array {
  for (let i = 0; i < n; i++) dst[i] = fromHalfBits(src[i]);
  return dst;
}

export function encodeHalf(src: ArrayLike<number>, dst: Uint16Array, n = dst.length): Uint16Array {
  for (let i = 0; i < n; i++) dst[i] = toHalfBits(src[i]);
  return dst;
}
