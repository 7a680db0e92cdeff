/**
 * Activation kernels: ReLU with an optional ceiling, forward and backward, on typed arrays. The
 * TypeScript loops here are the fallback (and the float64 path); the WebAssembly backend fills the same
 * slot with SIMD (`assembly/activations.ts`).
 */
import type { FloatArray } from '../../engine/dtype.js';

export interface ActivationKernels {
  /**
   * `out = min(max(x, 0), cap)` (`cap` may be Infinity). `propagateNaN`: NaN and -0 pass through (else
   * both give +0).
   */
  clippedReluForward(x: FloatArray, out: FloatArray, cap: number, propagateNaN: boolean): void;
  /** `dx = dy` where `0 < x < cap`, else 0; with `cap` Infinity, `x = +Infinity` passes too. */
  clippedReluBackward(x: FloatArray, dy: FloatArray, dx: FloatArray, cap: number): void;
}

/**
 * The TypeScript implementations.
 *
 * @example
 * ```ts
 * typescriptActivationKernels.clippedReluForward(x, out, 6, false);
 * ```
 */
export const typescriptActivationKernels: ActivationKernels = {
  clippedReluForward(x, out, cap, propagateNaN): void {
    if (propagateNaN) {
      for (let i = 0; i < x.length; i++) {
        const v = x[i];
        out[i] = v < 0 ? 0 : v > cap ? cap : v;
      }
      return;
    }
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      out[i] = v > 0 ? (v < cap ? v : cap) : 0;
    }
  },
  clippedReluBackward(x, dy, dx, cap): void {
    if (cap === Infinity) {
      for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
      return;
    }
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      dx[i] = v > 0 && v < cap ? dy[i] : 0;
    }
  },
};
