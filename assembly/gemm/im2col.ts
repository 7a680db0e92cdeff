/**
 * im2col rows for the GEMM convolutions: the `[kh, kw, C]` window of each output pixel laid out as one
 * row of the patch matrix, built chunk by chunk in scratch (zeros where a window lies in the padding).
 * The geometry block (`G_*` words, `../shared/boundary.ts`) is written by the wrapper.
 */
import { copyFloats, zeroFloats } from '../util/runs';
import { G_D_H, G_D_W, G_IN_C, G_IN_H, G_IN_W, G_K_H, G_K_W, G_MODE, G_OUT_H, G_OUT_W, G_PAD_L, G_PAD_T, G_S_H, G_S_W, IM2COL_GATHER } from '../shared/boundary';

/** Word `w` of the geometry block at `p`. */
@inline export function word(p: usize, w: i32): i32 {
  return load<i32>(p + (<usize>w << 2));
}

/**
 * im2col rows of output pixels `[i0, i1)`, patch columns `[pc, pc + kc)`, into `dst` (row stride kc):
 * the `[kh, kw, C]` window of each pixel, zeros where it lies in the padding (or, in mode
 * IM2COL_GATHER, the gathered `dy` pixels of `gatherRows`).
 */
export function im2colRows(x: usize, g: usize, i0: i32, i1: i32, pc: i32, kc: i32, dst: usize): void {
  if (word(g, G_MODE) === IM2COL_GATHER) {
    gatherRows(x, g, i0, i1, pc, kc, dst);
    return;
  }
  const H = word(g, G_IN_H);
  const W = word(g, G_IN_W);
  const C = word(g, G_IN_C);
  const KW = word(g, G_K_W);
  const SH = word(g, G_S_H);
  const SW = word(g, G_S_W);
  const DH = word(g, G_D_H);
  const DW = word(g, G_D_W);
  const PT = word(g, G_PAD_T);
  const PL = word(g, G_PAD_L);
  const OH = word(g, G_OUT_H);
  const OW = word(g, G_OUT_W);
  if (pc === 0 && kc === word(g, G_K_H) * KW * C && DW === 1) {
    im2colWholeRows(x, g, i0, i1, dst);
    return;
  }
  // Where the block's first column falls: tap (ky, kx) and channel c0. Divisions happen once per call,
  // not per element: the walk below only increments.
  const tap0 = pc / C;
  const c00 = pc - tap0 * C;
  const ky00 = tap0 / KW;
  const kx00 = tap0 - ky00 * KW;
  const qEnd = pc + kc;
  let ox = i0 % OW;
  let oy = (i0 / OW) % OH;
  let image = i0 / (OW * OH);
  let d = dst;
  for (let i = i0; i < i1; i++) {
    const iy0 = oy * SH - PT;
    const ix0 = ox * SW - PL;
    const xImage = x + (<usize>(image * H) * W * C << 2);
    let q = pc;
    let c0 = c00;
    let ky = ky00;
    let kx = kx00;
    while (q < qEnd) {
      const seg = min(C - c0, qEnd - q);
      const iy = iy0 + ky * DH;
      const ix = ix0 + kx * DW;
      if (<u32>iy < <u32>H && <u32>ix < <u32>W) {
        copyFloats(d, xImage + (<usize>((iy * W + ix) * C + c0) << 2), seg);
      } else {
        zeroFloats(d, seg);
      }
      d += <usize>seg << 2;
      q += seg;
      c0 = 0;
      if (++kx === KW) {
        kx = 0;
        ky++;
      }
    }
    if (++ox === OW) {
      ox = 0;
      if (++oy === OH) {
        oy = 0;
        image++;
      }
    }
  }
}

/**
 * `im2colRows` for whole patches with horizontal dilation 1: the in-bounds taps of one kernel row are
 * one contiguous run of the input row, copied at once.
 */
