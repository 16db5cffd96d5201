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
 * tanh for float32 kernels, ~2e-10 relative. V8's Math.tanh costs ~16 ns an element
 * (Chromium and Node), Math.exp ~4.5 in Chromium: below 1/4 in magnitude the odd Taylor
 * series to x¹¹ (the next term is < 5.3e-11 there), above it 1 − 2/(e²ˣ + 1), which cancels
 * at most ~2 bits at ±1/4 and reaches ±1 as e²ˣ reaches ∞ or 0. Both are computed and one
 * picked, with no branch on the sign or the size (half of them mispredicted on activations
 * around 0): ~6 ns in Chromium. (A hand-made exp with a tabled 2ⁿ ran 6.4 ns there against
 * Math.exp's 4.5, so the sigmoid keeps Math.exp.)
 */
export function tanhFast(x: number): number {
  const s = x * x;
  const small = x * (1 + s * (-1 / 3 + s * (2 / 15 + s * (-17 / 315 + s * (62 / 2835 + s * (-1382 / 155925))))));
  const large = 1 - 2 / (Math.exp(2 * x) + 1);
  return s < 0.0625 ? small : large;
}
