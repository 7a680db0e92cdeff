/**
 * The blocked GEMM every product and im2col convolution runs through (the GotoBLAS scheme described in
 * `../gemm.ts`): B packed per K × N block into the caller's scratch, A broadcast in place (or, for a
 * convolution, built as im2col rows block by block), 4×8 register tiles, leftover rows one at a time.
 */
import { ACT_RELU, ACT_RELU6 } from '../shared/boundary';
import { GEMM_KC as KC, GEMM_MB as MB, GEMM_MR as MR, GEMM_NC as NC, GEMM_NR as NR } from '../shared/tuning';
import { im2colRows } from './im2col';
import { microRow1, microRow4, microTile, rowsDirect } from './micro';
import { copyTile, packB } from './pack';

/** Bytes of the edge tile buffer at the start of scratch. */
export const TILE_BYTES: usize = MR * NR * 4;

export function roundUp(x: i32, to: i32): i32 {
  return ((x + to - 1) / to) * to;
}

/**
 * The K block for `np` (padded) columns of C: the packed B block is at most KC × NC floats, so a product
 * of at most NC / 2 columns takes K blocks twice as long (a 3×3 × 64-channel patch, 576, is then one block:
 * no second pass over C, and its im2col rows are whole). Blocking does not change results: partial sums
 * pass through C as the float32 values the registers hold.
 */
export function kBlock(np: i32): i32 {
  return np <= NC / 2 ? 2 * KC : KC;
}

/**
 * `C = act((acc0 + op(A)·op(B)) * scale + shift)` for rows `[start, end)` of C. With `geometry` nonzero,
 * A is the im2col matrix of the image at `a` (rows built MB at a time, see `im2colRows`). `direct`: read
 * B in place, row by row (`rowsDirect`; plain products only).
 *
 * Scratch layout: the edge tile, the per-column scale and shift padded to whole panels, the packed B
 * block, then (convolutions) the im2col rows of MB pixels.
 */
export function gemm(
  a: usize, lda: i32, transA: i32,
  b: usize, ldb: i32, transB: i32,
  c: usize, ldc: i32,
  m: i32, n: i32, k: i32,
  scale: usize, shift: usize, act: i32, accumulate: i32,
  start: i32, end: i32, scratch: usize, geometry: usize, direct: bool,
): void {
  if (start >= end || n <= 0) return;
  const np = roundUp(n, NR);
  const tile = scratch;
  // Per-column vectors padded to whole panels, so the edge panel loads them as full vectors.
  const sp = scratch + TILE_BYTES;
  const hp = sp + (<usize>np << 2);
  const packed = hp + (<usize>np << 2);
  if (scale !== 0) {
    memory.copy(sp, scale, <usize>n << 2);
    for (let j = n; j < np; j++) store<f32>(sp + (<usize>j << 2), 1);
  }
  if (shift !== 0) {
    memory.copy(hp, shift, <usize>n << 2);
    for (let j = n; j < np; j++) store<f32>(hp + (<usize>j << 2), 0);
  }
  const sOff = scale !== 0 ? sp : 0;
  const hOff = shift !== 0 ? hp : 0;
  const ldcB = <usize>ldc << 2;
  // Element (i, q) of op(A) is at a + i * aRow + q * aK (bytes).
  const aRow: usize = transA !== 0 ? 4 : <usize>lda << 2;
  const aK: usize = transA !== 0 ? <usize>lda << 2 : 4;
  if (geometry === 0 && direct) {
    rowsDirect(a, aRow, aK, b, ldb, c, ldcB, n, k, sOff, hOff, act, accumulate, start, end);
    return;
  }
  const kb = kBlock(np);
  const cols = packed + <usize>min(max(k, 1), kb) * min(np, NC) * 4;

  for (let pc = 0; ; pc += kb) {
    const kc = min(kb, k - pc);
    const load = accumulate !== 0 || pc > 0;
    const last = pc + kc >= k;
    for (let jc = 0; jc < n; jc += NC) {
      const nc = min(NC, n - jc);
      packB(b, ldb, transB, pc, kc, jc, nc, packed);
      if (geometry === 0) {
        rowTiles(a + <usize>pc * aK, aRow, aK, start, end, c, ldcB, n, jc, nc, kc, packed, load, last, sOff, hOff, act, tile);
      } else {
        for (let i0 = start; i0 < end; i0 += MB) {
          const i1 = min(end, i0 + MB);
          im2colRows(a, geometry, i0, i1, pc, kc, cols);
          rowTiles(cols, <usize>kc << 2, 4, 0, i1 - i0, c + <usize>i0 * ldcB, ldcB, n, jc, nc, kc, packed, load, last, sOff, hOff, act, tile);
        }
      }
    }
    if (last) break;
  }
}

