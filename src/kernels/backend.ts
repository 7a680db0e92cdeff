/**
 * Which kernels the ops run, and where tensors live. At import, in Node, the WebAssembly SIMD kernels
 * are loaded synchronously and become the default, with tensors allocated in the module's shared memory
 * (zero copy) and a thread pool; elsewhere the TypeScript kernels run until `ready()` has loaded the
 * module. `DEPTHWISE_BACKEND=typescript` in the environment (or `setBackend('typescript')`) opts out.
 */

import { setStorageAllocator } from '../engine/storage.js';
import { InvalidArgumentError } from '../errors.js';
import { cpuBackend } from './cpu-storages.js';
import type { KernelBackend } from './kernel-backend.js';
import { typescriptBackend } from './typescript-backend.js';
import type { WasmBackend } from './wasm/index.js';
import { createWasmBackend, createWasmBackendSync } from './wasm/index.js';

export type { KernelBackend } from './kernel-backend.js';
export { typescriptBackend } from './typescript-backend.js';

let current: KernelBackend = typescriptBackend;
/** The loaded WebAssembly kernels (kept when switching away, so switching back is free). */
let wasm: WasmBackend | null = null;
/** Those kernels as a backend over storages. */
let wasmBackend: KernelBackend | null = null;
let wasmError: unknown = null;
/** How long `ready()` waits for a browser's kernel workers to start (they usually need 10–50 ms). */
const WORKER_START_WAIT_MS = 2000;

function environmentChoice(): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.DEPTHWISE_BACKEND;
}

function install(backend: KernelBackend): void {
  current = backend;
  setStorageAllocator(backend.allocator);
}

function loaded(kernels: WasmBackend): KernelBackend {
  wasm = kernels;
  // Tensors go to wasm memory only when it is shared: its views then never detach as memory grows.
  wasmBackend = cpuBackend(kernels.name, kernels.arena.shared ? kernels.arena.storageAllocator() : null, kernels);
  return wasmBackend;
}

export function getBackend(): KernelBackend {
  return current;
}

/** The active backend's name: `'wasm-simd'` or `'typescript'`. */
export function getBackendName(): string {
  return current.name;
}

/**
 * Selects the kernels every op uses from now on: `'wasm'` (the SIMD kernels; throws if they could not be
 * loaded), `'typescript'`, or a backend object. Tensors created before keep their storage.
 *
 * @example
 * ```ts
 * setBackend('typescript'); // plain TypeScript kernels, tensors on the JavaScript heap
 * ```
 */
export function setBackend(backend: 'wasm' | 'typescript' | KernelBackend): void {
  if (backend === 'typescript') return install(typescriptBackend);
  if (backend === 'wasm') {
    if (wasmBackend === null) {
      throw new InvalidArgumentError('backend', backend, `'typescript': the WebAssembly kernels are not loaded (${wasmError === null ? 'call `await ready()` first' : String(wasmError)})`, 'setBackend');
    }
    return install(wasmBackend);
  }
  if (typeof backend !== 'object' || backend === null || typeof backend.name !== 'string') {
    throw new InvalidArgumentError('backend', backend, "'wasm', 'typescript' or a KernelBackend object", 'setBackend');
  }
  install(backend);
}

/**
 * Resolves once the WebAssembly kernels are loaded and active (immediately in Node, where they load at
 * import). In a browser call it once before heavy work; without it the TypeScript kernels run.
 *
 * @example
 * ```ts
 * await ready();
 * ```
 */
export async function ready(): Promise<string> {
  if (wasm === null && wasmError === null && environmentChoice() !== 'typescript') {
    try {
      const kernels = await createWasmBackend();
      if (kernels !== null) {
        const backend = loaded(kernels);
        if (current === typescriptBackend) install(backend);
        // A browser starts workers only once this page yields: let them start, so the first ops use them.
        await kernels.pool.whenStarted(WORKER_START_WAIT_MS);
      }
    } catch (error) {
      wasmError = error;
    }
  }
  return current.name;
}

export interface MemoryInfo {
  /** The active backend. */
  backend: string;
  /** Bytes of live tensors in WebAssembly memory (0 when tensors live on the JavaScript heap). */
  wasmBytesInUse: number;
  /** Size of the WebAssembly memory (it grows, it never shrinks). */
  wasmMemoryBytes: number;
}

/**
 * Where tensor memory stands; a long training run should show `wasmBytesInUse` flat between epochs.
 *
 * @example
 * ```ts
 * console.log(memoryInfo().wasmBytesInUse);
 * ```
 */
export function memoryInfo(): MemoryInfo {
  const stats = wasm?.arena.stats();
  return { backend: current.name, wasmBytesInUse: stats?.bytesInUse ?? 0, wasmMemoryBytes: stats?.memoryBytes ?? 0 };
}

function initialize(): void {
  if (environmentChoice() === 'typescript') return;
  try {
    const kernels = createWasmBackendSync();
    if (kernels !== null) install(loaded(kernels));
  } catch (error) {
    wasmError = error; // an invalid module: keep the TypeScript kernels, and say why on setBackend('wasm')
  }
}

initialize();
