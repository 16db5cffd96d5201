/**
 * The WebGPU backend: tensors live in pooled GPUBuffers; kernels are recorded into one
 * command encoder (one compute pass) until flush(), a readback or a full parameter arena
 * submits them — many dispatches per submit. Pipelines are cached by program key (kernel +
 * dtypes + rank + variant, never shapes) with explicit layouts, bind groups are cached by
 * the buffers they bind, and every dispatch's parameters sit in one uniform arena uploaded
 * once per submit and bound with dynamic offsets. Reads are always async (copy to a pooled
 * staging buffer, mapAsync). Why pooled reuse is safe is explained in pool.ts.
 *
 * Device loss (driver reset, out of memory, device.destroy()) marks the backend lost; every
 * later call throws FlowgradError('backend', 'the GPU device was lost: …') so a training
 * loop stops cleanly and can continue on the CPU from weights it read before.
 */
import type { DType, TypedArray } from '../../core/dtype.ts';
import { FlowgradError } from '../../core/errors.ts';
import { sleep } from '../../core/host.ts';
import type { AllKernelArgs, AnyKernelName, Backend, BackendBuffer, FusedArgs, MemoryInfo, OptionalKernelName } from '../types.ts';
import { fusedLaunch, runUnfused } from './fused.ts';
import { WEBGPU_KERNELS } from './kernels.ts';
import type { KernelConfig } from './kernels.ts';
import { BufferPool, bucketBytes } from './pool.ts';
import type { PooledBuffer } from './pool.ts';
import { PARAM_WORDS, WG, storageBytes, wgslType } from './program.ts';
import { halfStorage } from './half.ts';
import { encodeHalf, decodeHalf } from '../../core/half.ts';
import type { Launch } from './program.ts';
import { matmulConfig } from './matmul.ts';

/** How long a failed read waits for `device.lost` to settle before reporting the failure as is. */
const LOST_GRACE_MS = 500;

// GPUBufferUsage / GPUMapMode values, spelled out so this file needs no WebGPU globals.
const U = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
const MAP_READ = 0x1;
const SLOT_BYTES = PARAM_WORDS * 4;
const ARENA_SLOTS = 1024;
const BIND_GROUP_CAP = 4096;
/** Small writes to buffers the pending commands use are staged here (see upload()). */
const UPLOAD_BYTES = 256 * 1024;

/**
 * A tensor's GPU memory: a whole pooled buffer, or a view of one (`offset` bytes in) when it
 * belongs to a group from allocGroup() — a flat arena that kernels bind in one piece.
 */
export class GpuBuffer implements BackendBuffer {
  freed = false;
  constructor(readonly dtype: DType, readonly size: number, readonly mem: PooledBuffer, readonly offset = 0, readonly group: BufferGroup | null = null) {}
}

/** The views allocGroup() carved from one pooled buffer; the buffer returns to the pool with the last view. */
export interface BufferGroup {
  readonly mem: PooledBuffer;
  /** The whole arena as one buffer (what fused multi-tensor kernels bind). */
  readonly root: GpuBuffer;
  live: number;
}

/** What a dispatch binds: a buffer range. */
interface Bound {
  mem: PooledBuffer;
  offset: number;
  bytes: number;
}

/** Bytes of `size` elements of `dtype` in GPU storage, padded to the 4 bytes copies and bindings need. */
const bytesOf = (dtype: DType, size: number): number => Math.ceil((size * storageBytes(dtype)) / 4) * 4;

const bound = (b: GpuBuffer): Bound => (b.group && b !== b.group.root ? { mem: b.mem, offset: b.offset, bytes: Math.max(4, bytesOf(b.dtype, b.size)) } : { mem: b.mem, offset: 0, bytes: b.mem.bytes });

/** Binding numbers of a launch's float16 buffers (a table, when present, is bound before the last buffer). */
function halfBindings(l: Launch): Set<number> {
  const out = new Set<number>();
  const n = l.bufs.length;
  l.bufs.forEach((b, i) => {
    if (b.dtype === 'float16') out.add(l.table && i === n - 1 ? i + 2 : i + 1);
  });
  return out;
}

export interface WebGPUStats {
  buffersCreated: number;
  stagingBuffersCreated: number;
  pipelinesCompiled: number;
  bindGroupsCreated: number;
  dispatches: number;
  /** Dispatches of fused elementwise programs (runFused), included in `dispatches`. */
  fusedDispatches: number;
  submits: number;
  reads: number;
  writes: number;
  /** Uncaptured WebGPU errors (validation, out of memory) seen so far, and the first message. */
  errors: number;
  firstError: string | null;
}

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean;
}

