/**
 * Reading untrusted HDF5 with a time limit. The HDF5 C library can loop forever on some corrupt files and a
 * synchronous WebAssembly call cannot be interrupted, so in Node the snapshot is taken in a worker thread
 * while this thread waits (synchronously, with `Atomics.wait`); a worker that does not answer in time is
 * terminated and replaced.
 *
 * The worker reports its own start-up through shared memory, because this thread, blocked in
 * `Atomics.wait`, cannot see a worker's 'error' event: a worker whose file is missing (a bundler dropped
 * it) or that cannot load h5wasm says so at once, and reads then fall back to this thread, without the
 * time limit, after one warning. Where workers do not exist (browsers) reads run in this thread too.
 */

import type * as WorkerThreadsModule from 'node:worker_threads';
import type { MessagePort, Worker as NodeWorker } from 'node:worker_threads';
import { nodeBuiltin } from '../platform/node-builtins.js';
import { LoadBudget } from './budget.js';
import { ModelFileError } from './errors.js';
import type { H5Snapshot, SnapshotLimits } from './h5-tree.js';
import { H5Tree, snapshotH5 } from './h5-tree.js';
import { h5ChildAs, h5Classes, readH5 } from './hdf5.js';

type WorkerThreads = typeof WorkerThreadsModule;

interface WorkerHandle {
  worker: NodeWorker;
  /** [lifecycle, request]: see WORKER_STATE. */
  state: Int32Array;
  /** Where the worker sends the reason it could not start. */
  startErrors: MessagePort;
}

/** How long a new worker may take to load h5wasm (tsx compiles the worker first when running from source). */
const STARTUP_LIMIT_MS = 30_000;
/**
 * The automatic limit is on time without progress (the worker counts the objects it has read): a fixed
 * allowance, time in proportion to the data (one large dataset is read in a single call), and time in
 * proportion to the layers the caller expects (listing a group is a single call too: `keys()` of the
 * 20,000 children of a 10,000-block model's `layers` group took 736 ms at a load average of 10, 37 µs a
 * child; 0.1 ms a layer leaves a margin of almost 3). The layer count comes from a config already held
 * to `maxLayers`, so what a file can add to the wait is bounded by what it holds.
 */
const STALL_BASE_MS = 750;
const STALL_MS_PER_MIB = 10;
const STALL_MS_PER_LAYER = 0.1;

/**
 * Shared-memory words the worker writes: [0] its lifecycle (starting, ready, failed, exited), [1] the
 * current request (pending, answered, or exited when the worker died while reading), [2] progress.
 */
export const WORKER_STATE = Object.freeze({ starting: 0, ready: 1, failed: 2, exited: 3, pending: 0, answered: 1 });
/** The third shared word counts the objects the worker has read: progress. */
export const PROGRESS_INDEX = 2;

let threads: WorkerThreads | null | undefined;
let entryOverride: string | null = null;
let handle: WorkerHandle | null = null;
/**
 * A second worker, started while a read makes no progress, so that if the read must be abandoned the next
 * one finds a worker already loaded instead of waiting for one to start (0.2 s compiled, 0.7 s under tsx).
 */
let spare: WorkerHandle | null = null;
const SPARE_AFTER_MS = 100;
let fixedTimeoutMs: number | null = null;
/** Why the worker could not start, once it could not: reads then run in this thread. */
let fallbackReason: string | null = null;

/**
 * Sets how long one HDF5 read may take before it is abandoned: a number of milliseconds for the whole read,
 * or null for the default, which abandons a read that makes no progress (reads no further object) for
 * 750 ms plus 10 ms per MiB of data plus 0.1 ms per layer the model's config lists. A file that is only
 * large, read on a very busy machine, can outlast that: a trusted file then loads with a fixed limit.
 * Returns the previous setting.
 *
 * @example
 * ```ts
 * const previous = setHdf5Timeout(30_000); // slow disks, huge files
 * ```
 */
export function setHdf5Timeout(ms: number | null): number | null {
  if (ms !== null && !(Number.isFinite(ms) && ms > 0)) throw new RangeError(`setHdf5Timeout: expected a positive number of milliseconds or null, received ${String(ms)}`);
  const previous = fixedTimeoutMs;
  fixedTimeoutMs = ms;
  return previous;
}

