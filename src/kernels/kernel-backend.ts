/**
 * The contract between ops and a backend: the slots a backend fills. Ops never see memory; they pass
 * storage handles (`engine/storage.ts`), resolved params and plain numbers, and outputs the caller
 * allocated. Each family is declared once, at the array level (`Kernels` interfaces, which the CPU
 * backends implement with typed arrays), and the backend slot is the same family over storages
 * (`OnStorages`): a device backend implements the storage form directly, a CPU backend wraps its array
 * kernels with `onCpuStorages` (`cpu-storages.ts`).
 */

import type { DataArray } from '../engine/dtype.js';
import type { Storage, StorageAllocator } from '../engine/storage.js';
import type { ActivationKernels } from './activation/index.js';
import type { Conv2dKernels } from './conv2d/index.js';
import type { ElementwiseKernels } from './elementwise/index.js';
import type { Epilogue } from './epilogue.js';
import type { MatmulKernels } from './matmul/kernels.js';
import type { MovementKernels } from './movement/index.js';
import type { OptimizerKernels } from './optimizer/index.js';
import type { PoolKernels } from './pool/index.js';
import type { ReduceKernels } from './reduce/index.js';
import type { ResizeKernels } from './resize/index.js';
import type { ResampleKernels } from './resample/index.js';
import type { AffineTransformKernels } from './affine-transform/index.js';
import type { GatherKernels } from './gather/index.js';
import type { BatchNormKernels } from './batch-norm/index.js';
import type { ConvolutionKernels } from './convolution-kernels.js';
import type { ConvKernels } from './conv/index.js';
import type { ConvParams } from './conv/params.js';
import type { Conv2dParams } from './conv2d/params.js';
import type { DepthwiseConv2dKernels } from './depthwise-conv2d/index.js';
import type { DepthwiseConv2dParams } from './depthwise-conv2d/params.js';

/** A kernel argument with its arrays replaced by storages (an epilogue's arrays included). */
export type StorageArgument<T> = T extends DataArray
  ? Storage
  : T extends DataArray | null
    ? Storage | null
    : T extends readonly DataArray[]
      ? readonly Storage[]
      : T extends Epilogue
        ? Epilogue<Storage>
        : T;

/** A kernel function taking storages where the array-level kernel takes typed arrays. */
export type OnStorage<F> = F extends (...args: infer A) => infer R ? (...args: { [K in keyof A]: StorageArgument<A[K]> }) => R : never;

/** A kernel family as a backend slot: every method over storages. */
export type OnStorages<T> = { readonly [K in keyof T]: OnStorage<T[K]> };

/**
 * Everything a backend fills. Adding a backend means implementing these slots (and a storage allocator);
 * layers, models, training and io only ever reach a backend through ops, so they do not change.
 */
export interface KernelBackend {
  readonly name: string;
  /**
   * Where new tensors are placed: `null` keeps them on the JavaScript heap (the TypeScript backend), else
   * this backend's own memory (WebAssembly linear memory, a GPU).
   */
  readonly allocator: StorageAllocator | null;
  /** fill, cast, pointwise functions and their derivatives, broadcasting binary arithmetic, select. */
  readonly elementwise: OnStorages<ElementwiseKernels>;
  /** sum, max, min over any set of axes. */
  readonly reduce: OnStorages<ReduceKernels>;
  /** transpose, broadcast, block copies (slice, concat), pad, repeat, gather, one-hot. */
  readonly movement: OnStorages<MovementKernels>;
  /** Gradient clipping, weight decay and the update rules of the optimizers. */
  readonly optimizer: OnStorages<OptimizerKernels>;
  /**
   * The convolution of any rank (1, 2 or 3 spatial axes; grouped, so depthwise too; its input gradient is
   * the transposed convolution). Ops use it for rank 3, where no 2D slot applies; the 2D slots below carry
   * ranks 1 and 2, so a backend can specialise the common case.
   */
  readonly conv: ConvolutionKernels<ConvParams, Storage>;
  /** The depthwise convolution of rank 1 or 2 (rank 1 as a unit height), with its own params. */
  readonly depthwiseConv2d: ConvolutionKernels<DepthwiseConv2dParams, Storage>;
  /** The grouped convolution of rank 1 or 2 (rank 1 as a unit height), with its own params. */
  readonly conv2d: ConvolutionKernels<Conv2dParams, Storage>;
  readonly matmul: OnStorages<MatmulKernels>;
  /** Max and average pooling of any rank. */
  readonly pooling: OnStorages<PoolKernels>;
  readonly resize: OnStorages<ResizeKernels>;
  readonly activation: OnStorages<ActivationKernels>;
  readonly batchNorm: OnStorages<BatchNormKernels>;
  /** Image resampling by per-axis taps (Resizing: bilinear, nearest, bicubic, lanczos, area). */
  readonly resample: OnStorages<ResampleKernels>;
  /** Per-image affine resampling with fill modes (RandomRotation, RandomZoom, RandomTranslation). */
  readonly affineTransform: OnStorages<AffineTransformKernels>;
  /** Rows of a table by an index tensor, and the scatter-add gradient (Embedding). */
  readonly gather: OnStorages<GatherKernels>;
}

/** The array-level families a CPU backend implements (and wraps with `onCpuStorages`). */
export interface CpuKernels {
  readonly elementwise: ElementwiseKernels;
  readonly reduce: ReduceKernels;
  readonly movement: MovementKernels;
  readonly optimizer: OptimizerKernels;
  readonly conv: ConvKernels;
  readonly depthwiseConv2d: DepthwiseConv2dKernels;
  readonly conv2d: Conv2dKernels;
  readonly matmul: MatmulKernels;
  readonly pooling: PoolKernels;
  readonly resize: ResizeKernels;
  readonly activation: ActivationKernels;
  readonly batchNorm: BatchNormKernels;
  readonly resample: ResampleKernels;
  readonly affineTransform: AffineTransformKernels;
  readonly gather: GatherKernels;
}
