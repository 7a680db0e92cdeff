/** The matrix-product slot a backend fills (TypeScript here; WebAssembly SIMD in `kernels/wasm/gemm.ts`). */
import type { FloatArray } from '../../engine/dtype.js';
import { matmulForward } from './js.js';
import type { MatmulParams } from './params.js';

/** Same contract as {@link matmulForward}: `out` (batch × m × n) is fully overwritten with op(A)·op(B). */
export interface MatmulKernels {
  forward(p: MatmulParams, a: FloatArray, b: FloatArray, out: FloatArray): void;
}

/**
 * The TypeScript implementation, ready to be a backend's `matmul` slot.
 *
 * @example
 * ```ts
 * typescriptMatmulKernels.forward(resolveMatmulParams([2, 3], [3, 2], { transposeA: false, transposeB: false }), a, b, out);
 * ```
 */
export const typescriptMatmulKernels: MatmulKernels = { forward: matmulForward };