/** The automatic stall window for `bytes` of HDF5 data holding the weights of `layers` layers. */
export function stallLimit(bytes: number, layers: number): number {
  return Math.round(STALL_BASE_MS + (bytes / 2 ** 20) * STALL_MS_PER_MIB + layers * STALL_MS_PER_LAYER);
}

function workerThreads(): WorkerThreads | null {
  threads ??= nodeBuiltin('node:worker_threads') ?? null;
  return threads;
}

/** The snapshot of `bytes`, taken in this thread (the worker calls this too, reporting progress). */
export function snapshotInProcess(bytes: Uint8Array, file: string, limits: SnapshotLimits, progress?: () => void): H5Snapshot {
  const { isGroup, isDataset } = h5Classes();
  return readH5(bytes, file, (root) => snapshotH5(root, isGroup, isDataset, limits, file, progress, h5ChildAs));
}

/**
 * Where the worker's code is, and how it starts: the bootstrap is evaluated source that reports any failure
 * to import the entry. No exec arguments are inherited: under `node --input-type=module -e` a worker given
 * `--input-type` dies before running a line, and the worker needs none of the parent's flags.
 */
function startWorker(wt: WorkerThreads): WorkerHandle {
  const fromSource = import.meta.url.endsWith('.ts');
  // Node 20 does not pass tsx's loader hooks on to workers: from source, the worker registers tsx itself.
  const entry = entryOverride ?? new URL(fromSource ? './h5-worker.ts' : './h5-worker.js', import.meta.url).href;
  const bootstrap = `
    (async () => {
      const { workerData } = await import('node:worker_threads');
      const { state, startErrors } = workerData;
      try {
        ${fromSource ? "(await import('tsx/esm/api')).register();" : ''}
        await (await import(${JSON.stringify(entry)})).started;
      } catch (error) {
        startErrors.postMessage(String(error && error.message ? error.message : error));
        Atomics.store(state, 0, ${WORKER_STATE.failed});
        Atomics.notify(state, 0);
      }
    })();`;
  const state = new Int32Array(new SharedArrayBuffer(12));
  const { port1, port2 } = new wt.MessageChannel();
  const worker = new wt.Worker(bootstrap, { eval: true, execArgv: [], workerData: { state, startErrors: port2 }, transferList: [port2] });
  worker.unref();
  return { worker, state, startErrors: port1 };
}

function stop(current: WorkerHandle): void {
  void current.worker.terminate();
  current.startErrors.close();
  if (handle === current) handle = null;
}

/** A started worker, or null (with `fallbackReason` set) when none can start. */
function readyWorker(wt: WorkerThreads): WorkerHandle | null {
  if (fallbackReason !== null) return null;
  try {
    handle ??= startWorker(wt);
  } catch (error) {
    return fallBack(`new Worker() failed: ${(error as Error).message}`);
  }
  const current = handle;
  Atomics.wait(current.state, 0, WORKER_STATE.starting, STARTUP_LIMIT_MS);
  const lifecycle = Atomics.load(current.state, 0);
  if (lifecycle === WORKER_STATE.ready) return current;
  const reason =
    lifecycle === WORKER_STATE.failed
      ? String((wt.receiveMessageOnPort(current.startErrors) as { message: unknown } | undefined)?.message ?? 'unknown error')
      : lifecycle === WORKER_STATE.exited
        ? 'it exited while starting'
        : `it did not start within ${STARTUP_LIMIT_MS} ms`;
  stop(current);
  return fallBack(reason);
}

function fallBack(reason: string): null {
  fallbackReason = reason;
  process.emitWarning(
    `the HDF5 reader thread could not start (${reason}); HDF5 files are now read in the calling thread, without the time limit that stops a corrupt file from hanging the HDF5 library`,
    { code: 'DEPTHWISE_HDF5_WORKER' },
  );
  return null;
}

/**
 * Waits for the current request: until answered, or until the worker makes no progress for a whole stall
 * window (or, with a fixed limit, until that much time has passed). `slow` is called once when the read
 * makes no progress for SPARE_AFTER_MS: a read that only takes long (a 20,000-layer file reads for seconds)
 * starts no spare worker, whose start-up would compete with it for the CPU. Returns the request's state
 * and, when abandoned, why.
 */
