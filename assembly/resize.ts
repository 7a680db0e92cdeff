/**
 * Bilinear resize (Keras 3's `UpSampling2D(interpolation='bilinear')`, `ops.image.resize`), forward and
 * backward, NHWC float32, four channels per vector (an entry of asconfig.json). The geometry is
 * `src/kernels/resize/js.ts`'s: half-pixel centres, output pixel `d` samples input coordinate
 * `(d + 0.5) · in / out − 0.5` clamped to `[0, in − 1]` (computed in float64, as there), taps `floor` and
 * `min(floor + 1, in − 1)`. The interpolation itself runs in float32 (`top = x00 + (x01 − x00) · wx`, then
 * the same between rows), within a few ulps of the TypeScript kernel's float64 arithmetic. Channels-first
 * tensors reach these kernels transposed (src/kernels/wasm/resize.ts).
 *
 * Parallel convention `(start, end, scratch)`, no scratch: the forward splits output rows (`N * OH`); the
 * backward scatters, split by (image, block of POOL_CHANNEL_BLOCK channels) pairs, each writing only its
 * channels of `dx`, in output order (two taps that clamp onto one pixel add in the TypeScript order).
 */
import { POOL_CHANNEL_BLOCK as CB } from './shared/boundary';
import { zeroFloats } from './util/runs';

/** The clamped sampling coordinate of output index `d` (its floor is the first tap, its fraction the weight). */
@inline function sampleAt(d: i32, inSize: i32, outSize: i32): f64 {
  const f = ((<f64>d + 0.5) * <f64>inSize) / <f64>outSize - 0.5;
  return min(max(f, 0), <f64>(inSize - 1));
}

/** Bilinear forward. Units: output rows `N * OH`. */
export function bilinearForwardNhwc(
  x: usize, out: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
  start: i32, end: i32, scratch: usize,
): void {
  const pixB = <usize>C << 2;
  const rowB = <usize>W * pixB;
  const C4 = C & ~3;
  for (let r = start; r < end; r++) {
    const n = r / OH;
    const fy = sampleAt(r - n * OH, H, OH);
    const y0 = <i32>Math.floor(fy);
    const wy = <f32>(fy - <f64>y0);
    const vy = f32x4.splat(wy);
    const xImage = x + <usize>(n * H) * rowB;
    const row0 = xImage + <usize>y0 * rowB;
    const row1 = xImage + <usize>min(y0 + 1, H - 1) * rowB;
    let o = out + <usize>r * <usize>OW * pixB;
    for (let ox = 0; ox < OW; ox++, o += pixB) {
      const fx = sampleAt(ox, W, OW);
      const x0 = <i32>Math.floor(fx);
      const wx = <f32>(fx - <f64>x0);
      const vx = f32x4.splat(wx);
      const a = <usize>x0 * pixB;
      const b = <usize>min(x0 + 1, W - 1) * pixB;
      for (let c = 0; c < C4; c += 4) {
        const cb = <usize>c << 2;
        const p00 = v128.load(row0 + a + cb);
        const p01 = v128.load(row0 + b + cb);
        const p10 = v128.load(row1 + a + cb);
        const p11 = v128.load(row1 + b + cb);
        const top = f32x4.add(p00, f32x4.mul(f32x4.sub(p01, p00), vx));
        const bottom = f32x4.add(p10, f32x4.mul(f32x4.sub(p11, p10), vx));
        v128.store(o + cb, f32x4.add(top, f32x4.mul(f32x4.sub(bottom, top), vy)));
      }
      for (let c = C4; c < C; c++) {
        const cb = <usize>c << 2;
        const p00 = load<f32>(row0 + a + cb);
        const p10 = load<f32>(row1 + a + cb);
        const top = p00 + (load<f32>(row0 + b + cb) - p00) * wx;
        const bottom = p10 + (load<f32>(row1 + b + cb) - p10) * wx;
        store<f32>(o + cb, top + (bottom - top) * wy);
      }
    }
  }
}

