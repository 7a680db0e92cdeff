/**
 * Finds and instantiates the compiled AssemblyScript kernels, built by `scripts/build-wasm.mjs` in two
 * variants of the same source:
 *
 * - `depthwise.wasm` imports a *shared* memory (and may use atomics): the same module and memory can be
 *   instantiated again in worker threads (see `thread-pool.ts`). Needs `SharedArrayBuffer`: always there
 *   in Node, in browsers only on cross-origin isolated pages.
 * - `depthwise-single.wasm` imports a plain memory, for every other browser page.
 *
 * Both import their memory (`env.memory`) rather than define it, so the loader creates the
 * `WebAssembly.Memory` (with the limits the module declares) and hands it to every instance; the module
 * also re-exports it as `memory`.
 *
 * Node loads synchronously (`readFileSync` + `new WebAssembly.Module`; the module is about 50 KB), so the
 * library can switch to the wasm kernels at import time without `await`; browsers fetch asynchronously.
 * Run from the compiled package, the .wasm files sit next to this module (dist/kernels/wasm/); run from
 * source (tsx, tests), the same files are found in the repository's dist/ folder.
 *
 * The kernel module's exports are typed and checked by the generated boundary (`generated/exports.ts`,
 * from assembly/): every export of every kernel family by name and parameter count, and the module's
 * `depthwise.boundary` section against the generated `BOUNDARY_HASH`, so a module built from other
 * sources than the TypeScript was generated from is refused with a message, never run.
 */
import type { KernelExports } from './generated/exports.js';
import { isNode, nodeBuiltin } from '../../platform/node-builtins.js';
import { BOUNDARY_HASH, bindKernelExports } from './generated/exports.js';

/** The kernel module's exports (generated from assembly/, see `generated/exports.ts`). */
export type DepthwiseWasmExports = KernelExports;

/** Any instantiated module over an imported memory (the raw exports): what a thread pool needs. */
export interface WasmModuleInstance {
  readonly module: WebAssembly.Module;
  /** The module's (imported) memory; `exports.memory` is the same object. */
  readonly memory: WebAssembly.Memory;
  readonly exports: WebAssembly.Exports;
  /** The module's `heapBase()`: where its static data ends and the JavaScript heap may begin. */
  readonly heapBase: number;
  /** Whether `memory` is shared (the threaded variant): only then can a thread pool use it. */
  readonly shared: boolean;
  /** The most bytes the memory may grow to (its declared maximum, else the wasm32 limit of 4 GiB). */
  readonly maximumBytes: number;
}

/** A loaded kernel module, its exports checked and typed. */
export interface DepthwiseWasmModule extends Omit<WasmModuleInstance, 'exports'> {
  readonly exports: KernelExports;
}

/** The wasm32 address space: 65536 pages of 64 KiB. */
export const WASM32_MAX_BYTES = 65536 * 65536;

/** Which build: `shared` (threads, needs SharedArrayBuffer) or `single` (plain memory). */
export type WasmVariant = 'shared' | 'single';

interface NodeFs {
  readFileSync(path: URL): Uint8Array;
  existsSync(path: URL): boolean;
}

/**
 * Whether this environment can create a shared `WebAssembly.Memory`: Node always; a browser only where
 * `SharedArrayBuffer` exists and the page (or worker) is cross-origin isolated.
 */
export function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  if (isNode()) return true;
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/** The file name of each variant: bundlers and CDNs serve these two files. */
export const WASM_FILE_NAMES: Readonly<Record<WasmVariant, string>> = Object.freeze({ shared: 'depthwise.wasm', single: 'depthwise-single.wasm' });

/** Set by {@link setWasmPaths}: a folder URL, or one URL per variant. */
let configuredPaths: string | Partial<Record<WasmVariant, string>> | null = null;

/**
 * Where to fetch the kernel modules from, as tfjs and onnxruntime-web's `setWasmPaths`: a folder URL
 * (ending in `/`, relative URLs resolve against the page) that holds `depthwise.wasm` and
 * `depthwise-single.wasm`, or one URL per variant; `null` goes back to the files beside the library
 * (`new URL('./depthwise.wasm', import.meta.url)`, which bundlers such as Vite copy). Call it before
 * `await ready()`.
 *
 * @example
 * ```ts
 * setWasmPaths('https://cdn.example.com/depthwise@0.1.0/dist/browser/');
 * await ready();
 * ```
 */
export function setWasmPaths(paths: string | URL | Partial<Record<WasmVariant, string | URL>> | null): void {
  if (paths === null) {
    configuredPaths = null;
  } else if (typeof paths === 'string' || paths instanceof URL) {
    configuredPaths = String(paths);
  } else if (typeof paths === 'object') {
    configuredPaths = Object.fromEntries(Object.entries(paths).map(([k, v]) => [k, String(v)]));
  } else {
    throw new TypeError(`setWasmPaths: expected a URL, a {shared, single} object of URLs, or null; got ${String(paths)}`);
  }
}

