/**
 * Plain-TypeScript 2D max and average pooling kernels, forward and backward.
 *
 * Every function takes resolved {@link Pool2dParams} and caller-allocated arrays and fully overwrites its
 * output; nothing here allocates, so a WebAssembly backend can fill the same slots with views into its
 * own memory.
 *
 * One loop nest serves both layouts: `[N, C, H, W]` is exactly `[N*C, H, W, 1]` read as channels-last,
 * so channels-first runs the same code over N*C single-channel images (no transposes). For each output
 * row/column the range of window taps inside the input is computed once, so padding is never
 * materialised and inner loops have no bounds checks. 'same' padding never produces a window that lies
 * wholly in the padding (TF's split puts at most `k - 1` pixels before), so every window has a tap.
 *
 * Semantics, as Keras 3 on JAX/XLA computes them:
 * - max: padding reads as -∞; NaN propagates; the backward pass routes each window's gradient to the
 *   *first* maximal element in row-major window order (ties are not shared).
 * - average: the sum over in-bounds taps divided by the number of in-bounds taps, so 'same' windows at a
 *   border average only the real pixels (TensorFlow's rule).
 */
import type { FloatArray } from '../../engine/dtype.js';
import { checkLength } from '../buffer-check.js';
import type { Pool2dParams } from './params.js';
import { pool2dSizes } from './params.js';

/** Images and channels of the channels-last view of the buffers (see the file comment). */
function view(p: Pool2dParams): { images: number; C: number } {
  return p.dataFormat === 'channels_last' ? { images: p.batch, C: p.channels } : { images: p.batch * p.channels, C: 1 };
}


type Mode = 'max' | 'avg';

// Shared forward: `max` combines with NaN propagation from -∞; `avg` sums then scales by 1/count.
function poolForward(mode: Mode, p: Pool2dParams, x: FloatArray, out: FloatArray): void {
  const sizes = pool2dSizes(p);
  checkLength('pool2d', 'x', x, sizes.input);
  checkLength('pool2d', 'out', out, sizes.output);
  const { images, C } = view(p);
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, poolHeight, poolWidth } = p;
  const { strideHeight, strideWidth, padTop, padLeft } = p;
  const xRow = W * C;
  for (let n = 0; n < images; n++) {
    const xImage = n * H * xRow;
    for (let oy = 0; oy < OH; oy++) {
      const iy0 = oy * strideHeight - padTop;
      // Taps [ky0, ky1) land inside the input; computed once per row, so the inner loops need no checks.
      const ky0 = Math.max(0, -iy0);
      const ky1 = Math.min(poolHeight, H - iy0);
      for (let ox = 0; ox < OW; ox++) {
        const ix0 = ox * strideWidth - padLeft;
        const kx0 = Math.max(0, -ix0);
        const kx1 = Math.min(poolWidth, W - ix0);
        const o = ((n * OH + oy) * OW + ox) * C;
        out.fill(mode === 'max' ? -Infinity : 0, o, o + C);
        for (let ky = ky0; ky < ky1; ky++) {
          let xi = xImage + (iy0 + ky) * xRow + (ix0 + kx0) * C;
          for (let kx = kx0; kx < kx1; kx++, xi += C) {
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
        if (mode === 'avg') {
          const scale = 1 / ((ky1 - ky0) * (kx1 - kx0));
          for (let c = 0; c < C; c++) out[o + c] *= scale;
        }
      }
    }
  }
}

/**
 * Max pooling forward: `out[n, oy, ox, c] = max` over the in-bounds window taps.
 * @param out Preallocated, fully overwritten. Must not alias `x`.
 */
export function maxPool2dForward(p: Pool2dParams, x: FloatArray, out: FloatArray): void {
  poolForward('max', p, x, out);
}

/**
 * Average pooling forward: the mean over the in-bounds window taps.
 * @param out Preallocated, fully overwritten. Must not alias `x`.
 */
export function avgPool2dForward(p: Pool2dParams, x: FloatArray, out: FloatArray): void {
  poolForward('avg', p, x, out);
}

/**
 * Max pooling backward: each `dy` element is added to `dx` at the first maximal tap of its window (the
 * argmax is recomputed from `x`, so no index buffer is needed).
 * @param dx Preallocated, fully overwritten.
 */
export function maxPool2dBackward(p: Pool2dParams, x: FloatArray, dy: FloatArray, dx: FloatArray): void {
  const sizes = pool2dSizes(p);
  checkLength('pool2d', 'x', x, sizes.input);
  checkLength('pool2d', 'dy', dy, sizes.output);
  checkLength('pool2d', 'dx', dx, sizes.input);
  const { images, C } = view(p);
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, poolHeight, poolWidth } = p;
  const { strideHeight, strideWidth, padTop, padLeft } = p;
  const xRow = W * C;
  dx.fill(0);
  for (let n = 0; n < images; n++) {
    const xImage = n * H * xRow;
    for (let oy = 0; oy < OH; oy++) {
      const iy0 = oy * strideHeight - padTop;
      // Taps [ky0, ky1) land inside the input; computed once per row, so the inner loops need no checks.
      const ky0 = Math.max(0, -iy0);
      const ky1 = Math.min(poolHeight, H - iy0);
      for (let ox = 0; ox < OW; ox++) {
        const ix0 = ox * strideWidth - padLeft;
        const kx0 = Math.max(0, -ix0);
        const kx1 = Math.min(poolWidth, W - ix0);
        const o = ((n * OH + oy) * OW + ox) * C;
        const first = xImage + (iy0 + ky0) * xRow + (ix0 + kx0) * C;
        for (let c = 0; c < C; c++) {
          let bestAt = first + c;
          let best = x[bestAt];
          for (let ky = ky0; ky < ky1; ky++) {
            let xi = xImage + (iy0 + ky) * xRow + (ix0 + kx0) * C + c;
            for (let kx = kx0; kx < kx1; kx++, xi += C) {
              const v = x[xi];
              // Strictly greater keeps the first of equal maxima; the first NaN wins, as it is the output.
              if (v > best || (v !== v && best === best)) {
                best = v;
                bestAt = xi;
              }
            }
          }
          dx[bestAt] += dy[o + c];
        }
      }
    }
  }
}

