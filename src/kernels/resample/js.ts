/**
 * Separable resampling kernels on typed arrays: each output pixel is the weighted sum of the input
 * pixels its row taps and column taps select (`params.ts` computed them). Channels-first images run as
 * `[N·C, H, W, 1]` channels-last, as in pooling, so one loop nest serves both layouts. The sums are in
 * float64; nothing is allocated here.
 */
import type { FloatArray } from '../../engine/dtype.js';
import { checkLength } from '../buffer-check.js';
import type { ResampleParams } from './params.js';
import { resampleSizes } from './params.js';

function layout(p: ResampleParams): { images: number; C: number } {
  return p.dataFormat === 'channels_last' ? { images: p.batch, C: p.channels } : { images: p.batch * p.channels, C: 1 };
}

/**
 * Forward pass.
 * @param out Preallocated, fully overwritten; must not alias `x`.
 */
export function resampleForward(p: ResampleParams, x: FloatArray, out: FloatArray): void {
  const sizes = resampleSizes(p);
  checkLength('resample', 'x', x, sizes.input);
  checkLength('resample', 'out', out, sizes.output);
  const { images, C } = layout(p);
  const { rows, cols } = p;
  const W = cols.inSize;
  const inImage = rows.inSize * W * C;
  for (let n = 0; n < images; n++) {
    for (let oy = 0; oy < rows.outSize; oy++) {
      for (let ox = 0; ox < cols.outSize; ox++) {
        const o = ((n * rows.outSize + oy) * cols.outSize + ox) * C;
        for (let c = 0; c < C; c++) {
          let acc = 0;
          for (let a = 0; a < rows.count; a++) {
            const wy = rows.weights[oy * rows.count + a];
            if (wy === 0) continue;
            const row = n * inImage + (rows.first[oy] + a) * W * C + c;
            let line = 0;
            for (let b = 0; b < cols.count; b++) {
              const wx = cols.weights[ox * cols.count + b];
              if (wx !== 0) line += wx * x[row + (cols.first[ox] + b) * C];
            }
            acc += wy * line;
          }
          out[o + c] = acc;
        }
      }
    }
  }
}

/**
 * Backward pass: each output gradient is scattered to the input pixels it read, with the same weights.
 * @param dx Preallocated, fully overwritten.
 */
export function resampleBackward(p: ResampleParams, dy: FloatArray, dx: FloatArray): void {
  const sizes = resampleSizes(p);
  checkLength('resample', 'dy', dy, sizes.output);
  checkLength('resample', 'dx', dx, sizes.input);
  const { images, C } = layout(p);
  const { rows, cols } = p;
  const W = cols.inSize;
  const inImage = rows.inSize * W * C;
  dx.fill(0);
  for (let n = 0; n < images; n++) {
    for (let oy = 0; oy < rows.outSize; oy++) {
      for (let ox = 0; ox < cols.outSize; ox++) {
        const o = ((n * rows.outSize + oy) * cols.outSize + ox) * C;
        for (let c = 0; c < C; c++) {
          const g = dy[o + c];
          for (let a = 0; a < rows.count; a++) {
            const wy = rows.weights[oy * rows.count + a];
            if (wy === 0) continue;
            const row = n * inImage + (rows.first[oy] + a) * W * C + c;
            for (let b = 0; b < cols.count; b++) {
              const wx = cols.weights[ox * cols.count + b];
              if (wx !== 0) dx[row + (cols.first[ox] + b) * C] += g * wy * wx;
            }
          }
        }
      }
    }
  }
}