export interface WebGPUBackendOptions {
  /** Pool caps in bytes (defaults: 512 MiB of storage, 64 MiB of staging). */
  poolCapBytes?: number;
  stagingCapBytes?: number;
}

export class WebGPUBackend implements Backend {
  readonly name = 'webgpu';
  readonly canReadSync = false;
  readonly config: KernelConfig;
  private readonly pool: BufferPool;
  private readonly staging = new Map<number, GPUBuffer[]>();
  private stagingPooled = 0;
  private readonly pipelines = new Map<string, { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout; access: string }>();
  private readonly layouts = new Map<string, { bgl: GPUBindGroupLayout; pl: GPUPipelineLayout }>();
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly arena: GPUBuffer;
  private readonly arenaWords = new Uint32Array(ARENA_SLOTS * PARAM_WORDS);
  private slot = 0;
  private readonly uploadArena: GPUBuffer;
  private readonly uploadBytes = new Uint8Array(UPLOAD_BYTES);
  private uploadUsed = 0;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  /** Generation of the encoder being recorded; buffers bound in it carry it as lastUse. */
  private gen = 0;
  private lostMessage: string | null = null;
  private readonly counters: WebGPUStats = {
    buffersCreated: 0, stagingBuffersCreated: 0, pipelinesCompiled: 0, bindGroupsCreated: 0,
    dispatches: 0, fusedDispatches: 0, submits: 0, reads: 0, writes: 0, errors: 0, firstError: null,
  };

  constructor(readonly device: GPUDevice, readonly adapter: AdapterDescription, opts: WebGPUBackendOptions = {}) {
    const lim = device.limits;
    this.config = { matmul: matmulConfig(adapter, lim), maxBindings: lim.maxStorageBuffersPerShaderStage };
    this.pool = new BufferPool(device, U.STORAGE | U.COPY_SRC | U.COPY_DST, opts.poolCapBytes ?? 512 * 2 ** 20);
    this.pool.onDestroy = () => this.bindGroups.clear();
    this.stagingCap = opts.stagingCapBytes ?? 64 * 2 ** 20;
    this.arena = device.createBuffer({ size: ARENA_SLOTS * SLOT_BYTES, usage: U.UNIFORM | U.COPY_DST });
    this.uploadArena = device.createBuffer({ size: UPLOAD_BYTES, usage: U.COPY_SRC | U.COPY_DST });
    void device.lost.then((info) => {
      this.lostMessage = info.message || `reason '${String(info.reason)}'`;
      this.encoder = null;
      this.pass = null;
    });
    device.addEventListener('uncapturederror', (ev) => this.noteError((ev as GPUUncapturedErrorEvent).error.message));
  }

  private readonly stagingCap: number;

  /** True once the device is gone; every call then throws FlowgradError('backend'). */
  get isLost(): boolean {
    return this.lostMessage !== null;
  }

  /** Why the device was lost (the driver's message or reason), null while it is alive. */
  get lostReason(): string | null {
    return this.lostMessage;
  }

  stats(): WebGPUStats {
    return { ...this.counters, buffersCreated: this.pool.created, stagingBuffersCreated: this.counters.stagingBuffersCreated };
  }

  private noteError(msg: string): void {
    this.counters.errors++;
    this.counters.firstError ??= msg;
  }

  private alive(what: string): void {
    if (this.lostMessage !== null) {
      throw new FlowgradError('backend', `webgpu ${what}: the GPU device was lost: ${this.lostMessage}. Continue on the CPU with setBackend('cpu') from the last weights you read.`);
    }
  }

  // ---- memory ----------------------------------------------------------------------

  /** Whether float16 tensors can live on this device (the adapter has shader-f16). */
  get hasFloat16(): boolean {
    return this.device.features.has('shader-f16');
  }

  private checkDtype(dtype: DType): void {
    wgslType(dtype);
    if (dtype === 'float16' && !this.hasFloat16) {
      throw new FlowgradError('dtype', `webgpu: float16 tensors need the 'shader-f16' feature, which this adapter (${this.adapter.description || this.adapter.architecture || this.adapter.vendor}) lacks; use float32 here`);
    }
  }

  alloc(dtype: DType, size: number): BackendBuffer {
    this.alive('alloc');
    this.checkDtype(dtype);
    return new GpuBuffer(dtype, size, this.pool.acquire(Math.max(bytesOf(dtype, size), 4)));
  }