/**
 * Average pooling backward: each `dy` element is spread evenly over the in-bounds taps of its window.
 * @param dx Preallocated, fully overwritten.
 */
export function avgPool2dBackward(p: Pool2dParams, dy: FloatArray, dx: FloatArray): void {
  const sizes = pool2dSizes(p);
  checkLength('pool2d', 'dy', dy, sizes.output);
  checkLength('pool2d', 'dx', dx, sizes.input);
  const { images, C } = view(p);
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, poolHeight, poolWidth } = p;
  const { strideHeight, strideWidth, padTop, padLeft } = p;
  const xRow = W * C;
  dx.fill(0);
  for (let n = 0; n < images; n++) {
    const xImage = n * H * xRow;
    for (let oy = 0; oy < OH; oy++) {
      const iy0 = oy * strideHeight - padTop;
      // Taps [ky0, ky1) land inside the input; computed once per row, so the inner loops need no checks.
      const ky0 = Math.max(0, -iy0);
      const ky1 = Math.min(poolHeight, H - iy0);
      for (let ox = 0; ox < OW; ox++) {
        const ix0 = ox * strideWidth - padLeft;
        const kx0 = Math.max(0, -ix0);
        const kx1 = Math.min(poolWidth, W - ix0);
        const o = ((n * OH + oy) * OW + ox) * C;
        const scale = 1 / ((ky1 - ky0) * (kx1 - kx0));
        for (let ky = ky0; ky < ky1; ky++) {
          let xi = xImage + (iy0 + ky) * xRow + (ix0 + kx0) * C;
          for (let kx = kx0; kx < kx1; kx++, xi += C) {
            for (let c = 0; c < C; c++) dx[xi + c] += dy[o + c] * scale;
          }
        }
      }
    }
  }
}
