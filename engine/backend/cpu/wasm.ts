/**
 * A WebAssembly SIMD matmul micro-kernel for the CPU backend, assembled here from opcodes
 * (no toolchain, no download). `mm` keeps a 4×8 block of C in eight f32x4 registers while it
 * streams k (v128.load32_splat of four A rows times two f32x4 loads of B). Both operands are
 * addressed through tables, so they are read where they lie instead of being packed first:
 *  - A: a table of absolute byte addresses, one per row (4 per panel), plus one byte step
 *    along k — row-major (step 4), column-major / transposed (step 4·m) and packed panels
 *    all fit; rows past m point at a valid row, so nothing is read out of range.
 *  - B: a table of byte offsets of each row p (k entries) plus a panel stride: row-major B
 *    (offset p·ldb·4, panel 32), packed 8-column panels (offset 32p, panel 32k) and the
 *    implicit-GEMM convolution (each row of the virtual im2col matrix is a shifted window of
 *    the padded image) are the same loop.
 * C blocks are stored (or, with `acc`, added) at cp + i·4·ldc + j·32 bytes. Panels are walked
 * B-panel outer, A-panel inner, so one B panel stays in L1 while A streams from L2.
 * `mmp` is the same 4×8 block over operands packed into panels, and `pack` packs them;
 * `adam` is Adam's step (wasmAdam.ts), `ew` float32 elementwise rows, `colsum` and `rowsum`
 * sums over rows and along them (wasmEw.ts).
 * Validated with WebAssembly.validate and instantiated synchronously (it is tiny); where
 * WebAssembly or SIMD is missing, `wasmMatmul` is null and the JS kernels run instead.
 */
import { useWasmPack } from './pack.ts';
import type { WasmPack } from './pack.ts';
import { ADD, F_ADD, F_MUL, GE_U, I32_LOAD, MUL, SHUFFLE, V_LOAD, V_SPLAT, V_STORE, V_ZERO, code, get, i32c, section, set, str, uleb } from './wasmAsm.ts';
import { adamBody, ADAM_TYPE } from './wasmAdam.ts';
import { useWasmAdam } from './optim.ts';
import type { WasmAdam } from './optim.ts';
import { colSumBody, ewBody, EW_TYPE, rowSumBody } from './wasmEw.ts';
import { useWasmEw } from './elementwise.ts';
import type { WasmEw } from './elementwise.ts';
import { useWasmColSum, useWasmRowSum } from './reduce.ts';
import type { WasmColSum, WasmRowSum } from './reduce.ts';

interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}
export interface WasmMemory { buffer: ArrayBuffer | SharedArrayBuffer; grow(pages: number): number }

// Params: 0 atab, 1 ak, 2 bp, 3 btab, 4 bps, 5 cp, 6 ldc, 7 mp, 8 np, 9 k, 10 acc.
// i32 locals: 11 i, 12 j, 13 p, 14 a0, 15 a1, 16 a2, 17 a3, 18 tptr, 19 bbase, 20 row, 21 bptr.
// v128 locals: 22..29 accumulators (row r, half h → 22 + 2r + h), 30 b0, 31 b1, 32 a.
const [ATAB, AK, BP, BTAB, BPS, CP, LDC, MP, NP, K, ACCF] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const [I, J, P, A0, TPTR, BBASE, ROW, BPTR] = [11, 12, 13, 14, 18, 19, 20, 21];
const ACC = (r: number, h: number) => 22 + 2 * r + h, B0 = 30, B1 = 31, AV = 32;