function awaitAnswer(state: Int32Array, window: number, slow: () => void): { outcome: number; limit: string } {
  const started = performance.now();
  let progressAt = started;
  let seen = Atomics.load(state, PROGRESS_INDEX);
  let warned = false;
  for (;;) {
    const deadline = fixedTimeoutMs !== null ? started + fixedTimeoutMs : progressAt + window;
    const until = warned ? deadline : Math.min(deadline, progressAt + SPARE_AFTER_MS);
    Atomics.wait(state, 1, WORKER_STATE.pending, Math.max(0, until - performance.now()));
    const outcome = Atomics.load(state, 1);
    if (outcome !== WORKER_STATE.pending) return { outcome, limit: '' };
    const now = performance.now();
    const progress = Atomics.load(state, PROGRESS_INDEX);
    if (progress !== seen) {
      seen = progress;
      progressAt = now;
      continue;
    }
    if (!warned && now - progressAt >= SPARE_AFTER_MS) {
      warned = true;
      slow();
    }
    if (now >= deadline) return { outcome, limit: fixedTimeoutMs !== null ? `did not finish within ${fixedTimeoutMs} ms` : `made no progress for ${window} ms` };
  }
}

function snapshotInWorker(wt: WorkerThreads, current: WorkerHandle, bytes: Uint8Array, file: string, limits: SnapshotLimits, layers: number): H5Snapshot {
  const { port1, port2 } = new wt.MessageChannel();
  Atomics.store(current.state, 1, WORKER_STATE.pending);
  current.worker.postMessage({ bytes, file, limits, port: port2 }, [port2]);
  const { outcome, limit } = awaitAnswer(current.state, fixedTimeoutMs ?? stallLimit(bytes.byteLength, layers), () => {
    spare ??= startWorker(wt);
  });
  const received = wt.receiveMessageOnPort(port1) as { message: { ok: boolean; snapshot?: H5Snapshot; message?: string } } | undefined;
  port1.close();
  if (received === undefined) {
    stop(current);
    // The spare, started while this read was slow, has had the stall window to load.
    handle = spare ?? startWorker(wt);
    spare = null;
    if (outcome === WORKER_STATE.exited) throw new ModelFileError(file, 'the HDF5 library failed on this data (its reader thread stopped)');
    throw new ModelFileError(
      file,
      `reading the HDF5 data ${limit}, and was abandoned: the data may be corrupt (that can make the HDF5 library loop), or this machine too busy to read it in time; if the file is trusted, load it with a longer limit (setHdf5Timeout(ms))`,
    );
  }
  const { ok, snapshot, message } = received.message;
  if (!ok || snapshot === undefined) throw new ModelFileError(file, message?.startsWith(`${file}: `) ? message.slice(file.length + 2) : (message ?? 'unreadable HDF5 data'));
  return snapshot;
}

/**
 * Opens untrusted HDF5 bytes as an {@link H5Tree} within `budget`, with the time limit where workers exist.
 * `layers` is how many layers the caller expects the data to hold weights for (from a config already
 * checked against `maxLayers`, or the model being loaded into): it widens the time limit in proportion.
 *
 * @example
 * ```ts
 * const tree = readH5Tree(bytes, 'weights.h5');
 * tree.stringListAttr('', 'layer_names');
 * ```
 */
export function readH5Tree(bytes: Uint8Array, file: string, budget: LoadBudget = LoadBudget.DEFAULT, layers = 0): H5Tree {
  const limits: SnapshotLimits = { fileBytes: bytes.byteLength, maxBytes: budget.maxBytes, maxAttrBytes: budget.maxConfigBytes };
  const wt = typeof SharedArrayBuffer === 'function' ? workerThreads() : null;
  const current = wt === null ? null : readyWorker(wt);
  const snapshot = wt !== null && current !== null ? snapshotInWorker(wt, current, bytes, file, limits, Math.min(layers, budget.maxLayers)) : snapshotInProcess(bytes, file, limits);
  return new H5Tree(snapshot, file);
}

/**
 * Stops the worker (tests, or a host that wants no thread left); the next read starts a new one.
 *
 * @example
 * ```ts
 * stopHdf5Worker();
 * ```
 */
export function stopHdf5Worker(): void {
  if (handle !== null) stop(handle);
  if (spare !== null) stop(spare);
  spare = null;
}

/** Why reads run in this thread, or null while the worker serves them (tests). */
export function hdf5WorkerFallbackReason(): string | null {
  return fallbackReason;
}

/** Tests only: starts workers from `href` (null: the real entry) and forgets an earlier fallback. */
export function resetHdf5Worker(href: string | null = null): void {
  stopHdf5Worker();
  entryOverride = href;
  fallbackReason = null;
}