/** `dx[p] += g` for four lanes. */
@inline function addAt(p: usize, g: v128): void {
  v128.store(p, f32x4.add(v128.load(p), g));
}

/**
 * Bilinear backward: each output's gradient scattered to its four taps with the forward's weights
 * (`g · (1 − wy) · (1 − wx)`, ...). Units: `N * ceil(C / POOL_CHANNEL_BLOCK)` (image, channel block) pairs.
 */
export function bilinearBackwardNhwc(
  dy: usize, dx: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
  start: i32, end: i32, scratch: usize,
): void {
  const pixB = <usize>C << 2;
  const rowB = <usize>W * pixB;
  const blocks = (C + CB - 1) / CB;
  for (let u = start; u < end; u++) {
    const n = u / blocks;
    const c0 = (u - n * blocks) * CB;
    const c1 = min(c0 + CB, C);
    const c4 = c0 + ((c1 - c0) & ~3);
    const dxImage = dx + <usize>(n * H) * rowB;
    // Rows are zeroed just before the first output row reaches them (the taps' rows never decrease), so
    // they are still in cache when the gradients are added; rows no output reaches are zeroed at the end.
    let zeroed = 0;
    let g = dy + <usize>(n * OH * OW) * pixB;
    for (let oy = 0; oy < OH; oy++) {
      const fy = sampleAt(oy, H, OH);
      const y0 = <i32>Math.floor(fy);
      const wy = <f32>(fy - <f64>y0);
      const y1 = min(y0 + 1, H - 1);
      for (; zeroed <= y1; zeroed++) zeroRow(dxImage + <usize>zeroed * rowB, W, pixB, c0, c1);
      const row0 = dxImage + <usize>y0 * rowB;
      const row1 = dxImage + <usize>y1 * rowB;
      for (let ox = 0; ox < OW; ox++, g += pixB) {
        const fx = sampleAt(ox, W, OW);
        const x0 = <i32>Math.floor(fx);
        const wx = <f32>(fx - <f64>x0);
        const a = <usize>x0 * pixB;
        const b = <usize>min(x0 + 1, W - 1) * pixB;
        const vy = f32x4.splat(wy);
        const ny = f32x4.splat(1 - wy);
        const vx = f32x4.splat(wx);
        const nx = f32x4.splat(1 - wx);
        for (let c = c0; c < c4; c += 4) {
          const cb = <usize>c << 2;
          const gv = v128.load(g + cb);
          const gTop = f32x4.mul(gv, ny);
          const gBottom = f32x4.mul(gv, vy);
          addAt(row0 + a + cb, f32x4.mul(gTop, nx));
          addAt(row0 + b + cb, f32x4.mul(gTop, vx));
          addAt(row1 + a + cb, f32x4.mul(gBottom, nx));
          addAt(row1 + b + cb, f32x4.mul(gBottom, vx));
        }
        for (let c = c4; c < c1; c++) {
          const cb = <usize>c << 2;
          const gs = load<f32>(g + cb);
          const gTop = gs * (1 - wy);
          const gBottom = gs * wy;
          store<f32>(row0 + a + cb, load<f32>(row0 + a + cb) + gTop * (1 - wx));
          store<f32>(row0 + b + cb, load<f32>(row0 + b + cb) + gTop * wx);
          store<f32>(row1 + a + cb, load<f32>(row1 + a + cb) + gBottom * (1 - wx));
          store<f32>(row1 + b + cb, load<f32>(row1 + b + cb) + gBottom * wx);
        }
      }
    }
    for (; zeroed < H; zeroed++) zeroRow(dxImage + <usize>zeroed * rowB, W, pixB, c0, c1);
  }
}

/** Zeroes channels `[c0, c1)` of the `W` pixels of one row of `dx`. */
function zeroRow(row: usize, W: i32, pixB: usize, c0: i32, c1: i32): void {
  let p = row + (<usize>c0 << 2);
  for (let i = 0; i < W; i++, p += pixB) zeroFloats(p, c1 - c0);
}