function im2colWholeRows(x: usize, g: usize, i0: i32, i1: i32, dst: usize): void {
  const H = word(g, G_IN_H);
  const W = word(g, G_IN_W);
  const C = word(g, G_IN_C);
  const KH = word(g, G_K_H);
  const KW = word(g, G_K_W);
  const SH = word(g, G_S_H);
  const SW = word(g, G_S_W);
  const DH = word(g, G_D_H);
  const PT = word(g, G_PAD_T);
  const PL = word(g, G_PAD_L);
  const OH = word(g, G_OUT_H);
  const OW = word(g, G_OUT_W);
  const rowBytes = <usize>(KW * C) << 2;
  let ox = i0 % OW;
  let oy = (i0 / OW) % OH;
  let image = i0 / (OW * OH);
  let d = dst;
  for (let i = i0; i < i1; i++) {
    const iy0 = oy * SH - PT;
    const ix0 = ox * SW - PL;
    const kx0 = max(0, -ix0);
    const kx1 = min(KW, W - ix0);
    const xImage = x + (<usize>(image * H) * W * C << 2);
    for (let ky = 0; ky < KH; ky++) {
      const iy = iy0 + ky * DH;
      if (<u32>iy >= <u32>H || kx0 >= kx1) {
        zeroFloats(d, KW * C);
      } else {
        zeroFloats(d, kx0 * C);
        copyFloats(d + (<usize>(kx0 * C) << 2), xImage + (<usize>((iy * W + ix0 + kx0) * C) << 2), (kx1 - kx0) * C);
        zeroFloats(d + (<usize>(kx1 * C) << 2), (KW - kx1) * C);
      }
      d += rowBytes;
    }
    if (++ox === OW) {
      ox = 0;
      if (++oy === OH) {
        oy = 0;
        image++;
      }
    }
  }
}

/**
 * The input gradient of a strided convolution as im2col rows: row `i` is input pixel `(n, iy, ix)` (the
 * geometry's G_OUT_* are the input's sizes), and the `C`-float segment of tap `(ky, kx)` is `dy[n, oy, ox]`
 * when `iy = oy * SH - PT + ky * DH` (and likewise `ix`) for an output pixel `(oy, ox)` inside `dy` (whose
 * sizes are the G_IN_* words), zeros otherwise. Times the per-tap transposed kernel `[kh, kw, F, C]` this
 * is `dx`: every output pixel's gradient is gathered from the taps that read it, so rows are independent
 * (no scatter) and any split of them gives the same bits. Columns `[pc, pc + kc)` as in `im2colRows`.
 */
function gatherRows(dy: usize, g: usize, i0: i32, i1: i32, pc: i32, kc: i32, dst: usize): void {
  const OH = word(g, G_IN_H);
  const OW = word(g, G_IN_W);
  const C = word(g, G_IN_C);
  const KW = word(g, G_K_W);
  const SH = word(g, G_S_H);
  const SW = word(g, G_S_W);
  const DH = word(g, G_D_H);
  const DW = word(g, G_D_W);
  const PT = word(g, G_PAD_T);
  const PL = word(g, G_PAD_L);
  const H = word(g, G_OUT_H);
  const W = word(g, G_OUT_W);
  const tap0 = pc / C;
  const c00 = pc - tap0 * C;
  const ky00 = tap0 / KW;
  const kx00 = tap0 - ky00 * KW;
  const qEnd = pc + kc;
  let ix = i0 % W;
  let iy = (i0 / W) % H;
  let image = i0 / (W * H);
  let d = dst;
  for (let i = i0; i < i1; i++) {
    const dyImage = dy + (<usize>(image * OH) * OW * C << 2);
    let q = pc;
    let c0 = c00;
    let ky = ky00;
    let kx = kx00;
    while (q < qEnd) {
      const seg = min(C - c0, qEnd - q);
      // Tap (ky, kx) of output pixel (oy, ox) reads this pixel when oy * SH = iy + PT - ky * DH.
      const ty = iy + PT - ky * DH;
      const tx = ix + PL - kx * DW;
      const oy = ty / SH;
      const ox = tx / SW;
      if (ty >= 0 && tx >= 0 && oy * SH === ty && ox * SW === tx && oy < OH && ox < OW) {
        copyFloats(d, dyImage + (<usize>((oy * OW + ox) * C + c0) << 2), seg);
      } else {
        zeroFloats(d, seg);
      }
      d += <usize>seg << 2;
      q += seg;
      c0 = 0;
      if (++kx === KW) {
        kx = 0;
        ky++;
      }
    }
    if (++ix === W) {
      ix = 0;
      if (++iy === H) {
        iy = 0;
        image++;
      }
    }
  }
}
