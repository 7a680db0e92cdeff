/**
 * Geometry and per-axis taps of an image resample (Keras's `Resizing`, i.e. `jax.image.resize`): every
 * output row (column) is a weighted sum of a short run of input rows (columns). The weights are computed
 * here, once, exactly as `jax.image.scale_and_translate` defines them, so the kernels only multiply and add.
 */
import { assertInvariant, ShapeError, describeValue } from '../../errors.js';
import type { DataFormat } from '../window.js';

export type { DataFormat };

/** The interpolations of Keras's `Resizing` ('area' being TensorFlow's box filter, as jax defines it). */
export type ResampleMethod = 'nearest' | 'bilinear' | 'bicubic' | 'lanczos3' | 'lanczos5' | 'area';
export const RESAMPLE_METHODS: readonly ResampleMethod[] = ['bilinear', 'nearest', 'bicubic', 'lanczos3', 'lanczos5', 'area'];

/** The taps of one axis: output `o` reads inputs `first[o] .. first[o] + count - 1` with `weights[o * count + k]`. */
export interface AxisTaps {
  readonly inSize: number;
  readonly outSize: number;
  readonly count: number;
  readonly first: Int32Array;
  readonly weights: Float64Array;
}

export interface ResampleParams {
  readonly batch: number;
  readonly channels: number;
  readonly dataFormat: DataFormat;
  readonly rows: AxisTaps;
  readonly cols: AxisTaps;
}

const CONTEXT = 'resample';

function triangle(x: number): number {
  return Math.max(0, 1 - Math.abs(x));
}

/** Keys' cubic convolution with a = -0.5 (jax's 'cubic'). */
function keysCubic(x: number): number {
  if (x >= 2) return 0;
  if (x >= 1) return ((-0.5 * x + 2.5) * x - 4) * x + 2;
  return (1.5 * x - 2.5) * x * x + 1;
}

function lanczos(radius: number): (x: number) => number {
  return (x) => {
    if (x > radius) return 0;
    if (x <= 1e-3) return 1;
    return (radius * Math.sin(Math.PI * x) * Math.sin((Math.PI * x) / radius)) / (Math.PI * Math.PI * x * x);
  };
}

const KERNELS: Record<Exclude<ResampleMethod, 'nearest' | 'area'>, { radius: number; fn: (x: number) => number }> = {
  bilinear: { radius: 1, fn: triangle },
  bicubic: { radius: 2, fn: keysCubic },
  lanczos3: { radius: 3, fn: lanczos(3) },
  lanczos5: { radius: 5, fn: lanczos(5) },
};

/** jax zeroes a weight column whose sum is this small rather than dividing by it. */
const MIN_TOTAL = 1000 * 1.1920928955078125e-7;

/** The identity taps, for an axis whose size does not change (jax resamples only the axes that do). */
function identityTaps(size: number): AxisTaps {
  const first = new Int32Array(size);
  for (let i = 0; i < size; i++) first[i] = i;
  return { inSize: size, outSize: size, count: 1, first, weights: new Float64Array(size).fill(1) };
}

/**
 * jax's nearest neighbour: input `floor((o + 0.5) * in / out)`, computed in float32 as jax computes it, so
 * the rare product that rounds across an integer picks the same pixel.
 */
function nearestTaps(inSize: number, outSize: number): AxisTaps {
  const first = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) first[o] = Math.min(Math.floor(Math.fround(Math.fround(Math.fround(o + 0.5) * inSize) / outSize)), inSize - 1);
  return { inSize, outSize, count: 1, first, weights: new Float64Array(outSize).fill(1) };
}

/**
 * The weights of `jax.image.scale_and_translate` (no translation) along one axis, kept per output as a
 * contiguous run of input indices: `kernel(|sample - i| / kernelScale)` (or the box overlap for 'area'),
 * normalised to sum 1, and zero for samples outside `[-0.5, in - 0.5]`.
 */
