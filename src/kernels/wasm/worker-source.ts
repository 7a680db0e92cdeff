/**
 * The code a thread-pool worker runs, as a string: Node starts it with `new Worker(source, { eval: true })`
 * and a browser from a Blob URL, so it needs no separate file and behaves the same from `src/` under tsx
 * and from the compiled `dist/` (a file worker would need tsx's hooks under tsx, which Node 20 does not
 * pass on to workers). Plain ES2020 script, no imports: it only touches `WebAssembly` and `Atomics`.
 *
 * The control block layout below is shared with `thread-pool.ts`, which documents the protocol.
 */

/** Int32 indices into the control block; the hot words sit on separate 64-byte lines. */
export const CONTROL = {
  /** `(generation << 1) | open`: a job is published by making it odd, closed by making it even. */
  STATE: 0,
  /** Threads between "saw the job open" and "finished with it" (see the protocol in thread-pool.ts). */
  ACTIVE: 16,
  /** Next unclaimed unit; claimed with `Atomics.add(NEXT, chunk)`. */
  NEXT: 32,
  /** Units completed (or failed); the caller waits for it to reach UNITS. */
  DONE: 48,
  UNITS: 64,
  CHUNK: 65,
  /** Index into the module's function exports, in `WebAssembly.Module.exports` order. */
  FN: 66,
  NARGS: 67,
  /** 0, or 1 once some thread's call threw during the current job. */
  ERROR: 68,
  /** Length of the error message in the message area. */
  ERROR_LENGTH: 69,
  /** Workers that have instantiated the module and not yet quit. */
  READY: 70,
  /** Uint32 index of thread 0's scratch pointer; thread `i` reads `SCRATCH + i`. */
  SCRATCH: 128,
  /** Most thread indices (the caller is index 0). */
  MAX_THREADS: 256,
  /** Byte offset of the Float64 job arguments. */
  ARGS_BYTE: 1536,
  MAX_ARGS: 32,
  /** Byte offset of the UTF-16 error message. */
  MESSAGE_BYTE: 1792,
  MAX_MESSAGE: 1024,
  BYTES: 4096,
} as const;

/**
 * How long (ms) an idle worker polls for the next job before it sleeps in `Atomics.wait`. Kernels of one
 * network step come back to back, and a wake-up from sleep costs 30–100 µs on the reference machine,
 * more when the scheduler puts the woken worker on the caller's core (as it does when the other core is
 * busy), so polling across short gaps between ops is worth a little idle CPU.
 */
export const WORKER_SPIN_MS = 0.2;

/** Values of a worker's private flag word. */
export const WORKER_FLAG = { RUN: 0, QUIT: 1, PAUSED: 2 } as const;

/**
 * `start(data)` with `data = { module, memory, control, quit, index, stallMs }`: instantiates `module` on the shared
 * `memory` and serves jobs until its private flag says QUIT. While it says PAUSED (the thread count was
 * lowered) the worker sleeps on the flag itself and takes part in no job, so raising the count again
 * needs no new worker (starting one takes tens of milliseconds).
 */
const START = `
function start(data) {
  const C = ${JSON.stringify(CONTROL)};
  const SPIN_MS = ${WORKER_SPIN_MS};
  const ctl = new Int32Array(data.control);
  const scratchTable = new Uint32Array(data.control);
  const args = new Float64Array(data.control, C.ARGS_BYTE, C.MAX_ARGS);
  const message = new Uint16Array(data.control, C.MESSAGE_BYTE, C.MAX_MESSAGE);
  const quit = new Int32Array(data.quit);
  const index = data.index;
  const stallMs = data.stallMs;
  // Re-applies the module's data segments to the shared memory: constant data only (checked by the build).
  const exports = new WebAssembly.Instance(data.module, { env: { memory: data.memory } }).exports;
  const fns = WebAssembly.Module.exports(data.module)
    .filter((e) => e.kind === 'function')
    .map((e) => exports[e.name]);

  function fail(error) {
    if (Atomics.compareExchange(ctl, C.ERROR, 0, 1) !== 0) return;
    let text = String(error && error.stack ? error.stack : error);
    text = text.slice(0, C.MAX_MESSAGE);
    for (let i = 0; i < text.length; i++) message[i] = text.charCodeAt(i);
    Atomics.store(ctl, C.ERROR_LENGTH, text.length);
  }

  function work() {
    const units = Atomics.load(ctl, C.UNITS);
    const chunk = Atomics.load(ctl, C.CHUNK);
    const fn = fns[Atomics.load(ctl, C.FN)];
    const nargs = Atomics.load(ctl, C.NARGS);
    const call = new Array(nargs + 3);
    for (let i = 0; i < nargs; i++) call[i] = args[i];
    call[nargs + 2] = scratchTable[C.SCRATCH + index];
    if (stallMs > 0) {
      // Test hook: a worker descheduled after reading a job's parameters, before claiming any unit.
      const until = performance.now() + stallMs;
      while (performance.now() < until);
    }
    for (;;) {
      const begin = Atomics.add(ctl, C.NEXT, chunk);
      if (begin >= units) return;
      const end = Math.min(begin + chunk, units);
      call[nargs] = begin;
      call[nargs + 1] = end;
      try {
        fn.apply(null, call);
      } catch (error) {
        fail(error);
      }
      if (Atomics.add(ctl, C.DONE, end - begin) + (end - begin) === units) Atomics.notify(ctl, C.DONE);
    }
  }

  Atomics.add(ctl, C.READY, 1);
  let seen = -1;
  for (;;) {
    const flag = Atomics.load(quit, 0);
    if (flag === ${WORKER_FLAG.QUIT}) {
      Atomics.sub(ctl, C.READY, 1);
      return;
    }
    if (flag === ${WORKER_FLAG.PAUSED}) {
      Atomics.wait(quit, 0, flag);
      continue;
    }
    const state = Atomics.load(ctl, C.STATE);
    if ((state & 1) === 0 || state === seen) {
      const until = performance.now() + SPIN_MS;
      let polls = 0;
      while (Atomics.load(ctl, C.STATE) === state) {
        if ((++polls & 255) === 0 && performance.now() > until) {
          Atomics.wait(ctl, C.STATE, state);
          break;
        }
      }
      continue;
    }
    Atomics.add(ctl, C.ACTIVE, 1);
    if (Atomics.load(ctl, C.STATE) === state && Atomics.load(quit, 0) === 0) work();
    seen = state;
    if (Atomics.sub(ctl, C.ACTIVE, 1) === 1) Atomics.notify(ctl, C.ACTIVE);
  }
}
`;

/** Source of a Node `worker_threads` worker (`eval: true`); its `workerData` is the start data. */
export const NODE_WORKER_SOURCE = `'use strict';
${START}
start(require('node:worker_threads').workerData);
`;

/** Source of a browser (module-less) worker; the start data arrives as its first message. */
export const BROWSER_WORKER_SOURCE = `'use strict';
${START}
self.onmessage = (event) => {
  self.onmessage = null;
  start(event.data);
};
`;
