/**
 * Plain-TypeScript bilinear resize kernels (forward and backward), as Keras 3's `UpSampling2D(
 * interpolation='bilinear')` computes through `ops.image.resize`: half-pixel centres, output pixel `d`
 * samples input coordinate `(d + 0.5) * in / out - 0.5`, clamped to the edge pixels. This equals
 * `jax.image.resize(..., 'bilinear', antialias=False)` (whose edge renormalisation is the clamp) and
 * TensorFlow's `resize_bilinear(half_pixel_centers=True)`.
 *
 * As for pooling, `[N, C, H, W]` is processed as `[N*C, H, W, 1]` channels-last, so both layouts share
 * one loop nest. Outputs are caller-allocated and fully overwritten; nothing is allocated here.
 */
import type { FloatArray } from '../../engine/dtype.js';
import { checkLength } from '../buffer-check.js';
import type { ResizeParams } from './params.js';
import { resizeSizes } from './params.js';

/**
 * The clamped sampling coordinate along one axis: its floor is the first tap, its fraction the weight of
 * the second tap `min(floor + 1, size - 1)`. Returning one number keeps the hot loops allocation-free.
 */
function sampleAt(d: number, inSize: number, outSize: number): number {
  const f = ((d + 0.5) * inSize) / outSize - 0.5;
  // Clamping is the edge rule: beyond either edge the sample is the edge pixel itself.
  return Math.min(Math.max(f, 0), inSize - 1);
}

function prepare(p: ResizeParams): { images: number; C: number } {
  return p.dataFormat === 'channels_last' ? { images: p.batch, C: p.channels } : { images: p.batch * p.channels, C: 1 };
}

/**
 * Bilinear forward pass.
 * @param out Preallocated, fully overwritten. Must not alias `x`.
 */
export function bilinearResizeForward(p: ResizeParams, x: FloatArray, out: FloatArray): void {
  const sizes = resizeSizes(p);
  checkLength('resize', 'x', x, sizes.input);
  checkLength('resize', 'out', out, sizes.output);
  const { images, C } = prepare(p);
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = p;
  for (let n = 0; n < images; n++) {
    const xImage = n * H * W * C;
    for (let oy = 0; oy < OH; oy++) {
      const fy = sampleAt(oy, H, OH);
      const y0 = Math.floor(fy);
      const wy = fy - y0;
      const row0 = xImage + y0 * W * C;
      const row1 = xImage + Math.min(y0 + 1, H - 1) * W * C;
      for (let ox = 0; ox < OW; ox++) {
        const fx = sampleAt(ox, W, OW);
        const x0 = Math.floor(fx);
        const wx = fx - x0;
        const c0 = x0 * C;
        const c1 = Math.min(x0 + 1, W - 1) * C;
        const o = ((n * OH + oy) * OW + ox) * C;
        for (let c = 0; c < C; c++) {
          const top = x[row0 + c0 + c] + (x[row0 + c1 + c] - x[row0 + c0 + c]) * wx;
          const bottom = x[row1 + c0 + c] + (x[row1 + c1 + c] - x[row1 + c0 + c]) * wx;
          out[o + c] = top + (bottom - top) * wy;
        }
      }
    }
  }
}

/**
 * Bilinear backward pass: each `dy` element is scattered to its four taps with the forward weights.
 * @param dx Preallocated, fully overwritten.
 */
export function bilinearResizeBackward(p: ResizeParams, dy: FloatArray, dx: FloatArray): void {
  const sizes = resizeSizes(p);
  checkLength('resize', 'dy', dy, sizes.output);
  checkLength('resize', 'dx', dx, sizes.input);
  const { images, C } = prepare(p);
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = p;
  dx.fill(0);
  for (let n = 0; n < images; n++) {
    const xImage = n * H * W * C;
    for (let oy = 0; oy < OH; oy++) {
      const fy = sampleAt(oy, H, OH);
      const y0 = Math.floor(fy);
      const wy = fy - y0;
      const row0 = xImage + y0 * W * C;
      const row1 = xImage + Math.min(y0 + 1, H - 1) * W * C;
      for (let ox = 0; ox < OW; ox++) {
        const fx = sampleAt(ox, W, OW);
        const x0 = Math.floor(fx);
        const wx = fx - x0;
        const c0 = x0 * C;
        const c1 = Math.min(x0 + 1, W - 1) * C;
        const o = ((n * OH + oy) * OW + ox) * C;
        for (let c = 0; c < C; c++) {
          const g = dy[o + c];
          const gTop = g * (1 - wy);
          const gBottom = g * wy;
          dx[row0 + c0 + c] += gTop * (1 - wx);
          dx[row0 + c1 + c] += gTop * wx;
          dx[row1 + c0 + c] += gBottom * (1 - wx);
          dx[row1 + c1 + c] += gBottom * wx;
        }
      }
    }
  }
}
