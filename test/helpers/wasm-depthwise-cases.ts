/**
 * The depthwise side of the conformance toolkit (`kernel-conformance.ts`): case geometry (explicit
 * padding wide enough for windows wholly in padding), cases generated around each manifest entry's
 * channel boundaries, every kernel slot of a case against the naive float64 reference, and the
 * thread-split check for all four slots.
 */
import type { DepthwiseConv2dParams } from '../../src/kernels/depthwise-conv2d/index.js';
import type { DataFormat } from '../../src/kernels/depthwise-conv2d/index.js';
import { depthwiseConv2dSizes, resolveDepthwiseConv2dParams } from '../../src/kernels/depthwise-conv2d/index.js';
import {
  referenceDepthwiseConv2d,
  referenceDepthwiseConv2dBackwardBias,
  referenceDepthwiseConv2dBackwardInput,
  referenceDepthwiseConv2dBackwardKernel,
} from '../../src/kernels/depthwise-conv2d/reference.js';
import type { FusedActivation, WasmDepthwiseConv2dKernels } from '../../src/kernels/wasm/depthwise-conv2d.js';
import { createWasmDepthwiseConv2dKernels } from '../../src/kernels/wasm/depthwise-conv2d.js';
import type { WasmBackend } from '../../src/kernels/wasm/index.js';
import type { DepthwiseVariant } from '../../src/kernels/wasm/manifest.js';
import { mulberry32, randomArray } from './close.js';
import { around, assertMatchesReference, assertSplitsBitIdentical, residentNaN } from './kernel-conformance.js';

export { withWasm } from './kernel-conformance.js';

export type Pair = readonly [number, number];

export interface DepthwiseCase {
  /** `[N, H, W, C]` whatever the format. */
  input: readonly [number, number, number, number];
  kernel: Pair;
  strides: Pair;
  dilation: Pair;
  dm: number;
  dataFormat: DataFormat;
  /** 'same' / 'valid', or explicit [top, bottom, left, right] (wide enough for all-padding windows). */
  padding: 'same' | 'valid' | readonly [number, number, number, number];
}

const span = (k: number, d: number): number => (k - 1) * d + 1;

/** The params of a case; explicit paddings are set directly (the op only resolves 'same'/'valid'). */
export function resolveCase(c: DepthwiseCase): DepthwiseConv2dParams {
  const [n, h, w, ch] = c.input;
  const inputShape = c.dataFormat === 'channels_last' ? [n, h, w, ch] : [n, ch, h, w];
  const kernelShape = [c.kernel[0], c.kernel[1], ch, c.dm];
  const options = { strides: c.strides, dilationRate: c.dilation, dataFormat: c.dataFormat };
  if (typeof c.padding === 'string') return resolveDepthwiseConv2dParams(inputShape, kernelShape, { ...options, padding: c.padding });
  const [padTop, padBottom, padLeft, padRight] = c.padding;
  const base = resolveDepthwiseConv2dParams(inputShape, kernelShape, { ...options, padding: 'same' });
  const outHeight = Math.floor((h + padTop + padBottom - span(c.kernel[0], c.dilation[0])) / c.strides[0]) + 1;
  const outWidth = Math.floor((w + padLeft + padRight - span(c.kernel[1], c.dilation[1])) / c.strides[1]) + 1;
  return { ...base, padTop, padBottom, padLeft, padRight, outHeight, outWidth };
}

/**
 * Cases around a manifest entry's channel boundaries (channels <, =, > each, as the kernels count them:
 * input channels times the depth multiplier), each on three images: a small odd one, a width-1 one, and
 * one with explicit padding wide enough that some windows lie wholly in it. Window, strides, dilation,
 * depth multiplier and format are the entry's example's.
 */
export function casesAroundBoundaries(v: DepthwiseVariant): { channels: number; cases: DepthwiseCase[] }[] {
  const ex = v.example;
  const [kh, kw] = ex.kernel;
  const [sh, sw] = ex.strides;
  const spanH = span(kh, ex.dilation[0]);
  const spanW = span(kw, ex.dilation[1]);
  return around(v.channelBoundaries, 1, 520).map((channels) => {
    const c = Math.max(1, Math.round(channels / ex.depthMultiplier));
    const common = { kernel: ex.kernel, strides: ex.strides, dilation: ex.dilation, dm: ex.depthMultiplier, dataFormat: ex.dataFormat };
    return {
      channels,
      cases: [
        { ...common, input: [1, Math.max(7, spanH), Math.max(6 + sw, spanW + 2), c] as const, padding: 'same' as const },
        { ...common, input: [2, Math.max(5, spanH + sh), 1, c] as const, padding: 'same' as const },
        { ...common, input: [1, 3, 2, c] as const, padding: [spanH, spanH - 1, spanW + 1, spanW] as const },
      ],
    };
  });
}

const ACTIVATIONS: Record<FusedActivation, (v: number) => number> = {
  linear: (v) => v,
  relu: (v) => Math.max(v, 0),
  relu6: (v) => Math.min(Math.max(v, 0), 6),
};