function body(): number[] {
  const { c, emit } = code();
  emit(i32c(0), set(J));
  emit(0x02, 0x40, 0x03, 0x40); // block { loop j (B panels)
  emit(get(J), get(NP), GE_U, 0x0d, 1); // br_if out
  emit(get(BP), get(J), get(BPS), MUL, ADD, set(BBASE));
  emit(i32c(0), set(I));
  emit(0x02, 0x40, 0x03, 0x40); // block { loop i (A panels)
  emit(get(I), get(MP), GE_U, 0x0d, 1);
  for (let r = 0; r < 4; r++) emit(get(ATAB), get(I), i32c(16), MUL, ADD, I32_LOAD(4 * r), set(A0 + r));
  for (let r = 0; r < 4; r++) for (let h = 0; h < 2; h++) emit(V_ZERO, set(ACC(r, h)));
  emit(get(BTAB), set(TPTR), get(K), set(P));
  emit(0x02, 0x40, 0x03, 0x40); // block { loop p
  emit(get(P), 0x45, 0x0d, 1); // p == 0 → out
  emit(get(BBASE), get(TPTR), I32_LOAD(0), ADD, set(BPTR));
  emit(get(BPTR), V_LOAD(0), set(B0), get(BPTR), V_LOAD(16), set(B1));
  for (let r = 0; r < 4; r++) {
    emit(get(A0 + r), V_SPLAT(0), set(AV));
    for (let h = 0; h < 2; h++) emit(get(ACC(r, h)), get(AV), get(h ? B1 : B0), F_MUL, F_ADD, set(ACC(r, h)));
    emit(get(A0 + r), get(AK), ADD, set(A0 + r));
  }
  emit(get(TPTR), i32c(4), ADD, set(TPTR));
  emit(get(P), i32c(-1), ADD, set(P), 0x0c, 0, 0x0b, 0x0b); // br loop p; end loop; end block
  // row = cp + i·4·ldc + j·32; store (or add into) the 4×8 block
  emit(get(CP), get(I), i32c(4), MUL, get(LDC), MUL, ADD, get(J), i32c(32), MUL, ADD, set(ROW));
  emit(get(ACCF), 0x04, 0x40); // if acc
  for (let r = 0; r < 4; r++) for (let h = 0; h < 2; h++) {
    emit(get(ACC(r, h)), get(ROW), i32c(r), get(LDC), MUL, ADD, V_LOAD(16 * h), F_ADD, set(ACC(r, h)));
  }
  emit(0x0b); // end if
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) emit(get(ROW), get(ACC(r, h)), V_STORE(16 * h));
    emit(get(ROW), get(LDC), ADD, set(ROW));
  }
  emit(get(I), i32c(1), ADD, set(I), 0x0c, 0, 0x0b, 0x0b); // i++; br loop i; end; end
  emit(get(J), i32c(1), ADD, set(J), 0x0c, 0, 0x0b, 0x0b); // j++; br loop j; end; end
  emit(0x0b);
  const locals = [2, ...uleb(11), 0x7f, ...uleb(11), 0x7b];
  const fn = [...locals, ...c];
  return [...uleb(fn.length), ...fn];
}

// The packed kernel `mmp(ap, bp, cp, mp, np, k, bRow)`: A in 4-row panels (16 bytes per k
// step), B in 8-column panels with row pitch bRow bytes and panel pitch k·bRow; C pitch np·32.
// Loop order A-panel outer, B-panel inner (the original kernel, fastest on big products).
const [PAP, PBP, PCP, PMP, PNP, PK, PBROW] = [0, 1, 2, 3, 4, 5, 6];
const [PI, PJ, PP, PAPTR, PBPTR, PROW, PLDC] = [7, 8, 9, 10, 11, 12, 13];
const PACC = (r: number, h: number) => 14 + 2 * r + h, PB0 = 22, PB1 = 23, PA = 24;

