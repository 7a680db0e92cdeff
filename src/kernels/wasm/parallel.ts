/**
 * How a kernel wrapper runs a WebAssembly export over a range of work units, on one thread or many.
 *
 * Convention: every parallel export takes its own arguments followed by `(start, end, scratch)`: it
 * computes the half-open range `[start, end)` of its work units (rows, channel groups, ... the export's
 * doc says which) and may use `scratchBytes` bytes at `scratch`, private to the calling thread. Disjoint
 * ranges must be safe to run at the same time (no writes outside the range's share of the output, no
 * shared scratch), and running `[0, units)` in one call must give the same result as any split of it.
 */
import type { WasmArena } from './arena.js';

export interface ParallelOptions {
  /** Rough cost of one unit (e.g. multiply-adds); small jobs stay on the calling thread. */
  readonly costPerUnit: number;
  /** Bytes of private scratch each participating thread needs (0 or absent: none, `scratch` is 0). */
  readonly scratchBytes?: number;
}

export interface ParallelRunner {
  /** Calls `exports[fn](...args, start, end, scratch)` over `[0, units)`, split across threads. */
  run(fn: string, args: readonly number[], units: number, options: ParallelOptions): void;
  /** Threads this runner may use (1 for the serial runner). */
  readonly threads: number;
}

type ParallelExport = (...args: number[]) => void;

/** The single-threaded runner: one call over the whole range, with a scratch block reused across calls. */
export function serialRunner(exports: WebAssembly.Exports, arena: WasmArena): ParallelRunner {
  let scratch = 0;
  let scratchSize = 0;
  return {
    threads: 1,
    run(fn, args, units, options): void {
      const bytes = options.scratchBytes ?? 0;
      if (bytes > scratchSize) {
        if (scratchSize > 0) arena.release(scratch);
        scratch = arena.alloc(bytes, false);
        scratchSize = bytes;
      }
      if (units > 0) (exports[fn] as ParallelExport)(...args, 0, units, bytes > 0 ? scratch : 0);
    },
  };
}
