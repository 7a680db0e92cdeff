/**
 * Naive float64 reference for the depthwise 2D convolution, for tests only (not re-exported).
 *
 * Deliberately the most obvious loops, written straight from the definitions and sharing no code with
 * `js.ts`: explicit bounds checks on every tap, float64 sums, fresh output arrays. The backward passes
 * are written as *gathers* (each gradient element sums the terms that touch it), whereas `js.ts`
 * scatters, so the two cannot share a mistake by construction.
 */
import { inputIndexer, inputPixel, inside, outputIndexer } from '../reference-geometry.js';
import type { DepthwiseConv2dParams } from './params.js';

function kernelIndex(p: DepthwiseConv2dParams, ky: number, kx: number, c: number, m: number): number {
  return ((ky * p.kernelWidth + kx) * p.inChannels + c) * p.depthMultiplier + m;
}

/** Forward pass; returns a new output-shaped Float64Array. */
export function referenceDepthwiseConv2d(
  p: DepthwiseConv2dParams,
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
        for (let c = 0; c < p.inChannels; c++) {
          for (let m = 0; m < p.depthMultiplier; m++) {
            const o = c * p.depthMultiplier + m;
            let sum = bias === null ? 0 : bias[o];
            for (let ky = 0; ky < p.kernelHeight; ky++) {
              for (let kx = 0; kx < p.kernelWidth; kx++) {
                const [iy, ix] = inputPixel(p, oy, ox, ky, kx);
                if (inside(p, iy, ix)) sum += x[xi(n, iy, ix, c)] * kernel[kernelIndex(p, ky, kx, c, m)];
              }
            }
            out[yi(n, oy, ox, o)] = sum;
          }
        }
      }
    }
  }
  return out;
}

/**
 * Input gradient as a gather: `dx[n, iy, ix, c]` sums `dy[n, oy, ox, c*dm+m] * kernel[ky, kx, c, m]`
 * over every output pixel and tap whose sampling position is exactly `(iy, ix)`.
 */
export function referenceDepthwiseConv2dBackwardInput(
  p: DepthwiseConv2dParams,
  dy: ArrayLike<number>,
  kernel: ArrayLike<number>,
): Float64Array {
  const xi = inputIndexer(p);
  const yi = outputIndexer(p);
  const dx = new Float64Array(p.batch * p.inHeight * p.inWidth * p.inChannels);
  for (let n = 0; n < p.batch; n++) {
    for (let iy = 0; iy < p.inHeight; iy++) {
      for (let ix = 0; ix < p.inWidth; ix++) {
        for (let c = 0; c < p.inChannels; c++) {
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
              for (let m = 0; m < p.depthMultiplier; m++) {
                sum += dy[yi(n, oy, ox, c * p.depthMultiplier + m)] * kernel[kernelIndex(p, ky, kx, c, m)];
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

/** Kernel gradient: `dkernel[ky, kx, c, m] = Σ_{n,oy,ox} x[n, iy, ix, c] * dy[n, oy, ox, c*dm+m]`. */
export function referenceDepthwiseConv2dBackwardKernel(
  p: DepthwiseConv2dParams,
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
): Float64Array {
  const xi = inputIndexer(p);
  const yi = outputIndexer(p);
  const dk = new Float64Array(p.kernelHeight * p.kernelWidth * p.inChannels * p.depthMultiplier);
  for (let ky = 0; ky < p.kernelHeight; ky++) {
    for (let kx = 0; kx < p.kernelWidth; kx++) {
      for (let c = 0; c < p.inChannels; c++) {
        for (let m = 0; m < p.depthMultiplier; m++) {
          let sum = 0;
          for (let n = 0; n < p.batch; n++) {
            for (let oy = 0; oy < p.outHeight; oy++) {
              for (let ox = 0; ox < p.outWidth; ox++) {
                const [iy, ix] = inputPixel(p, oy, ox, ky, kx);
                if (inside(p, iy, ix)) sum += x[xi(n, iy, ix, c)] * dy[yi(n, oy, ox, c * p.depthMultiplier + m)];
              }
            }
          }
          dk[kernelIndex(p, ky, kx, c, m)] = sum;
        }
      }
    }
  }
  return dk;
}

/** Bias gradient: `dbias[o] = Σ_{n,oy,ox} dy[n, oy, ox, o]`. */
export function referenceDepthwiseConv2dBackwardBias(p: DepthwiseConv2dParams, dy: ArrayLike<number>): Float64Array {
  const yi = outputIndexer(p);
  const db = new Float64Array(p.outChannels);
  for (let o = 0; o < p.outChannels; o++) {
    let sum = 0;
    for (let n = 0; n < p.batch; n++) {
      for (let oy = 0; oy < p.outHeight; oy++) {
        for (let ox = 0; ox < p.outWidth; ox++) sum += dy[yi(n, oy, ox, o)];
      }
    }
    db[o] = sum;
  }
  return db;
}
