/**
 * The geometry blocks the im2col GEMM exports read (`G_*` words generated from
 * `assembly/shared/boundary.ts`) for each pass of a convolution (the 2D slot's `Conv2dParams`, and the
 * rank-generic `ConvParams` lifted to three spatial axes), the depthwise params of a convolution with one
 * input channel per group, and the description of a call in errors.
 */
import type { ConvParams } from '../conv/params.js';
import type { Conv2dParams } from '../conv2d/index.js';
import type { DepthwiseConv2dParams } from '../depthwise-conv2d/params.js';
import * as K from './generated/constants.js';
import type { KernelContext } from './kernel-error.js';
import { shapeText } from './kernel-error.js';

/**
 * What one im2col GEMM reads: rows are the `outDepth × outHeight × outWidth` pixels of each image, built
 * from an `inDepth × inHeight × inWidth × inChannels` source under a `kernel` window (see IM2COL_WINDOWS /
 * IM2COL_GATHER). A 2D convolution has a unit depth ({@link UNIT_DEPTH}).
 */
export interface Im2colGeometry {
  readonly inDepth: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly kernelDepth: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly strideDepth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationDepth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly padFront: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly outDepth: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly mode: number;
}

/** The depth words of a 2D convolution: one slice, a one-tap kernel depth, no depth padding. */
const UNIT_DEPTH = { inDepth: 1, kernelDepth: 1, strideDepth: 1, dilationDepth: 1, padFront: 0, outDepth: 1 } as const;

/** The forward pass: windows of `x` under each output pixel. */
export function forwardGeometry(p: Conv2dParams): Im2colGeometry {
  return { ...p, ...UNIT_DEPTH, mode: K.IM2COL_WINDOWS };
}

/**
 * The stride-1 input gradient as the forward convolution of `dy` (`F` channels) with the rotated kernel:
 * padding `(k − 1)·d − pad` on each side, output `dx`'s sizes.
 */
export function rotatedGeometry(p: Conv2dParams): Im2colGeometry {
  return {
    ...p,
    ...UNIT_DEPTH,
    inHeight: p.outHeight,
    inWidth: p.outWidth,
    inChannels: p.outChannels,
    padTop: (p.kernelHeight - 1) * p.dilationHeight - p.padTop,
    padLeft: (p.kernelWidth - 1) * p.dilationWidth - p.padLeft,
    outHeight: p.inHeight,
    outWidth: p.inWidth,
    mode: K.IM2COL_WINDOWS,
  };
}

/** The strided input gradient as a gather: rows are `dx`'s pixels, segments are `dy`'s (`F` channels). */
export function gatherGeometry(p: Conv2dParams): Im2colGeometry {
  return {
    ...p,
    ...UNIT_DEPTH,
    inHeight: p.outHeight,
    inWidth: p.outWidth,
    inChannels: p.outChannels,
    outHeight: p.inHeight,
    outWidth: p.inWidth,
    mode: K.IM2COL_GATHER,
  };
}

/** Writes `g` into the GEOMETRY_WORDS i32 words at `ptr` of `buffer`; returns `ptr`. */
export function writeGeometry(buffer: ArrayBufferLike, ptr: number, g: Im2colGeometry): number {
  const words = new Int32Array(buffer, ptr, K.GEOMETRY_WORDS);
  words[K.G_IN_H] = g.inHeight;
  words[K.G_IN_W] = g.inWidth;
  words[K.G_IN_C] = g.inChannels;
  words[K.G_K_H] = g.kernelHeight;
  words[K.G_K_W] = g.kernelWidth;
  words[K.G_S_H] = g.strideHeight;
  words[K.G_S_W] = g.strideWidth;
  words[K.G_D_H] = g.dilationHeight;
  words[K.G_D_W] = g.dilationWidth;
  words[K.G_PAD_T] = g.padTop;
  words[K.G_PAD_L] = g.padLeft;
  words[K.G_OUT_H] = g.outHeight;
  words[K.G_OUT_W] = g.outWidth;
  words[K.G_MODE] = g.mode;
  words[K.G_IN_D] = g.inDepth;
  words[K.G_K_D] = g.kernelDepth;
  words[K.G_S_D] = g.strideDepth;
  words[K.G_D_D] = g.dilationDepth;
  words[K.G_PAD_F] = g.padFront;
  words[K.G_OUT_D] = g.outDepth;
  return ptr;
}

/** `values` (one per spatial axis, outermost first) with leading `fill`s up to three axes. */
function lifted(values: readonly number[], fill: number): [number, number, number] {
  const v = [...Array<number>(3 - values.length).fill(fill), ...values];
  return [v[0], v[1], v[2]];
}