function configuredUrl(variant: WasmVariant): URL | null {
  if (configuredPaths === null) return null;
  const base = (globalThis as { document?: { baseURI?: string }; location?: { href?: string } });
  const against = base.document?.baseURI ?? base.location?.href ?? import.meta.url;
  if (typeof configuredPaths === 'string') return new URL(WASM_FILE_NAMES[variant], new URL(configuredPaths, against));
  const one = configuredPaths[variant];
  return one === undefined ? null : new URL(one, against);
}

/**
 * Run from source (tsx, the tests), the modules are in the repository's dist/ folder. Written through a
 * variable so that bundlers, which copy `new URL('<literal>', import.meta.url)` assets, do not look for it.
 */
function sourceTreeUrl(variant: WasmVariant): URL[] {
  const here = import.meta.url;
  return here.endsWith('.ts') ? [new URL(`../../../dist/kernels/wasm/${WASM_FILE_NAMES[variant]}`, here)] : [];
}

/** Where the module of `variant` (default: the best this environment supports) is looked for, best first. */
export function wasmModuleUrls(variant: WasmVariant = sharedMemorySupported() ? 'shared' : 'single'): URL[] {
  const configured = configuredUrl(variant);
  if (configured !== null) return [configured];
  // Spelled out per file so bundlers see the literal `new URL('./x.wasm', import.meta.url)`.
  const beside = variant === 'shared' ? new URL('./depthwise.wasm', import.meta.url) : new URL('./depthwise-single.wasm', import.meta.url);
  return [beside, ...sourceTreeUrl(variant)];
}

/** The limits of a module's imported memory, read from its import section. */
export interface MemoryImport {
  readonly initial: number;
  readonly maximum: number | undefined;
  readonly shared: boolean;
}

/**
 * Reads the `env.memory` import's limits from the module bytes (the JS API cannot tell whether an import
 * is shared). `null` when the module imports no memory.
 */
export function memoryImportOf(bytes: BufferSource): MemoryImport | null {
  const b = ArrayBuffer.isView(bytes)
    ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : new Uint8Array(bytes);
  let at = 8; // magic + version
  const u32 = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (at >= b.length) throw new Error('depthwise.wasm: truncated module');
      const byte = b[at++];
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  };
  const limits = (): MemoryImport => {
    const flags = b[at++];
    const initial = u32();
    const maximum = (flags & 1) !== 0 ? u32() : undefined;
    return { initial, maximum, shared: (flags & 2) !== 0 };
  };
  while (at < b.length) {
    const id = b[at++];
    const size = u32();
    const end = at + size;
    if (id === 2) {
      const count = u32();
      for (let i = 0; i < count; i++) {
        for (let name = 0; name < 2; name++) {
          const length = u32(); // module name, then field name
          at += length;
        }
        const kind = b[at++];
        if (kind === 0) u32(); // function: type index
        else if (kind === 1) {
          at++; // table: element type
          limits();
        } else if (kind === 2) return limits();
        else if (kind === 3) at += 2; // global: value type, mutability
        else if (kind === 4) {
          at++; // tag: attribute
          u32();
        } else throw new Error(`depthwise.wasm: unknown import kind ${kind}`);
      }
      return null;
    }
    at = end;
  }
  return null;
}

/** A fresh memory matching a module's memory import. */
export function createMemoryFor(imported: MemoryImport): WebAssembly.Memory {
  if (imported.shared && !sharedMemorySupported()) {
    throw new Error('depthwise.wasm: this module needs a shared memory, which this environment cannot create (a browser page must be cross-origin isolated); load depthwise-single.wasm instead');
  }
  const descriptor: WebAssembly.MemoryDescriptor = { initial: imported.initial };
  if (imported.maximum !== undefined) descriptor.maximum = imported.maximum;
  if (imported.shared) descriptor.shared = true;
  return new WebAssembly.Memory(descriptor);
}

function heapBaseOf(exports: WebAssembly.Exports): number {
  const heapBase = exports.heapBase;
  if (typeof heapBase !== 'function') throw new Error('depthwise.wasm: missing export `heapBase`');
  return Number(heapBase());
}

function fromInstance(module: WebAssembly.Module, memory: WebAssembly.Memory, imported: MemoryImport, instance: WebAssembly.Instance): WasmModuleInstance {
  const raw = instance.exports;
  if (raw.memory !== memory) throw new Error('depthwise.wasm: the module does not re-export its imported memory');
  return {
    module,
    memory,
    exports: raw,
    heapBase: heapBaseOf(raw),
    shared: typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer,
    maximumBytes: imported.maximum === undefined ? WASM32_MAX_BYTES : Math.min(imported.maximum * 65536, WASM32_MAX_BYTES),
  };
}

/**
 * Checks an instance of the kernel module against the generated boundary (see the file comment) and
 * returns it with typed exports.
 */
export function bindKernelModule(instance: WasmModuleInstance): DepthwiseWasmModule {
  const sections = WebAssembly.Module.customSections(instance.module, 'depthwise.boundary');
  const built = sections.length === 1 ? new TextDecoder().decode(sections[0]) : null;
  if (built !== BOUNDARY_HASH) {
    throw new Error(
      `depthwise.wasm: the module was built from other sources than src/kernels/wasm/generated/ (boundary ${String(built)}, expected ${BOUNDARY_HASH}); run npm run build:wasm`,
    );
  }
  return { ...instance, exports: bindKernelExports(instance.exports) };
}

