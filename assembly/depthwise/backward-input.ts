/**
 * The depthwise input gradient as a gather (the manifest's `gather` entries, BACKWARD_INPUT_GATHER*):
 * `dx[n, iy, ix, c]` = the sum over the taps whose sampling point is `(iy, ix)` of `dy * kernel`. Strides
 * above 1 only: with stride 1 the wrapper runs `forwardNhwc` with the kernel rotated 180 degrees instead.
 */
import {
  BACKWARD_INPUT_GATHER, P_D_H, P_D_W, P_IN_C, P_IN_H, P_IN_W, P_K_H, P_K_W, P_OUT_H, P_OUT_W, P_PAD_L, P_PAD_T, P_PATH,
  P_S_H, P_S_W,
} from '../shared/boundary';
import { param } from './common';

/**
 * `dx` from `dy` and the kernel, NHWC, depth multiplier 1, any stride. Units: input rows over the batch
 * (`N * H`); each unit writes its own dx row only. Scratch: `backwardInputScratchBytes(pp)`, the
 * (offset, offset) pairs of the taps that reach the current row and column.
 */
export function backwardInputNhwc(pp: usize, dy: usize, k: usize, dx: usize, start: i32, end: i32, scratch: usize): void {
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
  const vector = param(pp, P_PATH) === BACKWARD_INPUT_GATHER;
  const cs = <usize>C << 2;
  // Pairs of words: (byte offset of the dy row, byte offset of the kernel row) and (dy column, kernel column).
  const rowList = scratch;
  const colList = scratch + (<usize>KH << 3);

  for (let u = start; u < end; u++) {
    const n = u / H;
    const iy = u - n * H;
    let nr = 0;
    for (let ky = 0; ky < KH; ky++) {
      const ty = iy + PT - ky * DH;
      if (ty < 0 || ty % SH !== 0) continue;
      const oy = ty / SH;
      if (oy >= OH) continue;
      store<usize>(rowList + (<usize>nr << 3), dy + <usize>((n * OH + oy) * OW) * cs);
      store<usize>(rowList + (<usize>nr << 3) + 4, k + <usize>(ky * KW) * cs);
      nr++;
    }
    const d = dx + <usize>(u * W) * cs;
    for (let ix = 0; ix < W; ix++) {
      let nc = 0;
      for (let kx = 0; kx < KW; kx++) {
        const tx = ix + PL - kx * DW;
        if (tx < 0 || tx % SW !== 0) continue;
        const ox = tx / SW;
        if (ox >= OW) continue;
        store<usize>(colList + (<usize>nc << 3), <usize>ox * cs);
        store<usize>(colList + (<usize>nc << 3) + 4, <usize>kx * cs);
        nc++;
      }
      const dp = d + <usize>ix * cs;
      if (vector) gatherVector(rowList, colList, nr, nc, dp, C);
      else gatherScalar(rowList, colList, nr, nc, dp, C);
    }
  }
}

/** Bytes of private scratch `backwardInputNhwc` needs: two lists of `KH` and `KW` offset pairs. */
export function backwardInputScratchBytes(pp: usize): usize {
  return 8 * <usize>(param(pp, P_K_H) + param(pp, P_K_W));
}

/** One dx pixel, four channels per vector (C >= 4, the last group overlapping). */
@inline function gatherVector(rowList: usize, colList: usize, nr: i32, nc: i32, dp: usize, C: i32): void {
  for (let c = 0; c < C; c += 4) {
    const cb = <usize>min(c, C - 4) << 2;
    let acc = f32x4.splat(0);
    for (let r = 0; r < nr; r++) {
      const gRow = load<usize>(rowList + (<usize>r << 3)) + cb;
      const kRow = load<usize>(rowList + (<usize>r << 3) + 4) + cb;
      for (let q = 0; q < nc; q++) {
        const gOff = load<usize>(colList + (<usize>q << 3));
        const kOff = load<usize>(colList + (<usize>q << 3) + 4);
        acc = f32x4.add(acc, f32x4.mul(v128.load(gRow + gOff), v128.load(kRow + kOff)));
      }
    }
    v128.store(dp + cb, acc);
  }
}

/** One dx pixel of fewer than four channels, scalar. */
@inline function gatherScalar(rowList: usize, colList: usize, nr: i32, nc: i32, dp: usize, C: i32): void {
  for (let c = 0; c < C; c++) {
    const cb = <usize>c << 2;
    let acc: f32 = 0;
    for (let r = 0; r < nr; r++) {
      const gRow = load<usize>(rowList + (<usize>r << 3)) + cb;
      const kRow = load<usize>(rowList + (<usize>r << 3) + 4) + cb;
      for (let q = 0; q < nc; q++) {
        acc += load<f32>(gRow + load<usize>(colList + (<usize>q << 3))) * load<f32>(kRow + load<usize>(colList + (<usize>q << 3) + 4));
      }
    }
    store<f32>(dp + cb, acc);
  }
}
