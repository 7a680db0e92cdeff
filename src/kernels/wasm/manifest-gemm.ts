/**
 * The kernel variants of the GEMM family (matrix products, and the pointwise convolutions that are
 * plain products), the activations and batch normalization. Same role as `manifest-depthwise.ts`: the
 * wrappers select through these predicates, the tests and the bench read the entries.
 */
import * as K from './generated/constants.js';
import type { ExportName } from './generated/exports.js';

/** One product `C[m, n] = op(A)[m, k] · op(B)[k, n]` as the GEMM kernels see it. */
export interface GemmShape {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transA: boolean;
  readonly transB: boolean;
}

/** The arguments of an activation kernel call. */
export interface ActivationCall {
  /** `Infinity` for ReLU. */
  readonly cap: number;
  /** Forward only: NaN and -0 pass through (else both give +0). */
  readonly propagateNaN: boolean;
  readonly direction: 'forward' | 'backward';
}

/** The arguments of a batch-norm training kernel call: the tensor as `[rows, channels, inner]`. */
export interface BatchNormCall {
  readonly rows: number;
  readonly channels: number;
  /** 1 when the channel axis is last (channels_last), else the elements after it (`H · W` for NCHW). */
  readonly inner: number;
  readonly direction: 'forward' | 'backward';
}

/** What every entry outside the depthwise family states about itself. */
export interface Described {
  readonly name: string;
  readonly algorithm: string;
  readonly layout: string;
  readonly path: string;
  readonly stride: 1 | 'any';
  readonly simd: boolean;
  readonly units: string;
  readonly export: ExportName;
  /** The argument that selects this entry's path inside the export (the activation's `propagate`), or null. */
  readonly code: number | null;
  /** Sizes (rows, columns, channels, elements: see `path`) where behaviour changes: tests go around them. */
  readonly boundaries: readonly number[];
}

export interface GemmVariant extends Described {
  readonly family: 'gemm';
  readonly op: 'gemm';
  /** Whether B is read in place (the `direct` argument of the export). */
  readonly direct: boolean;
  readonly example: GemmShape;
  selects(s: GemmShape): boolean;
}

export interface ActivationVariant extends Described {
  readonly family: 'activation';
  readonly op: 'forward' | 'backward';
  readonly example: ActivationCall & { readonly length: number };
  selects(c: ActivationCall): boolean;
}

export interface BatchNormVariant extends Described {
  readonly family: 'batchNorm';
  readonly op: 'forward' | 'backward';
  readonly example: BatchNormCall;
  selects(c: BatchNormCall): boolean;
}

/**
 * Whether B is read in place rather than packed: packing pays K·N once, reading in place pays for B once
 * per row of C (see GEMM_DIRECT_* in assembly/shared/tuning.ts). A transposed B is always packed.
 */
export function usesDirectB(s: GemmShape): boolean {
  return !s.transB && (s.m < K.GEMM_DIRECT_ROWS_FEW || (s.m < K.GEMM_DIRECT_ROWS && s.n >= K.GEMM_DIRECT_MIN_COLUMNS));
}

/**
 * Whether threads split C by 8-column panels rather than rows: every call packs the part of B its
 * columns need, so a row split would pack all of B once per chunk, which costs more than the product
 * when C has few rows for its width (a 7x7 layer, a kernel gradient).
 */
export function splitsColumns(s: GemmShape): boolean {
  return s.n >= 2 * K.GEMM_NR && s.m < 2 * s.n;
}

function gemm(direct: boolean, columns: boolean, example: GemmShape): GemmVariant {
  return {
    name: `f32 gemm ${direct ? '1x16 direct-B' : '4x8 packed-B'} ${columns ? 'column-panels' : 'rows'} wasmsimd`,
    family: 'gemm', op: 'gemm', direct,
    algorithm: direct ? 'rows of C as sums of rows of B (B read in place)' : 'GotoBLAS blocking, 4x8 register tile',
    layout: 'row-major', stride: 'any', simd: true,
    path: `${direct ? 'few rows, B untransposed' : 'B packed per K x N block'}; split by ${columns ? '8-column panels' : 'rows'}`,
    units: columns ? 'panels of 8 columns of C' : 'rows of C',
    export: columns ? 'gemmF32Cols' : 'gemmF32', code: null,
    boundaries: [K.GEMM_MR, K.GEMM_NR, 2 * K.GEMM_NR, K.GEMM_DIRECT_ROWS, K.GEMM_DIRECT_MIN_COLUMNS, K.GEMM_NC, K.GEMM_KC],
    example,
    selects: (s) => usesDirectB(s) === direct && splitsColumns(s) === columns,
  };
}