function packedBody(): number[] {
  const { c, emit } = code();
  emit(get(PNP), i32c(32), MUL, set(PLDC));
  emit(i32c(0), set(PI));
  emit(0x02, 0x40, 0x03, 0x40);
  emit(get(PI), get(PMP), GE_U, 0x0d, 1);
  emit(i32c(0), set(PJ));
  emit(0x02, 0x40, 0x03, 0x40);
  emit(get(PJ), get(PNP), GE_U, 0x0d, 1);
  emit(get(PAP), get(PI), get(PK), MUL, i32c(16), MUL, ADD, set(PAPTR));
  emit(get(PBP), get(PJ), get(PK), MUL, get(PBROW), MUL, ADD, set(PBPTR));
  for (let r = 0; r < 4; r++) for (let h = 0; h < 2; h++) emit(V_ZERO, set(PACC(r, h)));
  emit(get(PK), set(PP));
  emit(0x02, 0x40, 0x03, 0x40);
  emit(get(PP), 0x45, 0x0d, 1);
  emit(get(PBPTR), V_LOAD(0), set(PB0), get(PBPTR), V_LOAD(16), set(PB1));
  for (let r = 0; r < 4; r++) {
    emit(get(PAPTR), V_SPLAT(4 * r), set(PA));
    for (let h = 0; h < 2; h++) emit(get(PACC(r, h)), get(PA), get(h ? PB1 : PB0), F_MUL, F_ADD, set(PACC(r, h)));
  }
  emit(get(PAPTR), i32c(16), ADD, set(PAPTR), get(PBPTR), get(PBROW), ADD, set(PBPTR));
  emit(get(PP), i32c(-1), ADD, set(PP), 0x0c, 0, 0x0b, 0x0b);
  emit(get(PCP), get(PI), i32c(4), MUL, get(PLDC), MUL, ADD, get(PJ), i32c(32), MUL, ADD, set(PROW));
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) emit(get(PROW), get(PACC(r, h)), V_STORE(16 * h));
    emit(get(PROW), get(PLDC), ADD, set(PROW));
  }
  emit(get(PJ), i32c(1), ADD, set(PJ), 0x0c, 0, 0x0b, 0x0b);
  emit(get(PI), i32c(1), ADD, set(PI), 0x0c, 0, 0x0b, 0x0b);
  emit(0x0b);
  const locals = [2, ...uleb(7), 0x7f, ...uleb(11), 0x7b];
  const fn = [...locals, ...c];
  return [...uleb(fn.length), ...fn];
}

// The pack `pack(src, lda, dst, k, panels, w4, trans)` (bytes but k, panels, w4): whole panels
// of w = 4·w4 rows of op(A) into the micro-kernels' layout (dst + i·k·w·4 + p·w·4 + r·4 holds
// op(A)[i·w + r, p]). With trans, op(A) rows are columns of A (row pitch lda): each step of k
// copies w consecutive floats. Without, they are rows of A: 4×4 blocks are transposed in
// registers (shuffles); k is done up to a multiple of 4 (the caller packs the rest).
// ~1.5 ns per element in JavaScript, a fraction of that here (matmul 1024's two packs were
// 6% of a product; every Linear layer's forward packs its weight).
const [KSRC, KLDA, KDST, KK, KNP, KW4, KTRANS] = [0, 1, 2, 3, 4, 5, 6];
const [KI, KP, KS, KD, KH, KR0, KSTEP, KK4] = [7, 8, 9, 10, 11, 12, 13, 14];
const KA = (q: number) => 15 + q, KT = (q: number) => 19 + q;
const AND = 0x71;