function kernelTaps(inSize: number, outSize: number, method: Exclude<ResampleMethod, 'nearest'>, antialias: boolean): AxisTaps {
  const scale = outSize / inSize;
  const invScale = 1 / scale;
  const kernelScale = antialias ? Math.max(invScale, 1) : 1;
  const runs: { lo: number; w: number[] }[] = [];
  let count = 1;
  for (let o = 0; o < outSize; o++) {
    const sample = (o + 0.5) * invScale - 0.5;
    let lo: number;
    let hi: number;
    const raw: number[] = [];
    if (method === 'area') {
      const left = o * invScale;
      const right = left + invScale;
      lo = Math.max(0, Math.floor(left));
      hi = Math.min(inSize - 1, Math.ceil(right));
      for (let i = lo; i <= hi; i++) raw.push(Math.max(0, Math.min(right, i + 1) - Math.max(left, i)));
    } else {
      const { radius, fn } = KERNELS[method];
      const reach = radius * kernelScale;
      lo = Math.max(0, Math.floor(sample - reach));
      hi = Math.min(inSize - 1, Math.ceil(sample + reach));
      for (let i = lo; i <= hi; i++) raw.push(fn(Math.abs(sample - i) / kernelScale));
    }
    const total = raw.reduce((a, b) => a + b, 0);
    const inRange = sample >= -0.5 && sample <= inSize - 0.5;
    const w = raw.map((v) => (inRange && Math.abs(total) > MIN_TOTAL ? v / total : 0));
    runs.push({ lo, w });
    count = Math.max(count, w.length);
  }
  const first = new Int32Array(outSize);
  const weights = new Float64Array(outSize * count);
  runs.forEach(({ lo, w }, o) => {
    // Runs near the end start earlier so that every run of `count` taps stays inside the input.
    const start = Math.max(0, Math.min(lo, inSize - count));
    first[o] = start;
    w.forEach((v, k) => (weights[o * count + lo - start + k] = v));
  });
  return { inSize, outSize, count, first, weights };
}

/** The taps of one axis for `method`. */
export function axisTaps(inSize: number, outSize: number, method: ResampleMethod, antialias: boolean): AxisTaps {
  if (inSize === outSize) return identityTaps(inSize);
  if (method === 'nearest') return nearestTaps(inSize, outSize);
  // jax applies the antialiasing filter only when downsampling (kernelScale = max(1/scale, 1)).
  return kernelTaps(inSize, outSize, method, antialias);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/**
 * Checks a rank-4 image shape and resolves the taps. The method, target size and data format were
 * validated by the op (`resizeImages`) and are only asserted here.
 *
 * @param inputShape `[N, H, W, C]` for `channels_last`, `[N, C, H, W]` for `channels_first`.
 * @throws ShapeError when `inputShape` is not a rank-4 shape of positive integers.
 * @example
 * ```ts
 * const p = resolveResampleParams([1, 5, 7, 3], [3, 4], 'bicubic', false, 'channels_last');
 * ```
 */
export function resolveResampleParams(
  inputShape: readonly number[],
  outSize: readonly [number, number],
  method: ResampleMethod,
  antialias: boolean,
  dataFormat: DataFormat,
): ResampleParams {
  assertInvariant(
    RESAMPLE_METHODS.includes(method) && (dataFormat === 'channels_last' || dataFormat === 'channels_first') && Array.isArray(outSize) && outSize.length === 2 && outSize.every(isPositiveInteger),
    () => `${CONTEXT}: method ${describeValue(method)}, dataFormat ${describeValue(dataFormat)}, size ${describeValue(outSize)}`,
  );
  if (!Array.isArray(inputShape) || inputShape.length !== 4 || !inputShape.every(isPositiveInteger)) {
    throw new ShapeError(`${CONTEXT}: invalid \`inputShape\`: received ${describeValue(inputShape)}; expected a rank-4 image shape of positive integers.`);
  }
  const last = dataFormat === 'channels_last';
  const [batch, h, w, channels] = last ? inputShape : [inputShape[0], inputShape[2], inputShape[3], inputShape[1]];
  return { batch, channels, dataFormat, rows: axisTaps(h, outSize[0], method, antialias), cols: axisTaps(w, outSize[1], method, antialias) };
}

/** Element counts of the input and output buffers. */
export function resampleSizes(p: ResampleParams): { input: number; output: number } {
  return { input: p.batch * p.channels * p.rows.inSize * p.cols.inSize, output: p.batch * p.channels * p.rows.outSize * p.cols.outSize };
}

/** The output shape in the params' data format. */
export function resampleOutputShape(p: ResampleParams): [number, number, number, number] {
  return p.dataFormat === 'channels_last'
    ? [p.batch, p.rows.outSize, p.cols.outSize, p.channels]
    : [p.batch, p.channels, p.rows.outSize, p.cols.outSize];
}
