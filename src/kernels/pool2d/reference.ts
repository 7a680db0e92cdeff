/**
 * Naive float64 reference for 2D pooling, for tests only (not re-exported).
 *
 * Written straight from the definitions and sharing no code with `js.ts`: the window is walked over the
 * padded coordinates with an explicit bounds check per tap, the layout is handled by index functions
 * rather than by reinterpreting NCHW as NHWC, and the backward passes are *gathers* (each input pixel
 * collects from the windows that contain it) where `js.ts` scatters.
 */
import type { Pool2dParams } from './params.js';

type Index4 = (n: number, y: number, x: number, c: number) => number;

function indexer(p: Pool2dParams, H: number, W: number): Index4 {
  const C = p.channels;
  return p.dataFormat === 'channels_last'
    ? (n, y, x, c) => ((n * H + y) * W + x) * C + c
    : (n, y, x, c) => ((n * C + c) * H + y) * W + x;
}

/** The in-bounds taps of window (oy, ox), in row-major window order. */
function windowTaps(p: Pool2dParams, oy: number, ox: number): Array<[number, number]> {
  const taps: Array<[number, number]> = [];
  for (let ky = 0; ky < p.poolHeight; ky++) {
    for (let kx = 0; kx < p.poolWidth; kx++) {
      const iy = oy * p.strideHeight - p.padTop + ky;
      const ix = ox * p.strideWidth - p.padLeft + kx;
      if (iy >= 0 && iy < p.inHeight && ix >= 0 && ix < p.inWidth) taps.push([iy, ix]);
    }
  }
  return taps;
}

/** Position of the first maximum among the taps (NaN counts as the maximum). */
function argmax(p: Pool2dParams, x: ArrayLike<number>, n: number, c: number, oy: number, ox: number): [number, number] {
  const xi = indexer(p, p.inHeight, p.inWidth);
  const taps = windowTaps(p, oy, ox);
  const nan = taps.find(([iy, ix]) => Number.isNaN(x[xi(n, iy, ix, c)]));
  if (nan) return nan;
  let best = taps[0];
  for (const t of taps) if (x[xi(n, t[0], t[1], c)] > x[xi(n, best[0], best[1], c)]) best = t;
  return best;
}

function forEachOutput(p: Pool2dParams, f: (n: number, oy: number, ox: number, c: number) => void): void {
  for (let n = 0; n < p.batch; n++) {
    for (let oy = 0; oy < p.outHeight; oy++) {
      for (let ox = 0; ox < p.outWidth; ox++) {
        for (let c = 0; c < p.channels; c++) f(n, oy, ox, c);
      }
    }
  }
}

/** Max or average pooling forward; returns a new output-shaped Float64Array. */
export function referencePool2d(p: Pool2dParams, mode: 'max' | 'avg', x: ArrayLike<number>): Float64Array {
  const xi = indexer(p, p.inHeight, p.inWidth);
  const yi = indexer(p, p.outHeight, p.outWidth);
  const out = new Float64Array(p.batch * p.outHeight * p.outWidth * p.channels);
  forEachOutput(p, (n, oy, ox, c) => {
    const values = windowTaps(p, oy, ox).map(([iy, ix]) => x[xi(n, iy, ix, c)]);
    if (mode === 'avg') out[yi(n, oy, ox, c)] = values.reduce((a, b) => a + b, 0) / values.length;
    else out[yi(n, oy, ox, c)] = values.some(Number.isNaN) ? NaN : Math.max(...values);
  });
  return out;
}

/**
 * Backward pass as a gather: `dx[n, iy, ix, c]` sums, over every window containing `(iy, ix)`, `dy / count`
 * (average) or `dy` when `(iy, ix)` is that window's first maximum (max).
 */
export function referencePool2dBackward(
  p: Pool2dParams,
  mode: 'max' | 'avg',
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
): Float64Array {
  const xi = indexer(p, p.inHeight, p.inWidth);
  const yi = indexer(p, p.outHeight, p.outWidth);
  const dx = new Float64Array(p.batch * p.inHeight * p.inWidth * p.channels);
  for (let n = 0; n < p.batch; n++) {
    for (let c = 0; c < p.channels; c++) {
      for (let iy = 0; iy < p.inHeight; iy++) {
        for (let ix = 0; ix < p.inWidth; ix++) {
          let sum = 0;
          for (let oy = 0; oy < p.outHeight; oy++) {
            for (let ox = 0; ox < p.outWidth; ox++) {
              const taps = windowTaps(p, oy, ox);
              if (!taps.some(([ty, tx]) => ty === iy && tx === ix)) continue;
              const g = dy[yi(n, oy, ox, c)];
              if (mode === 'avg') sum += g / taps.length;
              else {
                const [my, mx] = argmax(p, x, n, c, oy, ox);
                if (my === iy && mx === ix) sum += g;
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
