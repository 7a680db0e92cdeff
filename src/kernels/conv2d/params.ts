/**
 * The 2D grouped-convolution params the `conv2d` slot takes (what the WebAssembly wrappers receive), as a
 * view of the rank-generic {@link ConvParams}: `conv2dParamsOf` derives them (rank 1 as a unit height),
 * `convParamsOfConv2d` goes back. Geometry and shape checks live in `conv/params.ts`, once.
 */
import { assertInvariant } from '../../errors.js';
import { convParamsOfGeometry2d, geometry2dOf } from '../conv/geometry-2d.js';
import type { ConvOptions, ConvParams, ExplicitPadding } from '../conv/params.js';
import { resolveConvParams } from '../conv/params.js';
import type { ConvGeometry2d, DataFormat, Padding } from '../window.js';

export type { DataFormat, ExplicitPadding, Padding };
export { convTransposeForwardPadding, convTransposeOutputLength } from '../conv/transpose.js';

/**
 * Fully resolved geometry of one grouped 2D convolution. Output channel `f` belongs to group
 * `g = floor(f / outChannelsPerGroup)` and reads input channels `g * inChannelsPerGroup + ci`
 * through kernel slice `[:, :, ci, f]`.
 */
export interface Conv2dParams extends ConvGeometry2d {
  readonly groups: number;
  readonly inChannelsPerGroup: number;
  readonly outChannelsPerGroup: number;
}

/** The 2D options, as `resolveConv2dParams` takes them (validated by the caller). */
export interface Conv2dOptions extends ConvOptions {
  strides: readonly [number, number];
  dilationRate: readonly [number, number];
}

/** `p` (rank 1 or 2) as the 2D slot's params: a rank-1 convolution gets a unit height. */
export function conv2dParamsOf(p: ConvParams): Conv2dParams {
  assertInvariant(p.rank <= 2, () => `conv2dParamsOf: a rank-${p.rank} convolution has no 2D params`);
  return { ...geometry2dOf(p), groups: p.groups, inChannelsPerGroup: p.inChannelsPerGroup, outChannelsPerGroup: p.outChannelsPerGroup };
}

/** The rank-2 {@link ConvParams} of 2D params (what the TypeScript loops take). */
export function convParamsOfConv2d(p: Conv2dParams): ConvParams {
  return convParamsOfGeometry2d(p, p);
}

/**
 * Resolves 2D geometry from shapes and validated options (tests and benchmarks build params this way).
 *
 * @param inputShape `[N, H, W, C]` for `channels_last`, `[N, C, H, W]` for `channels_first`.
 * @param kernelShape Keras's `[kernelHeight, kernelWidth, inChannels / groups, filters]`.
 * @throws ShapeError when the shapes do not fit each other (see `resolveConvParams`).
 */
export function resolveConv2dParams(inputShape: readonly number[], kernelShape: readonly number[], options: Conv2dOptions): Conv2dParams {
  return conv2dParamsOf(resolveConvParams(inputShape, kernelShape, options, 'conv2d'));
}

/** Element counts of the four kinds of buffer a kernel touches; what callers must allocate. */
export function conv2dSizes(p: Conv2dParams): { input: number; kernel: number; bias: number; output: number } {
  return {
    input: p.batch * p.inHeight * p.inWidth * p.inChannels,
    kernel: p.kernelHeight * p.kernelWidth * p.inChannelsPerGroup * p.outChannels,
    bias: p.outChannels,
    output: p.batch * p.outHeight * p.outWidth * p.outChannels,
  };
}

/** Output shape in the params' data format: `[N, OH, OW, F]` or `[N, F, OH, OW]`. */
export function conv2dOutputShape(p: Conv2dParams): [number, number, number, number] {
  return p.dataFormat === 'channels_last' ? [p.batch, p.outHeight, p.outWidth, p.outChannels] : [p.batch, p.outChannels, p.outHeight, p.outWidth];
}

/** Input shape in the params' data format: `[N, H, W, C]` or `[N, C, H, W]`. */
export function conv2dInputShape(p: Conv2dParams): [number, number, number, number] {
  return p.dataFormat === 'channels_last' ? [p.batch, p.inHeight, p.inWidth, p.inChannels] : [p.batch, p.inChannels, p.inHeight, p.inWidth];
}
