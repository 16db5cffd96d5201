/**
 * The WebAssembly encodings the CPU kernels are assembled from (wasm.ts, wasmAdam.ts): LEB128
 * integers, sections, locals, constants and the (SIMD) instructions they use.
 */
export const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
export const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
};
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
export const str = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/** A function body's code, opcodes and operand lists flattened. */
export function code(): { c: number[]; emit: (...xs: (number | number[])[]) => void } {
  const c: number[] = [];
  const emit = (...xs: (number | number[])[]) => {
    for (const x of xs) {
      if (typeof x === 'number') c.push(x);
      else c.push(...x);
    }
  };
  return { c, emit };
}

// Opcodes.
export const get = (i: number) => [0x20, ...uleb(i)], set = (i: number) => [0x21, ...uleb(i)];
export const i32c = (v: number) => [0x41, ...sleb(v)];
export const ADD = 0x6a, MUL = 0x6c, GE_U = 0x4f;
export const I32_LOAD = (off: number) => [0x28, 2, ...uleb(off)];
export const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
export const mem = (align: number, offset: number) => [align, ...uleb(offset)];
export const V_LOAD = (off: number) => simd(0x00, ...mem(0, off)), V_SPLAT = (off: number) => simd(0x09, ...mem(2, off));
export const V_STORE = (off: number) => simd(0x0b, ...mem(0, off)), F_ADD = simd(0xe4), F_MUL = simd(0xe6);
export const V_ZERO = simd(0x0c, ...new Array<number>(16).fill(0));
/** i8x16.shuffle by 32-bit lanes (0–3 the first operand's, 4–7 the second's). */
export const SHUFFLE = (lanes: number[]) => simd(0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));
