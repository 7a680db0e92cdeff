/**
 * The depthwise kernel variants: one entry per path the WebAssembly kernels can take, with the predicate
 * that selects it. `depthwise-conv2d.ts` selects through these predicates (and passes the entry's `code`
 * to the kernel, which only dispatches), the conformance suite builds cases around each entry's
 * boundaries, and the bench times each entry's example. The names follow XNNPACK's rule that a variant's
 * name is its contract: `f32 dwconv 3x3 channel-tiled s2 nhwc wasmsimd`.
 */
import type { DataFormat } from '../window.js';
import * as K from './generated/constants.js';
import type { ExportName } from './generated/exports.js';

/**
 * A depthwise geometry as the NHWC kernels see it: depth multiplier folded into `channels`, plus the
 * caller's data format and depth multiplier (which select the layout passes around the kernels).
 */
export interface DepthwiseGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  /** Input channels times the depth multiplier. */
  readonly channels: number;
  readonly kernelHeight: number;
  readonly kernelWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly padTop: number;
  readonly padBottom: number;
  readonly padLeft: number;
  readonly padRight: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly dataFormat: DataFormat;
  readonly depthMultiplier: number;
}

/** The wrapper slot an entry serves. */
export type DepthwiseOp = 'forward' | 'backwardInput' | 'backwardKernel' | 'backwardBias' | 'layout';

/** A representative call of an entry (it must select the entry; the bench times it, the tests start from it). */
export interface DepthwiseExample {
  /** `[N, H, W, C]` whatever the format (C: input channels). */
  readonly input: readonly [number, number, number, number];
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly depthMultiplier: number;
  readonly dataFormat: DataFormat;
}

export interface DepthwiseVariant {
  /** The contract: element type, operation, window, path, stride, layout, instruction set. */
  readonly name: string;
  readonly family: 'depthwise';
  readonly op: DepthwiseOp;
  /** How it computes: direct convolution, gather, a delegation, a layout pass. */
  readonly algorithm: 'direct' | 'gather' | 'rotated forward' | 'reduction' | 'layout';
  readonly layout: 'nhwc' | 'nchw' | 'nchw->nhwc' | 'nhwc->nchw';
  /** The geometry path, e.g. '3x3 unrolled', 'channel-tiled', 'generic row'. */
  readonly path: string;
  /** The strides (width) it serves: 1, 2, '3+' or 'any'. */
  readonly stride: 1 | 2 | '3+' | 'any';
  /** 128-bit SIMD (false: a scalar path). */
  readonly simd: boolean;
  /** The work units threads split (every entry runs through the thread pool). */
  readonly units: string;
  /** The export it runs. */
  readonly export: ExportName;
  /** The path code the kernel dispatches on (word P_PATH), or null when the export has one path. */
  readonly code: number | null;
  /** Channel counts (as the kernel sees them) where its behaviour or its neighbour's changes: tests go around them. */
  readonly channelBoundaries: readonly number[];
  readonly example: DepthwiseExample;
  /** Whether this entry runs for `g` (exactly one entry of each op holds, except `layout`). */
  selects(g: DepthwiseGeometry): boolean;
}

const is3x3 = (g: DepthwiseGeometry): boolean => g.kernelHeight === 3 && g.kernelWidth === 3;
const undilated = (g: DepthwiseGeometry): boolean => g.dilationHeight === 1 && g.dilationWidth === 1;

/** The channel count from which an undilated window runs channel-tiled (see assembly/shared/tuning.ts). */
export function tiledChannelsMin(g: DepthwiseGeometry): number {
  // More taps reuse each loaded column more often, so the copy pays off sooner.
  if (g.kernelHeight * g.kernelWidth > 9) return g.strideWidth === 1 ? K.TILE_CHANNELS_MIN_LARGE : K.TILE_CHANNELS_MIN_LARGE_STRIDED;
  return g.strideWidth === 1 ? K.TILE_CHANNELS_MIN : K.TILE_CHANNELS_MIN_STRIDED;
}

