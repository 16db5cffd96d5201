/**
 * Deterministic test data without the engine's RNG: a linear congruential stream of floats in
 * [min, max), the same numbers on every run and host (thread and replica tests compare runs).
 */
export function seededFloats(n: number, seed: number, min = -1, max = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = min + ((max - min) * s) / 2 ** 32;
  }
  return out;
}