/**
 * The im2col geometry of one pass of a channels-last convolution of any rank, lifted to three spatial
 * axes (rank 1 and 2 as unit leading axes): `forward` reads windows of `x`; `rotated` is the stride-1
 * input gradient as the forward convolution of `dy` with the rotated kernel (padding `(k − 1)·d − pad`);
 * `gather` is the strided input gradient, rows being `dx`'s pixels gathering `dy`'s.
 */
export function convGeometry(p: ConvParams, pass: 'forward' | 'rotated' | 'gather'): Im2colGeometry {
  const [kd, kh, kw] = lifted(p.kernelSize, 1);
  const [sd, sh, sw] = lifted(p.strides, 1);
  const [dd, dh, dw] = lifted(p.dilations, 1);
  const [pf, pt, pl] = lifted(p.padBefore, 0);
  const inSize = lifted(p.inSize, 1);
  const outSize = lifted(p.outSize, 1);
  const forward = pass === 'forward';
  const [sd0, sh0, sw0] = forward ? inSize : outSize;
  const [td, th, tw] = forward ? outSize : inSize;
  const pads = pass === 'rotated' ? [(kd - 1) * dd - pf, (kh - 1) * dh - pt, (kw - 1) * dw - pl] : [pf, pt, pl];
  return {
    inDepth: sd0, inHeight: sh0, inWidth: sw0,
    inChannels: forward ? p.inChannels : p.outChannels,
    kernelDepth: kd, kernelHeight: kh, kernelWidth: kw,
    strideDepth: sd, strideHeight: sh, strideWidth: sw,
    dilationDepth: dd, dilationHeight: dh, dilationWidth: dw,
    padFront: pads[0], padTop: pads[1], padLeft: pads[2],
    outDepth: td, outHeight: th, outWidth: tw,
    mode: pass === 'gather' ? K.IM2COL_GATHER : K.IM2COL_WINDOWS,
  };
}

/** The op and params of a rank-generic convolution call, for the error a trap becomes. */
export function convContext(pass: string, p: ConvParams): KernelContext {
  return {
    op: `conv${p.rank}d ${pass}`,
    describe: () =>
      `x ${shapeText([p.batch, ...p.inSize, p.inChannels])} (${p.dataFormat}), kernel ${shapeText([...p.kernelSize, p.inChannelsPerGroup, p.outChannels])}, ` +
      `strides ${shapeText(p.strides)}, dilation ${shapeText(p.dilations)}, ` +
      `padding ${shapeText(p.padBefore.flatMap((b, i) => [b, p.padAfter[i]]))}, groups ${p.groups}`,
  };
}

/**
 * A convolution with one input channel per group as the depthwise convolution it is: output channel
 * `f = g · (F / G) + m` is input channel `g` times kernel slice `[:, :, 0, f]`, which is depthwise output
 * channel `c · dm + m` with `dm = F / C`, and both kernels are `[kh, kw, C · dm]` in memory.
 */
export function depthwiseParamsOf(p: Conv2dParams): DepthwiseConv2dParams {
  return {
    batch: p.batch,
    inHeight: p.inHeight,
    inWidth: p.inWidth,
    inChannels: p.inChannels,
    kernelHeight: p.kernelHeight,
    kernelWidth: p.kernelWidth,
    strideHeight: p.strideHeight,
    strideWidth: p.strideWidth,
    dilationHeight: p.dilationHeight,
    dilationWidth: p.dilationWidth,
    padTop: p.padTop,
    padBottom: p.padBottom,
    padLeft: p.padLeft,
    padRight: p.padRight,
    outHeight: p.outHeight,
    outWidth: p.outWidth,
    outChannels: p.outChannels,
    dataFormat: p.dataFormat,
    depthMultiplier: p.outChannelsPerGroup,
  };
}

/** The op and params of a conv2d call, for the error a trap becomes. */
export function conv2dContext(pass: string, p: Conv2dParams): KernelContext {
  return {
    op: `conv2d ${pass}`,
    describe: () =>
      `x ${shapeText([p.batch, p.inHeight, p.inWidth, p.inChannels])} (${p.dataFormat}), kernel ${shapeText([p.kernelHeight, p.kernelWidth, p.inChannelsPerGroup, p.outChannels])}, ` +
      `strides ${shapeText([p.strideHeight, p.strideWidth])}, dilation ${shapeText([p.dilationHeight, p.dilationWidth])}, ` +
      `padding ${shapeText([p.padTop, p.padBottom, p.padLeft, p.padRight])}, groups ${p.groups}`,
  };
}
