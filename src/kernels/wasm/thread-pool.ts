/**
 * A pool of worker threads that run the kernels' parallel exports (see `parallel.ts`) on the same shared
 * WebAssembly memory as the calling thread.
 *
 * Each worker instantiates the same `WebAssembly.Module` on the same shared `WebAssembly.Memory` (Node:
 * `worker_threads`; browsers: a Blob-URL worker, only where the page is cross-origin isolated) and then
 * waits on a control block (a 4 KB SharedArrayBuffer, layout in `worker-source.ts`). A job is one call
 * `run(fn, args, units)`: the calling thread publishes it, works on it too, and returns when every unit is
 * done, so to the caller `run` is an ordinary synchronous call. Workers still starting up do not take
 * part (a synchronous op never waits for a worker to start), and all workers are `unref()`ed, so they
 * never keep a process alive.
 *
 * Protocol. Words of the control block: STATE = `(generation << 1) | open`, ACTIVE, NEXT, DONE, plus the
 * job's parameters (function, arguments, units, chunk size). The caller, for each job:
 *   1. waits until ACTIVE == 0;
 *   2. writes the parameters, NEXT = 0, DONE = 0;
 *   3. stores STATE = (g << 1) | 1 (open) and notifies;
 *   4. claims chunks itself (`begin = Atomics.add(NEXT, chunk)` until `begin >= units`), adding each
 *      finished chunk's size to DONE;
 *   5. waits until DONE == units, then stores STATE = g << 1 (closed).
 * A worker that sees STATE = s, odd and not the last job it served, increments ACTIVE, re-reads STATE,
 * and only if it is still s reads the parameters and claims chunks like the caller; it then decrements
 * ACTIVE (notifying when it reaches 0), whether it took part or not.
 *
 * Why a slow worker cannot mix two jobs: all these accesses are sequentially consistent atomics (and the
 * plain writes of step 2 happen before the STATE store that publishes them). A worker reads parameters or
 * claims units only after confirming, *after* its ACTIVE increment, that STATE still equals the open value
 * s of job g. STATE never holds s again once the caller closes job g (generations only increase), so the
 * confirmation precedes the close, which precedes the caller's step 1 for job g+1. Hence the caller's
 * step-1 read of ACTIVE comes after the worker's increment, and it sees the worker until it decrements,
 * which the worker does only after its last read of job g's parameters and its last claim from job g's
 * NEXT. So the caller never rewrites parameters, NEXT or DONE while a worker may still use job g's. A
 * worker that incremented ACTIVE too late sees a different STATE and backs out without touching anything.
 * A chunk claimed below `units` is counted in DONE only when finished, so DONE == units means no thread
 * is inside a call any more (scratch can be reallocated); claims after that return `begin >= units`.
 *
 * Errors: a call that throws (a trap) in a worker stores the first error's message in the control block
 * and still counts its units as done; the caller finishes the job and throws a `KernelTrapError` naming
 * the export, the worker thread and the op (`options.context`), the worker's text as its cause. A throw
 * on the calling thread is handled the same way (a trap becomes a `KernelTrapError` with the original as
 * cause), so the job is always closed cleanly.
 *
 * Scratch: each thread index has its own block of `scratchBytes` (allocated from the arena, reused, grown
 * when a job asks for more), its pointer passed as the `scratch` argument; a worker keeps its index for
 * life. Lowering the thread count pauses the surplus workers (their private flag), raising it resumes
 * them: a worker checks its flag after its ACTIVE increment and skips the job unless it says RUN, and
 * `setThreads` only runs between jobs (jobs open only while the caller is inside `run`).
 */
import type { Worker as NodeWorker } from 'node:worker_threads';

import { isNode, nodeBuiltin } from '../../platform/node-builtins.js';
import type { WasmArena } from './arena.js';
import type { KernelContext } from './kernel-error.js';
import { trapError, workerTrapError } from './kernel-error.js';
import type { LeadingArgs, ParallelKernel, ParallelOptions, ParallelRunner } from './parallel.js';
import { BROWSER_WORKER_SOURCE, CONTROL, NODE_WORKER_SOURCE, WORKER_FLAG } from './worker-source.js';

