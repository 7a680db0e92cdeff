/**
 * How a kernel wrapper runs a WebAssembly export over a range of work units, on one thread or many.
 *
 * Convention: every parallel export takes its own arguments followed by `(start, end, scratch)`: it
 * computes the half-open range `[start, end)` of its work units (rows, channel groups, ... the export's
 * doc says which) and may use `scratchBytes` bytes at `scratch`, private to the calling thread. Disjoint
 * ranges must be safe to run at the same time (no writes outside the range's share of the output, no
 * shared scratch), and running `[0, units)` in one call must give the same result as any split of it.
 *
 * Runners take the export itself, typed by the generated boundary (`generated/exports.ts`): the leading
 * arguments are checked against its signature at compile time, so `run(wasm.forwardNhwc, [pp, x], ...)`
 * with a missing argument does not type-check.
 */
import type { WasmArena } from './arena.js';
import type { KernelContext } from './kernel-error.js';
import { trapError } from './kernel-error.js';

/** A function export following the convention (its parameters are numbers, it returns nothing). */
export type ParallelKernel = (...args: number[]) => void;

/** The arguments of a parallel export before `(start, end, scratch)`, with their names. */
export type LeadingArgs<F> = F extends (...args: [...infer A extends number[], start: number, end: number, scratch: number]) => void ? A : never;

export interface ParallelOptions {
  /** Rough cost of one unit (e.g. multiply-adds); small jobs stay on the calling thread. */
  readonly costPerUnit: number;
  /** Bytes of private scratch each participating thread needs (0 or absent: none, `scratch` is 0). */
  readonly scratchBytes?: number;
  /** The op this call serves, for the error a trap becomes (see `kernel-error.ts`). */
  readonly context?: KernelContext;
}

export interface ParallelRunner {
  /**
   * Calls `fn(...args, start, end, scratch)` over `[0, units)`, split across threads. A WebAssembly trap
   * becomes a `KernelTrapError` naming the export and `options.context`.
   */
  run<F extends ParallelKernel>(fn: F, args: NoInfer<LeadingArgs<F>>, units: number, options: ParallelOptions): void;
  /** Threads this runner may use (1 for the serial runner). */
  readonly threads: number;
}

/**
 * The names of an instance's function exports, keyed by function (a wasm function's own `name` is its
 * index, not its export name): how runners name an export in errors and find it in other instances.
 */
export function exportNames(exports: object): Map<unknown, string> {
  const names = new Map<unknown, string>();
  for (const [name, value] of Object.entries(exports)) if (typeof value === 'function') names.set(value, name);
  return names;
}

/**
 * The single-threaded runner: one call over the whole range, with a scratch block reused across calls.
 *
 * @example
 * ```ts
 * const runner = serialRunner(kernels, arena);
 * runner.run(kernels.nchwToNhwc, [src, dst, batch, channels, spatial], tiles, { costPerUnit: 8 * channels });
 * ```
 */
export function serialRunner(exports: object, arena: WasmArena): ParallelRunner {
  const names = exportNames(exports);
  let scratch = 0;
  let scratchSize = 0;
  return {
    threads: 1,
    run(fn, args, units, options): void {
      const bytes = options.scratchBytes ?? 0;
      if (bytes > scratchSize) {
        const ptr = arena.alloc(bytes, false); // may throw: the old block stays ours until it succeeded
        if (scratchSize > 0) arena.release(scratch);
        scratch = ptr;
        scratchSize = bytes;
      }
      if (units <= 0) return;
      try {
        fn(...args, 0, units, bytes > 0 ? scratch : 0);
      } catch (error) {
        throw trapError(error, names.get(fn) ?? 'an unknown export', options.context);
      }
    },
  };
}
