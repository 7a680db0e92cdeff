/**
 * The kernel variants of the general (grouped) 2D convolution that are not plain products: im2col GEMMs
 * for the forward pass and both gradients of a one-group channels_last convolution, and the route of a
 * convolution with one input channel per group to the depthwise kernels. Same role as
 * `manifest-depthwise.ts`: `conv2d.ts` selects through these predicates, the conformance suite
 * (`test/kernels/wasm-conv2d.test.ts`) requires each entry to be selected, the bench times each example.
 * (The pointwise case, a plain product over pixels, runs the `gemm` entries of `manifest-gemm.ts`.)
 */
import type { Conv2dParams } from '../conv2d/index.js';
import * as K from './generated/constants.js';
import type { ExportName } from './generated/exports.js';

/** The conv2d slot an entry serves (`depthwise`: every slot of a convolution routed to the depthwise kernels). */
export type ConvOp = 'conv2dForward' | 'conv2dBackwardInput' | 'conv2dBackwardKernel' | 'conv2dDepthwise';

export interface ConvVariant {
  readonly name: string;
  readonly family: 'conv2d';
  readonly op: ConvOp;
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
  /** `[N, H, W, C]` (whatever the format), kernel `[kh, kw]`, filters, stride, groups. */
  readonly example: {
    input: readonly [number, number, number, number];
    kernel: readonly [number, number];
    filters: number;
    stride: number;
    groups: number;
    dataFormat: 'channels_last' | 'channels_first';
  };
  selects(p: Conv2dParams): boolean;
}

/** Channels_last, one group, 1×1 stride 1 unpadded: a plain product over pixels (the `gemm` entries). */
export function isPointwiseNhwc(p: Conv2dParams): boolean {
  return (
    p.dataFormat === 'channels_last' &&
    p.kernelHeight === 1 && p.kernelWidth === 1 && p.strideHeight === 1 && p.strideWidth === 1 &&
    p.padTop === 0 && p.padBottom === 0 && p.padLeft === 0 && p.padRight === 0 && p.groups === 1
  );
}

/** Channels_last with one group and not pointwise: the im2col GEMM entries. */
export function isIm2colNhwc(p: Conv2dParams): boolean {
  return p.dataFormat === 'channels_last' && p.groups === 1 && !isPointwiseNhwc(p);
}

/**
 * One input channel per group and more than one group (`Conv2D(groups=C)`): a depthwise convolution with
 * depth multiplier `filters / C`, whose kernel `[kh, kw, 1, F]` has the depthwise layout `[kh, kw, C, F / C]`
 * in memory, so it runs on the depthwise kernels (any data format).
 */
export function isDepthwiseGrouped(p: Conv2dParams): boolean {
  return p.groups > 1 && p.inChannelsPerGroup === 1;
}

const unitStride = (p: Conv2dParams): boolean => p.strideHeight === 1 && p.strideWidth === 1;

const example = (input: readonly [number, number, number, number], kernel: number, filters: number, stride: number, groups = 1): ConvVariant['example'] => ({
  input, kernel: [kernel, kernel], filters, stride, groups, dataFormat: 'channels_last',
});

export const CONV_VARIANTS: readonly ConvVariant[] = [
  {
    name: 'f32 conv2d im2col+gemm 4x8 nhwc wasmsimd', family: 'conv2d', op: 'conv2dForward',
    algorithm: 'GEMM over im2col rows built 64 pixels at a time', layout: 'nhwc', path: 'one group, not pointwise',
    stride: 'any', simd: true, units: 'output pixels', export: 'conv2dNhwcF32', code: K.IM2COL_WINDOWS,
    boundaries: [K.GEMM_MB, K.GEMM_KC, K.GEMM_NC],
    example: example([8, 56, 56, 64], 3, 64, 1),
    selects: isIm2colNhwc,
  },
  {
    name: 'f32 conv2d-dx s1 rotated-forward im2col+gemm nhwc wasmsimd', family: 'conv2d', op: 'conv2dBackwardInput',
    algorithm: 'the forward GEMM over dy with the kernel rotated 180 degrees and transposed per tap',
    layout: 'nhwc', path: 'one group, not pointwise, stride 1 (padding (k - 1)·d - pad)',
    stride: 1, simd: true, units: 'input pixels', export: 'conv2dNhwcF32', code: K.IM2COL_WINDOWS,
    boundaries: [K.GEMM_MB, K.GEMM_KC, K.GEMM_NC],
    example: example([8, 56, 56, 64], 3, 64, 1),
    selects: (p) => isIm2colNhwc(p) && unitStride(p),
  },
  {
    name: 'f32 conv2d-dx gather+gemm nhwc wasmsimd', family: 'conv2d', op: 'conv2dBackwardInput',
    algorithm: 'GEMM over rows gathering, per input pixel and tap, the dy pixel that read it (zeros elsewhere)',
    layout: 'nhwc', path: 'one group, not pointwise, stride > 1 (also the transposed convolution forward)',
    stride: 'any', simd: true, units: 'input pixels', export: 'conv2dNhwcF32', code: K.IM2COL_GATHER,
    boundaries: [K.GEMM_MB, K.GEMM_KC, K.GEMM_NC],
    example: example([8, 56, 56, 32], 3, 64, 2),
    selects: (p) => isIm2colNhwc(p) && !unitStride(p),
  },
  {
    name: 'f32 conv2d-dw dyT*im2col gemm nhwc wasmsimd', family: 'conv2d', op: 'conv2dBackwardKernel',
    algorithm: `dkᵀ = dyᵀ·cols, im2col rows packed per ${K.KERNEL_PIXEL_BLOCK} pixels and ${K.KERNEL_COLUMNS_CHUNK} patch columns`,
    layout: 'nhwc', path: 'one group, not pointwise', stride: 'any', simd: true,
    units: `blocks of ${K.KERNEL_ROWS_PER_UNIT} patch columns`, export: 'conv2dBackwardKernelNhwcF32', code: null,
    boundaries: [K.KERNEL_ROWS_PER_UNIT, K.KERNEL_PIXEL_BLOCK, K.KERNEL_COLUMNS_CHUNK],
    example: example([8, 56, 56, 64], 3, 64, 1),
    selects: isIm2colNhwc,
  },
  {
    name: 'f32 conv2d groups=C via dwconv wasmsimd', family: 'conv2d', op: 'conv2dDepthwise',
    algorithm: 'the depthwise kernels (depth multiplier filters / C), every slot', layout: 'nhwc or nchw',
    path: 'one input channel per group, more than one group', stride: 'any', simd: true,
    units: 'those of the depthwise entry selected', export: 'forwardNhwc', code: null,
    boundaries: [4, K.TILE_CHANNELS_MIN],
    example: example([8, 56, 56, 128], 3, 128, 1, 128),
    selects: isDepthwiseGrouped,
  },
];
