/**
 * What the wrappers of the simpler kernel families (pooling, resize, movement, reduce) share: the call
 * statistics, argument binding with temporaries released whatever happens, and the channels-first ↔
 * channels-last transposes that let one NHWC kernel serve both image layouts.
 */
import type { DataArray } from '../../engine/dtype.js';
import type { WasmArena } from './arena.js';
import type { ArgumentCounters } from './bind.js';
import { argumentBinder } from './bind.js';
import type { KernelExports } from './generated/exports.js';
import type { KernelContext } from './kernel-error.js';
import type { ParallelRunner } from './parallel.js';

export interface CallStats extends ArgumentCounters {
  /** Kernel calls computed in WebAssembly. */
  wasmCalls: number;
  /** Calls handed to the TypeScript kernels (float64 or int32 arrays, or a case no entry covers). */
  typescriptCalls: number;
  /** Channels-first calls (each transposes its tensors through scratch memory). */
  transposedCalls: number;
}

function newStats(): CallStats {
  return { wasmCalls: 0, typescriptCalls: 0, zeroCopyArguments: 0, copiedArguments: 0, copiedBytes: 0, transposedCalls: 0 };
}

/** Whether every array is float32 (the WebAssembly kernels' element type). */
export function allFloat32(...arrays: readonly (DataArray | null)[]): boolean {
  return arrays.every((a) => a === null || a instanceof Float32Array);
}

/** Allocates float32 temporaries for one call (byte offsets in wasm memory). */
export type Temps = (floats: number) => number;

/**
 * The calls of one wrapper: `run(inputs, outputs, body)` binds the arrays (in place when they live in
 * wasm memory, else copied through scratch and copied back), hands `body` their offsets and a temporary
 * allocator, and releases temporaries and copies whether or not `body` throws.
 *
 * @example
 * ```ts
 * const calls = kernelCalls(arena, 'pool2d wasm');
 * calls.run([x], [out], ([xp, op], temp) => runner.run(wasm.maxPoolForwardNhwc, [xp, op, ...], units, options));
 * ```
 */
export function kernelCalls(arena: WasmArena, kernel: string) {
  const counters = newStats();
  const binder = argumentBinder(arena, counters);
  return {
    counters,
    run(inputs: readonly Float32Array[], outputs: readonly Float32Array[], body: (ptrs: number[], temp: Temps) => void): void {
      counters.wasmCalls++;
      const bound = binder(kernel, inputs, outputs);
      const blocks: number[] = [];
      try {
        body(bound.ptrs, (floats) => {
          const ptr = arena.alloc(Math.max(floats, 1) * 4, false);
          blocks.push(ptr);
          return ptr;
        });
        bound.done();
      } finally {
        bound.release();
        for (const ptr of blocks.splice(0)) arena.release(ptr);
      }
    },
    stats(): CallStats {
      return { ...counters };
    },
    resetStats(): void {
      Object.assign(counters, newStats());
    },
  };
}

/**
 * `[N, C, spatial]` → `[N, spatial, C]` (`toNhwc`) or back, with the depthwise family's 4×4-tile SIMD
 * transposes through `runner`.
 */
export function transposeImages(
  wasm: KernelExports, runner: ParallelRunner, toNhwc: boolean,
  src: number, dst: number, batch: number, channels: number, spatial: number, context: KernelContext,
): void {
  const args: [number, number, number, number, number] = [src, dst, batch, channels, spatial];
  const options = { costPerUnit: 8 * channels, context };
  const units = batch * Math.ceil(spatial / 4);
  if (toNhwc) runner.run(wasm.nchwToNhwc, args, units, options);
  else runner.run(wasm.nhwcToNchw, args, units, options);
}
