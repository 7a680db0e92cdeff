/**
 * The channel-tiled forwards: undilated windows over many channels (the manifest's `channel-tiled`
 * entries, FORWARD_TILED_*). For C >= 512 pixels are 2-4 KiB apart, so a window's input lines, the kernel
 * lines and the output line at one channel offset all compete for the same L1 set, and a 4 KiB stride
 * defeats the prefetchers. So channel tiles of at most TILE_CHANNELS_MAX (TILE_CHANNELS_MAX_STRIDED for a
 * strided 3x3) are the outer loop: each tile copies the input rows its output rows need into a ring of
 * `KH` rows in scratch, `T * 4` bytes per pixel, with the horizontal padding as zero columns (so no
 * border path), and the tile's kernel into `KH * KW` contiguous rows; blocks of four output pixels then
 * run on those cache-resident copies. Ring slot `iy % KH` holds input row `iy` (`KH` consecutive rows
 * never share a slot), tagged with its global row so consecutive output rows of a range reuse it.
 *
 * One driver (`tiledPasses`) serves every variant; what differs is passed as compile-time constants that
 * the compiler folds after inlining: the window (`K3`: a literal 3x3, whose rows stay in registers), the
 * stride (`S`: 1, 2, or 0 for "any larger", read at run time) and the tile width `T` (a literal tile
 * width lets the compiler fold the tile offsets and bound the channel loop, ~7% faster). Each variant's
 * arithmetic is its own, unchanged: results are bit-identical whatever the thread split.
 *
 * Scratch layout (bytes, see `tiledScratchBytes`): the tile's kernel, the ring, a zero row, `KH` row tags,
 * and for windows other than 3x3 a `KH`-entry row table (tags and table each padded to 16 bytes).
 */
import { TILE_CHANNELS_MAX, TILE_CHANNELS_MAX_STRIDED } from '../shared/tuning';
import { pixel3x3, store1, store4 } from './common';

/**
 * Channels per tile: `C` split into equal tiles of at most `tmax`, rounded up to whole vectors
 * (the last tile then overlaps its neighbour by fewer than four channels per tile), never above `C`.
 */
@inline function tileChannels(C: i32, tmax: i32): i32 {
  const tiles = (C + tmax - 1) / tmax;
  return min(((C + tiles - 1) / tiles + 3) & ~3, C & ~3);
}

/**
 * Pixels per ring row: the image plus the zero columns every window reaches, plus two columns that the
 * sliding loops may load past the last tap (and never use).
 */
@inline function tileRowPixels(W: i32, KW: i32, SW: i32, PL: i32, OW: i32): i32 {
  return PL + max(W, (OW - 1) * SW + KW - PL) + 2;
}

/** The widest tile of a variant: strided 3x3 windows take wider tiles (see TILE_CHANNELS_MAX_STRIDED). */
@inline function tileMax(K3: bool, SW: i32): i32 {
  return K3 && SW !== 1 ? TILE_CHANNELS_MAX_STRIDED : TILE_CHANNELS_MAX;
}

/** Scratch bytes of the tiled forward for this geometry (the layout in the file comment). */
export function tiledScratchBytes(W: i32, C: i32, KH: i32, KW: i32, SW: i32, PL: i32, OW: i32): usize {
  const K3 = KH === 3 && KW === 3;
  const ts = <usize>tileChannels(C, tileMax(K3, SW)) << 2;
  const rowBytes = <usize>tileRowPixels(W, KW, SW, PL, OW) * ts;
  const table = (<usize>KH * 4 + 15) & ~15;
  return <usize>(KH * KW) * ts + <usize>(KH + 1) * rowBytes + (K3 ? table : 2 * table);
}

// One entry per stride variant, so each gets its own specialised body (the manifest's entries).

