/**
 * The activation kernels of `assembly/activations.ts` behind `ActivationKernels`: float32 arrays that
 * live in wasm memory run in SIMD, split across threads in blocks of 1024 elements; anything else (float64,
 * arrays on the JavaScript heap) takes the TypeScript loops, since copying would cost more than the pass.
 */
import type { ActivationKernels } from '../activation/index.js';
import { typescriptActivationKernels } from '../activation/index.js';
import type { FloatArray } from '../float-array.js';
import type { WasmArena } from './arena.js';
import type { ParallelRunner } from './parallel.js';

const BLOCK = 1024;

export function createWasmActivationKernels(exports: WebAssembly.Exports, arena: WasmArena, runner: ParallelRunner): ActivationKernels {
  for (const name of ['clippedReluForward', 'clippedReluBackward']) {
    if (typeof exports[name] !== 'function') throw new Error(`depthwise.wasm: missing export \`${name}\` (rebuild with npm run build:wasm)`);
  }
  const resident = (...arrays: FloatArray[]): boolean => arrays.every((a) => a instanceof Float32Array && arena.contains(a));
  const blocks = (n: number): number => Math.ceil(n / BLOCK);
  return {
    clippedReluForward(x, out, cap, propagateNaN): void {
      if (!resident(x, out)) return typescriptActivationKernels.clippedReluForward(x, out, cap, propagateNaN);
      runner.run('clippedReluForward', [x.byteOffset, out.byteOffset, x.length, cap, propagateNaN ? 1 : 0], blocks(x.length), { costPerUnit: BLOCK });
    },
    clippedReluBackward(x, dy, dx, cap): void {
      if (!resident(x, dy, dx)) return typescriptActivationKernels.clippedReluBackward(x, dy, dx, cap);
      runner.run('clippedReluBackward', [x.byteOffset, dy.byteOffset, dx.byteOffset, x.length, cap, cap === Infinity ? 0 : 1], blocks(x.length), { costPerUnit: BLOCK });
    },
  };
}
