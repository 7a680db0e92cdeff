/**
 * Float32 matrix products (GEMM) in AssemblyScript with 128-bit SIMD, for the pointwise (1×1)
 * convolutions, dense layers, general NHWC convolutions over im2col rows, and their backward passes. This
 * entry holds the plain products; the blocked loop nest is `gemm/blocked.ts`, the convolution exports
 * `gemm/conv.ts`, the register tiles `gemm/micro.ts`, packing `gemm/pack.ts`, im2col rows `gemm/im2col.ts`.
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
 *   - K is cut into blocks of KC (2·KC for at most NC / 2 columns) so the packed block fits in scratch;
 *     partial sums go through C, and the epilogue is applied once, after the last block.
 *
 * Threading: `gemmF32` splits rows of C, `gemmF32Cols` 8-column panels, the convolution exports output
 * (or input-gradient) pixels or kernel-gradient rows. Every element of C is computed by the same sequence of float
 * operations whatever range it falls in (the K blocks, the k order and the in-place/packed choice do not
 * depend on the range), so any split gives bit-identical results; each call writes only its own part of C.
 */

import { GEMM_NC as NC, GEMM_NR as NR } from './shared/tuning';
import { TILE_BYTES, gemm, kBlock, roundUp } from './gemm/blocked';

export {
  conv2dNhwcF32, conv2dScratchBytes, conv2dBackwardKernelNhwcF32, conv2dBackwardKernelScratchBytes, conv2dTransposeKernel,
} from './gemm/conv';

/**
 * Bytes of private scratch one thread needs for `gemmF32` / `gemmF32Cols` with these sizes (the same for
 * any range). `direct`: B is read in place (the manifest's `direct-B` entries), so nothing is packed.
 */
export function gemmScratchBytes(n: i32, k: i32, direct: i32): usize {
  const np = roundUp(max(n, 1), NR);
  const kc = min(max(k, 1), kBlock(np));
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