export function forwardTiled3x3S1(
  scratch: usize, x: usize, k: usize, scale: usize, shift: usize, lo: f32, hi: f32, out: usize,
  H: i32, W: i32, C: i32, SH: i32, SW: i32, PT: i32, PL: i32, OH: i32, OW: i32, start: i32, end: i32,
): void {
  tiledWidths(scratch, x, k, scale, shift, lo, hi, out, H, W, C, 3, 3, SH, SW, PT, PL, OH, OW, start, end, true, 1);
}

export function forwardTiled3x3S2(
  scratch: usize, x: usize, k: usize, scale: usize, shift: usize, lo: f32, hi: f32, out: usize,
  H: i32, W: i32, C: i32, SH: i32, SW: i32, PT: i32, PL: i32, OH: i32, OW: i32, start: i32, end: i32,
): void {
  tiledWidths(scratch, x, k, scale, shift, lo, hi, out, H, W, C, 3, 3, SH, SW, PT, PL, OH, OW, start, end, true, 2);
}

export function forwardTiled3x3SN(
  scratch: usize, x: usize, k: usize, scale: usize, shift: usize, lo: f32, hi: f32, out: usize,
  H: i32, W: i32, C: i32, SH: i32, SW: i32, PT: i32, PL: i32, OH: i32, OW: i32, start: i32, end: i32,
): void {
  tiledWidths(scratch, x, k, scale, shift, lo, hi, out, H, W, C, 3, 3, SH, SW, PT, PL, OH, OW, start, end, true, 0);
}

export function forwardTiledS1(
  scratch: usize, x: usize, k: usize, scale: usize, shift: usize, lo: f32, hi: f32, out: usize,
  H: i32, W: i32, C: i32, KH: i32, KW: i32, SH: i32, SW: i32, PT: i32, PL: i32, OH: i32, OW: i32, start: i32, end: i32,
): void {
  tiledWidths(scratch, x, k, scale, shift, lo, hi, out, H, W, C, KH, KW, SH, SW, PT, PL, OH, OW, start, end, false, 1);
}

export function forwardTiledS2(
  scratch: usize, x: usize, k: usize, scale: usize, shift: usize, lo: f32, hi: f32, out: usize,
  H: i32, W: i32, C: i32, KH: i32, KW: i32, SH: i32, SW: i32, PT: i32, PL: i32, OH: i32, OW: i32, start: i32, end: i32,
): void {
  tiledWidths(scratch, x, k, scale, shift, lo, hi, out, H, W, C, KH, KW, SH, SW, PT, PL, OH, OW, start, end, false, 2);
}

export function forwardTiledSN(
  scratch: usize, x: usize, k: usize, scale: usize, shift: usize, lo: f32, hi: f32, out: usize,
  H: i32, W: i32, C: i32, KH: i32, KW: i32, SH: i32, SW: i32, PT: i32, PL: i32, OH: i32, OW: i32, start: i32, end: i32,
): void {
  tiledWidths(scratch, x, k, scale, shift, lo, hi, out, H, W, C, KH, KW, SH, SW, PT, PL, OH, OW, start, end, false, 0);
}

/** Picks a literal tile width where the tiles are full (the common case) and the run-time one otherwise. */
@inline function tiledWidths(
  scratch: usize, x: usize, k: usize, scale: usize, shift: usize, lo: f32, hi: f32, out: usize,
  H: i32, W: i32, C: i32, KH: i32, KW: i32, SH: i32, SW: i32, PT: i32, PL: i32, OH: i32, OW: i32,
  start: i32, end: i32, K3: bool, S: i32,
): void {
  const tmax = tileMax(K3, SW);
  const T = tileChannels(C, tmax);
  if (K3 && S !== 1 && T === TILE_CHANNELS_MAX_STRIDED) {
    tiledPasses(scratch, x, k, scale, shift, lo, hi, out, H, W, C, KH, KW, SH, SW, PT, PL, OH, OW, start, end, K3, S, TILE_CHANNELS_MAX_STRIDED);
  } else if (T === TILE_CHANNELS_MAX) {
    tiledPasses(scratch, x, k, scale, shift, lo, hi, out, H, W, C, KH, KW, SH, SW, PT, PL, OH, OW, start, end, K3, S, TILE_CHANNELS_MAX);
  } else {
    tiledPasses(scratch, x, k, scale, shift, lo, hi, out, H, W, C, KH, KW, SH, SW, PT, PL, OH, OW, start, end, K3, S, T);
  }
}