export const GEMM_VARIANTS: readonly GemmVariant[] = [
  gemm(false, false, { m: 3136, n: 128, k: 128, transA: false, transB: false }),
  gemm(false, true, { m: 49, n: 1024, k: 1024, transA: false, transB: false }),
  gemm(true, false, { m: 2, n: 10, k: 1024, transA: false, transB: false }),
  gemm(true, true, { m: 1, n: 1000, k: 1024, transA: false, transB: false }),
];

const relu = (propagateNaN: boolean): ActivationVariant => ({
  name: `f32 clipped-relu ${propagateNaN ? 'nan-propagating' : 'nan-to-zero'} wasmsimd`,
  family: 'activation', op: 'forward',
  algorithm: propagateNaN ? 'compare and select (NaN and -0 pass)' : 'pseudo-max/min (NaN and -0 give +0)',
  layout: 'flat', path: 'four lanes per vector, scalar tail', stride: 'any', simd: true,
  units: `blocks of ${K.ACTIVATION_BLOCK} elements`, export: 'clippedReluForward', code: propagateNaN ? 1 : 0,
  boundaries: [4, K.ACTIVATION_BLOCK],
  example: { cap: 6, propagateNaN, direction: 'forward', length: 1 << 20 },
  selects: (c) => c.direction === 'forward' && c.propagateNaN === propagateNaN,
});

export const ACTIVATION_VARIANTS: readonly ActivationVariant[] = [
  relu(false),
  relu(true),
  {
    name: 'f32 clipped-relu-backward wasmsimd', family: 'activation', op: 'backward',
    algorithm: 'mask of 0 < x < cap', layout: 'flat', path: 'four lanes per vector, scalar tail', stride: 'any', simd: true,
    units: `blocks of ${K.ACTIVATION_BLOCK} elements`, export: 'clippedReluBackward', code: null,
    boundaries: [4, K.ACTIVATION_BLOCK],
    example: { cap: 6, propagateNaN: false, direction: 'backward', length: 1 << 20 },
    selects: (c) => c.direction === 'backward',
  },
];

const batchNorm = (direction: 'forward' | 'backward'): BatchNormVariant => ({
  name: `f32 batchnorm-train-${direction} c4 nhwc wasmsimd`,
  family: 'batchNorm', op: direction,
  algorithm: direction === 'forward' ? 'moments in float64, then normalization' : 'sums in float64, then dx',
  layout: 'nhwc', path: 'groups of 4 channels down chunks of 32 rows', stride: 'any', simd: true,
  units: 'groups of 4 channels', export: direction === 'forward' ? 'batchNormForwardNHWC' : 'batchNormBackwardNHWC', code: null,
  boundaries: [4, 32],
  example: { rows: 8 * 56 * 56, channels: 64, inner: 1, direction },
  selects: (c) => c.direction === direction && c.inner === 1,
});

/** The channel axis not last (channels-first images): each channel's contiguous runs, four lanes at a time. */
const batchNormRuns = (direction: 'forward' | 'backward'): BatchNormVariant => ({
  name: `f32 batchnorm-train-${direction} runs nchw wasmsimd`,
  family: 'batchNorm', op: direction,
  algorithm: direction === 'forward' ? 'moments in float64, then normalization' : 'sums in float64, then dx',
  layout: 'nchw', path: 'per channel, its runs of inner elements, four lanes and a scalar tail', stride: 'any', simd: true,
  units: 'channels', export: direction === 'forward' ? 'batchNormForwardNCHW' : 'batchNormBackwardNCHW', code: null,
  boundaries: [4, 8],
  example: { rows: 8, channels: 64, inner: 56 * 56, direction },
  selects: (c) => c.direction === direction && c.inner > 1,
});

export const BATCH_NORM_VARIANTS: readonly BatchNormVariant[] = [batchNorm('forward'), batchNorm('backward'), batchNormRuns('forward'), batchNormRuns('backward')];
