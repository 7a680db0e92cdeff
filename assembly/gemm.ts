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

const MR = 4;
const NR = 8;
/** K block: the packed B block is at most KC × NC floats. */
const KC = 512;
/** N block: KC × NC × 4 bytes = 256 KB, half the L2. */
const NC = 128;
/** Below this many rows (and with wide rows of C) an untransposed B is read in place; see usesDirectB. */
const DIRECT_ROWS = 16;

const ACT_RELU = 1;
const ACT_RELU6 = 2;

/** Bytes of the edge tile buffer at the start of scratch. */
const TILE_BYTES: usize = MR * NR * 4;

/** Marker export: the GEMM entry is linked into the module. */
export function gemmVersion(): i32 {
  return 2;
}

function roundUp(x: i32, to: i32): i32 {
  return ((x + to - 1) / to) * to;
}

/**
 * Bytes of private scratch one thread needs for `gemmF32` with these sizes (the same for any row range).
 */
export function gemmScratchBytes(m: i32, n: i32, k: i32, transB: i32): usize {
  const np = roundUp(max(n, 1), NR);
  const kc = min(max(k, 1), KC);
  const nc = min(np, NC);
  const packed: usize = usesDirectB(m, n, transB) ? 0 : <usize>kc * nc * 4;
  return TILE_BYTES + 2 * (<usize>np << 2) + packed;
}

/**
 * Whether B is read in place, row by row (`rowsDirect`), rather than packed. Reading in place pays for
 * B once per row of C; packing pays K·N once. Measured on Zen 3: in place wins below 4 rows, and up to
 * DIRECT_ROWS rows when rows of C are long (at N = 16 the in-place sweep is all loop overhead).
 */
function usesDirectB(m: i32, n: i32, transB: i32): bool {
  return transB === 0 && (m < 4 || (m < DIRECT_ROWS && n >= 128));
}

/**
 * relu / relu6 with the pseudo-min/max (`pmax(v, 0) = v < 0 ? 0 : v`), one `maxps`/`minps` each on x64,
 * where the IEEE `f32x4.max`/`min` take several instructions to order NaN and -0. A NaN input stays NaN,
 * as it must.
 */
@inline
function activate(v: v128, act: i32): v128 {
  if (act === ACT_RELU) return f32x4.pmax(v, f32x4.splat(0));
  if (act === ACT_RELU6) return f32x4.pmin(f32x4.pmax(v, f32x4.splat(0)), f32x4.splat(6));
  return v;
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
 * @param scratch `gemmScratchBytes(m, n, k, transB)` bytes, 16-byte aligned, private to the caller.
 */
export function gemmF32(
  a: usize, lda: i32, transA: i32,
  b: usize, ldb: i32, transB: i32,
  c: usize, ldc: i32,
  m: i32, n: i32, k: i32,
  scale: usize, shift: usize, act: i32, accumulate: i32,
  start: i32, end: i32, scratch: usize,
): void {
  gemm(a, lda, transA, b, ldb, transB, c, ldc, m, n, k, scale, shift, act, accumulate, start, end, scratch, 0, usesDirectB(m, n, transB));
}

/**
 * `gemmF32` split the other way: work units are panels of 8 columns of C (`[start, end)` covers columns
 * `[8 start, min(8 end, n))`, all rows). Each call packs only its own columns of B, so a split of few
 * rows and many columns (a 7×7×1024 layer) does not pack all of B once per call; the arithmetic of every
 * element is the same as in `gemmF32`, so the results are bit-identical to it. Same scratch size.
 */
export function gemmF32Cols(
  a: usize, lda: i32, transA: i32,
  b: usize, ldb: i32, transB: i32,
  c: usize, ldc: i32,
  m: i32, n: i32, k: i32,
  scale: usize, shift: usize, act: i32, accumulate: i32,
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
    usesDirectB(m, n, transB), // decided on the whole product, as gemmF32 does
  );
}

// Words of the convolution geometry block `conv2dNhwcF32` reads.
const G_IN_H = 0;
const G_IN_W = 1;
const G_IN_C = 2;
const G_K_H = 3;
const G_K_W = 4;
const G_S_H = 5;
const G_S_W = 6;
const G_D_H = 7;
const G_D_W = 8;
const G_PAD_T = 9;
const G_PAD_L = 10;
const G_OUT_H = 11;
const G_OUT_W = 12;