/** The tile loop: copy the tile's kernel, then per output row fetch the ring rows and run the pixel blocks. */
@inline function tiledPasses(
  scratch: usize, x: usize, k: usize, scale: usize, shift: usize, lo: f32, hi: f32, out: usize,
  H: i32, W: i32, C: i32, KH: i32, KW: i32, SH: i32, SW: i32, PT: i32, PL: i32, OH: i32, OW: i32,
  start: i32, end: i32, K3: bool, S: i32, T: i32,
): void {
  const ts = <usize>T << 2;
  const cs = <usize>C << 2;
  const rowBytes = <usize>tileRowPixels(W, KW, SW, PL, OW) * ts;
  const taps = KH * KW;
  const kpk = scratch;
  const ring = kpk + <usize>taps * ts;
  const zrow = ring + <usize>KH * rowBytes;
  const tags = zrow + rowBytes;
  const rtab = tags + ((<usize>KH * 4 + 15) & ~15);
  const pix = <usize>SW * ts;
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  // Padding columns and the zero row are never written after this.
  memory.fill(ring, 0, <usize>(KH + 1) * rowBytes);
  for (let t0 = 0; t0 < C; t0 += T) {
    const tb = <usize>min(t0, C - T) << 2;
    for (let tap = 0; tap < taps; tap++) {
      const src = k + <usize>tap * cs + tb;
      const dst = kpk + <usize>tap * ts;
      for (let c: usize = 0; c < ts; c += 16) v128.store(dst + c, v128.load(src + c));
    }
    for (let ky = 0; ky < KH; ky++) store<i32>(tags + (<usize>ky << 2), -1);
    for (let u = start; u < end; u++) {
      const n = u / OH;
      const oy = u - n * OH;
      const iy0 = oy * SH - PT;
      // A 3x3 window keeps its three ring rows in locals; other windows go through the row table.
      let p0: usize = 0;
      let p1: usize = 0;
      let p2: usize = 0;
      if (K3) {
        p0 = tileRow(ring, zrow, tags, x, n, iy0, H, W, 3, cs, tb, ts, rowBytes, PL);
        p1 = tileRow(ring, zrow, tags, x, n, iy0 + 1, H, W, 3, cs, tb, ts, rowBytes, PL);
        p2 = tileRow(ring, zrow, tags, x, n, iy0 + 2, H, W, 3, cs, tb, ts, rowBytes, PL);
      } else {
        for (let ky = 0; ky < KH; ky++) {
          store<usize>(rtab + (<usize>ky << 2), tileRow(ring, zrow, tags, x, n, iy0 + ky, H, W, KH, cs, tb, ts, rowBytes, PL));
        }
      }
      const o = out + <usize>(u * OW) * cs + tb;
      let ox = 0;
      for (; ox + 4 <= OW; ox += 4) {
        const xoff = <usize>ox * pix;
        const op = o + <usize>ox * cs;
        for (let cb: usize = 0; cb < ts; cb += 16) {
          if (K3) block3x3(p0, p1, p2, xoff + cb, kpk + cb, ts, pix, op + cb, cs, scale, shift, tb + cb, vlo, vhi, S);
          else blockWindow(rtab, xoff + cb, kpk + cb, ts, pix, KH, KW, op + cb, cs, scale, shift, tb + cb, vlo, vhi, S);
        }
      }
      for (; ox < OW; ox++) {
        const xoff = <usize>ox * pix;
        const op = o + <usize>ox * cs;
        for (let cb: usize = 0; cb < ts; cb += 16) {
          if (K3) store1(op + cb, pixel3x3(p0 + xoff + cb, p1 + xoff + cb, p2 + xoff + cb, ts, kpk + cb, ts), scale, shift, tb + cb, vlo, vhi);
          else store1(op + cb, pixelWindow(rtab, xoff + cb, kpk + cb, ts, KH, KW), scale, shift, tb + cb, vlo, vhi);
        }
      }
    }
  }
}

