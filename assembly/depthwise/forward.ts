/**
 * The depthwise forward entry, `forwardNhwc`, and the scratch size of every depthwise path. The kernel
 * manifest (src/kernels/wasm/manifest.ts) selects the path and writes its code into the params block;
 * this file only dispatches on it. The paths: channel-tiled (`forward-tiled.ts`) and row by row
 * (`forward-rows.ts`).
 */
import {
  FORWARD_ROW_3X3, FORWARD_ROW_3X3_WIDE, FORWARD_ROW_GENERIC, FORWARD_ROW_SCALAR,
  FORWARD_TILED_3X3_S1, FORWARD_TILED_3X3_S2, FORWARD_TILED_3X3_SN, FORWARD_TILED_S1, FORWARD_TILED_S2, FORWARD_TILED_SN,
  P_D_H, P_D_W, P_IN_C, P_IN_H, P_IN_W, P_K_H, P_K_W, P_OUT_H, P_OUT_W, P_PAD_L, P_PAD_T, P_PATH, P_S_H, P_S_W,
} from '../shared/boundary';
import { interiorEnd, interiorStart, lowerClamp, param, rowTableBytes, setRows, upperClamp } from './common';
import { forwardRow3x3, forwardRow3x3Wide, forwardRowGeneric, forwardRowScalar, packKernel3x3 } from './forward-rows';
import {
  forwardTiled3x3S1, forwardTiled3x3S2, forwardTiled3x3SN, forwardTiledS1, forwardTiledS2, forwardTiledSN, tiledScratchBytes,
} from './forward-tiled';

/** First start of the heap; the JavaScript allocator carves tensors from here upwards. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * `out = act(conv(x, kernel) * scale[c] + shift[c])`, NHWC, depth multiplier 1, on the path in word
 * P_PATH. `scale`/`shift` 0 mean none (1 and 0); a bias is a shift without scale. `act`: ACT_NONE,
 * ACT_RELU or ACT_RELU6. Units: output rows over the batch (`N * OH`). Scratch: `forwardScratchBytes(pp)`.
 */
export function forwardNhwc(
  pp: usize, x: usize, k: usize, scale: usize, shift: usize, out: usize, act: i32,
  start: i32, end: i32, scratch: usize,
): void {
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
  const path = param(pp, P_PATH);
  const lo = lowerClamp(act);
  const hi = upperClamp(act);

  switch (path) {
    case FORWARD_TILED_3X3_S1:
      forwardTiled3x3S1(scratch, x, k, scale, shift, lo, hi, out, H, W, C, SH, SW, PT, PL, OH, OW, start, end);
      return;
    case FORWARD_TILED_3X3_S2:
      forwardTiled3x3S2(scratch, x, k, scale, shift, lo, hi, out, H, W, C, SH, SW, PT, PL, OH, OW, start, end);
      return;
    case FORWARD_TILED_3X3_SN:
      forwardTiled3x3SN(scratch, x, k, scale, shift, lo, hi, out, H, W, C, SH, SW, PT, PL, OH, OW, start, end);
      return;
    case FORWARD_TILED_S1:
      forwardTiledS1(scratch, x, k, scale, shift, lo, hi, out, H, W, C, KH, KW, SH, SW, PT, PL, OH, OW, start, end);
      return;
    case FORWARD_TILED_S2:
      forwardTiledS2(scratch, x, k, scale, shift, lo, hi, out, H, W, C, KH, KW, SH, SW, PT, PL, OH, OW, start, end);
      return;
    case FORWARD_TILED_SN:
      forwardTiledSN(scratch, x, k, scale, shift, lo, hi, out, H, W, C, KH, KW, SH, SW, PT, PL, OH, OW, start, end);
      return;
  }

  // The row paths: one output row at a time, straight from the input.
  const rows = scratch;
  const zero = scratch + rowTableBytes(KH);
  const packed = zero + (<usize>(W * C) << 2);
  let zeroed = false;
  const oxB = interiorEnd(W, KW, SW, DW, PL, OW);
  const oxA = interiorStart(SW, PL, oxB);
  if (path === FORWARD_ROW_3X3_WIDE && start < end) packKernel3x3(k, packed, C);
  for (let u = start; u < end; u++) {
    const n = u / OH;
    const oy = u - n * OH;
    zeroed = setRows(rows, zero, zeroed, x, n, oy * SH - PT, H, W, C, KH, DH);
    const o = out + (<usize>(u * OW * C) << 2);
    if (path === FORWARD_ROW_SCALAR) forwardRowScalar(rows, k, scale, shift, lo, hi, o, W, C, KH, KW, OW, SW, DW, PL);
    else if (path === FORWARD_ROW_3X3) forwardRow3x3(rows, k, packed, scale, shift, lo, hi, o, W, C, OW, SW, DW, PL, oxA, oxB);
    else if (path === FORWARD_ROW_3X3_WIDE) forwardRow3x3Wide(rows, k, packed, scale, shift, lo, hi, o, W, C, OW, SW, DW, PL, oxA, oxB);
    else if (path === FORWARD_ROW_GENERIC) forwardRowGeneric(rows, k, scale, shift, lo, hi, o, W, C, KH, KW, OW, SW, DW, PL, oxA, oxB);
  }
}

/**
 * Bytes of private scratch one thread needs for `forwardNhwc` with the params (path included) at `pp`:
 * the channel-tiled layout, or the row paths' row-pointer table and zero row (plus the wide 3x3 path's
 * interleaved kernel). The one formula the wrappers use (they call this export).
 */
export function forwardScratchBytes(pp: usize): usize {
  const W = param(pp, P_IN_W);
  const C = param(pp, P_IN_C);
  const KH = param(pp, P_K_H);
  const KW = param(pp, P_K_W);
  const path = param(pp, P_PATH);
  if (path >= FORWARD_TILED_3X3_S1 && path <= FORWARD_TILED_SN) {
    return tiledScratchBytes(W, C, KH, KW, param(pp, P_S_W), param(pp, P_PAD_L), param(pp, P_OUT_W));
  }
  const packed: usize = path === FORWARD_ROW_3X3_WIDE ? 144 * <usize>((C + 3) >> 2) : 0;
  return rowTableBytes(KH) + (<usize>(W * C) << 2) + packed;
}
