/**
 * Affine resampling kernels on typed arrays. Each output pixel computes its source coordinate, the one
 * (nearest) or four (bilinear) taps with their weights, and each tap's fixed index; under 'constant' a tap
 * outside the image contributes `fillValue` times its weight, as map_coordinates does. Channels-first
 * images run as `[N·C, H, W, 1]` with the image's transform. Nothing is allocated.
 */
import type { FloatArray } from '../../engine/dtype.js';
import { checkLength } from '../buffer-check.js';
import type { AffineTransformParams } from './params.js';
import { fixIndex, roundHalfAway } from './params.js';

function layout(p: AffineTransformParams): { images: number; C: number; perImage: number } {
  return p.dataFormat === 'channels_last' ? { images: p.batch, C: p.channels, perImage: 1 } : { images: p.batch * p.channels, C: 1, perImage: p.channels };
}

/**
 * Visits the taps of output pixel (x, y) of image `n`: `visit(offset, weight)` for in-image taps (offset of
 * the pixel within the image, channel 0) and returns the total weight of the taps outside it ('constant').
 */
function taps(p: AffineTransformParams, t: number, x: number, y: number, visit: (offset: number, weight: number) => void): number {
  const tr = p.transforms;
  const sx = tr[t] * x + tr[t + 1] * y + tr[t + 2];
  const sy = tr[t + 3] * x + tr[t + 4] * y + tr[t + 5];
  const { height: H, width: W, fillMode } = p;
  let outside = 0;
  const tap = (iy: number, ix: number, w: number) => {
    if (fillMode === 'constant' && (iy < 0 || iy >= H || ix < 0 || ix >= W)) {
      outside += w;
      return;
    }
    visit((fixIndex(iy, H, fillMode) * W + fixIndex(ix, W, fillMode)), w);
  };
  if (p.interpolation === 'nearest') {
    tap(roundHalfAway(sy), roundHalfAway(sx), 1);
  } else {
    const y0 = Math.floor(sy);
    const x0 = Math.floor(sx);
    const fy = sy - y0;
    const fx = sx - x0;
    // map_coordinates' product order: (y0, x0), (y0, x1), (y1, x0), (y1, x1).
    tap(y0, x0, (1 - fy) * (1 - fx));
    tap(y0, x0 + 1, (1 - fy) * fx);
    tap(y0 + 1, x0, fy * (1 - fx));
    tap(y0 + 1, x0 + 1, fy * fx);
  }
  return outside;
}

/**
 * Forward pass.
 * @param out Preallocated, fully overwritten; must not alias `x`.
 */
export function affineTransformForward(p: AffineTransformParams, x: FloatArray, out: FloatArray): void {
  const size = p.batch * p.height * p.width * p.channels;
  checkLength('affineTransform', 'x', x, size);
  checkLength('affineTransform', 'out', out, size);
  const { images, C, perImage } = layout(p);
  const plane = p.height * p.width;
  for (let n = 0; n < images; n++) {
    const t = Math.floor(n / perImage) * 6;
    const base = n * plane * C;
    for (let y = 0; y < p.height; y++) {
      for (let xo = 0; xo < p.width; xo++) {
        const o = base + (y * p.width + xo) * C;
        for (let c = 0; c < C; c++) out[o + c] = 0;
        const outside = taps(p, t, xo, y, (offset, w) => {
          const i = base + offset * C;
          for (let c = 0; c < C; c++) out[o + c] += w * x[i + c];
        });
        if (outside !== 0) for (let c = 0; c < C; c++) out[o + c] += outside * p.fillValue;
      }
    }
  }
}

/**
 * Backward pass with respect to the image: each output gradient goes to the in-image taps it read.
 * @param dx Preallocated, fully overwritten.
 */
export function affineTransformBackward(p: AffineTransformParams, dy: FloatArray, dx: FloatArray): void {
  const size = p.batch * p.height * p.width * p.channels;
  checkLength('affineTransform', 'dy', dy, size);
  checkLength('affineTransform', 'dx', dx, size);
  const { images, C, perImage } = layout(p);
  const plane = p.height * p.width;
  dx.fill(0);
  for (let n = 0; n < images; n++) {
    const t = Math.floor(n / perImage) * 6;
    const base = n * plane * C;
    for (let y = 0; y < p.height; y++) {
      for (let xo = 0; xo < p.width; xo++) {
        const o = base + (y * p.width + xo) * C;
        taps(p, t, xo, y, (offset, w) => {
          const i = base + offset * C;
          for (let c = 0; c < C; c++) dx[i + c] += w * dy[o + c];
        });
      }
    }
  }
}
