/**
 * This library's thread control, looked up by name so that the bench runs whether or not the library
 * has it: `setNumThreads(n)` / `getNumThreads()` from `src/index.ts`, else (while the public export is
 * pending) the same functions of the wasm kernels module, so that "1 thread" columns really are.
 */
import * as library from '../src/index.js';
import * as wasmKernels from '../src/kernels/wasm/index.js';

export interface ThreadControl {
  /** False when the library has no thread control: every "ours" column then runs on one thread. */
  readonly available: boolean;
  /** Where the functions come from ('src/index.ts' or the internal module), or why they are missing. */
  readonly source: string;
  /** Sets the library's thread count (awaits a pool start-up if `setNumThreads` returns a promise). */
  set(threads: number): Promise<void>;
  get(): number;
}

function lookup(module: object): { set: (n: number) => unknown; get: () => number } | null {
  const api = module as Record<string, unknown>;
  const set = api.setNumThreads;
  const get = api.getNumThreads;
  return typeof set === 'function' && typeof get === 'function' ? { set: set as (n: number) => unknown, get: get as () => number } : null;
}

export function threadControl(): ThreadControl {
  const fromIndex = lookup(library);
  const found = fromIndex ?? lookup(wasmKernels);
  if (found === null) {
    return { available: false, source: 'src/index.ts exports no setNumThreads/getNumThreads', set: async () => undefined, get: () => 1 };
  }
  return {
    available: true,
    source: fromIndex !== null ? 'src/index.ts' : 'src/kernels/wasm (not yet exported from src/index.ts)',
    async set(threads: number): Promise<void> {
      await found.set(threads);
      const now = found.get();
      if (now !== threads) throw new Error(`setNumThreads(${threads}) left getNumThreads() at ${now}`);
    },
    get: () => found.get(),
  };
}