function packBody(): number[] {
  const { c, emit } = code();
  emit(get(KW4), i32c(16), MUL, set(KSTEP)); // bytes per step of k in a panel
  emit(get(KK), i32c(-4), AND, i32c(4), MUL, set(KK4)); // bytes of k done here per row
  emit(i32c(0), set(KI));
  emit(0x02, 0x40, 0x03, 0x40); // block { loop i (panels)
  emit(get(KI), get(KNP), GE_U, 0x0d, 1);
  emit(get(KDST), get(KI), get(KK), MUL, get(KSTEP), MUL, ADD, set(KD));
  emit(get(KTRANS), 0x04, 0x40); // if trans
  emit(get(KSRC), get(KI), get(KSTEP), MUL, ADD, set(KS), get(KK), set(KP));
  emit(0x02, 0x40, 0x03, 0x40); // block { loop p
  emit(get(KP), 0x45, 0x0d, 1);
  emit(get(KD), get(KS), V_LOAD(0), V_STORE(0));
  emit(get(KW4), i32c(1), 0x4b, 0x04, 0x40, get(KD), get(KS), V_LOAD(16), V_STORE(16), 0x0b); // if w4 > 1 (gt_u)
  emit(get(KS), get(KLDA), ADD, set(KS), get(KD), get(KSTEP), ADD, set(KD));
  emit(get(KP), i32c(-1), ADD, set(KP), 0x0c, 0, 0x0b, 0x0b);
  emit(0x05); // else: rows of A, 4×4 transposes
  emit(i32c(0), set(KH));
  emit(0x02, 0x40, 0x03, 0x40); // block { loop h (4-row halves)
  emit(get(KH), get(KW4), GE_U, 0x0d, 1);
  emit(get(KSRC), get(KI), get(KW4), MUL, get(KH), ADD, i32c(4), MUL, get(KLDA), MUL, ADD, set(KR0));
  emit(get(KDST), get(KI), get(KK), MUL, get(KSTEP), MUL, ADD, get(KH), i32c(16), MUL, ADD, set(KD));
  emit(i32c(0), set(KP));
  emit(0x02, 0x40, 0x03, 0x40); // block { loop p (bytes along the rows, 16 per step)
  emit(get(KP), get(KK4), GE_U, 0x0d, 1);
  for (let q = 0; q < 4; q++) emit(get(KR0), get(KLDA), i32c(q), MUL, ADD, get(KP), ADD, V_LOAD(0), set(KA(q)));
  emit(get(KA(0)), get(KA(1)), SHUFFLE([0, 4, 1, 5]), set(KT(0)));
  emit(get(KA(0)), get(KA(1)), SHUFFLE([2, 6, 3, 7]), set(KT(1)));
  emit(get(KA(2)), get(KA(3)), SHUFFLE([0, 4, 1, 5]), set(KT(2)));
  emit(get(KA(2)), get(KA(3)), SHUFFLE([2, 6, 3, 7]), set(KT(3)));
  const out = [[0, 2, [0, 1, 4, 5]], [0, 2, [2, 3, 6, 7]], [1, 3, [0, 1, 4, 5]], [1, 3, [2, 3, 6, 7]]] as const;
  for (const [x, y, lanes] of out) {
    emit(get(KD), get(KT(x)), get(KT(y)), SHUFFLE([...lanes]), V_STORE(0));
    emit(get(KD), get(KSTEP), ADD, set(KD));
  }
  emit(get(KP), i32c(16), ADD, set(KP), 0x0c, 0, 0x0b, 0x0b);
  emit(get(KH), i32c(1), ADD, set(KH), 0x0c, 0, 0x0b, 0x0b);
  emit(0x0b); // end if
  emit(get(KI), i32c(1), ADD, set(KI), 0x0c, 0, 0x0b, 0x0b);
  emit(0x0b);
  const locals = [2, ...uleb(8), 0x7f, ...uleb(8), 0x7b];
  const fn = [...locals, ...c];
  return [...uleb(fn.length), ...fn];
}

/** Shared memories need a maximum; 2 GiB of address space (only reserved, not committed). */
const SHARED_MAX_PAGES = 32768;

/** The module; `shared` imports a shared memory (limits flag 3: maximum given, shared), as pool threads need. */
export function moduleBytes(shared = false): Uint8Array<ArrayBuffer> {
  const type = section(1, [4, 0x60, 11, ...new Array<number>(11).fill(0x7f), 0, 0x60, 7, ...new Array<number>(7).fill(0x7f), 0, ...ADAM_TYPE, ...EW_TYPE]);
  const limits = shared ? [0x03, 1, ...uleb(SHARED_MAX_PAGES)] : [0x00, 1];
  const imp = section(2, [1, ...str('e'), ...str('m'), 0x02, ...limits]);
  const func = section(3, [7, 0, 1, 1, 2, 3, 3, 3]);
  const exp = section(7, [7, ...str('mm'), 0x00, 0, ...str('mmp'), 0x00, 1, ...str('pack'), 0x00, 2, ...str('adam'), 0x00, 3, ...str('ew'), 0x00, 4, ...str('colsum'), 0x00, 5, ...str('rowsum'), 0x00, 6]);
  const code = section(10, [7, ...body(), ...packedBody(), ...packBody(), ...adamBody(), ...ewBody(), ...colSumBody(), ...rowSumBody()]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...imp, ...func, ...exp, ...code]);
}

/** How `mm` reads its operands; every address and offset is in bytes of the module's memory. */
export interface MmCall {
  /** Address of an i32 table of 4·mPanels row addresses of A. */
  aTable: number;
  /** Byte step along k within an A row. */
  aStep: number;
  /** Base address of B, address of an i32 table of k row offsets, byte stride between 8-column panels. */
  b: number;
  bTable: number;
  bPanel: number;
  /** C block origin and its row pitch. */
  c: number;
  ldc: number;
  mPanels: number;
  nPanels: number;
  k: number;
  /** Add into C instead of overwriting it. */
  accumulate: boolean;
}

