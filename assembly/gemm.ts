/**
 * Float32 matrix products (GEMM) in AssemblyScript with 128-bit SIMD, for the pointwise (1×1)
 * convolutions, dense layers, general NHWC convolutions over im2col rows, and their backward passes.
 *
 *   C[M, N] = act((acc0 + op(A)·op(B)) * scale[n] + shift[n])
 *
 * where `acc0` is C's previous contents when `accumulate` is set and 0 otherwise, `scale`/`shift` are
 * per-column vectors (pointer 0: scale 1, shift 0) and `act` is 0 none, 1 relu, 2 relu6. Folding an
 * inference batch norm and a bias into `scale`/`shift` makes a whole Conv-BN-ReLU one pass over C.
 *
 * Blocking (the GotoBLAS scheme, sized for a 32 KB L1 and a 512 KB L2):
 *   - micro-tile: MR = 4 rows × NR = 8 columns of accumulators, eight v128 registers, plus two for the B
 *     row, one for the broadcast A element and one for the product; V8 has 15 allocatable xmm registers
 *     on x64, which a 6×8 tile would exceed. Without FMA (no relaxed-simd in Node 20) every step is a
 *     mul and an add; the 4×8 tile runs at about 60 GFLOP/s on Zen 3, close to the two-mul-two-add issue
 *     limit of 128-bit SIMD.
 *   - B is packed per (K block × N block) into the thread's scratch as panels of NR columns, `[k][NR]`,
 *     zero-padded past N: the micro-kernel then reads 32 contiguous bytes per k whatever B's layout or
 *     transposition, the panel stays in L2 across all of the thread's rows, and large power-of-two leading
 *     dimensions (N = 512, 1024) stop aliasing in L1. For very few rows (dense layers at batch 1) packing
 *     would cost as much as the product, so an untransposed B is read in place instead (`rowsDirect`).
 *   - A is never packed: the micro-kernel broadcasts single elements (`v128.load32_splat`, a pure load on
 *     x64), which works for either storage order given a row stride and a k stride. For convolutions A
 *     is the im2col matrix, built block by block in scratch.
 *   - K is cut into blocks of KC so the packed block fits in scratch; partial sums go through C, and the
 *     epilogue is applied once, after the last block.
 *
 * Threading: `gemmF32` splits rows of C, `gemmF32Cols` 8-column panels, the convolution exports output
 * pixels or kernel-gradient rows. Every element of C is computed by the same sequence of float
 * operations whatever range it falls in (the K blocks, the k order and the in-place/packed choice do not
 * depend on the range), so any split gives bit-identical results; each call writes only its own part of C.
 */

import { ACT_RELU, ACT_RELU6, G_IN_C, G_K_H, G_K_W, KERNEL_ROWS_PER_UNIT } from './shared/boundary';
import { GEMM_KC as KC, GEMM_MB as MB, GEMM_MR as MR, GEMM_NC as NC, GEMM_NR as NR } from './shared/tuning';
import { im2colRows, word } from './gemm/im2col';
import { microRow1, microRow4, microTile, rowsDirect } from './gemm/micro';
import { copyTile, packB } from './gemm/pack';

/** Bytes of the edge tile buffer at the start of scratch. */
const TILE_BYTES: usize = MR * NR * 4;

function roundUp(x: i32, to: i32): i32 {
  return ((x + to - 1) / to) * to;
}

/**
 * Bytes of private scratch one thread needs for `gemmF32` / `gemmF32Cols` with these sizes (the same for
 * any range). `direct`: B is read in place (the manifest's `direct-B` entries), so nothing is packed.
 */
export function gemmScratchBytes(n: i32, k: i32, direct: i32): usize {
  const np = roundUp(max(n, 1), NR);
  const kc = min(max(k, 1), KC);
  const nc = min(np, NC);
  const packed: usize = direct !== 0 ? 0 : <usize>kc * nc * 4;
  return TILE_BYTES + 2 * (<usize>np << 2) + packed;
}

