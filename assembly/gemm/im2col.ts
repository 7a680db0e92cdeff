/**
 * im2col rows for the GEMM convolutions: the `[kd, kh, kw, C]` window of each output pixel laid out as one
 * row of the patch matrix, built chunk by chunk in scratch (zeros where a window lies in the padding).
 * The geometry block (`G_*` words, `../shared/boundary.ts`) is written by the wrapper. Every convolution
 * is three-dimensional here: a 2D one has a unit depth (one slice, a one-tap kernel depth, no depth
 * padding), which copies the same floats as before the depth axis existed.
 */
import { copyFloats, zeroFloats } from '../util/runs';
import {
  G_D_D, G_D_H, G_D_W, G_IN_C, G_IN_D, G_IN_H, G_IN_W, G_K_D, G_K_H, G_K_W, G_MODE, G_OUT_D, G_OUT_H, G_OUT_W,
  G_PAD_F, G_PAD_L, G_PAD_T, G_S_D, G_S_H, G_S_W, IM2COL_GATHER,
} from '../shared/boundary';

/** Word `w` of the geometry block at `p`. */
@inline export function word(p: usize, w: i32): i32 {
  return load<i32>(p + (<usize>w << 2));
}

/** Columns of one im2col row: `kd · kh · kw · C`. */
@inline export function patchColumns(g: usize): i32 {
  return word(g, G_K_D) * word(g, G_K_H) * word(g, G_K_W) * word(g, G_IN_C);
}

/**
 * im2col rows of output pixels `[i0, i1)`, patch columns `[pc, pc + kc)`, into `dst` (row stride kc):
 * the `[kd, kh, kw, C]` window of each pixel, zeros where it lies in the padding (or, in mode
 * IM2COL_GATHER, the gathered `dy` pixels of `gatherRows`).
 */
export function im2colRows(x: usize, g: usize, i0: i32, i1: i32, pc: i32, kc: i32, dst: usize): void {
  if (word(g, G_MODE) === IM2COL_GATHER) {
    gatherRows(x, g, i0, i1, pc, kc, dst);
    return;
  }
  const D = word(g, G_IN_D);
  const H = word(g, G_IN_H);
  const W = word(g, G_IN_W);
  const C = word(g, G_IN_C);
  const KH = word(g, G_K_H);
  const KW = word(g, G_K_W);
  const SD = word(g, G_S_D);
  const SH = word(g, G_S_H);
  const SW = word(g, G_S_W);
  const DD = word(g, G_D_D);
  const DH = word(g, G_D_H);
  const DW = word(g, G_D_W);
  const PF = word(g, G_PAD_F);
  const PT = word(g, G_PAD_T);
  const PL = word(g, G_PAD_L);
  const OD = word(g, G_OUT_D);
  const OH = word(g, G_OUT_H);
  const OW = word(g, G_OUT_W);
  if (pc === 0 && kc === patchColumns(g) && DW === 1) {
    im2colWholeRows(x, g, i0, i1, dst);
    return;
  }
  // Where the block's first column falls: tap (kz, ky, kx) and channel c0. Divisions happen once per
  // call, not per element: the walk below only increments.
  const tap0 = pc / C;
  const c00 = pc - tap0 * C;
  const kz00 = tap0 / (KH * KW);
  const plane0 = tap0 - kz00 * KH * KW;
  const ky00 = plane0 / KW;
  const kx00 = plane0 - ky00 * KW;
  const qEnd = pc + kc;
  let ox = i0 % OW;
  let oy = (i0 / OW) % OH;
  let oz = (i0 / (OW * OH)) % OD;
  let image = i0 / (OW * OH * OD);
  let d = dst;
  for (let i = i0; i < i1; i++) {
    const iz0 = oz * SD - PF;
    const iy0 = oy * SH - PT;
    const ix0 = ox * SW - PL;
    const xImage = x + (<usize>(image * D) * H * W * C << 2);
    let q = pc;
    let c0 = c00;
    let kz = kz00;
    let ky = ky00;
    let kx = kx00;
    while (q < qEnd) {
      const seg = min(C - c0, qEnd - q);
      const iz = iz0 + kz * DD;
      const iy = iy0 + ky * DH;
      const ix = ix0 + kx * DW;
      if (<u32>iz < <u32>D && <u32>iy < <u32>H && <u32>ix < <u32>W) {
        copyFloats(d, xImage + (<usize>(((iz * H + iy) * W + ix) * C + c0) << 2), seg);
      } else {
        zeroFloats(d, seg);
      }
      d += <usize>seg << 2;
      q += seg;
      c0 = 0;
      if (++kx === KW) {
        kx = 0;
        if (++ky === KH) {
          ky = 0;
          kz++;
        }
      }
    }
    if (++ox === OW) {
      ox = 0;
      if (++oy === OH) {
        oy = 0;
        if (++oz === OD) {
          oz = 0;
          image++;
        }
      }
    }
  }
}

/**
 * `im2colRows` for whole patches with horizontal dilation 1: the in-bounds taps of one kernel row are
 * one contiguous run of the input row, copied at once.
 */
