/**
 * Naive float64 reference for the bilinear resize, for tests only (not re-exported).
 *
 * Written from `jax.image.resize`'s definition rather than from `js.ts`'s clamp-and-lerp: every input
 * pixel `j` gets the triangle weight `max(0, 1 - |f - j|)` of the *unclamped* sample position `f`, and the
 * weights are renormalised over the in-bounds pixels. The backward pass gathers where `js.ts` scatters.
 */
import type { ResizeParams } from './params.js';

/** Weight of input index `j` for output index `d` along one axis. */
function axisWeight(j: number, d: number, inSize: number, outSize: number): number {
  const f = ((d + 0.5) * inSize) / outSize - 0.5;
  let total = 0;
  for (let k = 0; k < inSize; k++) total += Math.max(0, 1 - Math.abs(f - k));
  return Math.max(0, 1 - Math.abs(f - j)) / total;
}

function index(p: ResizeParams, H: number, W: number): (n: number, y: number, x: number, c: number) => number {
  const C = p.channels;
  return p.dataFormat === 'channels_last'
    ? (n, y, x, c) => ((n * H + y) * W + x) * C + c
    : (n, y, x, c) => ((n * C + c) * H + y) * W + x;
}

/** Forward pass; returns a new output-shaped Float64Array. */
export function referenceBilinearResize(p: ResizeParams, x: ArrayLike<number>): Float64Array {
  const xi = index(p, p.inHeight, p.inWidth);
  const yi = index(p, p.outHeight, p.outWidth);
  const out = new Float64Array(p.batch * p.outHeight * p.outWidth * p.channels);
  for (let n = 0; n < p.batch; n++) {
    for (let c = 0; c < p.channels; c++) {
      for (let oy = 0; oy < p.outHeight; oy++) {
        for (let ox = 0; ox < p.outWidth; ox++) {
          let sum = 0;
          for (let iy = 0; iy < p.inHeight; iy++) {
            for (let ix = 0; ix < p.inWidth; ix++) {
              const w = axisWeight(iy, oy, p.inHeight, p.outHeight) * axisWeight(ix, ox, p.inWidth, p.outWidth);
              sum += w * x[xi(n, iy, ix, c)];
            }
          }
          out[yi(n, oy, ox, c)] = sum;
        }
      }
    }
  }
  return out;
}

/** Input gradient as a gather over every output pixel, weighted as in the forward pass. */
export function referenceBilinearResizeBackward(p: ResizeParams, dy: ArrayLike<number>): Float64Array {
  const xi = index(p, p.inHeight, p.inWidth);
  const yi = index(p, p.outHeight, p.outWidth);
  const dx = new Float64Array(p.batch * p.inHeight * p.inWidth * p.channels);
  for (let n = 0; n < p.batch; n++) {
    for (let c = 0; c < p.channels; c++) {
      for (let iy = 0; iy < p.inHeight; iy++) {
        for (let ix = 0; ix < p.inWidth; ix++) {
          let sum = 0;
          for (let oy = 0; oy < p.outHeight; oy++) {
            for (let ox = 0; ox < p.outWidth; ox++) {
              const w = axisWeight(iy, oy, p.inHeight, p.outHeight) * axisWeight(ix, ox, p.inWidth, p.outWidth);
              sum += w * dy[yi(n, oy, ox, c)];
            }
          }
          dx[xi(n, iy, ix, c)] = sum;
        }
      }
    }
  }
  return dx;
}
