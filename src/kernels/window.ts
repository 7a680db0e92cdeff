/**
 * Window arithmetic shared by every convolution and pooling kernel: output lengths and TensorFlow's
 * 'same' padding split, per spatial axis. The window options were validated by the front end (ops, layer
 * constructors) and the lengths come from checked shapes, so they are only asserted here.
 */
import { assertInvariant, describeValue } from '../errors.js';

/** Where the channel axis lives: `[N, H, W, C]` (`channels_last`) or `[N, C, H, W]` (`channels_first`). */
export type DataFormat = 'channels_last' | 'channels_first';

/** Keras padding modes. `same` pads TensorFlow-style, with any odd pixel going after (bottom/right). */
export type Padding = 'valid' | 'same';

/**
 * The resolved geometry every 2D convolution kernel works from: input and output sizes, kernel window,
 * strides, dilation and the four paddings. Each algorithm's params extend it with their channel layout.
 */
export interface ConvGeometry2d {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
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
  readonly outChannels: number;
  readonly dataFormat: DataFormat;
}

const isCount = (value: number, min: number) => Number.isInteger(value) && value >= min;

/**
 * Output length of one spatial axis under the Keras/TensorFlow rule: `ceil(in / stride)` for `same`,
 * `floor((in - dilatedKernel) / stride) + 1` for `valid`, where `dilatedKernel = (k - 1) * dilation + 1`.
 *
 * For `valid` the result is ≤ 0 when the dilated kernel does not fit in the input (and for an input of
 * length 0); it is returned as is (not clamped) so callers can report it. Callers turn it into a
 * `ShapeError` naming their own arguments.
 *
 * @throws InternalError when the front end let through a window size that is not a positive integer or an
 *   unknown `padding` (a bug, not a user error).
 */
export function convOutputLength(
  inputLength: number,
  kernelSize: number,
  stride: number,
  dilation: number,
  padding: Padding,
): number {
  assertInvariant(
    isCount(inputLength, 0) && isCount(kernelSize, 1) && isCount(stride, 1) && isCount(dilation, 1) && (padding === 'same' || padding === 'valid'),
    () => `convOutputLength: input ${inputLength}, kernel ${kernelSize}, stride ${stride}, dilation ${dilation}, padding ${describeValue(padding)}`,
  );
  if (padding === 'same') return Math.ceil(inputLength / stride);
  return Math.floor((inputLength - ((kernelSize - 1) * dilation + 1)) / stride) + 1;
}

/**
 * TensorFlow's `same` padding for one axis: the total is `max((out - 1) * s + (k - 1) * d + 1 - in, 0)`
 * with `out = ceil(in / s)`; `before = floor(total / 2)` and the odd pixel goes after (bottom/right).
 * This asymmetry is what makes weights imported from Keras produce identical outputs.
 *
 * @returns `[before, after]` padding in input pixels.
 */
export function samePadding(
  inputLength: number,
  kernelSize: number,
  stride: number,
  dilation: number,
): [before: number, after: number] {
  const out = convOutputLength(inputLength, kernelSize, stride, dilation, 'same');
  const total = Math.max((out - 1) * stride + (kernelSize - 1) * dilation + 1 - inputLength, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}


/** First tap `t ≥ 0` with `base + t * step ≥ 0`. May exceed the tap count, meaning no tap is inside. */
export function firstInside(base: number, step: number): number {
  return base >= 0 ? 0 : Math.ceil(-base / step);
}

/** One past the last tap `t < taps` with `base + t * step < size`; 0 when none is. */
export function endInside(base: number, step: number, size: number, taps: number): number {
  const room = size - 1 - base;
  return room < 0 ? 0 : Math.min(taps, Math.floor(room / step) + 1);
}
