/**
 * Turns array-level kernels into backend slots for a CPU backend: each storage argument becomes its view
 * (no copy), so the TypeScript and WebAssembly backends share one adapter and keep their kernels on typed
 * arrays, where the conformance tests exercise them.
 */

import type { Storage } from '../engine/storage.js';
import { cpuView, isStorage } from '../engine/storage.js';
import type { CpuKernels, KernelBackend, OnStorages } from './kernel-backend.js';

function isEpilogue(value: object): value is { scale: Storage | null; shift: Storage | null; activation: string } {
  return 'activation' in value && 'scale' in value && 'shift' in value;
}

function unwrap(argument: unknown): unknown {
  if (typeof argument !== 'object' || argument === null) return argument;
  if (isStorage(argument)) return cpuView(argument);
  if (Array.isArray(argument)) return argument.some(isStorage) ? argument.map(unwrap) : argument;
  if (isEpilogue(argument)) {
    return { ...argument, scale: argument.scale && cpuView(argument.scale), shift: argument.shift && cpuView(argument.shift) };
  }
  return argument;
}

/**
 * The same kernels over storages.
 *
 * @example
 * ```ts
 * const slot = onCpuStorages(typescriptMatmulKernels); // slot.forward(p, aStorage, bStorage, outStorage)
 * ```
 */
export function onCpuStorages<T extends object>(kernels: T): OnStorages<T> {
  const slots: Record<string, unknown> = {};
  for (const name of Object.keys(kernels) as (keyof T & string)[]) {
    const kernel = kernels[name];
    if (typeof kernel !== 'function') continue;
    slots[name] = (...args: unknown[]) => (kernel as (...a: unknown[]) => unknown).apply(kernels, args.map(unwrap));
  }
  return slots as OnStorages<T>;
}

/**
 * A CPU backend from its array-level kernels: every family wrapped by {@link onCpuStorages}.
 *
 * @example
 * ```ts
 * const backend = cpuBackend('typescript', null, typescriptKernels);
 * ```
 */
export function cpuBackend(name: string, allocator: KernelBackend['allocator'], kernels: CpuKernels): KernelBackend {
  return {
    name,
    allocator,
    elementwise: onCpuStorages(kernels.elementwise),
    reduce: onCpuStorages(kernels.reduce),
    movement: onCpuStorages(kernels.movement),
    optimizer: onCpuStorages(kernels.optimizer),
    conv: onCpuStorages(kernels.conv),
    depthwiseConv2d: onCpuStorages(kernels.depthwiseConv2d),
    conv2d: onCpuStorages(kernels.conv2d),
    matmul: onCpuStorages(kernels.matmul),
    pooling: onCpuStorages(kernels.pooling),
    resize: onCpuStorages(kernels.resize),
    activation: onCpuStorages(kernels.activation),
    batchNorm: onCpuStorages(kernels.batchNorm),
    resample: onCpuStorages(kernels.resample),
    affineTransform: onCpuStorages(kernels.affineTransform),
    gather: onCpuStorages(kernels.gather),
  };
}
