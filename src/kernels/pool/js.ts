/**
 * Plain-TypeScript max and average pooling of any rank, forward and backward: one loop nest over
 * (depth, height, width), ranks 1 and 2 being rank 3 with leading unit axes.
 *
 * Every function takes resolved {@link PoolParams} and caller-allocated arrays and fully overwrites its
 * output; nothing here allocates. Channels-first `[N, C, ...spatial]` is exactly `[N*C, ...spatial, 1]`
 * read as channels-last, so it runs the same code over N*C single-channel images (no transposes). The
 * window's taps inside the input are found once per output position, so padding is never materialised;
 * 'same' never produces a window wholly in the padding (TF's split puts at most `k - 1` before).
 *
 * Semantics, as Keras 3 on JAX/XLA computes them:
 * - max: padding reads as -∞; NaN propagates; the backward pass routes each window's gradient to the
 *   *first* maximal element in row-major window order (ties are not shared).
 * - average: the sum over in-bounds taps divided by their count, so 'same' windows at a border average
 *   only the real pixels (TensorFlow's rule).
 */
import type { FloatArray } from '../../engine/dtype.js';
import { checkLength } from '../buffer-check.js';
import type { PoolParams } from './params.js';
import { poolSizes } from './params.js';

type Mode = 'max' | 'avg';

function three(values: readonly number[], fill: number): [number, number, number] {
  const lifted = [...new Array<number>(3 - values.length).fill(fill), ...values];
  return [lifted[0], lifted[1], lifted[2]];
}

/**
 * One window: output element offset `o` (first channel), input offset `x0` of its first in-bounds tap,
 * the in-bounds tap counts per axis and the input's row and plane strides.
 */
type Window = (o: number, x0: number, td: number, th: number, tw: number) => void;

/** Calls `visit` for every output position of the channels-last view (see the file comment). */
function forEachWindow(p: PoolParams, visit: Window): void {
  const [images, C] = p.dataFormat === 'channels_last' ? [p.batch, p.channels] : [p.batch * p.channels, 1];
  const [D, H, W] = three(p.inSize, 1);
  const [KD, KH, KW] = three(p.poolSize, 1);
  const [SD, SH, SW] = three(p.strides, 1);
  const [PD, PH, PW] = three(p.padBefore, 0);
  const [OD, OH, OW] = three(p.outSize, 1);
  const rowStride = W * C;
  const planeStride = H * rowStride;
  for (let n = 0; n < images; n++) {
    for (let od = 0; od < OD; od++) {
      const id0 = od * SD - PD;
      const kd0 = Math.max(0, -id0);
      const kd1 = Math.min(KD, D - id0);
      for (let oy = 0; oy < OH; oy++) {
        const iy0 = oy * SH - PH;
        const ky0 = Math.max(0, -iy0);
        const ky1 = Math.min(KH, H - iy0);
        for (let ox = 0; ox < OW; ox++) {
          const ix0 = ox * SW - PW;
          const kx0 = Math.max(0, -ix0);
          const kx1 = Math.min(KW, W - ix0);
          const o = (((n * OD + od) * OH + oy) * OW + ox) * C;
          const x0 = n * D * planeStride + (id0 + kd0) * planeStride + (iy0 + ky0) * rowStride + (ix0 + kx0) * C;
          visit(o, x0, kd1 - kd0, ky1 - ky0, kx1 - kx0);
        }
      }
    }
  }
}

function strides(p: PoolParams): { C: number; row: number; plane: number } {
  const C = p.dataFormat === 'channels_last' ? p.channels : 1;
  const [, H, W] = three(p.inSize, 1);
  return { C, row: W * C, plane: H * W * C };
}

function poolForward(mode: Mode, p: PoolParams, x: FloatArray, out: FloatArray): void {
  const sizes = poolSizes(p);
  checkLength('pool', 'x', x, sizes.input);
  checkLength('pool', 'out', out, sizes.output);
  const { C, row, plane } = strides(p);
  forEachWindow(p, (o, x0, td, th, tw) => {
    out.fill(mode === 'max' ? -Infinity : 0, o, o + C);
    for (let d = 0; d < td; d++) {
      for (let y = 0; y < th; y++) {
        let xi = x0 + d * plane + y * row;
        for (let t = 0; t < tw; t++, xi += C) {
          if (mode === 'max') {
            for (let c = 0; c < C; c++) {
              const v = x[xi + c];
              const best = out[o + c];
              if (v > best || (v !== v && best === best)) out[o + c] = v;
            }
          } else {
            for (let c = 0; c < C; c++) out[o + c] += x[xi + c];
          }
        }
      }
    }
    if (mode === 'avg') {
      const scale = 1 / (td * th * tw);
      for (let c = 0; c < C; c++) out[o + c] *= scale;
    }
  });
}

/**
 * Max pooling forward: the maximum over the in-bounds window taps.
 * @param out Preallocated, fully overwritten. Must not alias `x`.
 */
export function maxPoolForward(p: PoolParams, x: FloatArray, out: FloatArray): void {
  poolForward('max', p, x, out);
}

/**
 * Average pooling forward: the mean over the in-bounds window taps.
 * @param out Preallocated, fully overwritten. Must not alias `x`.
 */
export function avgPoolForward(p: PoolParams, x: FloatArray, out: FloatArray): void {
  poolForward('avg', p, x, out);
}

/**
 * Max pooling backward: each `dy` element is added to `dx` at the first maximal tap of its window (the
 * argmax is recomputed from `x`, so no index buffer is needed).
 * @param dx Preallocated, fully overwritten.
 */
export function maxPoolBackward(p: PoolParams, x: FloatArray, dy: FloatArray, dx: FloatArray): void {
  const sizes = poolSizes(p);
  checkLength('pool', 'x', x, sizes.input);
  checkLength('pool', 'dy', dy, sizes.output);
  checkLength('pool', 'dx', dx, sizes.input);
  const { C, row, plane } = strides(p);
  dx.fill(0);
  forEachWindow(p, (o, x0, td, th, tw) => {
    for (let c = 0; c < C; c++) {
      let bestAt = x0 + c;
      let best = x[bestAt];
      for (let d = 0; d < td; d++) {
        for (let y = 0; y < th; y++) {
          let xi = x0 + d * plane + y * row + c;
          for (let t = 0; t < tw; t++, xi += C) {
            const v = x[xi];
            // Strictly greater keeps the first of equal maxima; the first NaN wins, as it is the output.
            if (v > best || (v !== v && best === best)) {
              best = v;
              bestAt = xi;
            }
          }
        }
      }
      dx[bestAt] += dy[o + c];
    }
  });
}

/**
 * Average pooling backward: each `dy` element is spread evenly over the in-bounds taps of its window.
 * @param dx Preallocated, fully overwritten.
 */
export function avgPoolBackward(p: PoolParams, dy: FloatArray, dx: FloatArray): void {
  const sizes = poolSizes(p);
  checkLength('pool', 'dy', dy, sizes.output);
  checkLength('pool', 'dx', dx, sizes.input);
  const { C, row, plane } = strides(p);
  dx.fill(0);
  forEachWindow(p, (o, x0, td, th, tw) => {
    const scale = 1 / (td * th * tw);
    for (let d = 0; d < td; d++) {
      for (let y = 0; y < th; y++) {
        let xi = x0 + d * plane + y * row;
        for (let t = 0; t < tw; t++, xi += C) for (let c = 0; c < C; c++) dx[xi + c] += dy[o + c] * scale;
      }
    }
  });
}