/** Output pixels whose im2col rows are built per chunk (a chunk is MB × KC floats of scratch). */
const MB = 64;

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
 * @param geometry 13 i32 words: inH, inW, C, kh, kw, strideH, strideW, dilationH,
 *   dilationW, padTop, padLeft, outH, outW (read only).
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

/** Rows of the kernel gradient per work unit of `conv2dBackwardKernelNhwcF32`. */
const KERNEL_ROWS_PER_UNIT = 32;

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

function word(p: usize, w: i32): i32 {
  return load<i32>(p + (<usize>w << 2));
}

/**
 * The blocked product; with `geometry` nonzero, A is the im2col matrix of the image at `a` (transposed
 * when `transA`). `direct`: read B in place, row by row (see usesDirectB; plain products only).
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

/**
 * im2col rows of output pixels `[i0, i1)`, patch columns `[pc, pc + kc)`, into `dst` (row stride kc):
 * the `[kh, kw, C]` window of each pixel, zeros where it lies in the padding.
 */
function im2colRows(x: usize, g: usize, i0: i32, i1: i32, pc: i32, kc: i32, dst: usize): void {
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

/** Copies a `rows × cols` float block between row strides (bytes). */
function copyTile(src: usize, srcStride: usize, dst: usize, dstStride: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    memory.copy(dst + <usize>r * dstStride, src + <usize>r * srcStride, <usize>cols << 2);
  }
}

/**
 * Packs `op(B)[pc .. pc+kc, jc .. jc+nc]` into panels of NR columns, each `[kc][NR]`, zero-padding the
 * columns past `nc` in the last panel.
 */
function packB(b: usize, ldb: i32, transB: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  const ldbB = <usize>ldb << 2;
  for (let jp = 0; jp < nc; jp += NR) {
    const cols = min(NR, nc - jp);
    let d = dst + <usize>(jp * kc) * 4;
    if (transB === 0) {
      let s = b + <usize>pc * ldbB + (<usize>(jc + jp) << 2);
      if (cols === NR) {
        for (let q = 0; q < kc; q++) {
          v128.store(d, v128.load(s));
          v128.store(d, v128.load(s, 16), 16);
          s += ldbB;
          d += NR * 4;
        }
      } else {
        for (let q = 0; q < kc; q++) {
          v128.store(d, f32x4.splat(0));
          v128.store(d, f32x4.splat(0), 16);
          memory.copy(d, s, <usize>cols << 2);
          s += ldbB;
          d += NR * 4;
        }
      }
    } else {
      // Storage [n, k]: column j of op(B) is row j of the storage, contiguous in k.
      const s0 = b + <usize>(jc + jp) * ldbB + (<usize>pc << 2);
      if (cols === NR) {
        packTransposed8(s0, ldbB, kc, d);
      } else {
        for (let q = 0; q < kc; q++) {
          for (let j = 0; j < NR; j++) {
            store<f32>(d + (<usize>j << 2), j < cols ? load<f32>(s0 + <usize>j * ldbB + (<usize>q << 2)) : 0);
          }
          d += NR * 4;
        }
      }
    }
  }
}

