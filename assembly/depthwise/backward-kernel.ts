/**
 * The depthwise kernel gradient (the manifest's `dwconv-dw` entries, BACKWARD_KERNEL_*): `dkernel[ky, kx,
 * c]` = the sum over output pixels of `x` at the tap's sampling point times `dy`. Split by groups of four
 * channels, so each range owns its slice of dkernel; a range's partial last group takes a scalar tail.
 */
import {
  BACKWARD_KERNEL_3X3, P_BATCH, P_D_H, P_D_W, P_IN_C, P_IN_H, P_IN_W, P_K_H, P_K_W, P_OUT_H, P_OUT_W, P_PAD_L,
  P_PAD_T, P_PATH, P_S_H, P_S_W,
} from '../shared/boundary';
import { endInside, firstInside, interiorEnd, interiorStart, param, rowTableBytes, setRows } from './common';

/**
 * `dkernel` from `x` and `dy`, NHWC, depth multiplier 1. Units: groups of four channels; a range writes
 * (overwrites) only `dkernel[:, :, 4*start .. min(4*end, C)]`. Scratch: `backwardKernelScratchBytes(pp)`.
 */
export function backwardKernelNhwc(pp: usize, x: usize, dy: usize, dk: usize, start: i32, end: i32, scratch: usize): void {
  const C = param(pp, P_IN_C);
  const KH = param(pp, P_K_H);
  const KW = param(pp, P_K_W);
  const c0 = start * 4;
  const c1 = min(end * 4, C);
  if (c0 >= c1) return;
  const cs = <usize>C << 2;
  for (let t = 0; t < KH * KW; t++) memory.fill(dk + <usize>t * cs + (<usize>c0 << 2), 0, <usize>(c1 - c0) << 2);
  if (param(pp, P_PATH) === BACKWARD_KERNEL_3X3) backwardKernel3x3(pp, x, dy, dk, c0, c1, scratch);
  else backwardKernelGeneric(pp, x, dy, dk, c0, c1);
}

/** Bytes of private scratch `backwardKernelNhwc` needs: the row-pointer table and a zero row (3x3 only). */
export function backwardKernelScratchBytes(pp: usize): usize {
  if (param(pp, P_PATH) !== BACKWARD_KERNEL_3X3) return 0;
  return rowTableBytes(3) + (<usize>(param(pp, P_IN_W) * param(pp, P_IN_C)) << 2);
}

/**
 * 3x3: per output row and channel group, the nine kernel-gradient sums of the interior pixels stay in
 * registers (one dy load and nine x loads per pixel), then are added to dkernel once per row.
 */
function backwardKernel3x3(pp: usize, x: usize, dy: usize, dk: usize, c0: i32, c1: i32, scratch: usize): void {
  const N = param(pp, P_BATCH);
  const H = param(pp, P_IN_H);
  const W = param(pp, P_IN_W);
  const C = param(pp, P_IN_C);
  const SH = param(pp, P_S_H);
  const SW = param(pp, P_S_W);
  const DH = param(pp, P_D_H);
  const DW = param(pp, P_D_W);
  const PT = param(pp, P_PAD_T);
  const PL = param(pp, P_PAD_L);
  const OH = param(pp, P_OUT_H);
  const OW = param(pp, P_OUT_W);
  const rows = scratch;
  const zero = scratch + rowTableBytes(3);
  let zeroed = false;
  const oxB = interiorEnd(W, 3, SW, DW, PL, OW);
  const oxA = interiorStart(SW, PL, oxB);
  const cs = <usize>C << 2;
  const col = <usize>DW * cs;
  const pix = <usize>SW * cs;
  const first = <usize>(oxA * SW - PL) * cs;
  const cFull = c0 + ((c1 - c0) & ~3);

  for (let u = 0; u < N * OH; u++) {
    const n = u / OH;
    const oy = u - n * OH;
    zeroed = setRows(rows, zero, zeroed, x, n, oy * SH - PT, H, W, C, 3, DH);
    const r0 = load<usize>(rows);
    const r1 = load<usize>(rows, 4);
    const r2 = load<usize>(rows, 8);
    const g = dy + <usize>(u * OW) * cs;
    for (let c = c0; c < cFull; c += 4) {
      const cb = <usize>c << 2;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let a4 = f32x4.splat(0);
      let a5 = f32x4.splat(0);
      let a6 = f32x4.splat(0);
      let a7 = f32x4.splat(0);
      let a8 = f32x4.splat(0);
      let p0 = r0 + first + cb;
      let p1 = r1 + first + cb;
      let p2 = r2 + first + cb;
      let gp = g + <usize>oxA * cs + cb;
      for (let ox = oxA; ox < oxB; ox++) {
        const gv = v128.load(gp);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(p0), gv));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(p0 + col), gv));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(p0 + 2 * col), gv));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(p1), gv));
        a4 = f32x4.add(a4, f32x4.mul(v128.load(p1 + col), gv));
        a5 = f32x4.add(a5, f32x4.mul(v128.load(p1 + 2 * col), gv));
        a6 = f32x4.add(a6, f32x4.mul(v128.load(p2), gv));
        a7 = f32x4.add(a7, f32x4.mul(v128.load(p2 + col), gv));
        a8 = f32x4.add(a8, f32x4.mul(v128.load(p2 + 2 * col), gv));
        p0 += pix;
        p1 += pix;
        p2 += pix;
        gp += cs;
      }
      const dp = dk + cb;
      addTo(dp, a0);
      addTo(dp + cs, a1);
      addTo(dp + 2 * cs, a2);
      addTo(dp + 3 * cs, a3);
      addTo(dp + 4 * cs, a4);
      addTo(dp + 5 * cs, a5);
      addTo(dp + 6 * cs, a6);
      addTo(dp + 7 * cs, a7);
      addTo(dp + 8 * cs, a8);
      for (let ox = 0; ox < oxA; ox++) kernelBorder3x3(r0, r1, r2, g, dp, cb, ox, W, cs, SW, DW, PL);
      for (let ox = oxB; ox < OW; ox++) kernelBorder3x3(r0, r1, r2, g, dp, cb, ox, W, cs, SW, DW, PL);
    }
    // Scalar tail: the last (partial) channel group of the range.
    for (let c = cFull; c < c1; c++) {
      const cb = <usize>c << 2;
      for (let ox = 0; ox < OW; ox++) {
        const gv = load<f32>(g + <usize>ox * cs + cb);
        const ix0 = ox * SW - PL;
        for (let kx = 0; kx < 3; kx++) {
          const ix = ix0 + kx * DW;
          if (ix < 0 || ix >= W) continue;
          const off = <usize>ix * cs + cb;
          const dp = dk + <usize>kx * cs + cb;
          store<f32>(dp, load<f32>(dp) + load<f32>(r0 + off) * gv);
          store<f32>(dp + 3 * cs, load<f32>(dp + 3 * cs) + load<f32>(r1 + off) * gv);
          store<f32>(dp + 6 * cs, load<f32>(dp + 6 * cs) + load<f32>(r2 + off) * gv);
        }
      }
    }
  }
}

