/**
 * The WebAssembly (SIMD) kernels: loading, tensor memory inside the module, and a `KernelBackend` whose
 * depthwise slots run in WebAssembly (pool2d and resize stay TypeScript). Nothing here changes the
 * library's default backend or allocation; see `createWasmBackend`.
 */
import type { KernelBackend } from '../backend.js';
import { typescriptBackend } from '../backend.js';
import { WasmArena } from './arena.js';
import type { WasmDepthwiseConv2dKernels } from './depthwise-conv2d.js';
import { createWasmDepthwiseConv2dKernels } from './depthwise-conv2d.js';
import type { DepthwiseWasmExports } from './loader.js';
import { loadDepthwiseWasm } from './loader.js';

export type { ArenaStats } from './arena.js';
export { WasmArena, WasmStorage, sizeClass } from './arena.js';
export type { FusedActivation, WasmDepthwiseConv2dKernels, WasmKernelStats } from './depthwise-conv2d.js';
export { createWasmDepthwiseConv2dKernels } from './depthwise-conv2d.js';
export type { DepthwiseWasmExports } from './loader.js';
export {
  instantiateDepthwiseWasm,
  instantiateDepthwiseWasmSync,
  loadDepthwiseWasm,
  wasmModulePath,
  wasmModuleUrls,
} from './loader.js';

export interface WasmBackend extends KernelBackend {
  readonly depthwiseConv2d: WasmDepthwiseConv2dKernels;
  /** Allocates tensors in the module's memory; pass `arena.allocStorage` where storage is allocated. */
  readonly arena: WasmArena;
  readonly exports: DepthwiseWasmExports;
}

/** Wraps instantiated kernels as a backend (its own arena over the module's memory). */
export function wasmBackendFromExports(exports: DepthwiseWasmExports): WasmBackend {
  const arena = new WasmArena(exports.memory, exports.heapBase());
  return {
    ...typescriptBackend, // every other kernel family stays TypeScript
    name: 'wasm-simd',
    depthwiseConv2d: createWasmDepthwiseConv2dKernels(exports, arena),
    arena,
    exports,
  };
}

/** Loads the module and builds the backend; `null` when no built module is found (use TypeScript). */
export async function createWasmBackend(url?: URL | string): Promise<WasmBackend | null> {
  const exports = await loadDepthwiseWasm(url);
  return exports === null ? null : wasmBackendFromExports(exports);
}
