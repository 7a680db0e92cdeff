/**
 * General channels-last convolutions with one group (2D, and 3D through the geometry's depth words, which
 * are unit for 2D) as GEMMs over im2col rows (`./im2col.ts`), the forward pass, both gradients and the
 * kernel re-layout the input gradient needs:
 *
 * - forward: `out[P, F] = act(cols[P, K] · kernel[K, F] * scale + shift)`, `K = kd·kh·kw·C`;
 * - input gradient: the same export over `dy` with a transposed kernel `[kd, kh, kw, F, C]` (see
 *   `conv2dTransposeKernel`): at stride 1 as the forward convolution of `dy` with the kernel rotated by
 *   180 degrees (the wrapper writes that geometry), at other strides as a gather (mode IM2COL_GATHER);
 * - kernel gradient: `dkernel[K, F] = cols[P, K]ᵀ · dy[P, F]`, computed transposed (below).
 */
import { KERNEL_ROWS_PER_UNIT } from '../shared/boundary';
import { GEMM_MB as MB, GEMM_NC as NC, GEMM_NR as NR, KERNEL_COLUMNS_CHUNK as QC, KERNEL_PIXEL_BLOCK as PB } from '../shared/tuning';
import { TILE_BYTES, gemm, kBlock, roundUp, rowTiles } from './blocked';
import { im2colRows, patchColumns } from './im2col';
import { packB } from './pack';

/** Bytes of private scratch one thread needs for `conv2dNhwcF32` (any range). */
export function conv2dScratchBytes(pixels: i32, filters: i32, patch: i32): usize {
  const np = roundUp(max(filters, 1), NR);
  const kc = min(max(patch, 1), kBlock(np));
  return TILE_BYTES + 2 * (<usize>np << 2) + <usize>kc * min(np, NC) * 4 + <usize>MB * kc * 4;
}

/**
 * A general NHWC convolution with one group as a GEMM over im2col rows: `out[P, F] = act(cols[P, K] ·
 * kernel[K, F] * scale + shift)` with `P` the output pixels (all images), `K = kd·kh·kw·C` in the kernel's
 * `[kd, kh, kw, C, F]` order. The im2col rows are built chunk by chunk in scratch (zeros for padding), never
 * for the whole image. Also the input gradient (`x` = dy, `kernel` transposed per tap, see the file
 * comment). Work units: output pixels.
 *
 * @param geometry GEOMETRY_WORDS i32 words (the G_* offsets of shared/boundary.ts), read only.
 * @param scratch `conv2dScratchBytes(pixels, filters, kd * kh * kw * C)` bytes, private to the caller.
 */
export function conv2dNhwcF32(
  x: usize, kernel: usize, out: usize, geometry: usize, pixels: i32, filters: i32,
  scale: usize, shift: usize, act: i32,
  start: i32, end: i32, scratch: usize,
): void {
  const patch = patchColumns(geometry);
  gemm(x, patch, 0, kernel, filters, 0, out, filters, pixels, filters, patch, scale, shift, act, 0, start, end, scratch, geometry, false);
}

/**
 * `dst[t, f, c] = src[t', c, f]` for every tap `t < taps`, with `t' = taps − 1 − t` when `rotate` (the
 * 180-degree rotation of the window) else `t' = t`: the kernel `[kh, kw, C, F]` as the input gradient's
 * GEMM reads it, `[kh, kw, F, C]`. O(weights), one thread.
 */
export function conv2dTransposeKernel(src: usize, dst: usize, taps: i32, C: i32, F: i32, rotate: i32): void {
  const block = <usize>(C * F) << 2;
  for (let t = 0; t < taps; t++) {
    const s = src + <usize>(rotate !== 0 ? taps - 1 - t : t) * block;
    const d = dst + <usize>t * block;
    for (let f = 0; f < F; f++) {
      const row = d + (<usize>(f * C) << 2);
      for (let c = 0; c < C; c++) store<f32>(row + (<usize>c << 2), load<f32>(s + (<usize>(c * F + f) << 2)));
    }
  }
}

/** Bytes of private scratch one thread needs for `conv2dBackwardKernelNhwcF32` (any range). */
export function conv2dBackwardKernelScratchBytes(pixels: i32, filters: i32, patch: i32): usize {
  const qc = min(max(patch, 1), QC);
  const qcp = roundUp(qc, NR);
  const kb = min(max(pixels, 1), PB);
  return TILE_BYTES + <usize>kb * qc * 4 + <usize>kb * qcp * 4 + <usize>max(filters, 1) * qcp * 4;
}

/**
 * The kernel gradient of the convolution `conv2dNhwcF32` computes: `dkernel[K, F] = cols[P, K]ᵀ · dy[P, F]`
 * (overwritten), the P pixels being the contracted length. It is computed transposed, `dkᵀ[F, K] =
 * dyᵀ · cols`: `dy` is then A, read in place (the four rows of a register tile are four adjacent floats of
 * a `dy` pixel, one pixel per step), and the im2col rows are B, built and packed per block of KERNEL_PIXEL_BLOCK
 * pixels for a chunk of at most KERNEL_COLUMNS_CHUNK patch columns, whose `dkᵀ` block stays in scratch
 * across the pixel blocks and is transposed into `dkernel` at the end. Work units: blocks of
 * KERNEL_ROWS_PER_UNIT patch columns (rows of `dkernel`); each element sums the pixel blocks in order,
 * whatever the range, so any split gives the same bits.
 *
 * @param scratch `conv2dBackwardKernelScratchBytes(pixels, filters, kd * kh * kw * C)` bytes, private.
 */
export function conv2dBackwardKernelNhwcF32(
  x: usize, dy: usize, dkernel: usize, geometry: usize, pixels: i32, filters: i32,
  start: i32, end: i32, scratch: usize,
): void {
  const patch = patchColumns(geometry);
  const q0 = start * KERNEL_ROWS_PER_UNIT;
  const q1 = min(end * KERNEL_ROWS_PER_UNIT, patch);
  const F = filters;
  const tile = scratch;
  const cols = tile + TILE_BYTES;
  const qcMax = min(max(patch, 1), QC);
  const kbMax = min(max(pixels, 1), PB);
  const packed = cols + <usize>kbMax * qcMax * 4;
  const acc = packed + <usize>kbMax * roundUp(qcMax, NR) * 4;
  const dyRow = <usize>F << 2;
  if (pixels <= 0) {
    if (q1 > q0) memory.fill(dkernel + <usize>q0 * dyRow, 0, <usize>(q1 - q0) * dyRow);
    return;
  }
  for (let qa = q0; qa < q1; qa += QC) {
    const nq = min(QC, q1 - qa);
    const ldaccB = <usize>roundUp(nq, NR) << 2;
    for (let p0 = 0; p0 < pixels; p0 += PB) {
      const kb = min(PB, pixels - p0);
      im2colRows(x, geometry, p0, p0 + kb, qa, nq, cols);
      packB(cols, nq, 0, 0, kb, 0, nq, packed);
      // A = dyᵀ for this pixel block: row f at dy + f * 4, one pixel (F floats) per k step.
      rowTiles(dy + <usize>p0 * dyRow, 4, dyRow, 0, F, acc, ldaccB, nq, 0, nq, kb, packed, p0 > 0, false, 0, 0, 0, tile);
    }
    for (let q = 0; q < nq; q++) {
      const row = dkernel + <usize>(qa + q) * dyRow;
      const column = acc + (<usize>q << 2);
      for (let f = 0; f < F; f++) store<f32>(row + (<usize>f << 2), load<f32>(column + <usize>f * ldaccB));
    }
  }
}