/**
 * Rows `[i0, i1)` of C (row i at `cBase + i * ldcB`) for one packed (K block × N block) of B: 4×8 tiles,
 * then leftover rows one at a time, four panels per pass to keep eight accumulator chains in flight.
 * Row i of A's K block starts at `aBase + i * aRow`. Every element sees the same operations in the same
 * order whichever of these paths computes it, so results do not depend on how rows or columns are cut.
 */
export function rowTiles(
  aBase: usize, aRow: usize, aK: usize, i0: i32, i1: i32, cBase: usize, ldcB: usize,
  n: i32, jc: i32, nc: i32, kc: i32, packed: usize, load: bool, last: bool,
  sOff: usize, hOff: usize, act: i32, tile: usize,
): void {
  let i = i0;
  for (; i + MR <= i1; i += MR) {
    const a0 = aBase + <usize>i * aRow;
    const a1 = a0 + aRow;
    const a2 = a1 + aRow;
    const a3 = a2 + aRow;
    const ci = cBase + <usize>i * ldcB;
    for (let jp = 0; jp < nc; jp += NR) {
      const j = jc + jp;
      const cols = min(NR, n - j);
      const jb = <usize>j << 2;
      const bp = packed + <usize>(jp * kc) * 4;
      const sj = sOff !== 0 ? sOff + jb : 0;
      const hj = hOff !== 0 ? hOff + jb : 0;
      if (cols === NR) {
        // A literal activation per call site lets the epilogue's branches fold away (it is a large
        // share of the tile when K is short, as in a first layer's K = 27).
        if (act === ACT_RELU6) microTile(a0, a1, a2, a3, aK, bp, NR * 4, kc, ci + jb, ldcB, load, last, sj, hj, ACT_RELU6);
        else if (act === ACT_RELU) microTile(a0, a1, a2, a3, aK, bp, NR * 4, kc, ci + jb, ldcB, load, last, sj, hj, ACT_RELU);
        else microTile(a0, a1, a2, a3, aK, bp, NR * 4, kc, ci + jb, ldcB, load, last, sj, hj, 0);
      } else {
        if (load) copyTile(ci + jb, ldcB, tile, NR * 4, MR, cols);
        microTile(a0, a1, a2, a3, aK, bp, NR * 4, kc, tile, NR * 4, load, last, sj, hj, act);
        copyTile(tile, NR * 4, ci + jb, ldcB, MR, cols);
      }
    }
  }
  // Leftover rows (fewer than MR): one row at a time, four panels per pass to keep eight
  // independent accumulator chains in flight.
  for (; i < i1; i++) {
    const a0 = aBase + <usize>i * aRow;
    const ci = cBase + <usize>i * ldcB;
    let jp = 0;
    for (; jp + 4 * NR <= nc; jp += 4 * NR) {
      const j = jc + jp;
      const jb = <usize>j << 2;
      const bp = packed + <usize>(jp * kc) * 4;
      microRow4(a0, aK, bp, NR * 4, <usize>(kc * NR) * 4, kc, ci + jb, load, last, sOff !== 0 ? sOff + jb : 0, hOff !== 0 ? hOff + jb : 0, act);
    }
    for (; jp < nc; jp += NR) {
      const j = jc + jp;
      const cols = min(NR, n - j);
      const jb = <usize>j << 2;
      const bp = packed + <usize>(jp * kc) * 4;
      const sj = sOff !== 0 ? sOff + jb : 0;
      const hj = hOff !== 0 ? hOff + jb : 0;
      if (cols === NR) {
        microRow1(a0, aK, bp, NR * 4, kc, ci + jb, load, last, sj, hj, act);
      } else {
        if (load) copyTile(ci + jb, 0, tile, 0, 1, cols);
        microRow1(a0, aK, bp, NR * 4, kc, tile, load, last, sj, hj, act);
        copyTile(tile, 0, ci + jb, 0, 1, cols);
      }
    }
  }
}
