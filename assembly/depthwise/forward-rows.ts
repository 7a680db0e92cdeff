/**
 * The row-by-row forwards (the manifest's `row` entries: FORWARD_ROW_*): dilated windows, and undilated
 * ones over too few channels for the channel-tiled paths. Each output row reads its input rows in place
 * through the row-pointer table (`setRows`: rows outside the image point at a zero row in scratch);
 * output columns whose window leaves the image horizontally take a bounds-checked border path.
 *
 * Pixels are outermost in blocks of four, channel groups inside, so every access walks memory
 * contiguously (a channel-outer order strides by `C * 4` bytes per pixel, which aliases in L1 for C = 512,
 * 1024). Within a block each kernel vector is loaded once for four pixels and four independent
 * accumulation chains hide the add latency.
 */
import { endInside, epilogue1, firstInside, pixel3x3, store1, store4 } from './common';

/**
 * `packed[g][t] = k[t][4g .. 4g+4]` for the nine taps `t` of a 3x3 kernel: each channel group's taps in 144
 * consecutive bytes, slot `c / 4` (the last group reads channels `C - 4 ..`, like the kernels' channel loops,
 * but keeps its own slot: packing at `(C - 4) * 36` bytes would overlap the previous group's taps).
 */
export function packKernel3x3(k: usize, packed: usize, C: i32): void {
  const cs = <usize>C << 2;
  for (let c = 0; c < C; c += 4) {
    const cc = min(c, C - 4);
    const src = k + (<usize>cc << 2);
    const dst = packed + (<usize>c >> 2) * 144;
    for (let t = 0; t < 9; t++) v128.store(dst + (<usize>t << 4), v128.load(src + <usize>t * cs));
  }
}

/** One output row of a 3x3 window, C >= 4, blocks of four pixels with the nine taps unrolled. */
export function forwardRow3x3(
  rows: usize, k: usize, packed: usize, scale: usize, shift: usize, lo: f32, hi: f32, o: usize,
  W: i32, C: i32, OW: i32, SW: i32, DW: i32, PL: i32, oxA: i32, oxB: i32,
): void {
  row3x3(rows, k, packed, scale, shift, lo, hi, o, W, C, OW, SW, DW, PL, oxA, oxB, false);
}

/**
 * The same for C >= BLOCK_CHANNELS_MAX: pixel rows 2 KiB apart alias in L1 when four pixels' 18 input
 * lines are live at once, so every pixel is computed alone, from the kernel `packKernel3x3` interleaved.
 */
export function forwardRow3x3Wide(
  rows: usize, k: usize, packed: usize, scale: usize, shift: usize, lo: f32, hi: f32, o: usize,
  W: i32, C: i32, OW: i32, SW: i32, DW: i32, PL: i32, oxA: i32, oxB: i32,
): void {
  row3x3(rows, k, packed, scale, shift, lo, hi, o, W, C, OW, SW, DW, PL, oxA, oxB, true);
}

/** The body of both 3x3 rows; `WIDE` is a constant, so each entry keeps only its own loops. */
@inline function row3x3(
  rows: usize, k: usize, packed: usize, scale: usize, shift: usize, lo: f32, hi: f32, o: usize,
  W: i32, C: i32, OW: i32, SW: i32, DW: i32, PL: i32, oxA: i32, oxB: i32, WIDE: bool,
): void {
  const r0 = load<usize>(rows);
  const r1 = load<usize>(rows, 4);
  const r2 = load<usize>(rows, 8);
  const cs = <usize>C << 2;
  const col = <usize>DW * cs;
  const pix = <usize>SW * cs;
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  for (let ox = 0; ox < oxA; ox++) borderPixel(rows, k, scale, shift, vlo, vhi, o, ox, W, C, 3, 3, SW, DW, PL);
  let ox = oxA;
  for (; !WIDE && ox + 4 <= oxB; ox += 4) {
    const xoff = <usize>(ox * SW - PL) * cs;
    const op = o + <usize>ox * cs;
    for (let c = 0; c < C; c += 4) {
      const cb = <usize>min(c, C - 4) << 2;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let kp = k + cb;
      // Row ky of the window, three taps, four pixels.
      for (let ky = 0; ky < 3; ky++) {
        const xp = load<usize>(rows + (<usize>ky << 2)) + xoff + cb;
        let kv = v128.load(kp);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(xp), kv));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + pix), kv));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(xp + 2 * pix), kv));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(xp + 3 * pix), kv));
        kv = v128.load(kp + cs);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(xp + col), kv));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + col + pix), kv));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(xp + col + 2 * pix), kv));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(xp + col + 3 * pix), kv));
        kv = v128.load(kp + 2 * cs);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(xp + 2 * col), kv));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + 2 * col + pix), kv));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(xp + 2 * col + 2 * pix), kv));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(xp + 2 * col + 3 * pix), kv));
        kp += 3 * cs;
      }
      store4(op + cb, cs, a0, a1, a2, a3, scale, shift, cb, vlo, vhi);
    }
  }
  for (; ox < oxB; ox++) {
    const xoff = <usize>(ox * SW - PL) * cs;
    const op = o + <usize>ox * cs;
    for (let c = 0; c < C; c += 4) {
      const cb = <usize>min(c, C - 4) << 2;
      const acc = WIDE
        ? pixel3x3(r0 + xoff + cb, r1 + xoff + cb, r2 + xoff + cb, col, packed + (<usize>c >> 2) * 144, 16)
        : pixel3x3(r0 + xoff + cb, r1 + xoff + cb, r2 + xoff + cb, col, k + cb, cs);
      store1(op + cb, acc, scale, shift, cb, vlo, vhi);
    }
  }
  for (ox = oxB; ox < OW; ox++) borderPixel(rows, k, scale, shift, vlo, vhi, o, ox, W, C, 3, 3, SW, DW, PL);
}