/** Ring row holding input row `iy` of image `n` for the tile at byte offset `tb` (copied on a tag miss), or the zero row. */
@inline function tileRow(
  ring: usize, zrow: usize, tags: usize, x: usize, n: i32, iy: i32, H: i32, W: i32, KH: i32, cs: usize, tb: usize,
  ts: usize, rowBytes: usize, PL: i32,
): usize {
  if (iy < 0 || iy >= H) return zrow;
  const slot = <usize>(iy % KH);
  const r = ring + slot * rowBytes;
  const g = n * H + iy;
  if (load<i32>(tags + (slot << 2)) !== g) {
    store<i32>(tags + (slot << 2), g);
    let src = x + <usize>(g * W) * cs + tb;
    let dst = r + <usize>PL * ts;
    for (let ix = 0; ix < W; ix++) {
      for (let c: usize = 0; c < ts; c += 16) v128.store(dst + c, v128.load(src + c));
      src += cs;
      dst += ts;
    }
  }
  return r;
}

/** Of `x0 .. x8`, the one at the constant index `i` (folds away after inlining). */
@inline function nth(i: i32, x0: v128, x1: v128, x2: v128, x3: v128, x4: v128, x5: v128, x6: v128, x7: v128, x8: v128): v128 {
  return i === 0 ? x0 : i === 1 ? x1 : i === 2 ? x2 : i === 3 ? x3 : i === 4 ? x4 : i === 5 ? x5 : i === 6 ? x6 : i === 7 ? x7 : x8;
}

/** `a + ((xa * k0 + xb * k1) + xc * k2)`: one window row of one pixel, the sliding 3x3 order. */
@inline function row3(a: v128, xa: v128, xb: v128, xc: v128, k0: v128, k1: v128, k2: v128): v128 {
  return f32x4.add(a, f32x4.add(f32x4.add(f32x4.mul(xa, k0), f32x4.mul(xb, k1)), f32x4.mul(xc, k2)));
}

/**
 * Four pixels of a 3x3 window, one channel group, stored through the epilogue. Strides 1 and 2 load the
 * `3 + 3 S` columns the four windows span once and share them (pixel i reads columns `i S + kx`);
 * larger strides load per tap and pixel.
 */
