/**
 * The depthwise geometry as the NHWC kernels see it, the params block it is written into (word offsets
 * generated from `assembly/shared/boundary.ts`), and its description in errors.
 */
import type { DepthwiseConv2dParams } from '../depthwise-conv2d/params.js';
import * as K from './generated/constants.js';
import type { KernelContext } from './kernel-error.js';
import { shapeText } from './kernel-error.js';
import type { DepthwiseGeometry } from './manifest.js';

/** Depth multiplier folded into the channel count (the kernels run `C * dm` channels, see expandChannels). */
export function nhwcGeometry(p: DepthwiseConv2dParams): DepthwiseGeometry {
  return {
    batch: p.batch,
    inHeight: p.inHeight,
    inWidth: p.inWidth,
    channels: p.outChannels,
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
    dataFormat: p.dataFormat,
    depthMultiplier: p.depthMultiplier,
  };
}

/** The stride-1 input gradient as a forward convolution of dy (rotated kernel), producing dx's shape. */
export function transposedGeometry(p: DepthwiseConv2dParams): DepthwiseGeometry {
  const spanH = (p.kernelHeight - 1) * p.dilationHeight;
  const spanW = (p.kernelWidth - 1) * p.dilationWidth;
  return {
    ...nhwcGeometry(p),
    inHeight: p.outHeight,
    inWidth: p.outWidth,
    padTop: spanH - p.padTop,
    padBottom: spanH - p.padBottom,
    padLeft: spanW - p.padLeft,
    padRight: spanW - p.padRight,
    outHeight: p.inHeight,
    outWidth: p.inWidth,
  };
}

/**
 * Writes `g` and the selected variant's path code (`code`, 0 for single-path exports) into the params
 * block at `ptr` (PARAM_WORDS i32 words); returns `ptr`. Values are stored as i32, as the kernels read them.
 */
export function writeParams(memory: WebAssembly.Memory, ptr: number, g: DepthwiseGeometry, code: number | null): number {
  const words = new Int32Array(memory.buffer, ptr, K.PARAM_WORDS);
  words[K.P_BATCH] = g.batch;
  words[K.P_IN_H] = g.inHeight;
  words[K.P_IN_W] = g.inWidth;
  words[K.P_IN_C] = g.channels;
  words[K.P_K_H] = g.kernelHeight;
  words[K.P_K_W] = g.kernelWidth;
  words[K.P_DM] = 1;
  words[K.P_S_H] = g.strideHeight;
  words[K.P_S_W] = g.strideWidth;
  words[K.P_D_H] = g.dilationHeight;
  words[K.P_D_W] = g.dilationWidth;
  words[K.P_PAD_T] = g.padTop;
  words[K.P_PAD_B] = g.padBottom;
  words[K.P_PAD_L] = g.padLeft;
  words[K.P_PAD_R] = g.padRight;
  words[K.P_OUT_H] = g.outHeight;
  words[K.P_OUT_W] = g.outWidth;
  words[K.P_OUT_C] = g.channels;
  words[K.P_PATH] = code ?? 0;
  return ptr;
}

/** The op and params of a depthwise call, for the error a trap becomes. */
export function depthwiseContext(pass: string, p: DepthwiseConv2dParams): KernelContext {
  return {
    op: `depthwiseConv2d ${pass}`,
    describe: () => {
      const x = p.dataFormat === 'channels_last' ? [p.batch, p.inHeight, p.inWidth, p.inChannels] : [p.batch, p.inChannels, p.inHeight, p.inWidth];
      return (
        `x ${shapeText(x)} (${p.dataFormat}), kernel ${shapeText([p.kernelHeight, p.kernelWidth, p.inChannels, p.depthMultiplier])}, ` +
        `strides ${shapeText([p.strideHeight, p.strideWidth])}, dilation ${shapeText([p.dilationHeight, p.dilationWidth])}, ` +
        `padding ${shapeText([p.padTop, p.padBottom, p.padLeft, p.padRight])}, output ${shapeText([p.outHeight, p.outWidth])}`
      );
    },
  };
}