export interface WasmMatmul {
  /** Float32 view of at least `floats` floats of the module's memory (valid until the next call). */
  view(floats: number): Float32Array;
  /** Int32 view over the same memory (valid until the next call to view). */
  ints(): Int32Array;
  mm(call: MmCall): void;
  /** Packed panels (byte addresses): C (pitch nPanels·32 bytes) = A panels · B panels with B row pitch bRow. */
  mmPacked(a: number, b: number, c: number, mPanels: number, nPanels: number, k: number, bRow: number): void;
  /** The raw exports (what pool threads call through the shared call list). */
  kernels(): { mm: (...a: number[]) => void; mmp: (...a: number[]) => void };
  /**
   * Moves the kernel onto a shared memory (SharedArrayBuffer; contents are scratch, so
   * nothing is copied) and returns it with the compiled module for pool threads, or null
   * where this host has no shared WebAssembly memory.
   */
  share(): { memory: unknown; module: unknown } | null;
  /** The shared memory once `share` succeeded (tensor storage may then live in it: arena.ts), else null. */
  sharedMemory(): WasmMemory | null;
}

function load(): WasmMatmul | null {
  const wa = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wa) return null;
  try {
    const bytes = moduleBytes();
    if (!wa.validate(bytes)) return null;
    const module = new wa.Module(bytes);
    let memory: WasmMemory, mm: (...a: number[]) => void, mmp: (...a: number[]) => void;
    let shared: { memory: WasmMemory; module: object } | null = null;
    let f32: Float32Array, i32: Int32Array;
    const bind = (m: WasmMemory, mod: object): void => {
      const inst = new wa.Instance(mod, { e: { m } });
      memory = m;
      mm = inst.exports.mm as (...a: number[]) => void;
      mmp = inst.exports.mmp as (...a: number[]) => void;
      useWasmPack(inst.exports.pack as WasmPack);
      useWasmAdam(inst.exports.adam as WasmAdam);
      useWasmEw(inst.exports.ew as WasmEw);
      useWasmColSum(inst.exports.colsum as WasmColSum);
      useWasmRowSum(inst.exports.rowsum as WasmRowSum);
      f32 = new Float32Array(m.buffer);
      i32 = new Int32Array(m.buffer);
    };
    bind(new wa.Memory({ initial: 16 }), module);
    return {
      view(floats) {
        const need = floats * 4 - memory.buffer.byteLength;
        if (need > 0) memory.grow(Math.ceil(need / 65536));
        // A grown shared memory hands out a new, longer SharedArrayBuffer; an ordinary one detaches the old.
        if (f32.buffer !== memory.buffer) { f32 = new Float32Array(memory.buffer); i32 = new Int32Array(memory.buffer); }
        return f32;
      },
      ints: () => i32,
      mmPacked: (a, b, c, mp, np, k, bRow) => mmp(a, b, c, mp, np, k, bRow),
      mm: (q) => mm(q.aTable, q.aStep, q.b, q.bTable, q.bPanel, q.c, q.ldc, q.mPanels, q.nPanels, q.k, q.accumulate ? 1 : 0),
      kernels: () => ({ mm, mmp }),
      sharedMemory: () => shared?.memory ?? null,
      share() {
        if (!shared) {
          try {
            const m = new wa.Memory({ initial: 16, maximum: SHARED_MAX_PAGES, shared: true });
            const SAB = (globalThis as unknown as { SharedArrayBuffer?: new () => object }).SharedArrayBuffer;
            if (!SAB || !(m.buffer instanceof SAB)) return null;
            const bytes = moduleBytes(true);
            if (!wa.validate(bytes)) return null;
            shared = { memory: m, module: new wa.Module(bytes) };
          } catch {
            return null;
          }
          bind(shared.memory, shared.module);
        }
        return shared;
      },
    };
  } catch {
    return null;
  }
}

/** The SIMD kernel, or null where this host cannot run it. */
export const wasmMatmul: WasmMatmul | null = load();