/** Whether the forward runs channel-tiled: undilated, no negative left padding, enough channels. */
export function isTiled(g: DepthwiseGeometry): boolean {
  return undilated(g) && g.padLeft >= 0 && g.channels >= tiledChannelsMin(g);
}

const strideIs = (s: DepthwiseVariant['stride']) => (g: DepthwiseGeometry): boolean =>
  s === 'any' || (s === '3+' ? g.strideWidth >= 3 : g.strideWidth === s);

const example = (
  input: DepthwiseExample['input'],
  kernel: DepthwiseExample['kernel'],
  stride: number,
  more: Partial<DepthwiseExample> = {},
): DepthwiseExample => ({ input, kernel, strides: [stride, stride], dilation: [1, 1], depthMultiplier: 1, dataFormat: 'channels_last', ...more });

const TILE_EDGES = [K.TILE_CHANNELS_MAX, 2 * K.TILE_CHANNELS_MAX, K.TILE_CHANNELS_MAX_STRIDED];

function tiled3x3(stride: 1 | 2 | '3+', code: number, ex: DepthwiseExample): DepthwiseVariant {
  return {
    name: `f32 dwconv 3x3 channel-tiled s${stride} nhwc wasmsimd`,
    family: 'depthwise', op: 'forward', algorithm: 'direct', layout: 'nhwc',
    path: '3x3 channel-tiled (ring of padded row copies, four-pixel blocks)', stride, simd: true,
    units: 'output rows', export: 'forwardNhwc', code,
    channelBoundaries: [stride === 1 ? K.TILE_CHANNELS_MIN : K.TILE_CHANNELS_MIN_STRIDED, ...TILE_EDGES, K.BLOCK_CHANNELS_MAX],
    example: ex,
    selects: (g) => is3x3(g) && isTiled(g) && strideIs(stride)(g),
  };
}

function tiledWindow(stride: 1 | 2 | '3+', code: number, ex: DepthwiseExample): DepthwiseVariant {
  const how = stride === 1 ? 'taps slide in pairs' : stride === 2 ? 'even and odd columns slide' : 'one load per tap';
  return {
    name: `f32 dwconv KxK channel-tiled s${stride} nhwc wasmsimd`,
    family: 'depthwise', op: 'forward', algorithm: 'direct', layout: 'nhwc',
    path: `window other than 3x3, channel-tiled (${how})`, stride, simd: true,
    units: 'output rows', export: 'forwardNhwc', code,
    channelBoundaries: [
      stride === 1 ? K.TILE_CHANNELS_MIN_LARGE : K.TILE_CHANNELS_MIN_LARGE_STRIDED,
      stride === 1 ? K.TILE_CHANNELS_MIN : K.TILE_CHANNELS_MIN_STRIDED,
      ...TILE_EDGES,
    ],
    example: ex,
    selects: (g) => !is3x3(g) && isTiled(g) && strideIs(stride)(g),
  };
}

function rowPath(
  name: string, path: string, code: number, simd: boolean, channelBoundaries: readonly number[], ex: DepthwiseExample,
  selects: (g: DepthwiseGeometry) => boolean,
): DepthwiseVariant {
  return {
    name, family: 'depthwise', op: 'forward', algorithm: 'direct', layout: 'nhwc', path, stride: 'any', simd,
    units: 'output rows', export: 'forwardNhwc', code, channelBoundaries, example: ex,
    selects: (g) => !isTiled(g) && selects(g),
  };
}

