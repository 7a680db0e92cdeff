/**
 * 2D max and average pooling, forward and backward, NHWC float32, four channels per vector (an entry of
 * asconfig.json), with `src/kernels/pool2d/js.ts`'s semantics. Max is that kernel's bits: the first
 * maximum in row-major window order and the first NaN win (padding reads as -∞, so a window wholly in the
 * padding gives -∞), and each output's gradient goes to that tap, added in output order. Average sums the
 * in-bounds taps in window order and scales by `1 / count` rounded to float32, and its backward adds
 * `dy · (1 / count)` (one float32 product per output) to each tap: within an ulp of the TypeScript
 * kernel's float64 products, at a third of the cost. A window wholly in the padding gives 0 · ∞ = NaN
 * forward, and no window without a tap in the input routes a gradient. Channels-first tensors reach these
 * kernels transposed (src/kernels/wasm/pool2d.ts).
 *
 * Geometry arguments: `N, H, W, C` the input, `PH, PW` the window, `SH, SW` the strides, `PT, PL` the
 * top and left padding, `OH, OW` the output. Parallel convention `(start, end, scratch)` (see
 * src/kernels/wasm/parallel.ts; no scratch): the forwards split output rows (`N * OH`); the backwards
 * split (image, block of POOL_CHANNEL_BLOCK channels) pairs, `N * ceil(C / POOL_CHANNEL_BLOCK)`, each
 * writing only its image's channels of `dx`, so a channel's sums keep their order whatever the split.
 */
import { POOL_CHANNEL_BLOCK as CB } from './shared/boundary';
import { zeroFloats } from './util/runs';

/** Lanes where `v` replaces `best`: greater, or NaN while `best` is not (the first NaN wins). */
@inline function takes(v: v128, best: v128): v128 {
  return v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
}

@inline function takesScalar(v: f32, best: f32): bool {
  return v > best || (v != v && best == best);
}

/** Forward over output rows `[start, end)`; `avg` is a literal at each call, so the branches fold. */
@inline function forward(
  avg: bool, x: usize, out: usize, N: i32, H: i32, W: i32, C: i32, PH: i32, PW: i32, SH: i32, SW: i32, PT: i32, PL: i32, OH: i32, OW: i32,
  start: i32, end: i32,
): void {
  const pixB = <usize>C << 2;
  const rowB = <usize>W * pixB;
  const C4 = C & ~3;
  for (let r = start; r < end; r++) {
    const n = r / OH;
    const iy0 = (r - n * OH) * SH - PT;
    const ky0 = max(0, -iy0);
    const ky1 = min(PH, H - iy0);
    const xImage = x + <usize>(n * H) * rowB;
    let o = out + <usize>r * <usize>OW * pixB;
    for (let ox = 0; ox < OW; ox++, o += pixB) {
      const ix0 = ox * SW - PL;
      const kx0 = max(0, -ix0);
      const kx1 = min(PW, W - ix0);
      const taps = max(0, ky1 - ky0) * max(0, kx1 - kx0);
      const first = taps > 0 ? xImage + <usize>(iy0 + ky0) * rowB + <usize>(ix0 + kx0) * pixB : 0;
      const s = <f32>(1 / <f64>taps);
      const S = f32x4.splat(s);
      for (let c = 0; c < C4; c += 4) {
        let acc = avg ? f32x4.splat(0) : f32x4.splat(-Infinity);
        let row = first + (<usize>c << 2);
        for (let ky = ky0; ky < ky1; ky++, row += rowB) {
          let p = row;
          for (let kx = kx0; kx < kx1; kx++, p += pixB) {
            const v = v128.load(p);
            acc = avg ? f32x4.add(acc, v) : v128.bitselect(v, acc, takes(v, acc));
          }
        }
        v128.store(o + (<usize>c << 2), avg ? f32x4.mul(acc, S) : acc);
      }
      for (let c = C4; c < C; c++) {
        let acc: f32 = avg ? 0 : -Infinity;
        let row = first + (<usize>c << 2);
        for (let ky = ky0; ky < ky1; ky++, row += rowB) {
          let p = row;
          for (let kx = kx0; kx < kx1; kx++, p += pixB) {
            const v = load<f32>(p);
            if (avg) acc += v;
            else if (takesScalar(v, acc)) acc = v;
          }
        }
        store<f32>(o + (<usize>c << 2), avg ? acc * s : acc);
      }
    }
  }
}