const C = CONTROL;

/**
 * Jobs cheaper than this (`units * costPerUnit`, in multiply-adds) run on the calling thread alone.
 * Measured on the 2-core reference machine: a job costs the caller ~1 µs of protocol when the worker is
 * still polling (ops back to back), ~10 µs when it must be woken (the futex wake), and a sleeping worker
 * joins 30–50 µs after the job is published. The depthwise kernels run at ~10 G multiply-adds/s per core,
 * so 400k is ~40 µs of work: below that the worker would join about when the caller is finishing, and
 * measured MobileNet layers near this size gain nothing (7×7×1024: 0.85×; 28×28×256 stride 2, same cost
 * in more rows: 1.44×). Kernels much faster per multiply-add (the GEMM) should scale their cost to match.
 */
export const DEFAULT_SERIAL_THRESHOLD = 400_000;

/**
 * Chunks per participating thread: enough to even out a worker that joins late, few enough to be cheap
 * (one chunk per thread, which would halve the GEMM's repacking of B, measured no faster on MobileNet).
 */
const CHUNKS_PER_THREAD = 4;

/**
 * How long (ms) the caller polls a word before sleeping on it. Short: the workers' last chunks usually
 * end within it, and when a worker shares the caller's core (a busy machine) polling would only delay it.
 */
const CALLER_SPIN_MS = 0.02;

export interface ThreadPoolOptions {
  readonly module: WebAssembly.Module;
  /** The module's memory; must be shared for threads (otherwise the pool runs everything serially). */
  readonly memory: WebAssembly.Memory;
  /** The calling thread's instance exports of `module` on `memory` (raw, or bound by `bindKernelExports`). */
  readonly exports: object;
  /** Where per-thread scratch blocks are allocated. */
  readonly arena: WasmArena;
  /** Threads including the caller; default {@link getNumThreads}. */
  readonly threads?: number;
  /** See {@link DEFAULT_SERIAL_THRESHOLD}. */
  readonly serialThreshold?: number;
  /**
   * @internal Test hook: workers stall this long (ms) between reading a job's parameters and claiming
   * units, which makes a protocol race (a worker mixing two jobs) observable. 0 in real use.
   */
  readonly workerStallMs?: number;
  /**
   * @internal Test hook: the caller waits this long (ms) after publishing a job before claiming its own
   * share, so the workers take every unit first (a worker's trap is then the one reported). 0 in real use.
   */
  readonly callerStallMs?: number;
}

export interface ThreadPoolStats {
  /** Jobs split across threads. */
  parallelJobs: number;
  /** Jobs run on the calling thread alone (small, one unit, or no worker ready). */
  serialJobs: number;
  /** Workers that have started (paused ones included). */
  readyWorkers: number;
  /** Workers spawned and not terminated (paused ones included). */
  workers: number;
}

export interface ThreadPool extends ParallelRunner {
  /** Changes the thread count (caller included); starts or retires workers. */
  setThreads(n: number): void;
  /** Stops every worker; later jobs run on the calling thread. */
  terminate(): void;
  /**
   * Resolves once every started worker is ready, or after `timeoutMs`. A browser starts a worker only
   * after the page returns to its event loop, so `ready()` awaits this there; jobs never wait for it.
   */
  whenStarted(timeoutMs: number): Promise<void>;
  stats(): ThreadPoolStats;
  /** Whether threads are possible at all (shared memory and a worker API). */
  readonly parallel: boolean;
}

interface PoolWorker {
  readonly quit: Int32Array;
  stop(): void;
}

/** Whether this thread may block in `Atomics.wait` (not a browser's main thread). */
function canBlock(): boolean {
  if (isNode()) return true;
  return typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
}

function checkThreadCount(n: unknown, argument: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new RangeError(`\`${argument}\` must be a positive integer; got ${String(n)}`);
  }
  if (n > C.MAX_THREADS) throw new RangeError(`\`${argument}\` must be at most ${C.MAX_THREADS}; got ${n}`);
  return n;
}

/** What a worker receives (see `worker-source.ts`). */
interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  quit: SharedArrayBuffer;
  index: number;
  stallMs: number;
}

