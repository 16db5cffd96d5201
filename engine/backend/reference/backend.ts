/**
 * The reference backend: plain typed arrays (float64 included), no pooling, kernels written
 * as the most obvious loops in kernels.ts. It is the truth every other backend is tested
 * against, so clarity beats speed everywhere in this folder.
 */
import type { DType, TypedArray } from '../../core/dtype.ts';
import { bytesPerElement, makeArray } from '../../core/dtype.ts';
import { FlowgradError } from '../../core/errors.ts';
import type { Backend, BackendBuffer, KernelArgs, KernelName, MemoryInfo } from '../types.ts';
import { REFERENCE_KERNELS } from './kernels.ts';

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
  write(buf: BackendBuffer, data: ArrayLike<number>): void {
    const d = (buf as RefBuffer).data;
    for (let i = 0; i < buf.size; i++) d[i] = data[i];
  }
  read(buf: BackendBuffer): Promise<TypedArray> {
    return Promise.resolve(this.readSync(buf));
  }
  readSync(buf: BackendBuffer): TypedArray {
    return (buf as RefBuffer).data.slice();
  }
  run<K extends KernelName>(kernel: K, args: KernelArgs[K]): void {
    const k = REFERENCE_KERNELS[kernel] as ((a: KernelArgs[K]) => void) | undefined;
    if (!k) throw new FlowgradError('unsupported', `reference backend: no kernel '${kernel}'`);
    k(args);
  }
  flush(): void {}
  memory(): MemoryInfo {
    return { bytesInUse: this.bytes, bytesPooled: 0 };
  }
}