/** Max pooling forward. Units: output rows `N * OH`. */
export function maxPoolForwardNhwc(
  x: usize, out: usize, N: i32, H: i32, W: i32, C: i32, PH: i32, PW: i32, SH: i32, SW: i32, PT: i32, PL: i32, OH: i32, OW: i32,
  start: i32, end: i32, scratch: usize,
): void {
  forward(false, x, out, N, H, W, C, PH, PW, SH, SW, PT, PL, OH, OW, start, end);
}

/** Average pooling forward. Units: output rows `N * OH`. */
export function avgPoolForwardNhwc(
  x: usize, out: usize, N: i32, H: i32, W: i32, C: i32, PH: i32, PW: i32, SH: i32, SW: i32, PT: i32, PL: i32, OH: i32, OW: i32,
  start: i32, end: i32, scratch: usize,
): void {
  forward(true, x, out, N, H, W, C, PH, PW, SH, SW, PT, PL, OH, OW, start, end);
}

/**
 * Zeroes channels `[c0, c1)` of rows `[from, to)` of one image of `dx` (`W` pixels a row). The backward
 * passes zero each row just before the first window that reaches it, so the row is still in cache when
 * the gradients are added into it (zeroing the whole image first would stream it through memory twice).
 */
function zeroRows(dxImage: usize, from: i32, to: i32, W: i32, pixB: usize, c0: i32, c1: i32): void {
  let p = dxImage + <usize>from * <usize>W * pixB + (<usize>c0 << 2);
  for (let i = from * W; i < to * W; i++, p += pixB) zeroFloats(p, c1 - c0);
}

/**
 * Backward over (image, channel block) units `[start, end)`; `avg` is a literal at each call. Max: each
 * output's gradient goes to the first maximal tap of its window (recomputed from `x`, as the forward
 * found it); average: spread over the in-bounds taps.
 */
