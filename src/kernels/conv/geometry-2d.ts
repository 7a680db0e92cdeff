/**
 * The 2D view of a rank-1 or rank-2 {@link ConvParams} and back: the one conversion both 2D slots'
 * params (`conv2d/params.ts`, `depthwise-conv2d/params.ts`) build on. Each adds only its channel layout
 * (groups, or the depth multiplier), so the field-by-field mapping of the geometry is written once.
 */
import type { ConvGeometry2d } from '../window.js';
import type { ConvParams } from './params.js';

/** How the channels are grouped, the only part of `ConvParams` the 2D geometry does not carry. */
export interface ChannelGroups {
  readonly groups: number;
  readonly inChannelsPerGroup: number;
  readonly outChannelsPerGroup: number;
}

/**
 * The 2D geometry of `p`, whose rank the caller has asserted to be 1 or 2: a rank-1 convolution gets a
 * unit height (size, kernel, stride and dilation 1, no padding).
 */
export function geometry2dOf(p: ConvParams): ConvGeometry2d {
  const two = (values: readonly number[], fill: number) => (p.rank === 2 ? values : [fill, values[0]]);
  const [inHeight, inWidth] = two(p.inSize, 1);
  const [kernelHeight, kernelWidth] = two(p.kernelSize, 1);
  const [strideHeight, strideWidth] = two(p.strides, 1);
  const [dilationHeight, dilationWidth] = two(p.dilations, 1);
  const [padTop, padLeft] = two(p.padBefore, 0);
  const [padBottom, padRight] = two(p.padAfter, 0);
  const [outHeight, outWidth] = two(p.outSize, 1);
  return {
    batch: p.batch,
    inHeight,
    inWidth,
    inChannels: p.inChannels,
    kernelHeight,
    kernelWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    padTop,
    padBottom,
    padLeft,
    padRight,
    outHeight,
    outWidth,
    outChannels: p.outChannels,
    dataFormat: p.dataFormat,
  };
}

/** The rank-2 {@link ConvParams} of 2D geometry `g` with channel grouping `c` (what the TypeScript loops take). */
export function convParamsOfGeometry2d(g: ConvGeometry2d, c: ChannelGroups): ConvParams {
  return {
    rank: 2,
    batch: g.batch,
    inChannels: g.inChannels,
    outChannels: g.outChannels,
    groups: c.groups,
    inChannelsPerGroup: c.inChannelsPerGroup,
    outChannelsPerGroup: c.outChannelsPerGroup,
    inSize: [g.inHeight, g.inWidth],
    kernelSize: [g.kernelHeight, g.kernelWidth],
    strides: [g.strideHeight, g.strideWidth],
    dilations: [g.dilationHeight, g.dilationWidth],
    padBefore: [g.padTop, g.padLeft],
    padAfter: [g.padBottom, g.padRight],
    outSize: [g.outHeight, g.outWidth],
    dataFormat: g.dataFormat,
  };
}
