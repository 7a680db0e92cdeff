/**
 * The numbers both sides of the WebAssembly boundary must agree on: word offsets of the parameter blocks
 * the kernels read, the path codes the kernel manifest selects, activation codes and work-unit sizes.
 *
 * Defined here once. The kernels import them; `scripts/wasm-boundary.mjs` (run by `npm run build:wasm` and
 * `npm run typecheck`) emits each `export const` of this folder as a TypeScript constant into
 * `src/kernels/wasm/generated/constants.ts`, where the wrappers and the manifest read them. Each value is
 * a literal or an expression of earlier constants, so the generator can evaluate it.
 */

// ---- The depthwise params block: i32 words at `pp`, written by `writeParams` (src/kernels/wasm/depthwise-conv2d.ts).

/** Batch size N. */
export const P_BATCH = 0;
/** Input height H. */
export const P_IN_H = 1;
/** Input width W. */
export const P_IN_W = 2;
/** Channels C as the kernels see them (input channels times the depth multiplier). */
export const P_IN_C = 3;
/** Window height KH. */
export const P_K_H = 4;
/** Window width KW. */
export const P_K_W = 5;
/** Depth multiplier as the kernels see it: always 1 (the wrapper folds it into the channels). */
export const P_DM = 6;
export const P_S_H = 7;
export const P_S_W = 8;
export const P_D_H = 9;
export const P_D_W = 10;
export const P_PAD_T = 11;
export const P_PAD_B = 12;
export const P_PAD_L = 13;
export const P_PAD_R = 14;
export const P_OUT_H = 15;
export const P_OUT_W = 16;
/** Output channels (equal to P_IN_C). */
export const P_OUT_C = 17;
/** The path code (below) the kernel manifest selected for this call. */
export const P_PATH = 18;
/** Words in the depthwise params block. */
export const PARAM_WORDS = 19;

// ---- Depthwise path codes (word P_PATH), one per kernel-manifest entry that runs in forwardNhwc,
// backwardInputNhwc or backwardKernelNhwc. The manifest's predicates choose; the kernels only dispatch.

/** Fewer than four channels: scalar, any window. */
export const FORWARD_ROW_SCALAR = 0;
/** 3x3, row by row from the input, blocks of four pixels, the taps unrolled. */
export const FORWARD_ROW_3X3 = 1;
/** 3x3 over at least BLOCK_CHANNELS_MAX channels: one pixel at a time with a tap-interleaved kernel copy. */
export const FORWARD_ROW_3X3_WIDE = 2;
/** Any other window, row by row, blocks of four pixels, taps in loops. */
export const FORWARD_ROW_GENERIC = 3;
/** Undilated 3x3, channel-tiled on per-tile row copies, stride 1. */
export const FORWARD_TILED_3X3_S1 = 4;
/** Undilated 3x3, channel-tiled, stride 2. */
export const FORWARD_TILED_3X3_S2 = 5;
/** Undilated 3x3, channel-tiled, stride 3 or more. */
export const FORWARD_TILED_3X3_SN = 6;
/** Undilated window other than 3x3, channel-tiled, stride 1 (taps slide in pairs). */
export const FORWARD_TILED_S1 = 7;
/** Undilated window other than 3x3, channel-tiled, stride 2 (even and odd columns slide). */
export const FORWARD_TILED_S2 = 8;
/** Undilated window other than 3x3, channel-tiled, stride 3 or more (one load per tap and pixel). */
export const FORWARD_TILED_SN = 9;
/** Input gradient by gathering the taps that reach each input pixel, four channels per vector. */
export const BACKWARD_INPUT_GATHER = 10;
/** The same gather for fewer than four channels, scalar. */
export const BACKWARD_INPUT_GATHER_SCALAR = 11;
/** Kernel gradient of a 3x3 window: nine sums per channel group in registers. */
export const BACKWARD_KERNEL_3X3 = 12;
/** Kernel gradient of any other window: per tap, the row's pixels reduced in registers. */
export const BACKWARD_KERNEL_GENERIC = 13;

// ---- Fused activations (`act` arguments of the depthwise and GEMM kernels).

export const ACT_NONE = 0;
export const ACT_RELU = 1;
export const ACT_RELU6 = 2;

// ---- The convolution geometry block `conv2dNhwcF32` and `conv2dBackwardKernelNhwcF32` read: i32 words,
// written by `writeGeometry` (src/kernels/wasm/conv2d-geometry.ts). The rows of the im2col matrix are the
// G_OUT_D x G_OUT_H x G_OUT_W pixels of each image, read from a G_IN_D x G_IN_H x G_IN_W x G_IN_C source;
// word G_MODE says how a row is built from the source (IM2COL_* below). A 2D convolution is the case of a
// unit depth (G_IN_D = G_K_D = G_S_D = G_D_D = G_OUT_D = 1, G_PAD_F = 0), a 1D one also of a unit height.

export const G_IN_H = 0;
export const G_IN_W = 1;
export const G_IN_C = 2;
export const G_K_H = 3;
export const G_K_W = 4;
export const G_S_H = 5;
export const G_S_W = 6;
export const G_D_H = 7;
export const G_D_W = 8;
export const G_PAD_T = 9;
export const G_PAD_L = 10;
export const G_OUT_H = 11;
export const G_OUT_W = 12;
/** How rows are built: IM2COL_WINDOWS or IM2COL_GATHER. */
export const G_MODE = 13;
export const G_IN_D = 14;
export const G_K_D = 15;
export const G_S_D = 16;
export const G_D_D = 17;
/** Padding before the first depth slice. */
export const G_PAD_F = 18;
export const G_OUT_D = 19;
/** Words in the convolution geometry block. */
export const GEOMETRY_WORDS = 20;

/** Row = the `[kd, kh, kw, C]` window of the source under an output pixel (a forward convolution). */
export const IM2COL_WINDOWS = 0;
/**
 * Row = for each tap `(kz, ky, kx)` of a strided convolution, the source pixel (a `dy` pixel) whose window
 * put that tap on this row's pixel (an input pixel), or zeros: the input gradient as a gather.
 */
export const IM2COL_GATHER = 1;

// ---- Work units.

/** Elements per work unit of the activation kernels (the last unit is short). */
export const ACTIVATION_BLOCK = 1024;
/** Rows of the im2col kernel gradient per work unit of `conv2dBackwardKernelNhwcF32`. */
export const KERNEL_ROWS_PER_UNIT = 32;
/**
 * Channels per work unit of the pooling and resize backward passes (with the image): a unit scatters into
 * its own channels of `dx` only. A pixel's block is then 256 contiguous bytes; with blocks of 16 channels
 * (one cache line per pixel, 256 bytes apart) the lines a row touches fall into a quarter of the L1 sets
 * and evict each other: 2-8x slower, measured on 8x112x112x64.
 */
export const POOL_CHANNEL_BLOCK = 64;
/** Floats per work unit of the movement kernels' runs (copies, pads, repeats) and the axis sums. */
export const MOVE_BLOCK = 4096;
