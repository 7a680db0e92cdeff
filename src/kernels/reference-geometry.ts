/**
 * Index arithmetic the naive reference kernels share (tests only): where an element lives in a 4-D
 * tensor of either data format, and which input pixel a tap reads. Written plainly, with bounds checked
 * by the caller, and independent of the fast kernels' hoisted loop bounds.
 */
import type { ConvGeometry2d, DataFormat } from './window.js';

export type Index4 = (n: number, y: number, x: number, c: number) => number;

function indexer(format: DataFormat, H: number, W: number, C: number): Index4 {
  return format === 'channels_last'
    ? (n, y, x, c) => ((n * H + y) * W + x) * C + c
    : (n, y, x, c) => ((n * C + c) * H + y) * W + x;
}

export const inputIndexer = (p: ConvGeometry2d): Index4 => indexer(p.dataFormat, p.inHeight, p.inWidth, p.inChannels);
export const outputIndexer = (p: ConvGeometry2d): Index4 => indexer(p.dataFormat, p.outHeight, p.outWidth, p.outChannels);

/** The input pixel that tap (ky, kx) of output pixel (oy, ox) reads; it may lie in the padding. */
export function inputPixel(p: ConvGeometry2d, oy: number, ox: number, ky: number, kx: number): [number, number] {
  return [oy * p.strideHeight - p.padTop + ky * p.dilationHeight, ox * p.strideWidth - p.padLeft + kx * p.dilationWidth];
}

export function inside(p: ConvGeometry2d, iy: number, ix: number): boolean {
  return iy >= 0 && iy < p.inHeight && ix >= 0 && ix < p.inWidth;
}
