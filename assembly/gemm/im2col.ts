/**
 * im2col rows for the GEMM convolutions: the `[kh, kw, C]` window of each output pixel laid out as one
 * row of the patch matrix, built chunk by chunk in scratch (zeros where a window lies in the padding).
 * The geometry block (`G_*` words, `../shared/boundary.ts`) is written by the wrapper.
 */
import { G_D_H, G_D_W, G_IN_C, G_IN_H, G_IN_W, G_K_H, G_K_W, G_OUT_H, G_OUT_W, G_PAD_L, G_PAD_T, G_S_H, G_S_W } from '../shared/boundary';

/** Word `w` of the geometry block at `p`. */
@inline export function word(p: usize, w: i32): i32 {
  return load<i32>(p + (<usize>w << 2));
}

/**
 * im2col rows of output pixels `[i0, i1)`, patch columns `[pc, pc + kc)`, into `dst` (row stride kc):
 * the `[kh, kw, C]` window of each pixel, zeros where it lies in the padding.
 */
export function im2colRows(x: usize, g: usize, i0: i32, i1: i32, pc: i32, kc: i32, dst: usize): void {
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
        memory.fill(d, 0, <usize>seg << 2);
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
        memory.fill(d, 0, rowBytes);
      } else {
        if (kx0 > 0) memory.fill(d, 0, <usize>(kx0 * C) << 2);
        copyFloats(d + (<usize>(kx0 * C) << 2), xImage + (<usize>((iy * W + ix0 + kx0) * C) << 2), (kx1 - kx0) * C);
        if (kx1 < KW) memory.fill(d + (<usize>(kx1 * C) << 2), 0, <usize>((KW - kx1) * C) << 2);
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

/** Copies `count` floats (short runs: C is often 3 in a first layer). */
@inline
function copyFloats(dst: usize, src: usize, count: i32): void {
  let j = 0;
  for (; j + 4 <= count; j += 4) v128.store(dst + (<usize>j << 2), v128.load(src + (<usize>j << 2)));
  for (; j < count; j++) store<f32>(dst + (<usize>j << 2), load<f32>(src + (<usize>j << 2)));
}
