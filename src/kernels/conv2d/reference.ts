/**
 * Naive float64 reference for the grouped 2D convolution, for tests only (not re-exported).
 *
 * The most obvious loops, straight from the definitions and sharing no code with `js.ts`: explicit
 * bounds checks on every tap, float64 sums, fresh output arrays. The backward passes are *gathers*
 * (each gradient element sums the terms that touch it) while `js.ts` scatters, so the two cannot share
 * a mistake by construction.
 */
import { inputIndexer, inputPixel, inside, outputIndexer } from '../reference-geometry.js';
import type { Conv2dParams } from './params.js';


function kernelIndex(p: Conv2dParams, ky: number, kx: number, ci: number, f: number): number {
  return ((ky * p.kernelWidth + kx) * p.inChannelsPerGroup + ci) * p.outChannels + f;
}

/** The input channel that kernel slice `ci` of filter `f` reads. */
function inputChannel(p: Conv2dParams, f: number, ci: number): number {
  return Math.floor(f / p.outChannelsPerGroup) * p.inChannelsPerGroup + ci;
}

/** Forward pass; returns a new output-shaped Float64Array. */
export function referenceConv2d(
  p: Conv2dParams,
  x: ArrayLike<number>,
  kernel: ArrayLike<number>,
  bias: ArrayLike<number> | null,
): Float64Array {
  const xi = inputIndexer(p);
  const yi = outputIndexer(p);
  const out = new Float64Array(p.batch * p.outHeight * p.outWidth * p.outChannels);
  for (let n = 0; n < p.batch; n++) {
    for (let oy = 0; oy < p.outHeight; oy++) {
      for (let ox = 0; ox < p.outWidth; ox++) {
        for (let f = 0; f < p.outChannels; f++) {
          let sum = bias === null ? 0 : bias[f];
          for (let ky = 0; ky < p.kernelHeight; ky++) {
            for (let kx = 0; kx < p.kernelWidth; kx++) {
              const [iy, ix] = inputPixel(p, oy, ox, ky, kx);
              if (!inside(p, iy, ix)) continue;
              for (let ci = 0; ci < p.inChannelsPerGroup; ci++) {
                sum += x[xi(n, iy, ix, inputChannel(p, f, ci))] * kernel[kernelIndex(p, ky, kx, ci, f)];
              }
            }
          }
          out[yi(n, oy, ox, f)] = sum;
        }
      }
    }
  }
  return out;
}

/**
 * Input gradient as a gather: `dx[n, iy, ix, c]` sums `dy[n, oy, ox, f] * kernel[ky, kx, ci, f]` over
 * the filters of `c`'s group and every output pixel and tap whose sampling position is exactly `(iy, ix)`.
 */
export function referenceConv2dBackwardInput(p: Conv2dParams, dy: ArrayLike<number>, kernel: ArrayLike<number>): Float64Array {
  const xi = inputIndexer(p);
  const yi = outputIndexer(p);
  const dx = new Float64Array(p.batch * p.inHeight * p.inWidth * p.inChannels);
  for (let n = 0; n < p.batch; n++) {
    for (let iy = 0; iy < p.inHeight; iy++) {
      for (let ix = 0; ix < p.inWidth; ix++) {
        for (let c = 0; c < p.inChannels; c++) {
          const g = Math.floor(c / p.inChannelsPerGroup);
          const ci = c % p.inChannelsPerGroup;
          let sum = 0;
          for (let ky = 0; ky < p.kernelHeight; ky++) {
            for (let kx = 0; kx < p.kernelWidth; kx++) {
              // Solve iy = oy*sh - padTop + ky*dh for oy; only exact, in-range solutions contribute.
              const ty = iy + p.padTop - ky * p.dilationHeight;
              const tx = ix + p.padLeft - kx * p.dilationWidth;
              if (ty < 0 || tx < 0 || ty % p.strideHeight !== 0 || tx % p.strideWidth !== 0) continue;
              const oy = ty / p.strideHeight;
              const ox = tx / p.strideWidth;
              if (oy >= p.outHeight || ox >= p.outWidth) continue;
              for (let j = 0; j < p.outChannelsPerGroup; j++) {
                const f = g * p.outChannelsPerGroup + j;
                sum += dy[yi(n, oy, ox, f)] * kernel[kernelIndex(p, ky, kx, ci, f)];
              }
            }
          }
          dx[xi(n, iy, ix, c)] = sum;
        }
      }
    }
  }
  return dx;
}

/** Kernel gradient: `dkernel[ky, kx, ci, f] = Σ_{n,oy,ox} x[n, iy, ix, g*C/G + ci] * dy[n, oy, ox, f]`. */
export function referenceConv2dBackwardKernel(p: Conv2dParams, x: ArrayLike<number>, dy: ArrayLike<number>): Float64Array {
  const xi = inputIndexer(p);
  const yi = outputIndexer(p);
  const dk = new Float64Array(p.kernelHeight * p.kernelWidth * p.inChannelsPerGroup * p.outChannels);
  for (let ky = 0; ky < p.kernelHeight; ky++) {
    for (let kx = 0; kx < p.kernelWidth; kx++) {
      for (let ci = 0; ci < p.inChannelsPerGroup; ci++) {
        for (let f = 0; f < p.outChannels; f++) {
          const c = inputChannel(p, f, ci);
          let sum = 0;
          for (let n = 0; n < p.batch; n++) {
            for (let oy = 0; oy < p.outHeight; oy++) {
              for (let ox = 0; ox < p.outWidth; ox++) {
                const [iy, ix] = inputPixel(p, oy, ox, ky, kx);
                if (inside(p, iy, ix)) sum += x[xi(n, iy, ix, c)] * dy[yi(n, oy, ox, f)];
              }
            }
          }
          dk[kernelIndex(p, ky, kx, ci, f)] = sum;
        }
      }
    }
  }
  return dk;
}

/** Bias gradient: `dbias[f] = Σ_{n,oy,ox} dy[n, oy, ox, f]`. */
export function referenceConv2dBackwardBias(p: Conv2dParams, dy: ArrayLike<number>): Float64Array {
  const yi = outputIndexer(p);
  const db = new Float64Array(p.outChannels);
  for (let f = 0; f < p.outChannels; f++) {
    let sum = 0;
    for (let n = 0; n < p.batch; n++) {
      for (let oy = 0; oy < p.outHeight; oy++) {
        for (let ox = 0; ox < p.outWidth; ox++) sum += dy[yi(n, oy, ox, f)];
      }
    }
    db[f] = sum;
  }
  return db;
}