/**
 * `C = act((acc0 + op(A)·op(B)) * scale + shift)` for rows `[start, end)` of C; see the file comment.
 *
 * @param a A, `[m, k]` row-major with row stride `lda` (floats), or when `transA` its storage `[k, m]`
 *   with row stride `lda`.
 * @param b B, `[k, n]` with row stride `ldb`, or when `transB` its storage `[n, k]` with row stride `ldb`.
 * @param c C, `[m, n]` with row stride `ldc`; must not overlap A or B.
 * @param scale `n` floats or 0; `shift` likewise.
 * @param act 0 none, 1 relu, 2 relu6.
 * @param accumulate nonzero: the product is added to C's contents (before scale/shift/act).
 * @param direct nonzero: read an untransposed B in place, row by row (`rowsDirect`), rather than pack it:
 *   the kernel manifest chooses (few rows of C, where packing would cost as much as the product).
 * @param scratch `gemmScratchBytes(n, k, direct)` bytes, 16-byte aligned, private to the caller.
 */
export function gemmF32(
  a: usize, lda: i32, transA: i32,
  b: usize, ldb: i32, transB: i32,
  c: usize, ldc: i32,
  m: i32, n: i32, k: i32,
  scale: usize, shift: usize, act: i32, accumulate: i32, direct: i32,
  start: i32, end: i32, scratch: usize,
): void {
  gemm(a, lda, transA, b, ldb, transB, c, ldc, m, n, k, scale, shift, act, accumulate, start, end, scratch, 0, direct !== 0);
}

/**
 * `gemmF32` split the other way: work units are panels of 8 columns of C (`[start, end)` covers columns
 * `[8 start, min(8 end, n))`, all rows). Each call packs only its own columns of B, so a split of few
 * rows and many columns (a 7×7×1024 layer) does not pack all of B once per call; the arithmetic of every
 * element is the same as in `gemmF32` (given the same `direct`, decided on the whole product), so the
 * results are bit-identical to it. Same scratch size.
 */
export function gemmF32Cols(
  a: usize, lda: i32, transA: i32,
  b: usize, ldb: i32, transB: i32,
  c: usize, ldc: i32,
  m: i32, n: i32, k: i32,
  scale: usize, shift: usize, act: i32, accumulate: i32, direct: i32,
  start: i32, end: i32, scratch: usize,
): void {
  const j0 = start * NR;
  const j1 = min(end * NR, n);
  if (j0 >= j1 || m <= 0) return;
  const jb = <usize>j0 << 2;
  const bOff: usize = transB !== 0 ? <usize>j0 * (<usize>ldb << 2) : jb;
  gemm(
    a, lda, transA, b + bOff, ldb, transB, c + jb, ldc, m, j1 - j0, k,
    scale !== 0 ? scale + jb : 0, shift !== 0 ? shift + jb : 0, act, accumulate, 0, m, scratch, 0,
    direct !== 0,
  );
}

/** Bytes of private scratch one thread needs for `conv2dNhwcF32` (any range). */
export function conv2dScratchBytes(pixels: i32, filters: i32, patch: i32): usize {
  const np = roundUp(max(filters, 1), NR);
  const kc = min(max(patch, 1), KC);
  return TILE_BYTES + 2 * (<usize>np << 2) + <usize>kc * min(np, NC) * 4 + <usize>MB * kc * 4;
}

/**
 * A general NHWC convolution with one group as a GEMM over im2col rows: `out[P, F] = act(cols[P, K] ·
 * kernel[K, F] * scale + shift)` with `P` the output pixels (all images), `K = kh·kw·C` in the kernel's
 * `[kh, kw, C, F]` order. The im2col rows are built chunk by chunk in scratch (zeros for padding), never
 * for the whole image. Work units: output pixels.
 *
 * @param geometry GEOMETRY_WORDS i32 words (the G_* offsets of shared/boundary.ts), read only.
 * @param scratch `conv2dScratchBytes(pixels, filters, kh * kw * C)` bytes, private to the caller.
 */
