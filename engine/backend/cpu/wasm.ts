/**
 * A WebAssembly SIMD matmul micro-kernel for the CPU backend, assembled here from opcodes
 * (no toolchain, no download): `mm(ap, bp, cp, mPanels, nPanels, k)` multiplies A packed in
 * 4-row panels by B packed in 8-column panels, keeping a 4×8 block of C in eight f32x4
 * registers while it streams k (v128.load32_splat of A times two f32x4 loads of B). C is
 * written row-major with its width padded to a multiple of 8. The module is validated with
 * WebAssembly.validate and instantiated synchronously (it is tiny); where WebAssembly or
 * SIMD is missing, `wasmMatmul` is null and the JS kernels run instead.
 */

interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number }) => { buffer: ArrayBuffer; grow(pages: number): number };
}

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
};
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const str = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Opcodes.
const get = (i: number) => [0x20, ...uleb(i)], set = (i: number) => [0x21, ...uleb(i)];
const i32c = (v: number) => [0x41, ...sleb(v)];
const ADD = 0x6a, MUL = 0x6c, GE_U = 0x4f;
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const mem = (align: number, offset: number) => [align, ...uleb(offset)];
const V_LOAD = (off: number) => simd(0x00, ...mem(2, off)), V_SPLAT = (off: number) => simd(0x09, ...mem(2, off));
const V_STORE = (off: number) => simd(0x0b, ...mem(2, off)), F_ADD = simd(0xe4), F_MUL = simd(0xe6);
const V_ZERO = simd(0x0c, ...new Array<number>(16).fill(0));

// Locals: params 0 ap, 1 bp, 2 cp, 3 mp, 4 np, 5 k; i32 6 i, 7 j, 8 p, 9 aptr, 10 bptr, 11 row, 12 ldc;
// v128 13..20 accumulators (row r, half h → 13 + 2r + h), 21 b0, 22 b1, 23 a.
const [AP, BP, CP, MP, NP, K, I, J, P, APTR, BPTR, ROW, LDC] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const ACC = (r: number, h: number) => 13 + 2 * r + h, B0 = 21, B1 = 22, A = 23;

function body(): number[] {
  const c: number[] = [];
  const emit = (...xs: (number | number[])[]) => {
    for (const x of xs) {
      if (typeof x === 'number') c.push(x);
      else c.push(...x);
    }
  };
  emit(get(NP), i32c(32), MUL, set(LDC)); // bytes per C row
  emit(i32c(0), set(I));
  emit(0x02, 0x40, 0x03, 0x40); // block { loop i
  emit(get(I), get(MP), GE_U, 0x0d, 1); // br_if out
  emit(i32c(0), set(J));
  emit(0x02, 0x40, 0x03, 0x40); // block { loop j
  emit(get(J), get(NP), GE_U, 0x0d, 1);
  emit(get(AP), get(I), get(K), MUL, i32c(16), MUL, ADD, set(APTR));
  emit(get(BP), get(J), get(K), MUL, i32c(32), MUL, ADD, set(BPTR));
  for (let r = 0; r < 4; r++) for (let h = 0; h < 2; h++) emit(V_ZERO, set(ACC(r, h)));
  emit(get(K), set(P));
  emit(0x02, 0x40, 0x03, 0x40); // block { loop p
  emit(get(P), 0x45, 0x0d, 1); // p == 0 → out
  emit(get(BPTR), V_LOAD(0), set(B0), get(BPTR), V_LOAD(16), set(B1));
  for (let r = 0; r < 4; r++) {
    emit(get(APTR), V_SPLAT(4 * r), set(A));
    for (let h = 0; h < 2; h++) emit(get(ACC(r, h)), get(A), get(h ? B1 : B0), F_MUL, F_ADD, set(ACC(r, h)));
  }
  emit(get(APTR), i32c(16), ADD, set(APTR), get(BPTR), i32c(32), ADD, set(BPTR));
  emit(get(P), i32c(-1), ADD, set(P), 0x0c, 0, 0x0b, 0x0b); // br loop p; end loop; end block
  // row = cp + i·4·ldc + j·32; store the 4×8 block
  emit(get(CP), get(I), i32c(4), MUL, get(LDC), MUL, ADD, get(J), i32c(32), MUL, ADD, set(ROW));
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) emit(get(ROW), get(ACC(r, h)), V_STORE(16 * h));
    emit(get(ROW), get(LDC), ADD, set(ROW));
  }
  emit(get(J), i32c(1), ADD, set(J), 0x0c, 0, 0x0b, 0x0b); // j++; br loop j; end; end
  emit(get(I), i32c(1), ADD, set(I), 0x0c, 0, 0x0b, 0x0b); // i++; br loop i; end; end
  emit(0x0b);
  const locals = [2, ...uleb(7), 0x7f, ...uleb(11), 0x7b];
  const fn = [...locals, ...c];
  return [...uleb(fn.length), ...fn];
}

export function moduleBytes(): Uint8Array<ArrayBuffer> {
  const type = section(1, [1, 0x60, 6, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]);
  const imp = section(2, [1, ...str('e'), ...str('m'), 0x02, 0x00, 1]);
  const func = section(3, [1, 0]);
  const exp = section(7, [1, ...str('mm'), 0x00, 0]);
  const code = section(10, [1, ...body()]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...imp, ...func, ...exp, ...code]);
}

export interface WasmMatmul {
  /** Float32 view of `floats` floats of the module's memory (valid until the next call). */
  view(floats: number): Float32Array;
  /** C (padded) = packed A · packed B; offsets in floats into view(). */
  mm(aOff: number, bOff: number, cOff: number, mPanels: number, nPanels: number, k: number): void;
}

function load(): WasmMatmul | null {
  const wa = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wa) return null;
  try {
    const bytes = moduleBytes();
    if (!wa.validate(bytes)) return null;
    const memory = new wa.Memory({ initial: 16 });
    const inst = new wa.Instance(new wa.Module(bytes), { e: { m: memory } });
    const mm = inst.exports.mm as (...a: number[]) => void;
    let f32 = new Float32Array(memory.buffer);
    return {
      view(floats) {
        const need = floats * 4 - memory.buffer.byteLength;
        if (need > 0) memory.grow(Math.ceil(need / 65536));
        if (f32.buffer !== memory.buffer) f32 = new Float32Array(memory.buffer);
        return f32;
      },
      mm: (a, b, c, mp, np, k) => mm(a * 4, b * 4, c * 4, mp, np, k),
    };
  } catch {
    return null;
  }
}

/** The SIMD kernel, or null where this host cannot run it. */
export const wasmMatmul: WasmMatmul | null = load();
