/**
 * The WebAssembly (SIMD) kernels: loading, tensor memory inside the module, the thread pool, and the
 * `KernelBackend` whose depthwise, conv2d, rank-generic conv (one group), matmul, pooling, resize, activation and batch-norm training
 * slots, the movement family's pad, copyBlock and repeat, and float32 sums run in WebAssembly for float32
 * (the rest, and float64 everywhere, stay TypeScript). `kernels/backend.ts` makes it the default where it
 * loads.
 */
import type { CpuKernels } from '../kernel-backend.js';
import { typescriptKernels } from '../typescript-backend.js';
import { createWasmActivationKernels } from './activations.js';
import { WasmArena } from './arena.js';
import { createWasmBatchNormKernels } from './batch-norm.js';
import type { WasmDepthwiseConv2dKernels } from './depthwise-conv2d.js';
import { createWasmDepthwiseConv2dKernels } from './depthwise-conv2d.js';
import type { WasmConv2dKernels } from './conv2d.js';
import { createWasmConv2dKernels } from './conv2d.js';
import type { WasmConvKernels } from './conv.js';
import { createWasmConvKernels } from './conv.js';
import type { WasmMatmulKernels } from './gemm.js';
import { createWasmMatmulKernels } from './gemm.js';
import type { DepthwiseWasmExports, DepthwiseWasmModule, LoadOptions } from './loader.js';
import { loadDepthwiseWasmModule, loadDepthwiseWasmModuleSync } from './loader.js';
import type { WasmMovementKernels, WasmReduceKernels } from './movement.js';
import { createWasmMovementKernels } from './movement.js';
import type { WasmPool2dKernels } from './pool2d.js';
import { createWasmPool2dKernels } from './pool2d.js';
import type { WasmResizeKernels } from './resize.js';
import { createWasmResizeKernels } from './resize.js';
import type { ThreadPool } from './thread-pool.js';
import { createThreadPool } from './thread-pool.js';

export type { ArenaStats } from './arena.js';
export { WasmArena, WasmStorage, sizeClass } from './arena.js';
export type { FusedActivation, WasmDepthwiseConv2dKernels, WasmKernelStats } from './depthwise-conv2d.js';
export { createWasmDepthwiseConv2dKernels } from './depthwise-conv2d.js';
export type { WasmConv2dKernels } from './conv2d.js';
export { createWasmConv2dKernels } from './conv2d.js';
export type { WasmConvKernels } from './conv.js';
export { createWasmConvKernels } from './conv.js';
export type { GemmWasmExports, WasmMatmulKernels } from './gemm.js';
export { createWasmMatmulKernels } from './gemm.js';
export type { CallStats } from './calls.js';
export type { WasmPool2dKernels } from './pool2d.js';
export { createWasmPool2dKernels } from './pool2d.js';
export type { WasmResizeKernels } from './resize.js';
export { createWasmResizeKernels } from './resize.js';
export type { WasmMovementKernels, WasmReduceKernels } from './movement.js';
export { createWasmMovementKernels } from './movement.js';
export type { DepthwiseWasmExports, DepthwiseWasmModule, LoadOptions, WasmVariant } from './loader.js';
export * from './loader.js';
export type { ThreadPool, ThreadPoolStats } from './thread-pool.js';
export type { KernelContext } from './kernel-error.js';
export { KernelTrapError } from './kernel-error.js';
export type { KernelVariant } from './manifest.js';
export { KERNEL_MANIFEST, variantSelections, resetVariantSelections } from './manifest.js';
export { createThreadPool, defaultNumThreads, getNumThreads, setNumThreads } from './thread-pool.js';

/** The WebAssembly kernels on typed arrays (`kernels/backend.ts` wraps them into a backend over storages). */
export interface WasmBackend extends CpuKernels {
  readonly name: string;
  readonly depthwiseConv2d: WasmDepthwiseConv2dKernels;
  readonly conv2d: WasmConv2dKernels;
  /** The rank-generic slot (ops send it rank 3): one-group float32 convolutions in the im2col GEMM. */
  readonly conv: WasmConvKernels;
  readonly matmul: WasmMatmulKernels;
  readonly pooling: WasmPool2dKernels;
  readonly resize: WasmResizeKernels;
  readonly movement: WasmMovementKernels;
  readonly reduce: WasmReduceKernels;
  /** Tensors in the module's memory; `arena.storageAllocator()` is what the engine allocates through. */
  readonly arena: WasmArena;
  readonly exports: DepthwiseWasmExports;
  /** Splits kernel calls across threads (`setNumThreads`); runs serially where memory is not shared. */
  readonly pool: ThreadPool;
}

/** Wraps a loaded module as a backend: its own arena over the module's memory and a thread pool. */
export function wasmBackendFromModule(loaded: DepthwiseWasmModule): WasmBackend {
  const { module, memory, exports } = loaded;
  const arena = new WasmArena(memory, exports.heapBase(), loaded.maximumBytes);
  const pool = createThreadPool({ module, memory, exports, arena });
  const depthwise = createWasmDepthwiseConv2dKernels(exports, arena, pool);
  const conv2d = createWasmConv2dKernels(exports, arena, pool);
  const { movement, reduce } = createWasmMovementKernels(exports, arena, pool);
  return {
    ...typescriptKernels, // elementwise, optimizer, resample, affineTransform, gather and the other movement kernels stay TypeScript
    name: 'wasm-simd',
    depthwiseConv2d: {
      ...depthwise,
      forwardEpilogue: (p, x, kernel, e, out) => depthwise.forwardScaleShift(p, x, kernel, e.scale, e.shift, out, e.activation),
    },
    conv2d: {
      ...conv2d,
      forwardEpilogue: (p, x, kernel, e, out) => conv2d.forwardFused(p, x, kernel, e.scale, e.shift, out, e.activation),
    },
    conv: createWasmConvKernels(exports, arena, pool),
    matmul: createWasmMatmulKernels(exports, arena, pool),
    pooling: createWasmPool2dKernels(exports, arena, pool),
    resize: createWasmResizeKernels(exports, arena, pool),
    movement,
    reduce,
    activation: createWasmActivationKernels(exports, arena, pool),
    batchNorm: createWasmBatchNormKernels(exports, arena, pool),
    arena,
    exports,
    pool,
  };
}

/** Loads the module synchronously (Node) and builds the backend; `null` where that is not possible. */
export function createWasmBackendSync(options?: LoadOptions): WasmBackend | null {
  const loaded = loadDepthwiseWasmModuleSync(options);
  return loaded === null ? null : wasmBackendFromModule(loaded);
}

/** Loads the module (fetch in browsers) and builds the backend; `null` when no built module is found. */
export async function createWasmBackend(options?: LoadOptions): Promise<WasmBackend | null> {
  const loaded = await loadDepthwiseWasmModule(options);
  return loaded === null ? null : wasmBackendFromModule(loaded);
}