@inline function block3x3(
  p0: usize, p1: usize, p2: usize, off: usize, kp: usize, ts: usize, pix: usize,
  op: usize, cs: usize, scale: usize, shift: usize, cb: usize, lo: v128, hi: v128, S: i32,
): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  if (S === 1 || S === 2) {
    for (let ky = 0; ky < 3; ky++) {
      const xp = (ky === 0 ? p0 : ky === 1 ? p1 : p2) + off;
      const kr = kp + <usize>ky * 3 * ts;
      const k0 = v128.load(kr);
      const k1 = v128.load(kr + ts);
      const k2 = v128.load(kr + 2 * ts);
      const x0 = v128.load(xp);
      const x1 = v128.load(xp + ts);
      const x2 = v128.load(xp + 2 * ts);
      const x3 = v128.load(xp + 3 * ts);
      const x4 = v128.load(xp + 4 * ts);
      const x5 = v128.load(xp + 5 * ts);
      const x6 = S === 2 ? v128.load(xp + 6 * ts) : x5;
      const x7 = S === 2 ? v128.load(xp + 7 * ts) : x5;
      const x8 = S === 2 ? v128.load(xp + 8 * ts) : x5;
      a0 = row3(a0, nth(0, x0, x1, x2, x3, x4, x5, x6, x7, x8), nth(1, x0, x1, x2, x3, x4, x5, x6, x7, x8), nth(2, x0, x1, x2, x3, x4, x5, x6, x7, x8), k0, k1, k2);
      a1 = row3(a1, nth(S, x0, x1, x2, x3, x4, x5, x6, x7, x8), nth(S + 1, x0, x1, x2, x3, x4, x5, x6, x7, x8), nth(S + 2, x0, x1, x2, x3, x4, x5, x6, x7, x8), k0, k1, k2);
      a2 = row3(a2, nth(2 * S, x0, x1, x2, x3, x4, x5, x6, x7, x8), nth(2 * S + 1, x0, x1, x2, x3, x4, x5, x6, x7, x8), nth(2 * S + 2, x0, x1, x2, x3, x4, x5, x6, x7, x8), k0, k1, k2);
      a3 = row3(a3, nth(3 * S, x0, x1, x2, x3, x4, x5, x6, x7, x8), nth(3 * S + 1, x0, x1, x2, x3, x4, x5, x6, x7, x8), nth(3 * S + 2, x0, x1, x2, x3, x4, x5, x6, x7, x8), k0, k1, k2);
    }
  } else {
    let kr = kp;
    for (let ky = 0; ky < 3; ky++) {
      const xp = (ky === 0 ? p0 : ky === 1 ? p1 : p2) + off;
      let kv = v128.load(kr);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(xp), kv));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + pix), kv));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(xp + 2 * pix), kv));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(xp + 3 * pix), kv));
      kv = v128.load(kr + ts);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(xp + ts), kv));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + ts + pix), kv));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(xp + ts + 2 * pix), kv));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(xp + ts + 3 * pix), kv));
      kv = v128.load(kr + 2 * ts);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(xp + 2 * ts), kv));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + 2 * ts + pix), kv));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(xp + 2 * ts + 2 * pix), kv));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(xp + 2 * ts + 3 * pix), kv));
      kr += 3 * ts;
    }
  }
  store4(op, cs, a0, a1, a2, a3, scale, shift, cb, lo, hi);
}

/**
 * Four pixels of any other window, one channel group, stored through the epilogue. Stride 1: the taps
 * slide in pairs (columns c0..c3 are the four pixels' inputs at tap kx, so a pair of taps loads two new
 * columns: KW + 4 loads per row instead of 4 KW). Stride 2: even and odd columns slide separately (pixel
 * i reads column 2i + kx; KW + 7 loads per row). Larger strides: one load per tap and pixel.
 */