/** Eight rows of a `[n, k]` storage (row stride `ldbB` bytes) into one `[kc][8]` panel, 4×4 blocks at a time. */
function packTransposed8(s0: usize, ldbB: usize, kc: i32, d: usize): void {
  let q = 0;
  for (; q + 4 <= kc; q += 4) {
    const s = s0 + (<usize>q << 2);
    for (let h: usize = 0; h < 2; h++) {
      const r = s + 4 * h * ldbB;
      const x0 = v128.load(r);
      const x1 = v128.load(r + ldbB);
      const x2 = v128.load(r + 2 * ldbB);
      const x3 = v128.load(r + 3 * ldbB);
      // 4×4 transpose: t0 = (x0[0], x1[0], x0[1], x1[1]) ...
      const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
      const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
      const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
      const o = d + 16 * h;
      v128.store(o, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
      v128.store(o + NR * 4, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
      v128.store(o + 2 * NR * 4, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
      v128.store(o + 3 * NR * 4, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
    }
    d += 4 * NR * 4;
  }
  for (; q < kc; q++) {
    const s = s0 + (<usize>q << 2);
    for (let j = 0; j < NR; j++) store<f32>(d + (<usize>j << 2), load<f32>(s + <usize>j * ldbB));
    d += NR * 4;
  }
}

/**
 * One MR × NR tile: accumulators start from C (`load`) or zero, take `kc` rank-1 updates (row r of A
 * at `a_r`, advancing `aK` bytes per k; 8 B values at `bp`, advancing `bStep`), and are stored with the
 * epilogue when `last`, else raw.
 */
@inline
function microTile(
  a0: usize, a1: usize, a2: usize, a3: usize, aK: usize,
  bp: usize, bStep: usize, kc: i32,
  cp: usize, ldcB: usize, load: bool, last: bool,
  sp: usize, hp: usize, act: i32,
): void {
  let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
  if (load) {
    c00 = v128.load(cp); c01 = v128.load(cp, 16);
    c10 = v128.load(cp + ldcB); c11 = v128.load(cp + ldcB, 16);
    c20 = v128.load(cp + 2 * ldcB); c21 = v128.load(cp + 2 * ldcB, 16);
    c30 = v128.load(cp + 3 * ldcB); c31 = v128.load(cp + 3 * ldcB, 16);
  } else {
    c00 = f32x4.splat(0); c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00; c30 = c00; c31 = c00;
  }
  for (let q = 0; q < kc; q++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let x = v128.load32_splat(a0);
    c00 = f32x4.add(c00, f32x4.mul(x, b0));
    c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(a1);
    c10 = f32x4.add(c10, f32x4.mul(x, b0));
    c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(a2);
    c20 = f32x4.add(c20, f32x4.mul(x, b0));
    c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(a3);
    c30 = f32x4.add(c30, f32x4.mul(x, b0));
    c31 = f32x4.add(c31, f32x4.mul(x, b1));
    a0 += aK; a1 += aK; a2 += aK; a3 += aK;
    bp += bStep;
  }
  if (last) {
    if (sp !== 0) {
      const s0 = v128.load(sp);
      const s1 = v128.load(sp, 16);
      c00 = f32x4.mul(c00, s0); c01 = f32x4.mul(c01, s1);
      c10 = f32x4.mul(c10, s0); c11 = f32x4.mul(c11, s1);
      c20 = f32x4.mul(c20, s0); c21 = f32x4.mul(c21, s1);
      c30 = f32x4.mul(c30, s0); c31 = f32x4.mul(c31, s1);
    }
    if (hp !== 0) {
      const h0 = v128.load(hp);
      const h1 = v128.load(hp, 16);
      c00 = f32x4.add(c00, h0); c01 = f32x4.add(c01, h1);
      c10 = f32x4.add(c10, h0); c11 = f32x4.add(c11, h1);
      c20 = f32x4.add(c20, h0); c21 = f32x4.add(c21, h1);
      c30 = f32x4.add(c30, h0); c31 = f32x4.add(c31, h1);
    }
    if (act !== 0) {
      c00 = activate(c00, act); c01 = activate(c01, act);
      c10 = activate(c10, act); c11 = activate(c11, act);
      c20 = activate(c20, act); c21 = activate(c21, act);
      c30 = activate(c30, act); c31 = activate(c31, act);
    }
  }
  v128.store(cp, c00); v128.store(cp, c01, 16);
  v128.store(cp + ldcB, c10); v128.store(cp + ldcB, c11, 16);
  v128.store(cp + 2 * ldcB, c20); v128.store(cp + 2 * ldcB, c21, 16);
  v128.store(cp + 3 * ldcB, c30); v128.store(cp + 3 * ldcB, c31, 16);
}

@inline
function epilogue(v: v128, s: usize, h: usize, act: i32): v128 {
  if (s !== 0) v = f32x4.mul(v, v128.load(s));
  if (h !== 0) v = f32x4.add(v, v128.load(h));
  return activate(v, act);
}

/** One row × 8 columns; as `microTile`. */
function microRow1(
  a0: usize, aK: usize, bp: usize, bStep: usize, kc: i32,
  cp: usize, load: bool, last: bool, sp: usize, hp: usize, act: i32,
): void {
  let c0: v128, c1: v128;
  if (load) {
    c0 = v128.load(cp); c1 = v128.load(cp, 16);
  } else {
    c0 = f32x4.splat(0); c1 = c0;
  }
  for (let q = 0; q < kc; q++) {
    const x = v128.load32_splat(a0);
    c0 = f32x4.add(c0, f32x4.mul(x, v128.load(bp)));
    c1 = f32x4.add(c1, f32x4.mul(x, v128.load(bp, 16)));
    a0 += aK;
    bp += bStep;
  }
  if (last) {
    c0 = epilogue(c0, sp, hp, act);
    c1 = epilogue(c1, sp !== 0 ? sp + 16 : 0, hp !== 0 ? hp + 16 : 0, act);
  }
  v128.store(cp, c0); v128.store(cp, c1, 16);
}

/**
 * One row × four full panels (32 columns): panel t's 8 values for step k are at `bp + t * panel`, and
 * its 8 outputs at `cp + 32 t`.
 */
function microRow4(
  a0: usize, aK: usize, bp: usize, bStep: usize, panel: usize, kc: i32,
  cp: usize, load: bool, last: bool, sp: usize, hp: usize, act: i32,
): void {
  let c0: v128, c1: v128, c2: v128, c3: v128, c4: v128, c5: v128, c6: v128, c7: v128;
  if (load) {
    c0 = v128.load(cp); c1 = v128.load(cp, 16); c2 = v128.load(cp, 32); c3 = v128.load(cp, 48);
    c4 = v128.load(cp, 64); c5 = v128.load(cp, 80); c6 = v128.load(cp, 96); c7 = v128.load(cp, 112);
  } else {
    c0 = f32x4.splat(0); c1 = c0; c2 = c0; c3 = c0; c4 = c0; c5 = c0; c6 = c0; c7 = c0;
  }
  let b1 = bp + panel;
  let b2 = b1 + panel;
  let b3 = b2 + panel;
  for (let q = 0; q < kc; q++) {
    const x = v128.load32_splat(a0);
    c0 = f32x4.add(c0, f32x4.mul(x, v128.load(bp)));
    c1 = f32x4.add(c1, f32x4.mul(x, v128.load(bp, 16)));
    c2 = f32x4.add(c2, f32x4.mul(x, v128.load(b1)));
    c3 = f32x4.add(c3, f32x4.mul(x, v128.load(b1, 16)));
    c4 = f32x4.add(c4, f32x4.mul(x, v128.load(b2)));
    c5 = f32x4.add(c5, f32x4.mul(x, v128.load(b2, 16)));
    c6 = f32x4.add(c6, f32x4.mul(x, v128.load(b3)));
    c7 = f32x4.add(c7, f32x4.mul(x, v128.load(b3, 16)));
    a0 += aK;
    bp += bStep; b1 += bStep; b2 += bStep; b3 += bStep;
  }
  if (last) {
    const s = sp !== 0 ? 16 : 0;
    const h = hp !== 0 ? 16 : 0;
    c0 = epilogue(c0, sp, hp, act);
    c1 = epilogue(c1, sp + s, hp + h, act);
    c2 = epilogue(c2, sp + 2 * s, hp + 2 * h, act);
    c3 = epilogue(c3, sp + 3 * s, hp + 3 * h, act);
    c4 = epilogue(c4, sp + 4 * s, hp + 4 * h, act);
    c5 = epilogue(c5, sp + 5 * s, hp + 5 * h, act);
    c6 = epilogue(c6, sp + 6 * s, hp + 6 * h, act);
    c7 = epilogue(c7, sp + 7 * s, hp + 7 * h, act);
  }
  v128.store(cp, c0); v128.store(cp, c1, 16); v128.store(cp, c2, 32); v128.store(cp, c3, 48);
  v128.store(cp, c4, 64); v128.store(cp, c5, 80); v128.store(cp, c6, 96); v128.store(cp, c7, 112);
}

/**
 * Few rows, B untransposed: packing B would cost as much as the product, and walking B down its columns
 * (as the tiles do) strides a page per step, which defeats the hardware prefetcher. So each row of C is
 * built as a sum of rows of B scaled by A's elements (`C[i, :] += A[i, q] * B[q, :]`), four rows of B per
 * sweep, all read front to back. Every element still sees `acc += a * b` in k order, as in the tiles.
 */
function rowsDirect(
  a: usize, aRow: usize, aK: usize, b: usize, ldb: i32, c: usize, ldcB: usize,
  n: i32, k: i32, sp: usize, hp: usize, act: i32, accumulate: i32, start: i32, end: i32,
): void {
  const ldbB = <usize>ldb << 2;
  const n4 = n & ~3;
  const nB = <usize>n << 2;
  for (let i = start; i < end; i++) {
    const cr = c + <usize>i * ldcB;
    if (accumulate === 0) memory.fill(cr, 0, nB);
    let ap = a + <usize>i * aRow;
    let br = b;
    let q = 0;
    for (; q + 4 <= k; q += 4) {
      const x0 = v128.load32_splat(ap);
      const x1 = v128.load32_splat(ap + aK);
      const x2 = v128.load32_splat(ap + 2 * aK);
      const x3 = v128.load32_splat(ap + 3 * aK);
      const s0 = load<f32>(ap);
      const s1 = load<f32>(ap + aK);
      const s2 = load<f32>(ap + 2 * aK);
      const s3 = load<f32>(ap + 3 * aK);
      const b1 = br + ldbB;
      const b2 = b1 + ldbB;
      const b3 = b2 + ldbB;
      let j: usize = 0;
      for (; j < <usize>n4 << 2; j += 16) {
        let v = v128.load(cr + j);
        v = f32x4.add(v, f32x4.mul(x0, v128.load(br + j)));
        v = f32x4.add(v, f32x4.mul(x1, v128.load(b1 + j)));
        v = f32x4.add(v, f32x4.mul(x2, v128.load(b2 + j)));
        v = f32x4.add(v, f32x4.mul(x3, v128.load(b3 + j)));
        v128.store(cr + j, v);
      }
      for (; j < nB; j += 4) {
        let v = load<f32>(cr + j);
        v += s0 * load<f32>(br + j);
        v += s1 * load<f32>(b1 + j);
        v += s2 * load<f32>(b2 + j);
        v += s3 * load<f32>(b3 + j);
        store<f32>(cr + j, v);
      }
      ap += 4 * aK;
      br += 4 * ldbB;
    }
    for (; q < k; q++) {
      const x = v128.load32_splat(ap);
      const s = load<f32>(ap);
      let j: usize = 0;
      for (; j < <usize>n4 << 2; j += 16) v128.store(cr + j, f32x4.add(v128.load(cr + j), f32x4.mul(x, v128.load(br + j))));
      for (; j < nB; j += 4) store<f32>(cr + j, load<f32>(cr + j) + s * load<f32>(br + j));
      ap += aK;
      br += ldbB;
    }
    if (sp !== 0 || hp !== 0 || act !== 0) epilogueRow(cr, n, sp, hp, act);
  }
}

/** Applies the epilogue to one row of C in place; `sp`/`hp` are padded to whole panels. */
function epilogueRow(cr: usize, n: i32, sp: usize, hp: usize, act: i32): void {
  const n4 = n & ~3;
  let j = 0;
  for (; j < n4; j += 4) {
    const o = <usize>j << 2;
    v128.store(cr + o, epilogue(v128.load(cr + o), sp !== 0 ? sp + o : 0, hp !== 0 ? hp + o : 0, act));
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    let v = load<f32>(cr + o);
    if (sp !== 0) v *= load<f32>(sp + o);
    if (hp !== 0) v += load<f32>(hp + o);
    // The scalar forms of pmax/pmin, so -0 and NaN come out as in the vector lanes.
    if (act !== 0 && v < 0) v = 0;
    if (act === ACT_RELU6 && <f32>6 < v) v = 6;
    store<f32>(cr + o, v);
  }
}
