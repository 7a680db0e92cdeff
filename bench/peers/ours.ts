/** This library: the TypeScript kernels, the wasm SIMD kernels in place, and the wasm copy fallback. */
import { readFileSync } from 'node:fs';

import {
  depthwiseConv2dBackwardInput,
  depthwiseConv2dBackwardKernel,
  depthwiseConv2dForward,
  depthwiseConv2dSizes,
} from '../../src/kernels/depthwise-conv2d/index.js';
import type { WasmBackend } from '../../src/kernels/wasm/index.js';
import { instantiateDepthwiseWasmSync, wasmBackendFromExports, wasmModulePath } from '../../src/kernels/wasm/index.js';
import type { CaseData, Implementation, Prepared } from './types.js';

const VERSION = 'workspace';

export const oursTypescript: Implementation = {
  name: 'ours-ts',
  version: VERSION,
  supports: () => true,
  async prepare({ c, params: p, x, kernel, dy }: CaseData): Promise<Prepared> {
    const sizes = depthwiseConv2dSizes(p);
    const out = new Float32Array(c.direction === 'forward' ? sizes.output : c.direction === 'backwardInput' ? sizes.input : sizes.kernel);
    const run =
      c.direction === 'forward'
        ? () => depthwiseConv2dForward(p, x, kernel, null, out)
        : c.direction === 'backwardInput'
          ? () => depthwiseConv2dBackwardInput(p, dy, kernel, out)
          : () => depthwiseConv2dBackwardKernel(p, x, dy, out);
    return { run, result: async () => out, dispose: () => undefined };
  },
};

export async function loadOursWasm(): Promise<WasmBackend | null> {
  const path = await wasmModulePath();
  return path === null ? null : wasmBackendFromExports(instantiateDepthwiseWasmSync(readFileSync(path)));
}

/** Tensors live in wasm memory (allocated from the arena): kernels get pointers, nothing is copied. */
export function oursWasm(backend: WasmBackend): Implementation {
  return {
    name: 'ours-wasm',
    version: VERSION,
    supports: () => true,
    async prepare({ c, params: p, x, kernel, dy }: CaseData): Promise<Prepared> {
      const { arena, depthwiseConv2d: k } = backend;
      const sizes = depthwiseConv2dSizes(p);
      const xs = arena.storageFrom(x, 'float32');
      const ks = arena.storageFrom(kernel, 'float32');
      const gs = arena.storageFrom(dy, 'float32');
      const os = arena.allocStorage(
        'float32',
        c.direction === 'forward' ? sizes.output : c.direction === 'backwardInput' ? sizes.input : sizes.kernel,
      );
      const f32 = (s: { view(): unknown }): Float32Array => s.view() as Float32Array;
      const run =
        c.direction === 'forward'
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
    supports: (c) => c.direction === 'forward',
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