@inline function blockWindow(
  rtab: usize, off: usize, kp0: usize, ts: usize, pix: usize, KH: i32, KW: i32,
  op: usize, cs: usize, scale: usize, shift: usize, cb: usize, lo: v128, hi: v128, S: i32,
): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  let kp = kp0;
  const kRow = <usize>KW * ts;
  for (let ky = 0; ky < KH; ky++) {
    const xp = load<usize>(rtab + (<usize>ky << 2)) + off;
    if (S === 1) {
      let c0 = v128.load(xp);
      let c1 = v128.load(xp + ts);
      let c2 = v128.load(xp + 2 * ts);
      let c3 = v128.load(xp + 3 * ts);
      let q = xp + 4 * ts;
      let kx = 0;
      for (; kx + 1 < KW; kx += 2) {
        const k0 = v128.load(kp);
        const k1 = v128.load(kp + ts);
        const c4 = v128.load(q);
        const c5 = v128.load(q + ts);
        a0 = f32x4.add(a0, f32x4.add(f32x4.mul(c0, k0), f32x4.mul(c1, k1)));
        a1 = f32x4.add(a1, f32x4.add(f32x4.mul(c1, k0), f32x4.mul(c2, k1)));
        a2 = f32x4.add(a2, f32x4.add(f32x4.mul(c2, k0), f32x4.mul(c3, k1)));
        a3 = f32x4.add(a3, f32x4.add(f32x4.mul(c3, k0), f32x4.mul(c4, k1)));
        c0 = c2;
        c1 = c3;
        c2 = c4;
        c3 = c5;
        q += 2 * ts;
        kp += 2 * ts;
      }
      if (kx < KW) {
        const k0 = v128.load(kp);
        a0 = f32x4.add(a0, f32x4.mul(c0, k0));
        a1 = f32x4.add(a1, f32x4.mul(c1, k0));
        a2 = f32x4.add(a2, f32x4.mul(c2, k0));
        a3 = f32x4.add(a3, f32x4.mul(c3, k0));
        kp += ts;
      }
    } else if (S === 2) {
      let e0 = v128.load(xp);
      let e1 = v128.load(xp + 2 * ts);
      let e2 = v128.load(xp + 4 * ts);
      let e3 = v128.load(xp + 6 * ts);
      let d0 = v128.load(xp + ts);
      let d1 = v128.load(xp + 3 * ts);
      let d2 = v128.load(xp + 5 * ts);
      let d3 = v128.load(xp + 7 * ts);
      let q = xp + 8 * ts;
      let kx = 0;
      for (; kx + 1 < KW; kx += 2) {
        const k0 = v128.load(kp);
        const k1 = v128.load(kp + ts);
        a0 = f32x4.add(a0, f32x4.add(f32x4.mul(e0, k0), f32x4.mul(d0, k1)));
        a1 = f32x4.add(a1, f32x4.add(f32x4.mul(e1, k0), f32x4.mul(d1, k1)));
        a2 = f32x4.add(a2, f32x4.add(f32x4.mul(e2, k0), f32x4.mul(d2, k1)));
        a3 = f32x4.add(a3, f32x4.add(f32x4.mul(e3, k0), f32x4.mul(d3, k1)));
        e0 = e1;
        e1 = e2;
        e2 = e3;
        e3 = v128.load(q);
        d0 = d1;
        d1 = d2;
        d2 = d3;
        d3 = v128.load(q + ts);
        q += 2 * ts;
        kp += 2 * ts;
      }
      if (kx < KW) {
        const k0 = v128.load(kp);
        a0 = f32x4.add(a0, f32x4.mul(e0, k0));
        a1 = f32x4.add(a1, f32x4.mul(e1, k0));
        a2 = f32x4.add(a2, f32x4.mul(e2, k0));
        a3 = f32x4.add(a3, f32x4.mul(e3, k0));
        kp += ts;
      }
    } else {
      let q = xp;
      for (let kx = 0; kx < KW; kx++) {
        const kv = v128.load(kp + <usize>kx * ts);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(q), kv));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(q + pix), kv));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(q + 2 * pix), kv));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(q + 3 * pix), kv));
        q += ts;
      }
      kp += kRow;
    }
  }
  store4(op, cs, a0, a1, a2, a3, scale, shift, cb, lo, hi);
}

/** One pixel of any other window, one channel group: taps in pairs on two accumulators, summed. */
@inline function pixelWindow(rtab: usize, off: usize, kp0: usize, ts: usize, KH: i32, KW: i32): v128 {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let kp = kp0;
  for (let ky = 0; ky < KH; ky++) {
    let q = load<usize>(rtab + (<usize>ky << 2)) + off;
    let kx = 0;
    for (; kx + 1 < KW; kx += 2) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load(q), v128.load(kp)));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(q + ts), v128.load(kp + ts)));
      q += 2 * ts;
      kp += 2 * ts;
    }
    if (kx < KW) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load(q), v128.load(kp)));
      kp += ts;
    }
  }
  return f32x4.add(a0, a1);
}
