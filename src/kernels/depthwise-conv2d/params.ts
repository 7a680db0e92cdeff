/**
 * The 2D depthwise params the `depthwiseConv2d` slot takes (what the WebAssembly wrappers receive), as a
 * view of the rank-generic {@link ConvParams} with `groups = C`: `depthwiseConv2dParamsOf` derives them
 * (rank 1 as a unit height), `convParamsOfDepthwise` goes back. Geometry and shape checks live in
 * `conv/params.ts`, once.
 */
import { assertInvariant } from '../../errors.js';
import { convParamsOfGeometry2d, geometry2dOf } from '../conv/geometry-2d.js';
import type { ConvParams } from '../conv/params.js';
import { isDepthwise, resolveDepthwiseConvParams } from '../conv/params.js';
import type { ConvGeometry2d, DataFormat, Padding } from '../window.js';
import { convOutputLength, samePadding } from '../window.js';

export type { FloatArray } from '../../engine/dtype.js';
export type { DataFormat, Padding };
export { convOutputLength, samePadding };

/**
 * Fully resolved geometry of one depthwise convolution. Output channel `c * depthMultiplier + m` is
 * input channel `c` convolved with kernel slice `[:, :, c, m]`.
 */
export interface DepthwiseConv2dParams extends ConvGeometry2d {
  readonly depthMultiplier: number;
}

/** The 2D options, as `resolveDepthwiseConv2dParams` takes them (validated by the caller). */
export interface DepthwiseConv2dOptions {
  strides: readonly [number, number];
  dilationRate: readonly [number, number];
  padding: Padding;
  dataFormat: DataFormat;
}

/** Depthwise `p` (rank 1 or 2) as the 2D slot's params: a rank-1 convolution gets a unit height. */
export function depthwiseConv2dParamsOf(p: ConvParams): DepthwiseConv2dParams {
  assertInvariant(p.rank <= 2 && isDepthwise(p), () => `depthwiseConv2dParamsOf: rank ${p.rank}, ${p.groups} groups of ${p.inChannelsPerGroup} channels`);
  return { ...geometry2dOf(p), depthMultiplier: p.outChannelsPerGroup };
}

/** The rank-2 grouped {@link ConvParams} (`groups = C`) of depthwise params: what the TypeScript loops take. */
export function convParamsOfDepthwise(p: DepthwiseConv2dParams): ConvParams {
  return convParamsOfGeometry2d(p, { groups: p.inChannels, inChannelsPerGroup: 1, outChannelsPerGroup: p.depthMultiplier });
}

/**
 * Resolves depthwise 2D geometry from shapes and validated options (tests and benchmarks build params
 * this way).
 *
 * @param inputShape `[N, H, W, C]` for `channels_last`, `[N, C, H, W]` for `channels_first`.
 * @param kernelShape Keras's `[kernelHeight, kernelWidth, inChannels, depthMultiplier]`.
 * @throws ShapeError when the shapes do not fit each other (see `resolveDepthwiseConvParams`).
 */
export function resolveDepthwiseConv2dParams(inputShape: readonly number[], kernelShape: readonly number[], options: DepthwiseConv2dOptions): DepthwiseConv2dParams {
  return depthwiseConv2dParamsOf(resolveDepthwiseConvParams(inputShape, kernelShape, options, 'depthwiseConv2d'));
}

/** Element counts of the four kinds of buffer a kernel touches; what callers must allocate. */
export function depthwiseConv2dSizes(p: DepthwiseConv2dParams): { input: number; kernel: number; bias: number; output: number } {
  return {
    input: p.batch * p.inHeight * p.inWidth * p.inChannels,
    kernel: p.kernelHeight * p.kernelWidth * p.inChannels * p.depthMultiplier,
    bias: p.outChannels,
    output: p.batch * p.outHeight * p.outWidth * p.outChannels,
  };
}

/** Output shape in the params' data format: `[N, OH, OW, C*dm]` or `[N, C*dm, OH, OW]`. */
export function depthwiseConv2dOutputShape(p: DepthwiseConv2dParams): [number, number, number, number] {
  return p.dataFormat === 'channels_last' ? [p.batch, p.outHeight, p.outWidth, p.outChannels] : [p.batch, p.outChannels, p.outHeight, p.outWidth];
}