/** One output row of any other window, C >= 4: the pixel-block order of the 3x3 path, taps in loops. */
export function forwardRowGeneric(
  rows: usize, k: usize, scale: usize, shift: usize, lo: f32, hi: f32, o: usize,
  W: i32, C: i32, KH: i32, KW: i32, OW: i32, SW: i32, DW: i32, PL: i32, oxA: i32, oxB: i32,
): void {
  const cs = <usize>C << 2;
  const col = <usize>DW * cs;
  const pix = <usize>SW * cs;
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  for (let ox = 0; ox < oxA; ox++) borderPixel(rows, k, scale, shift, vlo, vhi, o, ox, W, C, KH, KW, SW, DW, PL);
  let ox = oxA;
  for (; ox + 4 <= oxB; ox += 4) {
    const xoff = <usize>(ox * SW - PL) * cs;
    const op = o + <usize>ox * cs;
    for (let c = 0; c < C; c += 4) {
      const cb = <usize>min(c, C - 4) << 2;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let kp = k + cb;
      for (let ky = 0; ky < KH; ky++) {
        let xp = load<usize>(rows + (<usize>ky << 2)) + xoff + cb;
        for (let kx = 0; kx < KW; kx++) {
          const kv = v128.load(kp);
          a0 = f32x4.add(a0, f32x4.mul(v128.load(xp), kv));
          a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + pix), kv));
          a2 = f32x4.add(a2, f32x4.mul(v128.load(xp + 2 * pix), kv));
          a3 = f32x4.add(a3, f32x4.mul(v128.load(xp + 3 * pix), kv));
          xp += col;
          kp += cs;
        }
      }
      store4(op + cb, cs, a0, a1, a2, a3, scale, shift, cb, vlo, vhi);
    }
  }
  for (; ox < OW; ox++) borderPixel(rows, k, scale, shift, vlo, vhi, o, ox, W, C, KH, KW, SW, DW, PL);
}

/**
 * One output pixel, all channels (C >= 4), any window, reading only the in-bounds columns `[kx0, kx1)`
 * (rows outside the image are the zero row).
 */
function borderPixel(
  rows: usize, k: usize, scale: usize, shift: usize, lo: v128, hi: v128, o: usize, ox: i32,
  W: i32, C: i32, KH: i32, KW: i32, SW: i32, DW: i32, PL: i32,
): void {
  const cs = <usize>C << 2;
  const col = <usize>DW * cs;
  const ix0 = ox * SW - PL;
  const kx0 = firstInside(ix0, DW);
  const kx1 = endInside(ix0, DW, W, KW);
  const xoff = <usize>(ix0 + kx0 * DW) * cs;
  const op = o + <usize>ox * cs;
  for (let c = 0; c < C; c += 4) {
    const cb = <usize>min(c, C - 4) << 2;
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    for (let ky = 0; ky < KH; ky++) {
      let xp = load<usize>(rows + (<usize>ky << 2)) + xoff + cb;
      let kp = k + <usize>(ky * KW + kx0) * cs + cb;
      let kx = kx0;
      for (; kx + 1 < kx1; kx += 2) {
        a0 = f32x4.add(a0, f32x4.mul(v128.load(xp), v128.load(kp)));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + col), v128.load(kp + cs)));
        xp += 2 * col;
        kp += 2 * cs;
      }
      if (kx < kx1) a0 = f32x4.add(a0, f32x4.mul(v128.load(xp), v128.load(kp)));
    }
    store1(op + cb, f32x4.add(a0, a1), scale, shift, cb, lo, hi);
  }
}

/** Fewer than four channels: scalar, any window (FORWARD_ROW_SCALAR). */
export function forwardRowScalar(
  rows: usize, k: usize, scale: usize, shift: usize, lo: f32, hi: f32, o: usize,
  W: i32, C: i32, KH: i32, KW: i32, OW: i32, SW: i32, DW: i32, PL: i32,
): void {
  const cs = <usize>C << 2;
  const col = <usize>DW * cs;
  for (let ox = 0; ox < OW; ox++) {
    const ix0 = ox * SW - PL;
    const kx0 = firstInside(ix0, DW);
    const kx1 = endInside(ix0, DW, W, KW);
    for (let c = 0; c < C; c++) {
      const cb = <usize>c << 2;
      let acc: f32 = 0;
      if (kx0 < kx1) {
        const xoff = <usize>(ix0 + kx0 * DW) * cs + cb;
        for (let ky = 0; ky < KH; ky++) {
          let xp = load<usize>(rows + (<usize>ky << 2)) + xoff;
          let kp = k + <usize>(ky * KW + kx0) * cs + cb;
          for (let kx = kx0; kx < kx1; kx++) {
            acc += load<f32>(xp) * load<f32>(kp);
            xp += col;
            kp += cs;
          }
        }
      }
      const sc: f32 = scale !== 0 ? load<f32>(scale + cb) : 1;
      const sh: f32 = shift !== 0 ? load<f32>(shift + cb) : 0;
      store<f32>(o + <usize>ox * cs + cb, epilogue1(acc, sc, sh, lo, hi));
    }
  }
}
