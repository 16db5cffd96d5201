/**
 * Scalar math shared by backends: erf (for exact GELU) in a precise form for the reference
 * backend and float64 tensors, and a fast one (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7)
 * for float32 kernels, where it is below float32's own rounding.
 */
const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * erf to ~1e-15 relative (measured against Python's math.erf on [-6.5, 6.5] in steps of
 * 0.001: worst 1.1e-15). Below 3: A&S 7.1.6, e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3···(2n+1)), whose terms
 * are all positive, so nothing cancels (the plain Taylor series loses digits near 2.5).
 * From 3: 1 − erfc with erfc's continued fraction, which converges fast there. From 6:
 * erfc < 2e-17, so ±1 is the nearest double.
 */
export function erfPrecise(x: number): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return x < 0 ? -1 : 1;
  let r: number;
  if (ax < 3) {
    const x2 = 2 * ax * ax;
    let term = ax, sum = ax;
    for (let k = 3; k < 400; k += 2) {
      term *= x2 / k;
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    r = TWO_OVER_SQRT_PI * Math.exp(-ax * ax) * sum;
  } else {
    let t = ax;
    for (let n = 60; n >= 1; n--) t = ax + n / 2 / t;
    r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / t;
  }
  return x < 0 ? -r : r;
}

export function erfFast(x: number): number {
  const ax = x < 0 ? -x : x;
  const t = 1 / (1 + 0.3275911 * ax);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-ax * ax);
  return x < 0 ? -y : y;
}

/**
 * 2ⁿ for n in [−1100, 1130), exact (subnormals, and ∞ from 2¹⁰²⁴), read by expFast: a table
 * lookup where building the exponent's bits would need a DataView round trip per element.
 */
const POW2_MIN = -1100;
const POW2 = Float64Array.from({ length: 2230 }, (_, i) => 2 ** (i + POW2_MIN));
// ln 2 split so that n·LN2_HI is exact for |n| < 2¹¹ (Cody–Waite reduction).
const LN2_HI = 6.93147180369123816490e-1, LN2_LO = 1.90821492927058770002e-10;

/**
 * eʸ to ~3e-10 relative for y in [−708, 709] (float32's whole range; below, 0 or a subnormal,
 * and ∞ from ~709.4, a little before float64 overflows), NaN for NaN:
 * y = n·ln 2 + r with |r| ≤ ln 2 / 2, eʳ by its Taylor series to r⁸ (remainder < 2.1e-10),
 * times the tabled 2ⁿ. n is rounded with `| 0` on a positive offset: V8's Math.round costs
 * more than the rest (Node: 8.7 ns an element against ~5; Math.exp ~10).
 */
export function expFast(y: number): number {
  const c = y < -746 ? -746 : y > 710 ? 710 : y;
  // n − POW2_MIN, i.e. round(c·log₂e) offset to a positive table index (NaN | 0 is 0: see below).
  const k = (c * Math.LOG2E - POW2_MIN + 0.5) | 0;
  const n = k + POW2_MIN;
  const r = c - n * LN2_HI - n * LN2_LO;
  const p = 1 + r * (1 + r * (1 / 2 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720 + r * (1 / 5040 + r / 40320)))))));
  // A NaN y stays NaN through r (k is 0 then).
  return p * POW2[k]!;
}

/**
 * tanh for float32 kernels, ~1e-9 relative (V8's Math.tanh costs ~17 ns an element): below
 * 1/4 in magnitude its odd Taylor series to x¹¹ (the next term is < 5.3e-11 there), above
 * it 1 − 2/(e²ˣ + 1), which cancels at most ~3 bits of expFast's error at ±1/4 and reaches
 * ±1 as expFast's clamp does. Both are computed and one picked, without a branch on the
 * sign or the size (half of them mispredicted on activations around 0).
 */
export function tanhFast(x: number): number {
  const s = x * x;
  const small = x * (1 + s * (-1 / 3 + s * (2 / 15 + s * (-17 / 315 + s * (62 / 2835 + s * (-1382 / 155925))))));
  const large = 1 - 2 / (expFast(2 * x) + 1);
  return s < 0.0625 ? small : large;
}

/** The logistic sigmoid 1/(1 + e⁻ˣ) for float32 kernels, through expFast (no cancellation: expFast's relative error). */
export function sigmoidFast(x: number): number {
  return 1 / (1 + expFast(-x));
}
