/**
 * The `depthwiseConv2d` slot's TypeScript kernels: the rank-generic grouped loops (`conv/js.ts`) with
 * `groups = C`, since a depthwise kernel `[kh, kw, C, dm]` is the grouped kernel `[kh, kw, 1, C * dm]`
 * element for element. The TypeScript backend and the WebAssembly wrappers' fallbacks run these.
 */
import type { FloatArray } from '../../engine/dtype.js';
import { convBackwardBias, convBackwardInput, convBackwardKernel, convForward } from '../conv/js.js';
import type { DepthwiseConv2dParams } from './params.js';
import { convParamsOfDepthwise } from './params.js';

/** Forward pass: `out[n, oy, ox, c*dm+m] = bias[c*dm+m] + Σ taps x[.., c] * kernel[ky, kx, c, m]`. */
export function depthwiseConv2dForward(p: DepthwiseConv2dParams, x: FloatArray, kernel: FloatArray, bias: FloatArray | null, out: FloatArray): void {
  convForward(convParamsOfDepthwise(p), x, kernel, bias, out);
}

/** Input gradient (see `convBackwardInput`). */
export function depthwiseConv2dBackwardInput(p: DepthwiseConv2dParams, dy: FloatArray, kernel: FloatArray, dx: FloatArray): void {
  convBackwardInput(convParamsOfDepthwise(p), dy, kernel, dx);
}

/** Kernel gradient (see `convBackwardKernel`). */
export function depthwiseConv2dBackwardKernel(p: DepthwiseConv2dParams, x: FloatArray, dy: FloatArray, dkernel: FloatArray): void {
  convBackwardKernel(convParamsOfDepthwise(p), x, dy, dkernel);
}

/** Bias gradient (see `convBackwardBias`). */
export function depthwiseConv2dBackwardBias(p: DepthwiseConv2dParams, dy: FloatArray, dbias: FloatArray): void {
  convBackwardBias(convParamsOfDepthwise(p), dy, dbias);
}
