/**
 * The reference backend: plain typed arrays (float64 included), no pooling, kernels written
 * as the most obvious loops in kernels.ts. It is the truth every other backend is tested
 * against, so clarity beats speed everywhere in this folder.
 */
import type { DType, TypedArray } from '../../core/dtype.ts';
import { bytesPerElement, makeArray } from '../../core/dtype.ts';
import { FlowgradError } from '../../core/errors.ts';
import { roundHalf } from '../../core/half.ts';
import type { AllKernelArgs, AnyKernelName, Backend, BackendBuffer, FusedArgs, HostKernelRows, KernelTable, MemoryInfo, OptionalKernelName } from '../types.ts';
import { REFERENCE_KERNELS, referenceFused } from './kernels.ts';
import { REFERENCE_OPTIONAL } from './optional.ts';

/** The reference kernel table: core kernels (kernels.ts) and optional ones (optional.ts), all supported. */
export const REFERENCE_ALL_KERNELS: KernelTable<HostKernelRows> = { ...REFERENCE_KERNELS, ...REFERENCE_OPTIONAL };

function roundHalves(buf: BackendBuffer): void {
  const d = (buf as RefBuffer).data;
  for (let i = 0; i < buf.size; i++) d[i] = roundHalf(d[i]);
}

export class RefBuffer implements BackendBuffer {
  constructor(readonly dtype: DType, readonly size: number, readonly data: TypedArray) {}
}

export class ReferenceBackend implements Backend {
  readonly name = 'reference';
  readonly canReadSync = true;
  private bytes = 0;

  alloc(dtype: DType, size: number): BackendBuffer {
    this.bytes += size * bytesPerElement(dtype);
    return new RefBuffer(dtype, size, makeArray(dtype, size));
  }
  free(buf: BackendBuffer): void {
    this.bytes -= buf.size * bytesPerElement(buf.dtype);
  }
  hostBytes(buf: BackendBuffer): number {
    return buf.size * bytesPerElement(buf.dtype);
  }
  reclaimed(bytes: number): void {
    this.bytes -= bytes;
  }
  write(buf: BackendBuffer, data: ArrayLike<number>): void {
    const d = (buf as RefBuffer).data;
    for (let i = 0; i < buf.size; i++) d[i] = data[i];
    if (buf.dtype === 'float16') roundHalves(buf);
  }
  read(buf: BackendBuffer): Promise<TypedArray> {
    return Promise.resolve(this.readSync(buf));
  }
  readSync(buf: BackendBuffer): TypedArray {
    return (buf as RefBuffer).data.slice();
  }
  run<K extends AnyKernelName>(kernel: K, args: AllKernelArgs[K]): void {
    const k: HostKernelRows[K] | null | undefined = REFERENCE_ALL_KERNELS[kernel];
    if (!k) throw new FlowgradError('unsupported', `reference backend: no kernel '${kernel}'`);
    k(args);
    // float16: values live in a Float32Array, rounded to half precision after every write.
    for (const v of Object.values(args)) if (v instanceof RefBuffer && v.dtype === 'float16') roundHalves(v);
  }
  supports(kernel: OptionalKernelName): boolean {
    return REFERENCE_ALL_KERNELS[kernel] != null;
  }
  runFused(args: FusedArgs): void {
    referenceFused(args);
    if (args.out.dtype === 'float16') roundHalves(args.out);
  }
  flush(): void {}
  memory(): MemoryInfo {
    return { bytesInUse: this.bytes, bytesPooled: 0 };
  }
}
