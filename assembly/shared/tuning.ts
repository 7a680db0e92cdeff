/**
 * Measured thresholds and tile sizes of the kernels. The kernel manifest (src/kernels/wasm/manifest.ts)
 * selects paths with them and the tests generate cases around them; like `boundary.ts`, every
 * `export const` here is emitted into `src/kernels/wasm/generated/constants.ts` (see that file's header).
 * Measurements are on the 2-core reference machine (Zen 3), one thread, unless said otherwise.
 */

/** Above this channel count the 3x3 row path computes one pixel at a time (pixels 2 KiB apart alias in L1). */
export const BLOCK_CHANNELS_MAX = 512;

/**
 * Channel-tiled forwards: at most TILE_CHANNELS_MAX channels per tile (a ring of three padded rows of 64
 * channels stays in L1 up to ~28 pixels wide); a strided 3x3 takes tiles of up to
 * TILE_CHANNELS_MAX_STRIDED, so 128 channels copy their rows once (measured on MobileNetV1 layers:
 * 112x112x64 and 56x56x128 stride 2 batch 8 1.5x and 1.05x faster than the row path, 28x28x256 1.05x
 * faster than with tiles of 64).
 */
export const TILE_CHANNELS_MAX = 64;
export const TILE_CHANNELS_MAX_STRIDED = 128;
/** The tiled paths are taken from this many channels at stride 1 ... */
export const TILE_CHANNELS_MIN = 32;
/** ... and from this many at other strides. */
export const TILE_CHANNELS_MIN_STRIDED = 64;
/**
 * Windows of more than nine taps (5x5, 7x7) reuse each loaded column across four pixels, which beats the
 * row path from 4 channels at stride 1 (56x56x4 7x7: 1.5x) and 8 otherwise.
 */
export const TILE_CHANNELS_MIN_LARGE = 4;
export const TILE_CHANNELS_MIN_LARGE_STRIDED = 8;

/** GEMM register tile: MR rows by NR columns of accumulators (eight v128 registers). */
export const GEMM_MR = 4;
export const GEMM_NR = 8;
/** GEMM K block: the packed B block is at most GEMM_KC x GEMM_NC floats. */
export const GEMM_KC = 512;
/** GEMM N block: KC x NC x 4 bytes = 256 KB, half the L2. */
export const GEMM_NC = 128;
/**
 * Reading an untransposed B in place pays for B once per row of C; packing pays K x N once. In place wins
 * below GEMM_DIRECT_ROWS_FEW rows, and below GEMM_DIRECT_ROWS when rows of C are at least
 * GEMM_DIRECT_MIN_COLUMNS long (at N = 16 the in-place sweep is all loop overhead).
 */
export const GEMM_DIRECT_ROWS_FEW = 4;
export const GEMM_DIRECT_ROWS = 16;
export const GEMM_DIRECT_MIN_COLUMNS = 128;
/** Output pixels whose im2col rows are built per chunk (a chunk is GEMM_MB x GEMM_KC floats of scratch). */
export const GEMM_MB = 64;
/**
 * The conv2d kernel gradient (`conv2dBackwardKernelNhwcF32`) builds im2col rows for blocks of
 * KERNEL_PIXEL_BLOCK pixels and at most KERNEL_COLUMNS_CHUNK patch columns at a time; the chunk's
 * `[F, columns]` accumulator stays in scratch across the pixel blocks.
 */
export const KERNEL_PIXEL_BLOCK = 256;
export const KERNEL_COLUMNS_CHUNK = 128;