function im2colWholeRows(x: usize, g: usize, i0: i32, i1: i32, dst: usize): void {
  const D = word(g, G_IN_D);
  const H = word(g, G_IN_H);
  const W = word(g, G_IN_W);
  const C = word(g, G_IN_C);
  const KD = word(g, G_K_D);
  const KH = word(g, G_K_H);
  const KW = word(g, G_K_W);
  const SD = word(g, G_S_D);
  const SH = word(g, G_S_H);
  const SW = word(g, G_S_W);
  const DD = word(g, G_D_D);
  const DH = word(g, G_D_H);
  const PF = word(g, G_PAD_F);
  const PT = word(g, G_PAD_T);
  const PL = word(g, G_PAD_L);
  const OD = word(g, G_OUT_D);
  const OH = word(g, G_OUT_H);
  const OW = word(g, G_OUT_W);
  const rowBytes = <usize>(KW * C) << 2;
  let ox = i0 % OW;
  let oy = (i0 / OW) % OH;
  let oz = (i0 / (OW * OH)) % OD;
  let image = i0 / (OW * OH * OD);
  let d = dst;
  for (let i = i0; i < i1; i++) {
    const iz0 = oz * SD - PF;
    const iy0 = oy * SH - PT;
    const ix0 = ox * SW - PL;
    const kx0 = max(0, -ix0);
    const kx1 = min(KW, W - ix0);
    const xImage = x + (<usize>(image * D) * H * W * C << 2);
    for (let kz = 0; kz < KD; kz++) {
      const iz = iz0 + kz * DD;
      for (let ky = 0; ky < KH; ky++) {
        const iy = iy0 + ky * DH;
        if (<u32>iz >= <u32>D || <u32>iy >= <u32>H || kx0 >= kx1) {
          zeroFloats(d, KW * C);
        } else {
          zeroFloats(d, kx0 * C);
          copyFloats(d + (<usize>(kx0 * C) << 2), xImage + (<usize>(((iz * H + iy) * W + ix0 + kx0) * C) << 2), (kx1 - kx0) * C);
          zeroFloats(d + (<usize>(kx1 * C) << 2), (KW - kx1) * C);
        }
        d += rowBytes;
      }
    }
    if (++ox === OW) {
      ox = 0;
      if (++oy === OH) {
        oy = 0;
        if (++oz === OD) {
          oz = 0;
          image++;
        }
      }
    }
  }
}

/**
 * The input gradient of a strided convolution as im2col rows: row `i` is input pixel `(n, iz, iy, ix)`
 * (the geometry's G_OUT_* are the input's sizes), and the `C`-float segment of tap `(kz, ky, kx)` is
 * `dy[n, oz, oy, ox]` when `iy = oy * SH - PT + ky * DH` (and likewise `iz`, `ix`) for an output pixel
 * inside `dy` (whose sizes are the G_IN_* words), zeros otherwise. Times the per-tap transposed kernel
 * `[kd, kh, kw, F, C]` this is `dx`: every output pixel's gradient is gathered from the taps that read
 * it, so rows are independent (no scatter) and any split of them gives the same bits. Columns
 * `[pc, pc + kc)` as in `im2colRows`.
 */
function gatherRows(dy: usize, g: usize, i0: i32, i1: i32, pc: i32, kc: i32, dst: usize): void {
  const OD = word(g, G_IN_D);
  const OH = word(g, G_IN_H);
  const OW = word(g, G_IN_W);
  const C = word(g, G_IN_C);
  const KH = word(g, G_K_H);
  const KW = word(g, G_K_W);
  const SD = word(g, G_S_D);
  const SH = word(g, G_S_H);
  const SW = word(g, G_S_W);
  const DD = word(g, G_D_D);
  const DH = word(g, G_D_H);
  const DW = word(g, G_D_W);
  const PF = word(g, G_PAD_F);
  const PT = word(g, G_PAD_T);
  const PL = word(g, G_PAD_L);
  const D = word(g, G_OUT_D);
  const H = word(g, G_OUT_H);
  const W = word(g, G_OUT_W);
  const tap0 = pc / C;
  const c00 = pc - tap0 * C;
  const kz00 = tap0 / (KH * KW);
  const plane0 = tap0 - kz00 * KH * KW;
  const ky00 = plane0 / KW;
  const kx00 = plane0 - ky00 * KW;
  const qEnd = pc + kc;
  let ix = i0 % W;
  let iy = (i0 / W) % H;
  let iz = (i0 / (W * H)) % D;
  let image = i0 / (W * H * D);
  let d = dst;
  for (let i = i0; i < i1; i++) {
    const dyImage = dy + (<usize>(image * OD) * OH * OW * C << 2);
    let q = pc;
    let c0 = c00;
    let kz = kz00;
    let ky = ky00;
    let kx = kx00;
    while (q < qEnd) {
      const seg = min(C - c0, qEnd - q);
      // Tap (kz, ky, kx) of output pixel (oz, oy, ox) reads this pixel when oy * SH = iy + PT - ky * DH.
      const tz = iz + PF - kz * DD;
      const ty = iy + PT - ky * DH;
      const tx = ix + PL - kx * DW;
      const oz = tz / SD;
      const oy = ty / SH;
      const ox = tx / SW;
      if (tz >= 0 && ty >= 0 && tx >= 0 && oz * SD === tz && oy * SH === ty && ox * SW === tx && oz < OD && oy < OH && ox < OW) {
        copyFloats(d, dyImage + (<usize>(((oz * OH + oy) * OW + ox) * C + c0) << 2), seg);
      } else {
        zeroFloats(d, seg);
      }
      d += <usize>seg << 2;
      q += seg;
      c0 = 0;
      if (++kx === KW) {
        kx = 0;
        if (++ky === KH) {
          ky = 0;
          kz++;
        }
      }
    }
    if (++ix === W) {
      ix = 0;
      if (++iy === H) {
        iy = 0;
        if (++iz === D) {
          iz = 0;
          image++;
        }
      }
    }
  }
}