export function conv2dNhwcF32(
  x: usize, kernel: usize, out: usize, geometry: usize, pixels: i32, filters: i32,
  scale: usize, shift: usize, act: i32,
  start: i32, end: i32, scratch: usize,
): void {
  const patch = word(geometry, G_K_H) * word(geometry, G_K_W) * word(geometry, G_IN_C);
  gemm(x, patch, 0, kernel, filters, 0, out, filters, pixels, filters, patch, scale, shift, act, 0, start, end, scratch, geometry, false);
}

/** Bytes of private scratch one thread needs for `conv2dBackwardKernelNhwcF32` (any range). */
export function conv2dBackwardKernelScratchBytes(pixels: i32, filters: i32, patch: i32): usize {
  const np = roundUp(max(filters, 1), NR);
  const kb = min(max(pixels, 1), pixelBlock(patch));
  return TILE_BYTES + 2 * (<usize>np << 2) + <usize>kb * min(np, NC) * 4 + <usize>kb * max(patch, 1) * 4;
}

/**
 * The kernel gradient of the convolution `conv2dNhwcF32` computes: `dkernel[K, F] = cols[P, K]ᵀ ·
 * dy[P, F]` (overwritten), the pixels being the contracted length; im2col rows are built per block of
 * pixels in scratch. Work units: blocks of 32 rows of `dkernel` (patch columns `(ky, kx, c)`); every call
 * builds the im2col blocks it reads itself, so units are coarse to keep that repeated work small (a
 * first layer's 27-column patch is one unit: it runs on one thread).
 *
 * @param scratch `conv2dBackwardKernelScratchBytes(pixels, filters, kh * kw * C)` bytes, private.
 */
export function conv2dBackwardKernelNhwcF32(
  x: usize, dy: usize, dkernel: usize, geometry: usize, pixels: i32, filters: i32,
  start: i32, end: i32, scratch: usize,
): void {
  const patch = word(geometry, G_K_H) * word(geometry, G_K_W) * word(geometry, G_IN_C);
  const r0 = start * KERNEL_ROWS_PER_UNIT;
  const r1 = min(end * KERNEL_ROWS_PER_UNIT, patch);
  gemm(x, patch, 1, dy, filters, 0, dkernel, filters, patch, filters, pixels, 0, 0, 0, 0, r0, r1, scratch, geometry, false);
}

/**
 * The blocked product; with `geometry` nonzero, A is the im2col matrix of the image at `a` (transposed
 * when `transA`). `direct`: read B in place, row by row (`rowsDirect`; plain products only).
 */
function gemm(
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
  // A transposed over an image: the im2col block of a K block's pixels, all patch columns, is built
  // once per K block (the K block is kept small enough for that to fit a few hundred KB).
  const colsT = geometry !== 0 && transA !== 0;
  const kb = colsT ? pixelBlock(lda) : KC;
  const cols = packed + <usize>min(max(k, 1), kb) * min(np, NC) * 4;

  for (let pc = 0; ; pc += kb) {
    const kc = min(kb, k - pc);
    const load = accumulate !== 0 || pc > 0;
    const last = pc + kc >= k;
    if (colsT) im2colRows(a, geometry, pc, pc + kc, 0, lda, cols);
    for (let jc = 0; jc < n; jc += NC) {
      const nc = min(NC, n - jc);
      packB(b, ldb, transB, pc, kc, jc, nc, packed);
      if (geometry === 0) {
        rowTiles(a + <usize>pc * aK, aRow, aK, start, end, c, ldcB, n, jc, nc, kc, packed, load, last, sOff, hOff, act, tile);
      } else if (colsT) {
        rowTiles(cols, 4, <usize>lda << 2, start, end, c, ldcB, n, jc, nc, kc, packed, load, last, sOff, hOff, act, tile);
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

/** Pixels per K block of the kernel gradient: about 64K floats of im2col rows, 16 to KC pixels. */
function pixelBlock(patch: i32): i32 {
  return max(16, min(KC, (65536 / max(patch, 1)) & ~3));
}

/**
 * Rows `[i0, i1)` of C (row i at `cBase + i * ldcB`) for one packed (K block × N block) of B: 4×8 tiles,
 * then leftover rows one at a time, four panels per pass to keep eight accumulator chains in flight.
 * Row i of A's K block starts at `aBase + i * aRow`.
 */
function rowTiles(
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