/** `*p += v` for four floats. */
@inline function addTo(p: usize, v: v128): void {
  v128.store(p, f32x4.add(v128.load(p), v));
}

/** A border pixel's contribution to the 3x3 kernel gradient of one channel group, straight into dkernel. */
@inline function kernelBorder3x3(
  r0: usize, r1: usize, r2: usize, g: usize, dp: usize, cb: usize, ox: i32, W: i32, cs: usize, SW: i32, DW: i32, PL: i32,
): void {
  const gv = v128.load(g + <usize>ox * cs + cb);
  const ix0 = ox * SW - PL;
  for (let kx = 0; kx < 3; kx++) {
    const ix = ix0 + kx * DW;
    if (ix < 0 || ix >= W) continue;
    const off = <usize>ix * cs + cb;
    const d = dp + <usize>kx * cs;
    addTo(d, f32x4.mul(v128.load(r0 + off), gv));
    addTo(d + 3 * cs, f32x4.mul(v128.load(r1 + off), gv));
    addTo(d + 6 * cs, f32x4.mul(v128.load(r2 + off), gv));
  }
}

/** Any window: per output row and tap, reduce the row's in-bounds pixels in registers, then add once. */
function backwardKernelGeneric(pp: usize, x: usize, dy: usize, dk: usize, c0: i32, c1: i32): void {
  const N = param(pp, P_BATCH);
  const H = param(pp, P_IN_H);
  const W = param(pp, P_IN_W);
  const C = param(pp, P_IN_C);
  const KH = param(pp, P_K_H);
  const KW = param(pp, P_K_W);
  const SH = param(pp, P_S_H);
  const SW = param(pp, P_S_W);
  const DH = param(pp, P_D_H);
  const DW = param(pp, P_D_W);
  const PT = param(pp, P_PAD_T);
  const PL = param(pp, P_PAD_L);
  const OH = param(pp, P_OUT_H);
  const OW = param(pp, P_OUT_W);
  const cs = <usize>C << 2;
  const xStep = <usize>SW * cs;
  const cFull = c0 + ((c1 - c0) & ~3);

  for (let u = 0; u < N * OH; u++) {
    const n = u / OH;
    const oy = u - n * OH;
    const iy0 = oy * SH - PT;
    const ky0 = firstInside(iy0, DH);
    const ky1 = endInside(iy0, DH, H, KH);
    const gRow = dy + <usize>(u * OW) * cs;
    for (let ky = ky0; ky < ky1; ky++) {
      const xRow = x + <usize>((n * H + iy0 + ky * DH) * W) * cs;
      for (let kx = 0; kx < KW; kx++) {
        const base = kx * DW - PL;
        const ox0 = firstInside(base, SW);
        const ox1 = endInside(base, SW, W, OW);
        if (ox0 >= ox1) continue;
        const dTap = dk + <usize>(ky * KW + kx) * cs;
        const xFirst = xRow + <usize>(base + ox0 * SW) * cs;
        const gFirst = gRow + <usize>ox0 * cs;
        for (let c = c0; c < cFull; c += 4) {
          const cb = <usize>c << 2;
          let xp = xFirst + cb;
          let gp = gFirst + cb;
          let a0 = f32x4.splat(0);
          let a1 = f32x4.splat(0);
          let ox = ox0;
          for (; ox + 1 < ox1; ox += 2) {
            a0 = f32x4.add(a0, f32x4.mul(v128.load(xp), v128.load(gp)));
            a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + xStep), v128.load(gp + cs)));
            xp += 2 * xStep;
            gp += 2 * cs;
          }
          if (ox < ox1) a0 = f32x4.add(a0, f32x4.mul(v128.load(xp), v128.load(gp)));
          addTo(dTap + cb, f32x4.add(a0, a1));
        }
        for (let c = cFull; c < c1; c++) {
          const cb = <usize>c << 2;
          let xp = xFirst + cb;
          let gp = gFirst + cb;
          let acc: f32 = 0;
          for (let ox = ox0; ox < ox1; ox++) {
            acc += load<f32>(xp) * load<f32>(gp);
            xp += xStep;
            gp += cs;
          }
          const dp = dTap + cb;
          store<f32>(dp, load<f32>(dp) + acc);
        }
      }
    }
  }
}