  /**
   * `sizes.length` buffers of `dtype` as views of one contiguous allocation (each view starts
   * at the device's storage offset alignment). Kernels use a view like any buffer; fused
   * multi-tensor kernels (the optimizers) bind the whole arena once instead of one buffer per
   * tensor, which is what lets one dispatch update every parameter.
   */
  allocGroup(dtype: DType, sizes: readonly number[]): BackendBuffer[] {
    this.alive('allocGroup');
    this.checkDtype(dtype);
    const align = this.device.limits.minStorageBufferOffsetAlignment;
    const offsets: number[] = [];
    let bytes = 0;
    for (const n of sizes) {
      offsets.push(bytes);
      bytes += Math.ceil(Math.max(bytesOf(dtype, n), 4) / align) * align;
    }
    const mem = this.pool.acquire(Math.max(bytes, 4));
    const group: BufferGroup = { mem, root: null as unknown as GpuBuffer, live: sizes.length };
    (group as { root: GpuBuffer }).root = new GpuBuffer(dtype, mem.bytes / storageBytes(dtype), mem, 0, group);
    if (sizes.length === 0) this.pool.release(mem);
    return sizes.map((n, i) => new GpuBuffer(dtype, n, mem, offsets[i]!, group));
  }

  free(buf: BackendBuffer): void {
    const b = buf as GpuBuffer;
    if (b.freed) return;
    b.freed = true;
    if (b.group && --b.group.live > 0) return;
    if (this.lostMessage === null) this.pool.release(b.mem);
    else this.pool.bytesInUse -= b.mem.bytes;
  }

  memory(): MemoryInfo {
    return { bytesInUse: this.pool.bytesInUse, bytesPooled: this.pool.bytesPooled + this.stagingPooled };
  }

  /** Destroys pooled (unused) buffers. */
  trimPool(): void {
    this.pool.trim();
    for (const list of this.staging.values()) for (const s of list) s.destroy();
    this.staging.clear();
    this.stagingPooled = 0;
  }

  write(buf: BackendBuffer, data: ArrayLike<number>): void {
    this.alive('write');
    const b = buf as GpuBuffer;
    if (b.size === 0) return;
    let arr: Float32Array | Int32Array | Uint16Array;
    if (b.dtype === 'float16') arr = encodeHalf(data, new Uint16Array(bytesOf('float16', b.size) / 2), b.size);
    else if (b.dtype === 'float32') arr = data instanceof Float32Array && data.length === b.size ? data : Float32Array.from({ length: b.size }, (_, i) => data[i]);
    else if (b.dtype === 'bool') arr = Int32Array.from({ length: b.size }, (_, i) => (data[i] ? 1 : 0));
    else arr = data instanceof Int32Array && data.length === b.size ? data : Int32Array.from({ length: b.size }, (_, i) => data[i]);
    this.upload(bound(b), arr);
  }