/** Output channel of flat output index `i`. */
function outChannelAt(p: DepthwiseConv2dParams, i: number): number {
  const plane = p.dataFormat === 'channels_last' ? 1 : p.outHeight * p.outWidth;
  return Math.floor(i / plane) % p.outChannels;
}

/**
 * Every kernel slot of `k` on one case (forward with bias, fused scale/shift + `activation`, scale only,
 * input, kernel and bias gradients) against the naive float64 reference. `make` builds the arrays
 * (float32 for the wasm kernels, float64 for the TypeScript ones behind the same interface).
 */
export function checkDepthwiseCase(
  k: WasmDepthwiseConv2dKernels,
  p: DepthwiseConv2dParams,
  seed: number,
  make: (values: Float64Array) => Float32Array | Float64Array,
  activation: FusedActivation,
): void {
  const sizes = depthwiseConv2dSizes(p);
  const rng = mulberry32(seed);
  const x = make(randomArray(sizes.input, rng));
  const kernel = make(randomArray(sizes.kernel, rng));
  const bias = make(randomArray(sizes.bias, rng));
  const scale = make(randomArray(sizes.bias, rng, 0.5, 2));
  const dy = make(randomArray(sizes.output, rng));
  const alloc = (n: number): Float32Array | Float64Array => make(new Float64Array(n).fill(Number.NaN));
  const taps = p.kernelHeight * p.kernelWidth;
  const pixels = p.batch * p.outHeight * p.outWidth;
  const f64 = x instanceof Float64Array;
  const tol = (terms: number) => (f64 ? { rtol: 1e-12, atol: 1e-12 * terms } : undefined);

  const out = alloc(sizes.output);
  k.forward(p, x, kernel, bias, out);
  const conv = referenceDepthwiseConv2d(p, x, kernel, null);
  assertMatchesReference(out, referenceDepthwiseConv2d(p, x, kernel, bias), taps, 'forward', tol(taps));

  const fused = alloc(sizes.output);
  k.forwardScaleShift(p, x, kernel, scale, bias, fused, activation);
  const f = ACTIVATIONS[activation];
  const expected = conv.map((v, i) => f(v * scale[outChannelAt(p, i)] + bias[outChannelAt(p, i)]));
  assertMatchesReference(fused, expected, 2 * taps, `forwardScaleShift ${activation}`, tol(2 * taps));

  const scaled = alloc(sizes.output);
  k.forwardScaleShift(p, x, kernel, scale, null, scaled, 'linear');
  assertMatchesReference(scaled, conv.map((v, i) => v * scale[outChannelAt(p, i)]), 2 * taps, 'forwardScaleShift scale only', tol(2 * taps));

  const dx = alloc(sizes.input);
  k.backwardInput(p, dy, kernel, dx);
  const dxTerms = taps * p.depthMultiplier;
  assertMatchesReference(dx, referenceDepthwiseConv2dBackwardInput(p, dy, kernel), dxTerms, 'backwardInput', tol(dxTerms));

  const dk = alloc(sizes.kernel);
  k.backwardKernel(p, x, dy, dk);
  assertMatchesReference(dk, referenceDepthwiseConv2dBackwardKernel(p, x, dy), pixels, 'backwardKernel', tol(pixels));

  const db = alloc(sizes.bias);
  k.backwardBias(p, dy, db);
  assertMatchesReference(db, referenceDepthwiseConv2dBackwardBias(p, dy), pixels, 'backwardBias', tol(pixels));
}

/**
 * All four depthwise slots over work units split into 1, 2, 3 and 7 ranges (see `splittingRunner`)
 * give the same bits, and every output element is written.
 */
export function assertDepthwiseSplitsAgree(b: WasmBackend, p: DepthwiseConv2dParams, seed: number): void {
  const sizes = depthwiseConv2dSizes(p);
  const rng = mulberry32(seed);
  const f32 = (n: number, lo = -1, hi = 1): Float32Array => Float32Array.from(randomArray(n, rng, lo, hi));
  const [x, kernel, bias, scale, dy] = [f32(sizes.input), f32(sizes.kernel), f32(sizes.bias), f32(sizes.bias), f32(sizes.output)];
  assertSplitsBitIdentical(b.arena, (runner) => {
    const k = createWasmDepthwiseConv2dKernels(b.exports, b.arena, runner);
    const out = residentNaN(b.arena, sizes.output);
    k.forwardScaleShift(p, x, kernel, scale, bias, out, 'relu6');
    const dx = residentNaN(b.arena, sizes.input);
    k.backwardInput(p, dy, kernel, dx);
    const dk = residentNaN(b.arena, sizes.kernel);
    k.backwardKernel(p, x, dy, dk);
    const db = residentNaN(b.arena, sizes.bias);
    k.backwardBias(p, dy, db);
    return { out, dx, dk, db };
  });
}
