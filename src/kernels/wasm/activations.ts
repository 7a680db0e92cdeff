/**
 * The activation kernels of `assembly/activations.ts` behind `ActivationKernels`: float32 arrays that
 * live in wasm memory run in SIMD, split across threads in blocks of ACTIVATION_BLOCK elements (the
 * manifest's `clipped-relu` entries); anything else (float64, arrays on the JavaScript heap) takes the
 * TypeScript loops, since copying would cost more than the pass.
 */
import type { FloatArray } from '../../engine/dtype.js';
import type { ActivationKernels } from '../activation/index.js';
import { typescriptActivationKernels } from '../activation/index.js';
import type { WasmArena } from './arena.js';
import { ACTIVATION_BLOCK } from './generated/constants.js';
import type { KernelExports } from './generated/exports.js';
import type { KernelContext } from './kernel-error.js';
import type { ActivationCall, ActivationVariant } from './manifest.js';
import { selectVariant, variantsOf } from './manifest.js';
import type { ParallelRunner } from './parallel.js';

const FORWARD = variantsOf<ActivationVariant>('activation', 'forward');
const BACKWARD = variantsOf<ActivationVariant>('activation', 'backward');

function context(pass: string, length: number, cap: number): KernelContext {
  return { op: `clippedRelu ${pass}`, describe: () => `x of ${length} elements, cap ${cap}` };
}

/**
 * ReLU / ReLU6 kernels over the module (see the file comment).
 *
 * @example
 * ```ts
 * const activation = createWasmActivationKernels(exports, arena, serialRunner(exports, arena));
 * activation.clippedReluForward(x, out, 6, true);
 * ```
 */
export function createWasmActivationKernels(wasm: KernelExports, arena: WasmArena, runner: ParallelRunner): ActivationKernels {
  const resident = (...arrays: FloatArray[]): boolean => arrays.every((a) => a instanceof Float32Array && arena.contains(a));
  const blocks = (n: number): number => Math.ceil(n / ACTIVATION_BLOCK);
  return {
    clippedReluForward(x, out, cap, propagateNaN): void {
      if (!resident(x, out)) return typescriptActivationKernels.clippedReluForward(x, out, cap, propagateNaN);
      const call: ActivationCall = { cap, propagateNaN, direction: 'forward' };
      const variant = selectVariant(FORWARD, call, 'activation forward');
      runner.run(wasm.clippedReluForward, [x.byteOffset, out.byteOffset, x.length, cap, variant.code ?? 0], blocks(x.length), {
        costPerUnit: ACTIVATION_BLOCK,
        context: context('forward', x.length, cap),
      });
    },
    clippedReluBackward(x, dy, dx, cap): void {
      if (!resident(x, dy, dx)) return typescriptActivationKernels.clippedReluBackward(x, dy, dx, cap);
      selectVariant(BACKWARD, { cap, propagateNaN: false, direction: 'backward' }, 'activation backward');
      runner.run(wasm.clippedReluBackward, [x.byteOffset, dy.byteOffset, dx.byteOffset, x.length, cap, cap === Infinity ? 0 : 1], blocks(x.length), {
        costPerUnit: ACTIVATION_BLOCK,
        context: context('backward', x.length, cap),
      });
    },
  };
}