/** Every depthwise entry, forward paths first. */
export const DEPTHWISE_VARIANTS: readonly DepthwiseVariant[] = [
  tiled3x3(1, K.FORWARD_TILED_3X3_S1, example([1, 28, 28, 64], [3, 3], 1)),
  tiled3x3(2, K.FORWARD_TILED_3X3_S2, example([1, 56, 56, 128], [3, 3], 2)),
  tiled3x3('3+', K.FORWARD_TILED_3X3_SN, example([1, 42, 42, 128], [3, 3], 3)),
  tiledWindow(1, K.FORWARD_TILED_S1, example([1, 28, 28, 64], [5, 5], 1)),
  tiledWindow(2, K.FORWARD_TILED_S2, example([1, 56, 56, 64], [7, 7], 2)),
  tiledWindow('3+', K.FORWARD_TILED_SN, example([1, 42, 42, 64], [5, 5], 3)),
  rowPath(
    'f32 dwconv 3x3 unrolled-row nhwc wasmsimd', '3x3 row by row, four-pixel blocks, taps unrolled',
    K.FORWARD_ROW_3X3, true, [4, K.TILE_CHANNELS_MIN, K.TILE_CHANNELS_MIN_STRIDED, K.BLOCK_CHANNELS_MAX],
    example([1, 56, 56, 16], [3, 3], 1),
    (g) => is3x3(g) && g.channels >= 4 && g.channels < K.BLOCK_CHANNELS_MAX,
  ),
  rowPath(
    'f32 dwconv 3x3 unrolled-pixel c512+ nhwc wasmsimd', '3x3 row by row, one pixel at a time, tap-interleaved kernel',
    K.FORWARD_ROW_3X3_WIDE, true, [K.BLOCK_CHANNELS_MAX],
    example([1, 14, 14, 512], [3, 3], 1, { dilation: [2, 2] }),
    (g) => is3x3(g) && g.channels >= K.BLOCK_CHANNELS_MAX,
  ),
  rowPath(
    'f32 dwconv KxK generic-row nhwc wasmsimd', 'any other window row by row, four-pixel blocks, taps in loops',
    K.FORWARD_ROW_GENERIC, true, [4, K.TILE_CHANNELS_MIN_LARGE, K.TILE_CHANNELS_MIN_LARGE_STRIDED, K.TILE_CHANNELS_MIN],
    example([1, 28, 28, 32], [5, 5], 1, { dilation: [2, 2] }),
    (g) => !is3x3(g) && g.channels >= 4,
  ),
  rowPath(
    'f32 dwconv KxK scalar-row c<4 nhwc wasm', 'fewer than four channels, scalar, any window',
    K.FORWARD_ROW_SCALAR, false, [4],
    example([1, 56, 56, 3], [3, 3], 1),
    (g) => g.channels < 4,
  ),
  {
    name: 'f32 dwconv-dx s1 rotated-forward nhwc wasmsimd', family: 'depthwise', op: 'backwardInput',
    algorithm: 'rotated forward', layout: 'nhwc',
    path: 'the forward entry selected for the transposed geometry, with the kernel rotated 180 degrees',
    stride: 1, simd: true, units: 'input rows', export: 'forwardNhwc', code: null,
    channelBoundaries: [4, K.TILE_CHANNELS_MIN, K.TILE_CHANNELS_MAX],
    example: example([1, 28, 28, 64], [3, 3], 1),
    selects: (g) => g.strideHeight === 1 && g.strideWidth === 1,
  },
  {
    name: 'f32 dwconv-dx gather nhwc wasmsimd', family: 'depthwise', op: 'backwardInput', algorithm: 'gather', layout: 'nhwc',
    path: 'per input pixel, the taps whose sampling point it is', stride: 'any', simd: true, units: 'input rows',
    export: 'backwardInputNhwc', code: K.BACKWARD_INPUT_GATHER, channelBoundaries: [4],
    example: example([1, 56, 56, 64], [3, 3], 2),
    selects: (g) => !(g.strideHeight === 1 && g.strideWidth === 1) && g.channels >= 4,
  },
  {
    name: 'f32 dwconv-dx gather c<4 nhwc wasm', family: 'depthwise', op: 'backwardInput', algorithm: 'gather', layout: 'nhwc',
    path: 'the gather, scalar', stride: 'any', simd: false, units: 'input rows',
    export: 'backwardInputNhwc', code: K.BACKWARD_INPUT_GATHER_SCALAR, channelBoundaries: [4],
    example: example([1, 56, 56, 3], [3, 3], 2),
    selects: (g) => !(g.strideHeight === 1 && g.strideWidth === 1) && g.channels < 4,
  },
  {
    name: 'f32 dwconv-dw 3x3 nhwc wasmsimd', family: 'depthwise', op: 'backwardKernel', algorithm: 'reduction', layout: 'nhwc',
    path: '3x3: nine sums per channel group in registers', stride: 'any', simd: true, units: 'groups of 4 channels',
    export: 'backwardKernelNhwc', code: K.BACKWARD_KERNEL_3X3, channelBoundaries: [4, 8],
    example: example([2, 28, 28, 64], [3, 3], 1),
    selects: is3x3,
  },
  {
    name: 'f32 dwconv-dw KxK nhwc wasmsimd', family: 'depthwise', op: 'backwardKernel', algorithm: 'reduction', layout: 'nhwc',
    path: 'per tap, the in-bounds pixels of a row reduced in registers', stride: 'any', simd: true, units: 'groups of 4 channels',
    export: 'backwardKernelNhwc', code: K.BACKWARD_KERNEL_GENERIC, channelBoundaries: [4, 8],
    example: example([2, 28, 28, 64], [5, 5], 1),
    selects: (g) => !is3x3(g),
  },
  {
    name: 'f32 dwconv-db nhwc wasmsimd', family: 'depthwise', op: 'backwardBias', algorithm: 'reduction', layout: 'nhwc',
    path: 'channel groups of four across every pixel', stride: 'any', simd: true, units: 'groups of 4 channels',
    export: 'backwardBiasNhwc', code: null, channelBoundaries: [4, 8],
    example: example([8, 28, 28, 64], [3, 3], 1),
    selects: (g) => g.dataFormat === 'channels_last',
  },
  {
    name: 'f32 dwconv-db nchw wasmsimd', family: 'depthwise', op: 'backwardBias', algorithm: 'reduction', layout: 'nchw',
    path: 'a sum of contiguous planes per channel', stride: 'any', simd: true, units: 'channels',
    export: 'backwardBiasNchw', code: null, channelBoundaries: [4],
    example: example([8, 28, 28, 64], [3, 3], 1, { dataFormat: 'channels_first' }),
    selects: (g) => g.dataFormat === 'channels_first',
  },
  {
    name: 'f32 transpose nchw->nhwc 4x4 wasmsimd', family: 'depthwise', op: 'layout', algorithm: 'layout', layout: 'nchw->nhwc',
    path: 'channels-first operands into the NHWC kernels', stride: 'any', simd: true, units: 'tiles of 4 pixels',
    export: 'nchwToNhwc', code: null, channelBoundaries: [4],
    example: example([1, 56, 56, 64], [3, 3], 1, { dataFormat: 'channels_first' }),
    selects: (g) => g.dataFormat === 'channels_first',
  },
  {
    name: 'f32 transpose nhwc->nchw 4x4 wasmsimd', family: 'depthwise', op: 'layout', algorithm: 'layout', layout: 'nhwc->nchw',
    path: 'NHWC results back to channels-first', stride: 'any', simd: true, units: 'tiles of 4 pixels',
    export: 'nhwcToNchw', code: null, channelBoundaries: [4],
    example: example([1, 56, 56, 64], [3, 3], 1, { dataFormat: 'channels_first' }),
    selects: (g) => g.dataFormat === 'channels_first',
  },
  {
    name: 'f32 repeat-channels dm nhwc wasmsimd', family: 'depthwise', op: 'layout', algorithm: 'layout', layout: 'nhwc',
    path: 'each input channel repeated depthMultiplier times (shuffles for 2, splats for multiples of 4)', stride: 'any',
    simd: true, units: 'pixels', export: 'expandChannels', code: null, channelBoundaries: [4],
    example: example([1, 56, 56, 32], [3, 3], 1, { depthMultiplier: 2 }),
    selects: (g) => g.depthMultiplier > 1,
  },
  {
    name: 'f32 sum-channels dm nhwc wasmsimd', family: 'depthwise', op: 'layout', algorithm: 'layout', layout: 'nhwc',
    path: 'the input gradient of repeated channels folded back', stride: 'any', simd: true, units: 'pixels',
    export: 'reduceChannels', code: null, channelBoundaries: [4],
    example: example([1, 56, 56, 32], [3, 3], 1, { depthMultiplier: 2 }),
    selects: (g) => g.depthMultiplier > 1,
  },
];
