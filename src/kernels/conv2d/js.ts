/**
 * The `conv2d` slot's TypeScript kernels: the rank-generic loops (`conv/js.ts`) on the 2D params, so the
 * TypeScript backend (and the WebAssembly wrappers' fallbacks) run the one set of convolution loops.
 */
import type { FloatArray } from '../../engine/dtype.js';
import { convBackwardBias, convBackwardInput, convBackwardKernel, convForward } from '../conv/js.js';
import type { Conv2dParams } from './params.js';
import { convParamsOfConv2d } from './params.js';

/** Forward pass (see `convForward`). @param out Preallocated, fully overwritten. */
export function conv2dForward(p: Conv2dParams, x: FloatArray, kernel: FloatArray, bias: FloatArray | null, out: FloatArray): void {
  convForward(convParamsOfConv2d(p), x, kernel, bias, out);
}

/** Input gradient, also the transposed convolution's forward (see `convBackwardInput`). */
export function conv2dBackwardInput(p: Conv2dParams, dy: FloatArray, kernel: FloatArray, dx: FloatArray): void {
  convBackwardInput(convParamsOfConv2d(p), dy, kernel, dx);
}

/** Kernel gradient (see `convBackwardKernel`). */
export function conv2dBackwardKernel(p: Conv2dParams, x: FloatArray, dy: FloatArray, dkernel: FloatArray): void {
  convBackwardKernel(convParamsOfConv2d(p), x, dy, dkernel);
}

/** Bias gradient (see `convBackwardBias`). */
export function conv2dBackwardBias(p: Conv2dParams, dy: FloatArray, dbias: FloatArray): void {
  convBackwardBias(convParamsOfConv2d(p), dy, dbias);
}
