/** This library: the TypeScript kernels, the wasm SIMD kernels in place, and the wasm copy fallback. */
import { getBackend } from '../../src/kernels/backend.js';
import { conv2dForward, conv2dSizes } from '../../src/kernels/conv2d/index.js';
import {
  depthwiseConv2dBackwardInput,
  depthwiseConv2dBackwardKernel,
  depthwiseConv2dForward,
  depthwiseConv2dSizes,
} from '../../src/kernels/depthwise-conv2d/index.js';
import type { WasmBackend } from '../../src/kernels/wasm/index.js';
import { createWasmBackend } from '../../src/kernels/wasm/index.js';
import type { CaseData, Implementation, Prepared } from './types.js';

const VERSION = 'workspace';

/** Elements of the result of one case: output, input gradient or kernel gradient. */
function resultLength({ c, params, conv }: CaseData): number {
  if (conv !== null) return conv2dSizes(conv).output;
  const sizes = depthwiseConv2dSizes(params);
  return c.direction === 'forward' ? sizes.output : c.direction === 'backwardInput' ? sizes.input : sizes.kernel;
}

export const oursTypescript: Implementation = {
  name: 'ours-ts',
  version: VERSION,
  supports: () => true,
  async prepare(data: CaseData): Promise<Prepared> {
    const { c, params: p, conv, x, kernel, dy } = data;
    const out = new Float32Array(resultLength(data));
    const run =
      conv !== null
        ? () => conv2dForward(conv, x, kernel, null, out)
        : c.direction === 'forward'
          ? () => depthwiseConv2dForward(p, x, kernel, null, out)
          : c.direction === 'backwardInput'
            ? () => depthwiseConv2dBackwardInput(p, dy, kernel, out)
            : () => depthwiseConv2dBackwardKernel(p, x, dy, out);
    return { run, result: async () => out, dispose: () => undefined };
  },
};

function isWasmBackend(backend: unknown): backend is WasmBackend {
  return typeof backend === 'object' && backend !== null && 'arena' in backend && 'exports' in backend;
}

export interface OursWasm {
  backend: WasmBackend;
  /**
   * True when this is the library's own current backend (the one `setNumThreads` configures); false when
   * the bench instantiated a private copy of the module because the library's default is not wasm.
   */
  isLibraryBackend: boolean;
}

/**
 * The wasm kernels the per-layer cases call: the library's current backend when it is the wasm one
 * (so its thread pool applies), else a private instance of the built module; null when nothing is built.
 */
export async function loadOursWasm(): Promise<OursWasm | null> {
  const current: unknown = getBackend();
  if (isWasmBackend(current)) return { backend: current, isLibraryBackend: true };
  const backend = await createWasmBackend();
  return backend === null ? null : { backend, isLibraryBackend: false };
}

/** Column name of this library's in-place wasm kernels at `threads` threads. */
export function oursWasmName(threads: number): string {
  return threads === 1 ? 'ours-wasm' : `ours-wasm-${threads}t`;
}

/** Tensors live in wasm memory (allocated from the arena): kernels get pointers, nothing is copied. */
export function oursWasm(backend: WasmBackend, threads: number): Implementation {
  return {
    name: oursWasmName(threads),
    version: VERSION,
    threads,
    supports: () => true,
    async prepare(data: CaseData): Promise<Prepared> {
      const { c, params: p, conv, x, kernel, dy } = data;
      const { arena, depthwiseConv2d: k } = backend;
      const xs = arena.storageFrom(x, 'float32');
      const ks = arena.storageFrom(kernel, 'float32');
      const gs = arena.storageFrom(dy, 'float32');
      const os = arena.allocStorage('float32', resultLength(data));
      // Views are re-derived on every call: memory may grow between runs.
      const f32 = (s: { view(): unknown }): Float32Array => s.view() as Float32Array;
      const run =
        conv !== null
          ? () => backend.conv2d.forward(conv, f32(xs), f32(ks), null, f32(os))
          : c.direction === 'forward'
            ? () => k.forward(p, f32(xs), f32(ks), null, f32(os))
            : c.direction === 'backwardInput'
              ? () => k.backwardInput(p, f32(gs), f32(ks), f32(os))
              : () => k.backwardKernel(p, f32(xs), f32(gs), f32(os));
      return {
        run,
        result: async () => Float32Array.from(f32(os)),
        dispose: () => [xs, ks, gs, os].forEach((s) => s.dispose()),
      };
    },
  };
}

/** Same kernels, called with ordinary heap arrays: every call copies through scratch memory. */
export function oursWasmCopy(backend: WasmBackend): Implementation {
  return {
    name: 'ours-wasm-copy',
    version: VERSION,
    threads: 1,
    supports: (c) => c.direction === 'forward' && c.op === 'depthwise',
    async prepare({ params: p, x, kernel }: CaseData): Promise<Prepared> {
      const out = new Float32Array(depthwiseConv2dSizes(p).output);
      return {
        run: () => backend.depthwiseConv2d.forward(p, x, kernel, null, out),
        result: async () => out,
        dispose: () => undefined,
      };
    },
  };
}
