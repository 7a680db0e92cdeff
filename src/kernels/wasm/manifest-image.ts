/**
 * The kernel variants of pooling, bilinear resize, the movement kernels (zero padding, block copies,
 * repeat) and the axis sum: the image-shaped families around the convolutions. Same role as the other
 * manifest files: the wrappers (`pool2d.ts`, `resize.ts`, `movement.ts`) select through these
 * predicates, the conformance suites require each entry to be selected, the bench times each example.
 * Channels-first images run the NHWC kernels between two SIMD transposes (the depthwise layout
 * exports), as the depthwise convolution does: one kernel per operation, every layout.
 */
import type { DataFormat } from '../window.js';
import * as K from './generated/constants.js';
import type { Described } from './manifest-gemm.js';

/** The pooling slot an entry serves. */
export type PoolOp = 'maxForward' | 'maxBackward' | 'avgForward' | 'avgBackward';

export interface Pool2dVariant extends Described {
  readonly family: 'pool2d';
  readonly op: PoolOp;
  /** `[N, H, W, C]` whatever the format, the window, strides and padding. */
  readonly example: {
    input: readonly [number, number, number, number];
    pool: readonly [number, number];
    strides: readonly [number, number];
    padding: 'valid' | 'same';
    dataFormat: DataFormat;
  };
  selects(c: { readonly dataFormat: DataFormat }): boolean;
}

export type ResizeOp = 'bilinearForward' | 'bilinearBackward';

export interface ResizeVariant extends Described {
  readonly family: 'resize';
  readonly op: ResizeOp;
  /** `[N, H, W, C]` whatever the format and the output size. */
  readonly example: { input: readonly [number, number, number, number]; size: readonly [number, number]; dataFormat: DataFormat };
  selects(c: { readonly dataFormat: DataFormat }): boolean;
}

/**
 * A movement call after the wrapper folded every axis that is whole on both sides into its neighbour:
 * how many axes remain (the kernels take at most four) and whether a pad adds zeros only.
 */
export interface MoveCall {
  readonly axes: number;
  readonly zerosOnly: boolean;
}

export type MoveOp = 'pad' | 'copyBlock' | 'repeat';

export interface MovementVariant extends Described {
  readonly family: 'movement';
  readonly op: MoveOp;
  /** The tensor's shape and what is done to it (paddings per axis, a block's start and size, a repeat). */
  readonly example: {
    shape: readonly number[];
    paddings?: readonly (readonly [number, number])[];
    block?: { start: readonly number[]; size: readonly number[] };
    repeat?: { axis: number; repeats: number };
  };
  selects(c: MoveCall): boolean;
}

export interface ReduceVariant extends Described {
  readonly family: 'reduce';
  readonly op: 'sum';
  /** The tensor's shape and the (contiguous block of) axes summed. */
  readonly example: { shape: readonly number[]; axes: readonly number[] };
  /** `columns`: `B` of the `[A, R, B]` view. */
  selects(c: { readonly columns: number }): boolean;
}

const nhwc = (c: { readonly dataFormat: DataFormat }): boolean => c.dataFormat === 'channels_last';
const nchw = (c: { readonly dataFormat: DataFormat }): boolean => c.dataFormat === 'channels_first';

function pool(op: PoolOp, dataFormat: DataFormat): Pool2dVariant {
  const max = op.startsWith('max');
  const forward = op.endsWith('Forward');
  const first = dataFormat === 'channels_first';
  const exports = { maxForward: 'maxPoolForwardNhwc', maxBackward: 'maxPoolBackwardNhwc', avgForward: 'avgPoolForwardNhwc', avgBackward: 'avgPoolBackwardNhwc' } as const;
  return {
    name: `f32 ${max ? 'maxpool' : 'avgpool'}${forward ? '' : '-dx'} ${first ? 'nchw via nhwc' : 'nhwc'} wasmsimd`,
    family: 'pool2d', op,
    algorithm: forward
      ? `${max ? 'first maximum (NaN wins)' : 'sum of the in-bounds taps, scaled in float64'} per output pixel, 4 channels per vector`
      : `scatter to the ${max ? 'first maximal tap' : 'in-bounds taps'} in output order`,
    layout: first ? 'nchw->nhwc->nchw' : 'nhwc',
    path: first ? 'the NHWC kernel between two 4x4-tile transposes' : 'in-bounds tap range per output row and column, scalar channel tail',
    stride: 'any', simd: true,
    units: forward ? 'output rows' : `(image, block of ${K.POOL_CHANNEL_BLOCK} channels)`,
    export: exports[op], code: null,
    boundaries: [4, K.POOL_CHANNEL_BLOCK],
    example: { input: [8, 112, 112, 64], pool: [2, 2], strides: [2, 2], padding: 'valid', dataFormat },
    selects: first ? nchw : nhwc,
  };
}