  /**
   * queue.writeBuffer runs before the commands still being recorded, so it is only used for
   * buffers those commands do not touch. Otherwise the bytes go into the upload arena and a
   * copy is recorded in order (the arena itself is uploaded once, at flush, before submit).
   */
  private upload(dst: Bound, arr: Float32Array | Int32Array | Uint16Array): void {
    this.counters.writes++;
    const mem = dst.mem;
    if (mem.lastUse === this.gen && this.encoder && arr.byteLength <= UPLOAD_BYTES) {
      if (this.uploadUsed + arr.byteLength > UPLOAD_BYTES) this.flush();
      else {
        this.uploadBytes.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), this.uploadUsed);
        this.endPass();
        this.encoder.copyBufferToBuffer(this.uploadArena, this.uploadUsed, mem.gpu, dst.offset, arr.byteLength);
        this.uploadUsed += arr.byteLength;
        return;
      }
    }
    if (mem.lastUse === this.gen && this.encoder) this.flush();
    this.device.queue.writeBuffer(mem.gpu, dst.offset, arr.buffer, arr.byteOffset, arr.byteLength);
  }

  async read(buf: BackendBuffer): Promise<TypedArray> {
    this.alive('read');
    const b = buf as GpuBuffer;
    const bytes = bytesOf(b.dtype, b.size);
    if (bytes === 0) return b.dtype === 'float32' || b.dtype === 'float16' ? new Float32Array(0) : b.dtype === 'bool' ? new Uint8Array(0) : new Int32Array(0);
    const size = bucketBytes(bytes);
    const staging = this.takeStaging(size);
    this.endPass();
    this.enc().copyBufferToBuffer(b.mem.gpu, b.offset, staging, 0, bytes);
    b.mem.lastUse = this.gen;
    this.flush();
    this.counters.reads++;
    try {
      await staging.mapAsync(MAP_READ, 0, bytes);
    } catch (e) {
      // A lost device rejects pending maps, in Chromium before `device.lost` settles (after
      // device.destroy() the map fails with "Buffer was unmapped…"): give the `lost` handler a
      // moment to run so the error says the device was lost, and why.
      await Promise.race([this.device.lost, sleep(LOST_GRACE_MS)]);
      this.alive('read');
      throw new FlowgradError('backend', `webgpu read: mapAsync failed: ${(e as Error).message}`, { cause: e });
    }
    const raw = staging.getMappedRange(0, bytes).slice(0);
    staging.unmap();
    this.releaseStaging(staging);
    if (b.dtype === 'float32') return new Float32Array(raw);
    if (b.dtype === 'float16') return decodeHalf(new Uint16Array(raw), new Float32Array(b.size), b.size);
    const ints = new Int32Array(raw);
    return b.dtype === 'bool' ? Uint8Array.from(ints, (v) => (v !== 0 ? 1 : 0)) : ints;
  }

  private takeStaging(size: number): GPUBuffer {
    const s = this.staging.get(size)?.pop();
    if (s) { this.stagingPooled -= size; return s; }
    this.counters.stagingBuffersCreated++;
    return this.device.createBuffer({ size, usage: U.MAP_READ | U.COPY_DST });
  }

  private releaseStaging(s: GPUBuffer): void {
    if (this.lostMessage !== null || this.stagingPooled + s.size > this.stagingCap) { s.destroy(); return; }
    let list = this.staging.get(s.size);
    if (!list) this.staging.set(s.size, (list = []));
    list.push(s);
    this.stagingPooled += s.size;
  }

  readSync(): TypedArray {
    throw new FlowgradError('unsupported', 'webgpu: reads are asynchronous; use await tensor.data()');
  }

  // ---- kernels ---------------------------------------------------------------------

  /** Optional kernels this backend runs: those with a row in its kernel table (kernels.ts). */
  supports(kernel: OptionalKernelName): boolean {
    return WEBGPU_KERNELS[kernel] != null;
  }

  run<K extends AnyKernelName>(kernel: K, args: AllKernelArgs[K]): void {
    this.alive(kernel);
    const make = WEBGPU_KERNELS[kernel];
    if (!make) throw new FlowgradError('unsupported', `webgpu backend: no kernel '${kernel}'`);
    for (const l of make(args, this.config, this)) this.encode(l);
  }

  /** One fused elementwise program (compiled plans): one dispatch, see fused.ts. */
  runFused(args: FusedArgs): void {
    this.alive('fused');
    if (args.out.size === 0) return;
    const l = fusedLaunch(args, this.device.limits.maxStorageBuffersPerShaderStage);
    if (!l) { runUnfused(args, this); return; }
    this.encode(l);
    this.counters.fusedDispatches++;
  }

  flush(): void {
    if (!this.encoder || this.lostMessage !== null) return;
    this.endPass();
    if (this.slot > 0) this.device.queue.writeBuffer(this.arena, 0, this.arenaWords.buffer, 0, this.slot * SLOT_BYTES);
    if (this.uploadUsed > 0) this.device.queue.writeBuffer(this.uploadArena, 0, this.uploadBytes.buffer, 0, this.uploadUsed);
    this.uploadUsed = 0;
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.slot = 0;
    this.gen++;
    this.counters.submits++;
  }

  /** Waits until the GPU finished everything submitted so far. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
  }

  /** Destroys the device (what a driver reset does); the backend is lost from now on. */
  destroy(): void {
    this.lostMessage ??= 'the device was destroyed';
    this.device.destroy();
  }

  private enc(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  private endPass(): void {
    if (this.pass) { this.pass.end(); this.pass = null; }
  }

  private encode(l: Launch): void {
    if (this.slot === ARENA_SLOTS) this.flush();
    const half = halfBindings(l);
    const p = half.size === 0
      ? this.pipeline(l.program.key, l.program.access, l.program.source)
      : this.pipeline(`${l.program.key}|h${[...half].join(',')}`, l.program.access, () => halfStorage(l.program.source(), half));
    const mems = l.bufs.map((b) => bound(b as GpuBuffer));
    const temps: PooledBuffer[] = [];
    if (l.table) {
      const t = this.pool.acquire(l.table.byteLength);
      const tb = { mem: t, offset: 0, bytes: t.bytes };
      this.upload(tb, l.table);
      mems.splice(mems.length - 1, 0, tb);
      temps.push(t);
    }
    this.separateWritable(mems, p.access, temps);
    // parameters
    this.arenaWords.set(l.params.words, this.slot * PARAM_WORDS);
    const offset = this.slot * SLOT_BYTES;
    this.slot++;
    const bg = this.bindGroup(p.access, p.layout, mems);
    const pass = (this.pass ??= this.enc().beginComputePass());
    pass.setPipeline(p.pipeline);
    pass.setBindGroup(0, bg, [offset]);
    const [x, y, z] = l.groups ?? this.grid(l.threads ?? 0, l.wg ?? WG);
    pass.dispatchWorkgroups(x, y, z);
    this.counters.dispatches++;
    for (const m of mems) m.mem.lastUse = this.gen;
    for (const t of temps) this.pool.release(t);
  }

  /**
   * A buffer bound writable must not be bound again in the same dispatch (nor another range
   * of the same arena, to stay clear of WebGPU's aliasing rules): read a copy instead.
   */
  private separateWritable(mems: Bound[], access: string, temps: PooledBuffer[]): void {
    for (let i = 0; i < mems.length; i++) {
      if (access[i] !== 'w') continue;
      for (let j = 0; j < mems.length; j++) {
        if (j === i || mems[j].mem !== mems[i].mem) continue;
        if (access[j] === 'w') {
          if (mems[j].offset + mems[j].bytes <= mems[i].offset || mems[i].offset + mems[i].bytes <= mems[j].offset) continue;
          throw new FlowgradError('internal', 'webgpu: one buffer bound twice as a kernel output');
        }
        const src = mems[j];
        const copy = this.pool.acquire(src.bytes);
        this.endPass();
        this.enc().copyBufferToBuffer(src.mem.gpu, src.offset, copy.gpu, 0, src.bytes);
        mems[j] = { mem: copy, offset: 0, bytes: copy.bytes };
        temps.push(copy);
      }
    }
  }

  private grid(threads: number, wg: number): [number, number, number] {
    const groups = Math.ceil(threads / wg);
    const maxX = this.device.limits.maxComputeWorkgroupsPerDimension;
    return groups <= maxX ? [groups, 1, 1] : [maxX, Math.ceil(groups / maxX), 1];
  }

  private pipeline(key: string, access: string, source: () => string) {
    let p = this.pipelines.get(key);
    if (p) return p;
    const { bgl, pl } = this.layout(access);
    this.device.pushErrorScope('validation');
    let code = source();
    // Kernels that round to half precision in registers (fused chains) need the extension too.
    if (!code.startsWith('enable f16;') && /\bf16\(/.test(code)) code = `enable f16;\n${code}`;
    const module = this.device.createShaderModule({ code, label: key });
    const pipeline = this.device.createComputePipeline({ layout: pl, compute: { module, entryPoint: 'main' }, label: key });
    void this.device.popErrorScope().then((err) => { if (err) this.noteError(`pipeline ${key}: ${err.message}`); }, () => {});
    p = { pipeline, layout: bgl, access };
    this.pipelines.set(key, p);
    this.counters.pipelinesCompiled++;
    return p;
  }

  private layout(access: string) {
    let l = this.layouts.get(access);
    if (l) return l;
    const entries: GPUBindGroupLayoutEntry[] = [
      { binding: 0, visibility: 4 /* COMPUTE */, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: SLOT_BYTES } },
      ...[...access].map((a, i): GPUBindGroupLayoutEntry => ({
        binding: i + 1, visibility: 4, buffer: { type: a === 'w' ? 'storage' : 'read-only-storage' },
      })),
    ];
    const bgl = this.device.createBindGroupLayout({ entries, label: `flowgrad:${access}` });
    l = { bgl, pl: this.device.createPipelineLayout({ bindGroupLayouts: [bgl] }) };
    this.layouts.set(access, l);
    return l;
  }

  private bindGroup(access: string, layout: GPUBindGroupLayout, mems: readonly Bound[]): GPUBindGroup {
    let key = access;
    for (const m of mems) key += m.offset === 0 && m.bytes === m.mem.bytes ? ':' + m.mem.id : `:${m.mem.id}@${m.offset}+${m.bytes}`;
    let bg = this.bindGroups.get(key);
    if (bg) return bg;
    if (this.bindGroups.size >= BIND_GROUP_CAP) {
      let drop = BIND_GROUP_CAP / 4;
      for (const k of this.bindGroups.keys()) { if (drop-- === 0) break; this.bindGroups.delete(k); }
    }
    bg = this.device.createBindGroup({
      layout,
      entries: [
        { binding: 0, resource: { buffer: this.arena, size: SLOT_BYTES } },
        ...mems.map((m, i): GPUBindGroupEntry => ({ binding: i + 1, resource: { buffer: m.mem.gpu, offset: m.offset, size: m.bytes } })),
      ],
    });
    this.bindGroups.set(key, bg);
    this.counters.bindGroupsCreated++;
    return bg;
  }
}