/** Whether workers can be started here: Node's `worker_threads` (see `platform/`) or a browser `Worker`. */
function workersAvailable(): boolean {
  if (isNode()) return nodeBuiltin('node:worker_threads') !== undefined;
  return typeof Worker !== 'undefined' && typeof Blob !== 'undefined';
}

/** Starts one worker of the right kind and returns its terminator, or null where workers are unavailable. */
function spawnWorker(data: WorkerData): (() => void) | null {
  if (isNode()) {
    const wt = nodeBuiltin('node:worker_threads');
    if (wt === undefined) return null;
    const worker: NodeWorker = new wt.Worker(NODE_WORKER_SOURCE, { eval: true, workerData: data });
    // A worker that fails to start (e.g. out of memory) simply never becomes ready; without a listener
    // its 'error' event would be thrown on this thread.
    worker.on('error', () => undefined);
    worker.unref();
    return () => void worker.terminate();
  }
  if (typeof Worker === 'undefined' || typeof Blob === 'undefined') return null;
  const url = URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  worker.postMessage(data);
  return () => worker.terminate();
}

/**
 * Creates a pool running `exports`' parallel functions on `threads` threads (the caller and `threads - 1`
 * workers). Where the memory is not shared or no worker API exists, the pool runs every job on the caller.
 * The pool follows {@link setNumThreads} until terminated.
 */