function bilinear(op: ResizeOp, dataFormat: DataFormat): ResizeVariant {
  const forward = op === 'bilinearForward';
  const first = dataFormat === 'channels_first';
  return {
    name: `f32 bilinear-resize${forward ? '' : '-dx'} ${first ? 'nchw via nhwc' : 'nhwc'} wasmsimd`,
    family: 'resize', op,
    algorithm: forward ? 'four taps per output pixel, float32 lerps, 4 channels per vector' : 'scatter to the four taps in output order',
    layout: first ? 'nchw->nhwc->nchw' : 'nhwc',
    path: first ? 'the NHWC kernel between two 4x4-tile transposes' : 'taps and weights per output row and column, scalar channel tail',
    stride: 'any', simd: true,
    units: forward ? 'output rows' : `(image, block of ${K.POOL_CHANNEL_BLOCK} channels)`,
    export: forward ? 'bilinearForwardNhwc' : 'bilinearBackwardNhwc', code: null,
    boundaries: [4, K.POOL_CHANNEL_BLOCK],
    example: { input: [8, 56, 56, 64], size: [112, 112], dataFormat },
    selects: first ? nchw : nhwc,
  };
}

const fitsFourAxes = (c: MoveCall): boolean => c.axes <= 4;

export const IMAGE_VARIANTS: readonly (Pool2dVariant | ResizeVariant | MovementVariant | ReduceVariant)[] = [
  ...(['maxForward', 'avgForward', 'maxBackward', 'avgBackward'] as const).flatMap((op) => [pool(op, 'channels_last'), pool(op, 'channels_first')]),
  ...(['bilinearForward', 'bilinearBackward'] as const).flatMap((op) => [bilinear(op, 'channels_last'), bilinear(op, 'channels_first')]),
  {
    name: 'f32 zero-pad rows wasmsimd', family: 'movement', op: 'pad',
    algorithm: 'per output row: zeros, the source run, zeros (whole rows of zeros outside)', layout: 'row-major, at most 4 folded axes',
    path: 'runs of 64 floats or more by memory.copy, shorter ones by 128-bit moves', stride: 'any', simd: true,
    units: 'output rows', export: 'padF32', code: null, boundaries: [4, 64],
    example: { shape: [8, 56, 56, 64], paddings: [[0, 0], [1, 1], [1, 1], [0, 0]] },
    selects: (c) => fitsFourAxes(c) && c.zerosOnly,
  },
  {
    name: 'f32 copy-block rows wasmsimd', family: 'movement', op: 'copyBlock',
    algorithm: 'per block row, one contiguous run', layout: 'row-major, at most 4 folded axes',
    path: 'runs of 64 floats or more by memory.copy, shorter ones by 128-bit moves', stride: 'any', simd: true,
    units: 'block rows', export: 'copyBlockF32', code: null, boundaries: [4, 64],
    example: { shape: [8, 58, 58, 64], block: { start: [0, 1, 1, 0], size: [8, 56, 56, 64] } },
    selects: fitsFourAxes,
  },
  {
    name: 'f32 repeat runs wasmsimd', family: 'movement', op: 'repeat',
    algorithm: 'each run written repeats times; single floats doubled by shuffles', layout: 'row-major',
    path: 'runs of 64 floats or more by memory.copy, shorter ones by 128-bit moves', stride: 'any', simd: true,
    units: 'source runs', export: 'repeatF32', code: null, boundaries: [1, 4, 64],
    example: { shape: [8, 56, 56, 64], repeat: { axis: 1, repeats: 2 } },
    selects: () => true,
  },
  {
    name: 'f32 sum middle axes wasmsimd', family: 'reduce', op: 'sum',
    algorithm: `[A, R, B] -> [A, B], rows added in order into a block of ${K.MOVE_BLOCK} columns`, layout: 'row-major',
    path: 'at least 4 columns: four vectors per step, scalar tail', stride: 'any', simd: true,
    units: `(a, block of ${K.MOVE_BLOCK} columns)`, export: 'sumAxisF32', code: null, boundaries: [4, 16, K.MOVE_BLOCK],
    example: { shape: [8, 56, 2, 112, 64], axes: [2] },
    selects: (c) => c.columns >= 4,
  },
  {
    name: 'f32 sum trailing axes c<4 wasm', family: 'reduce', op: 'sum',
    algorithm: '[A, R, B] -> [A, B] with B < 4 (row sums): one scalar chain per column', layout: 'row-major',
    path: 'fewer than 4 columns', stride: 'any', simd: false,
    units: `(a, block of ${K.MOVE_BLOCK} columns)`, export: 'sumAxisF32', code: null, boundaries: [4],
    example: { shape: [8, 112, 112, 2, 1], axes: [3] },
    selects: (c) => c.columns < 4,
  },
];