function memoryImportFor(bytes: BufferSource): MemoryImport {
  const imported = memoryImportOf(bytes);
  if (imported === null) throw new Error('depthwise.wasm: the module does not import its memory (rebuild with `npm run build:wasm`)');
  return imported;
}

/**
 * Compiles and instantiates any module that imports its memory (`env.memory`) and exports `heapBase`,
 * synchronously, with a new memory; the exports stay untyped (the thread pool's own tests use this).
 */
export function instantiateWasmModuleSync(bytes: BufferSource): WasmModuleInstance {
  const imported = memoryImportFor(bytes);
  const memory = createMemoryFor(imported);
  const module = new WebAssembly.Module(bytes);
  return fromInstance(module, memory, imported, new WebAssembly.Instance(module, { env: { memory } }));
}

/** Compiles and instantiates the kernel module synchronously (any environment; fine for a module this small). */
export function instantiateDepthwiseWasmModuleSync(bytes: BufferSource): DepthwiseWasmModule {
  return bindKernelModule(instantiateWasmModuleSync(bytes));
}

/** Compiles and instantiates the kernel module asynchronously with a new memory (any environment). */
export async function instantiateDepthwiseWasmModule(bytes: BufferSource): Promise<DepthwiseWasmModule> {
  const imported = memoryImportFor(bytes);
  const memory = createMemoryFor(imported);
  const module = await WebAssembly.compile(bytes);
  return bindKernelModule(fromInstance(module, memory, imported, await WebAssembly.instantiate(module, { env: { memory } })));
}

/** The exports only, from the bytes of either variant (kept for callers that need no threads). */
export function instantiateDepthwiseWasmSync(bytes: BufferSource): DepthwiseWasmExports {
  return instantiateDepthwiseWasmModuleSync(bytes).exports;
}

/** The exports only, asynchronously. */
export async function instantiateDepthwiseWasm(bytes: BufferSource): Promise<DepthwiseWasmExports> {
  return (await instantiateDepthwiseWasmModule(bytes)).exports;
}

export interface LoadOptions {
  /** Load this file instead of searching the default places. */
  readonly url?: URL | string;
  /** Force a variant; default: `shared` where {@link sharedMemorySupported}, else `single`. */
  readonly variant?: WasmVariant;
}

function candidates(options: LoadOptions): URL[] {
  return options.url === undefined ? wasmModuleUrls(options.variant) : [new URL(options.url, import.meta.url)];
}

function nodeFs(): NodeFs | undefined {
  return nodeBuiltin('node:fs') as NodeFs | undefined;
}

/**
 * Loads the kernels synchronously. Node only (Node 20.16 or later, which has `process.getBuiltinModule`):
 * returns `null` in browsers, on older Node, or when no built module is found; throws if a module is
 * found but is invalid.
 */
export function loadDepthwiseWasmModuleSync(options: LoadOptions = {}): DepthwiseWasmModule | null {
  const fs = nodeFs();
  if (fs === undefined) return null;
  for (const candidate of candidates(options)) {
    if (candidate.protocol !== 'file:' || !fs.existsSync(candidate)) continue;
    return instantiateDepthwiseWasmModuleSync(fs.readFileSync(candidate) as Uint8Array<ArrayBuffer>);
  }
  return null;
}

/**
 * Loads the kernels: Node reads the file, a browser fetches it. Resolves to `null` when no built module
 * is found (the TypeScript kernels remain the fallback); rejects if a module is found but is invalid.
 */
export async function loadDepthwiseWasmModule(options: LoadOptions = {}): Promise<DepthwiseWasmModule | null> {
  if (isNode()) {
    const fs = nodeFs();
    const local = candidates(options).every((candidate) => candidate.protocol === 'file:');
    if (fs !== undefined && local) return loadDepthwiseWasmModuleSync(options);
  }
  for (const candidate of candidates(options)) {
    const response = await fetch(candidate).catch(() => null);
    if (response === null || !response.ok) continue;
    // The bytes are needed anyway (to read the memory import), so no instantiateStreaming.
    return instantiateDepthwiseWasmModule(await response.arrayBuffer());
  }
  return null;
}

/** The exports only (kept for existing callers); see {@link loadDepthwiseWasmModule}. */
export async function loadDepthwiseWasm(url?: URL | string): Promise<DepthwiseWasmExports | null> {
  return (await loadDepthwiseWasmModule(url === undefined ? {} : { url }))?.exports ?? null;
}

/** Node only: the path of the module {@link loadDepthwiseWasm} would read, or `null` if none is built. */
export async function wasmModulePath(variant?: WasmVariant): Promise<string | null> {
  const fs = nodeBuiltin('node:fs');
  const url = nodeBuiltin('node:url');
  if (fs === undefined || url === undefined) return null;
  for (const candidate of wasmModuleUrls(variant)) {
    if (candidate.protocol !== 'file:') continue;
    const path = url.fileURLToPath(candidate);
    if (fs.existsSync(path)) return path;
  }
  return null;
}