export function createThreadPool(options: ThreadPoolOptions): ThreadPool {
  const { module, memory, exports, arena } = options;
  const threshold = options.serialThreshold ?? DEFAULT_SERIAL_THRESHOLD;
  const callerStallMs = options.callerStallMs ?? 0;
  const parallel = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer && workersAvailable();
  const blocking = canBlock();
  const control = new SharedArrayBuffer(C.BYTES);
  const ctl = new Int32Array(control);
  const scratchTable = new Uint32Array(control);
  const argArea = new Float64Array(control, C.ARGS_BYTE, C.MAX_ARGS);
  const message = new Uint16Array(control, C.MESSAGE_BYTE, C.MAX_MESSAGE);

  // Workers find a job's function by its index among the module's function exports.
  const names = WebAssembly.Module.exports(module)
    .filter((e) => e.kind === 'function')
    .map((e) => e.name);
  const table = new Map(Object.entries(exports));
  const fnIndex = new Map<unknown, { index: number; name: string }>(names.map((name, index) => [table.get(name), { index, name }]));

  const workers: PoolWorker[] = [];
  /** Scratch block and size per thread index (index 0 is the caller). */
  const scratch: { ptr: number; size: number }[] = [];
  let threads = 1;
  let generation = 0;
  let terminated = false;
  const counters = { parallelJobs: 0, serialJobs: 0 };

  function setThreads(n: number): void {
    threads = checkThreadCount(n, 'threads');
    if (!parallel || terminated) return;
    // Workers beyond the count are paused, not stopped: they sleep on their flag and skip every job (a
    // worker that increments ACTIVE re-checks its flag before working), and resume at once when the
    // count rises again. (Killing a worker between its ACTIVE increment and decrement would leave ACTIVE
    // stuck and hang the next job; only terminate() stops them, through the QUIT flag.)
    workers.forEach((w, i) => {
      const wanted = i < threads - 1 ? WORKER_FLAG.RUN : WORKER_FLAG.PAUSED;
      if (Atomics.load(w.quit, 0) === wanted) return;
      Atomics.store(w.quit, 0, wanted);
      Atomics.notify(w.quit, 0);
    });
    // Wake workers polling or sleeping on STATE, so newly paused ones go to sleep on their flag now.
    Atomics.notify(ctl, C.STATE);
    while (workers.length < threads - 1) {
      const index = workers.length + 1;
      const quitBuffer = new SharedArrayBuffer(4);
      const stop = spawnWorker({ module, memory, control, quit: quitBuffer, index, stallMs: options.workerStallMs ?? 0 });
      if (stop === null) break;
      workers.push({ quit: new Int32Array(quitBuffer), stop });
    }
  }

  /** Scratch of `bytes` for thread indices `[0, slots)`; only called while no thread uses scratch. */
  function ensureScratch(bytes: number, slots: number): void {
    for (let i = 0; i < slots; i++) {
      let s = scratch[i];
      if (s === undefined) {
        s = { ptr: 0, size: 0 };
        scratch[i] = s;
      }
      if (bytes > s.size) {
        if (s.size > 0) arena.release(s.ptr);
        s.ptr = arena.alloc(bytes, false);
        s.size = bytes;
      }
      scratchTable[C.SCRATCH + i] = bytes > 0 ? s.ptr : 0;
    }
  }

  /** Waits until `ctl[index]` satisfies `done`, spinning first; a browser main thread only spins. */
  function waitUntil(index: number, done: (value: number) => boolean): void {
    let value = Atomics.load(ctl, index);
    if (done(value)) return;
    const until = performance.now() + CALLER_SPIN_MS;
    let polls = 0;
    for (;;) {
      value = Atomics.load(ctl, index);
      if (done(value)) return;
      if (blocking && (++polls & 63) === 0 && performance.now() > until) Atomics.wait(ctl, index, value);
    }
  }

  function exportOf(fn: ParallelKernel): { index: number; name: string } {
    const found = fnIndex.get(fn);
    if (found === undefined) throw new Error('thread pool: the function is not an export of this pool\'s module instance');
    return found;
  }

  function runSerial(f: ParallelKernel, name: string, args: readonly number[], units: number, bytes: number, context: KernelContext | undefined): void {
    counters.serialJobs++;
    ensureScratch(bytes, 1);
    try {
      f(...args, 0, units, bytes > 0 ? scratch[0].ptr : 0);
    } catch (error) {
      throw trapError(error, name, context);
    }
  }

  function run<F extends ParallelKernel>(f: F, leading: NoInfer<LeadingArgs<F>>, units: number, runOptions: ParallelOptions): void {
    const args: readonly number[] = leading;
    if (!Number.isInteger(units) || units < 0 || units > 2 ** 30) {
      throw new RangeError(`thread pool: \`units\` must be an integer in [0, 2^30]; got ${units}`);
    }
    if (args.length > C.MAX_ARGS) throw new RangeError(`thread pool: at most ${C.MAX_ARGS} \`args\`; got ${args.length}`);
    const { index, name } = exportOf(f);
    if (units === 0) return;
    const bytes = runOptions.scratchBytes ?? 0;
    const ready = Math.min(Atomics.load(ctl, C.READY), workers.length);
    const helpers = Math.min(ready, threads - 1);
    if (!parallel || terminated || helpers === 0 || units < 2 || units * runOptions.costPerUnit < threshold) {
      runSerial(f, name, args, units, bytes, runOptions.context);
      return;
    }
    counters.parallelJobs++;

    // 1. No worker may still be reading the previous job (see the protocol above).
    waitUntil(C.ACTIVE, (active) => active === 0);
    // Indices are 1..workers.length; retired workers never take part again (see the protocol above).
    ensureScratch(bytes, workers.length + 1);
    // 2. Parameters.
    const participants = helpers + 1;
    const chunk = Math.max(1, Math.ceil(units / (participants * CHUNKS_PER_THREAD)));
    for (let i = 0; i < args.length; i++) argArea[i] = args[i];
    Atomics.store(ctl, C.FN, index);
    Atomics.store(ctl, C.NARGS, args.length);
    Atomics.store(ctl, C.UNITS, units);
    Atomics.store(ctl, C.CHUNK, chunk);
    Atomics.store(ctl, C.NEXT, 0);
    Atomics.store(ctl, C.DONE, 0);
    Atomics.store(ctl, C.ERROR, 0);
    // 3. Publish.
    // Wraps after 2^30 jobs; the protocol only needs a worker not to sleep through all of them.
    generation = (generation + 1) & 0x3fffffff;
    Atomics.store(ctl, C.STATE, (generation << 1) | 1);
    // Everyone: a retiring worker may be among the sleepers, and it would swallow a wake-up meant for a helper.
    Atomics.notify(ctl, C.STATE);
    if (callerStallMs > 0) {
      const until = performance.now() + callerStallMs;
      while (performance.now() < until && Atomics.load(ctl, C.NEXT) < units);
    }
    // 4. Our share.
    let ownError: unknown = undefined;
    const call = [...args, 0, 0, bytes > 0 ? scratch[0].ptr : 0];
    for (;;) {
      const begin = Atomics.add(ctl, C.NEXT, chunk);
      if (begin >= units) break;
      const end = Math.min(begin + chunk, units);
      call[args.length] = begin;
      call[args.length + 1] = end;
      try {
        f(...call);
      } catch (error) {
        ownError ??= error;
      }
      Atomics.add(ctl, C.DONE, end - begin);
    }
    // 5. Everyone's share, then close.
    waitUntil(C.DONE, (done) => done >= units);
    Atomics.store(ctl, C.STATE, generation << 1);

    if (ownError !== undefined) throw trapError(ownError, name, runOptions.context);
    if (Atomics.load(ctl, C.ERROR) !== 0) {
      const length = Atomics.load(ctl, C.ERROR_LENGTH);
      throw workerTrapError(String.fromCharCode(...message.subarray(0, length)), name, runOptions.context);
    }
  }

  const pool: ThreadPool = {
    get threads(): number {
      return parallel && !terminated ? threads : 1;
    },
    get parallel(): boolean {
      return parallel && !terminated;
    },
    run,
    setThreads,
    terminate(): void {
      if (terminated) return;
      terminated = true;
      pools.delete(pool);
      for (const w of workers) {
        Atomics.store(w.quit, 0, WORKER_FLAG.QUIT);
        Atomics.notify(w.quit, 0);
        w.stop();
      }
      workers.length = 0;
      Atomics.notify(ctl, C.STATE);
    },
    async whenStarted(timeoutMs: number): Promise<void> {
      const until = performance.now() + timeoutMs;
      while (!terminated && Atomics.load(ctl, C.READY) < Math.min(workers.length, threads - 1) && performance.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    },
    stats(): ThreadPoolStats {
      return { ...counters, readyWorkers: Math.min(Atomics.load(ctl, C.READY), workers.length), workers: workers.length };
    },
  };
  pools.add(pool);
  setThreads(options.threads ?? getNumThreads());
  return pool;
}

const pools = new Set<ThreadPool>();
/**
 * The default cap in a browser page: the page's main thread spins while it waits (it may not block), and
 * other tabs share the cores, so more threads than this rarely pay. `setNumThreads` may ask for more.
 */
export const BROWSER_MAX_THREADS = 8;
let configured: number | null = null;

/**
 * The default thread count: the available cores in Node (`os.availableParallelism()`),
 * `navigator.hardwareConcurrency` on a cross-origin isolated browser page, 1 elsewhere.
 */
export function defaultNumThreads(): number {
  if (isNode()) {
    const os = nodeBuiltin('node:os') as { availableParallelism?: () => number; cpus(): unknown[] } | undefined;
    if (os === undefined) return 1;
    return Math.min(C.MAX_THREADS, Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
  }
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (g.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined') {
    return Math.min(BROWSER_MAX_THREADS, Math.max(1, g.navigator?.hardwareConcurrency ?? 1));
  }
  return 1;
}

/**
 * Sets how many threads (the calling thread included) the WebAssembly kernels use, for every live pool
 * and pools created later. `n` must be a positive integer (at most 256); 1 turns threading off.
 */
export function setNumThreads(n: number): void {
  configured = checkThreadCount(n, 'n');
  for (const pool of pools) pool.setThreads(configured);
}

/**
 * The threads the WebAssembly kernels use: the count set by {@link setNumThreads}, else
 * {@link defaultNumThreads}; always 1 where threads are impossible (a browser page that is not
 * cross-origin isolated has no shared memory, so its kernels run on the main thread).
 *
 * @example
 * ```ts
 * console.log(`${getBackendName()} on ${getNumThreads()} threads`);
 * ```
 */
export function getNumThreads(): number {
  if (!threadsPossible()) return 1;
  return configured ?? defaultNumThreads();
}

/** Whether kernels can run on several threads here: shared memory and a worker API. */
function threadsPossible(): boolean {
  if (isNode()) return true;
  const g = globalThis as { crossOriginIsolated?: boolean };
  return g.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined' && workersAvailable();
}