@inline function backward(
  avg: bool, x: usize, dy: usize, dx: usize, N: i32, H: i32, W: i32, C: i32, PH: i32, PW: i32, SH: i32, SW: i32, PT: i32, PL: i32, OH: i32, OW: i32,
  start: i32, end: i32,
): void {
  const pixB = <usize>C << 2;
  const rowB = <usize>W * pixB;
  const blocks = (C + CB - 1) / CB;
  for (let u = start; u < end; u++) {
    const n = u / blocks;
    const c0 = (u - n * blocks) * CB;
    const c1 = min(c0 + CB, C);
    const c4 = c0 + ((c1 - c0) & ~3);
    const xImage = x + <usize>(n * H) * rowB;
    const dxImage = dx + <usize>(n * H) * rowB;
    let zeroed = 0; // rows [0, zeroed) of this unit's channels are zero or hold gradients
    let g = dy + <usize>(n * OH * OW) * pixB;
    for (let oy = 0; oy < OH; oy++) {
      const iy0 = oy * SH - PT;
      const ky0 = max(0, -iy0);
      const ky1 = min(PH, H - iy0);
      const reach = min(H, iy0 + PH);
      if (reach > zeroed) {
        zeroRows(dxImage, zeroed, reach, W, pixB, c0, c1);
        zeroed = reach;
      }
      for (let ox = 0; ox < OW; ox++, g += pixB) {
        const ix0 = ox * SW - PL;
        const kx0 = max(0, -ix0);
        const kx1 = min(PW, W - ix0);
        if (ky0 >= ky1 || kx0 >= kx1) continue; // no tap inside: nothing to route
        const firstOff = <usize>(iy0 + ky0) * rowB + <usize>(ix0 + kx0) * pixB;
        const s = <f32>(1 / <f64>((ky1 - ky0) * (kx1 - kx0)));
        for (let c = c0; c < c4; c += 4) {
          const cb = <usize>c << 2;
          const gv = v128.load(g + cb);
          if (avg) {
            const share = f32x4.mul(gv, f32x4.splat(s));
            let row = dxImage + firstOff + cb;
            for (let ky = ky0; ky < ky1; ky++, row += rowB) {
              let p = row;
              for (let kx = kx0; kx < kx1; kx++, p += pixB) v128.store(p, f32x4.add(v128.load(p), share));
            }
          } else {
            let best = f32x4.splat(-Infinity);
            let at = i32x4.splat(0);
            let rowOff = firstOff + cb;
            for (let ky = ky0; ky < ky1; ky++, rowOff += rowB) {
              let off = rowOff;
              for (let kx = kx0; kx < kx1; kx++, off += pixB) {
                const v = v128.load(xImage + off);
                // The first tap is always taken (v > -∞, or NaN), which fixes a lane's position even
                // when every tap is -∞.
                const m = ky === ky0 && kx === kx0 ? i32x4.splat(-1) : takes(v, best);
                best = v128.bitselect(v, best, m);
                at = v128.bitselect(i32x4.splat(<i32>off), at, m);
              }
            }
            const d0 = dxImage + <usize>i32x4.extract_lane(at, 0);
            const d1 = dxImage + <usize>i32x4.extract_lane(at, 1) + 4;
            const d2 = dxImage + <usize>i32x4.extract_lane(at, 2) + 8;
            const d3 = dxImage + <usize>i32x4.extract_lane(at, 3) + 12;
            store<f32>(d0, load<f32>(d0) + f32x4.extract_lane(gv, 0));
            store<f32>(d1, load<f32>(d1) + f32x4.extract_lane(gv, 1));
            store<f32>(d2, load<f32>(d2) + f32x4.extract_lane(gv, 2));
            store<f32>(d3, load<f32>(d3) + f32x4.extract_lane(gv, 3));
          }
        }
        for (let c = c4; c < c1; c++) {
          const cb = <usize>c << 2;
          const gs = load<f32>(g + cb);
          if (avg) {
            const share = gs * s;
            let row = dxImage + firstOff + cb;
            for (let ky = ky0; ky < ky1; ky++, row += rowB) {
              let p = row;
              for (let kx = kx0; kx < kx1; kx++, p += pixB) store<f32>(p, load<f32>(p) + share);
            }
          } else {
            let bestAt = firstOff + cb;
            let best = load<f32>(xImage + bestAt);
            let rowOff = firstOff + cb;
            for (let ky = ky0; ky < ky1; ky++, rowOff += rowB) {
              let off = rowOff;
              for (let kx = kx0; kx < kx1; kx++, off += pixB) {
                const v = load<f32>(xImage + off);
                if (takesScalar(v, best)) {
                  best = v;
                  bestAt = off;
                }
              }
            }
            store<f32>(dxImage + bestAt, load<f32>(dxImage + bestAt) + gs);
          }
        }
      }
    }
    zeroRows(dxImage, zeroed, H, W, pixB, c0, c1); // rows no window reaches
  }
}

/** Max pooling backward. Units: `N * ceil(C / POOL_CHANNEL_BLOCK)` (image, channel block) pairs. */
export function maxPoolBackwardNhwc(
  x: usize, dy: usize, dx: usize, N: i32, H: i32, W: i32, C: i32, PH: i32, PW: i32, SH: i32, SW: i32, PT: i32, PL: i32, OH: i32, OW: i32,
  start: i32, end: i32, scratch: usize,
): void {
  backward(false, x, dy, dx, N, H, W, C, PH, PW, SH, SW, PT, PL, OH, OW, start, end);
}

/** Average pooling backward. Units: `N * ceil(C / POOL_CHANNEL_BLOCK)` (image, channel block) pairs. */
export function avgPoolBackwardNhwc(
  dy: usize, dx: usize, N: i32, H: i32, W: i32, C: i32, PH: i32, PW: i32, SH: i32, SW: i32, PT: i32, PL: i32, OH: i32, OW: i32,
  start: i32, end: i32, scratch: usize,
): void {
  backward(true, 0, dy, dx, N, H, W, C, PH, PW, SH, SW, PT, PL, OH, OW, start, end);
}
