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
