/**
 * Finds and instantiates the compiled AssemblyScript kernels (`dist/kernels/wasm/depthwise.wasm`, built by
 * `scripts/build-wasm.mjs`). In Node the file is read from disk relative to this module; in a browser it
 * is fetched (the `new URL('./depthwise.wasm', import.meta.url)` form is the one bundlers rewrite).
 *
 * Run from the compiled package, the .wasm sits next to this module (dist/kernels/wasm/); run from source
 * (tsx, tests), the same file is found in the repository's dist/ folder.
 */

/** The functions and memory `assembly/depthwise-conv2d.ts` exports. Pointers are byte offsets. */
export interface DepthwiseWasmExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  forwardNhwc(params: number, x: number, kernel: number, bias: number, out: number, activation: number): void;
  backwardInputNhwc(params: number, dy: number, kernel: number, dx: number, scratch: number): void;
  backwardKernelNhwc(params: number, x: number, dy: number, dkernel: number): void;
  backwardBiasNhwc(params: number, dy: number, dbias: number): void;
  nchwToNhwc(src: number, dst: number, batch: number, channels: number, spatial: number): void;
  nhwcToNchw(src: number, dst: number, batch: number, channels: number, spatial: number): void;
}

const FUNCTIONS = [
  'heapBase',
  'forwardNhwc',
  'backwardInputNhwc',
  'backwardKernelNhwc',
  'backwardBiasNhwc',
  'nchwToNhwc',
  'nhwcToNchw',
] as const;

/** Where the module is looked for, best first. */
export function wasmModuleUrls(): URL[] {
  return [
    new URL('./depthwise.wasm', import.meta.url),
    new URL('../../../dist/kernels/wasm/depthwise.wasm', import.meta.url),
  ];
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions === 'object' && process.versions.node !== undefined;
}

function checkExports(instance: WebAssembly.Instance): DepthwiseWasmExports {
  const exports = instance.exports;
  if (!(exports.memory instanceof WebAssembly.Memory)) {
    throw new Error('depthwise.wasm: the module does not export its memory');
  }
  for (const name of FUNCTIONS) {
    if (typeof exports[name] !== 'function') throw new Error(`depthwise.wasm: missing export \`${name}\``);
  }
  return exports as unknown as DepthwiseWasmExports;
}

/** Instantiates the kernels from the bytes of a .wasm file (any environment). */
export async function instantiateDepthwiseWasm(bytes: BufferSource): Promise<DepthwiseWasmExports> {
  const { instance } = await WebAssembly.instantiate(bytes, {});
  return checkExports(instance);
}

/** Compiles and instantiates synchronously; fine in Node for a module this small (about 5 KB). */
export function instantiateDepthwiseWasmSync(bytes: BufferSource): DepthwiseWasmExports {
  return checkExports(new WebAssembly.Instance(new WebAssembly.Module(bytes), {}));
}

/**
 * Loads the kernels: Node reads the file, a browser fetches it. Resolves to `null` when no built module
 * is found (the TypeScript kernels remain the fallback); rejects if a module is found but is invalid.
 */
export async function loadDepthwiseWasm(url?: URL | string): Promise<DepthwiseWasmExports | null> {
  const candidates = url === undefined ? wasmModuleUrls() : [new URL(url, import.meta.url)];
  if (isNode()) {
    const { readFile } = await import('node:fs/promises');
    for (const candidate of candidates) {
      if (candidate.protocol !== 'file:') continue;
      let bytes: Uint8Array<ArrayBuffer>;
      try {
        bytes = (await readFile(candidate)) as Uint8Array<ArrayBuffer>;
      } catch {
        continue;
      }
      return instantiateDepthwiseWasm(bytes);
    }
    return null;
  }
  for (const candidate of candidates) {
    const response = await fetch(candidate).catch(() => null);
    if (response === null || !response.ok) continue;
    if (typeof WebAssembly.instantiateStreaming === 'function' && response.headers.get('content-type') === 'application/wasm') {
      const { instance } = await WebAssembly.instantiateStreaming(response, {});
      return checkExports(instance);
    }
    return instantiateDepthwiseWasm(await response.arrayBuffer());
  }
  return null;
}

/** Node only: the path of the module {@link loadDepthwiseWasm} would read, or `null` if none is built. */
export async function wasmModulePath(): Promise<string | null> {
  if (!isNode()) return null;
  const { existsSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  for (const candidate of wasmModuleUrls()) {
    const path = fileURLToPath(candidate);
    if (existsSync(path)) return path;
  }
  return null;
}
