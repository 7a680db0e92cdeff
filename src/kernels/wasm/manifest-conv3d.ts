/**
 * The kernel variants of the rank-generic `conv` slot (the one ops use for three spatial axes: Conv3D,
 * Conv3DTranspose, ConvLSTM3D): the 2D im2col GEMM exports run with the geometry's depth words, so a
 * convolution of any rank is one of three spatial axes (ranks 1 and 2 as unit leading axes). Same role as
 * `manifest-conv.ts`: `conv.ts` selects through these predicates, the conformance suite
 * (`test/kernels/wasm-conv3d.test.ts`) requires each entry to be selected, the bench times each example.
 */
import type { ConvParams } from '../conv/params.js';
import * as K from './generated/constants.js';
import type { ExportName } from './generated/exports.js';

/** The `conv` slot pass an entry serves. */
export type ConvNdOp = 'convForward' | 'convBackwardInput' | 'convBackwardKernel';

export interface ConvNdVariant {
  readonly name: string;
  readonly family: 'conv';
  readonly op: ConvNdOp;
  readonly algorithm: string;
  readonly layout: string;
  readonly path: string;
  readonly stride: 1 | 'any';
  readonly simd: boolean;
  readonly units: string;
  readonly export: ExportName;
  readonly code: number | null;
  /** Sizes (pixels, patch columns) where behaviour changes: tests go around them. */
  readonly boundaries: readonly number[];
  /** `[N, D, H, W, C]` (whatever the format), kernel `[kd, kh, kw]`, filters, stride on every axis. */
  readonly example: {
    input: readonly [number, number, number, number, number];
    kernel: readonly [number, number, number];
    filters: number;
    stride: number;
    dataFormat: 'channels_last' | 'channels_first';
  };
  selects(p: ConvParams): boolean;
}

/**
 * One group, either data format (channels_first is transposed to channels-last and back around the
 * GEMM): the im2col entries. Grouped and depthwise convolutions of the slot stay TypeScript.
 */
export function isIm2colConv(p: ConvParams): boolean {
  return p.groups === 1;
}

const unitStrides = (p: ConvParams): boolean => p.strides.every((s) => s === 1);

const example = (input: ConvNdVariant['example']['input'], kernel: number, filters: number, stride: number): ConvNdVariant['example'] => ({
  input, kernel: [kernel, kernel, kernel], filters, stride, dataFormat: 'channels_last',
});

export const CONV_ND_VARIANTS: readonly ConvNdVariant[] = [
  {
    name: 'f32 conv3d im2col+gemm 4x8 ndhwc wasmsimd', family: 'conv', op: 'convForward',
    algorithm: `GEMM over [kd, kh, kw, C] im2col rows built ${K.GEMM_MB} pixels at a time`, layout: 'ndhwc (ncdhw transposed around it)',
    path: 'one group, any rank (lifted to 3D)', stride: 'any', simd: true, units: 'output pixels', export: 'conv2dNhwcF32', code: K.IM2COL_WINDOWS,
    boundaries: [K.GEMM_MB, K.GEMM_KC, K.GEMM_NC],
    example: example([2, 16, 32, 32, 32], 3, 32, 1),
    selects: isIm2colConv,
  },
  {
    name: 'f32 conv3d-dx s1 rotated-forward im2col+gemm ndhwc wasmsimd', family: 'conv', op: 'convBackwardInput',
    algorithm: 'the forward GEMM over dy with the kernel rotated 180 degrees and transposed per tap',
    layout: 'ndhwc (ncdhw transposed around it)', path: 'one group, stride 1 on every axis (padding (k - 1)·d - pad)',
    stride: 1, simd: true, units: 'input pixels', export: 'conv2dNhwcF32', code: K.IM2COL_WINDOWS,
    boundaries: [K.GEMM_MB, K.GEMM_KC, K.GEMM_NC],
    example: example([2, 16, 32, 32, 32], 3, 32, 1),
    selects: (p) => isIm2colConv(p) && unitStrides(p),
  },
  {
    name: 'f32 conv3d-dx gather+gemm ndhwc wasmsimd', family: 'conv', op: 'convBackwardInput',
    algorithm: 'GEMM over rows gathering, per input pixel and tap, the dy pixel that read it (zeros elsewhere)',
    layout: 'ndhwc (ncdhw transposed around it)', path: 'one group, a stride > 1 (also the transposed convolution forward)',
    stride: 'any', simd: true, units: 'input pixels', export: 'conv2dNhwcF32', code: K.IM2COL_GATHER,
    boundaries: [K.GEMM_MB, K.GEMM_KC, K.GEMM_NC],
    example: example([2, 16, 32, 32, 16], 3, 32, 2),
    selects: (p) => isIm2colConv(p) && !unitStrides(p),
  },
  {
    name: 'f32 conv3d-dw dyT*im2col gemm ndhwc wasmsimd', family: 'conv', op: 'convBackwardKernel',
    algorithm: `dkᵀ = dyᵀ·cols, im2col rows packed per ${K.KERNEL_PIXEL_BLOCK} pixels and ${K.KERNEL_COLUMNS_CHUNK} patch columns`,
    layout: 'ndhwc (ncdhw transposed around it)', path: 'one group, any rank (lifted to 3D)', stride: 'any', simd: true,
    units: `blocks of ${K.KERNEL_ROWS_PER_UNIT} patch columns`, export: 'conv2dBackwardKernelNhwcF32', code: null,
    boundaries: [K.KERNEL_ROWS_PER_UNIT, K.KERNEL_PIXEL_BLOCK, K.KERNEL_COLUMNS_CHUNK],
    example: example([2, 16, 32, 32, 32], 3, 32, 1),
    selects: isIm2colConv,
  },
];
