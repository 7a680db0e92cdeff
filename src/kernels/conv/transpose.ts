/**
 * The transposed convolution's geometry (Keras's `ConvNDTranspose`, any rank): its output is the input
 * gradient of a forward convolution whose input has the transposed output's shape, so it runs on the
 * convolution kernels (backward input forward, forward and backward kernel for its gradients) and needs
 * only the forward convolution's params, resolved here from Keras's output-length and padding rules.
 */
import { describeValue, ShapeError } from '../../errors.js';
import type { DataFormat, Padding } from '../window.js';
import type { ConvParams } from './params.js';
import { resolveConvParams, SPATIAL_AXES, tensorAxes } from './params.js';
import { requireShape } from '../shape-checks.js';

/**
 * Keras's transposed-convolution output length for one axis (`_get_output_shape_given_tf_padding`):
 * with `K = (k - 1) * d + 1`, 'valid' gives `(in - 1) * s + K + op` where `op` defaults to
 * `max(K, s) - K`; 'same' gives `in * s` without `outputPadding`, else `(in - 1) * s + K % 2 + op`.
 */
export function convTransposeOutputLength(inputLength: number, kernelSize: number, stride: number, dilation: number, padding: Padding, outputPadding: number | null): number {
  const k = (kernelSize - 1) * dilation + 1;
  if (padding === 'valid') return (inputLength - 1) * stride + k + (outputPadding ?? Math.max(k, stride) - k);
  return outputPadding === null ? inputLength * stride : (inputLength - 1) * stride + (k % 2) + outputPadding;
}

/**
 * The padding Keras hands JAX's `conv_transpose` for one axis, turned into the padding of the forward
 * convolution whose adjoint the transposed convolution is: JAX pads the stride-dilated input by
 * `[left, right]` and correlates with the flipped kernel, which is the forward convolution's input
 * gradient with `before = K - 1 - left`, `after = K - 1 - right` (negative `after` crops).
 */
export function convTransposeForwardPadding(kernelSize: number, stride: number, dilation: number, padding: Padding, outputPadding: number | null): [before: number, after: number] {
  const k = (kernelSize - 1) * dilation + 1;
  let left: number;
  let right: number;
  if (padding === 'valid') {
    left = k - 1;
    right = k - 1 + (outputPadding ?? Math.max(k, stride) - k);
  } else {
    const total = outputPadding === null ? stride + k - 2 : k + (k % 2) - 2 + outputPadding;
    left = Math.min(Math.floor(total / 2) + (total % 2), k - 1);
    right = total - left;
  }
  return [k - 1 - left, k - 1 - right];
}

/** The transposed convolution's options after the front end's validation (one entry per spatial axis). */
export interface ConvTransposeOptions {
  strides: readonly number[];
  dilationRate: readonly number[];
  padding: Padding;
  /** Per axis, each < its stride; null for Keras's default output size. */
  outputPadding: readonly number[] | null;
  dataFormat: DataFormat;
}

/**
 * The params of the forward convolution whose input gradient is the transposed convolution of an input of
 * `inputShape` with a Keras kernel `[...kernelSize, filters, inChannels]`: its input is the transposed
 * output (`filters` channels, Keras's lengths) and its output has `inputShape`'s geometry.
 *
 * @throws ShapeError when the ranks or the kernel's channel axis do not fit the input.
 * @example
 * ```ts
 * const p = resolveConvTransposeParams([1, 4, 4, 4, 2], [3, 3, 3, 5, 2], { strides: [2, 2, 2], dilationRate: [1, 1, 1], padding: 'same', outputPadding: null, dataFormat: 'channels_last' });
 * p.inSize; // [8, 8, 8]: the transposed output
 * ```
 */
export function resolveConvTransposeParams(inputShape: readonly number[], kernelShape: readonly number[], options: ConvTransposeOptions, context = 'convTranspose'): ConvParams {
  const rank = options.strides.length as ConvParams['rank'];
  const spatial = SPATIAL_AXES[rank] ?? [];
  const input = requireShape(context, 'inputShape', inputShape, tensorAxes(rank, options.dataFormat));
  const kernel = requireShape(context, 'kernelShape', kernelShape, [...spatial.map((a) => `kernel ${a}`), 'filters', 'inChannels']);
  const channelsLast = options.dataFormat === 'channels_last';
  const [batch, channels] = [input[0], channelsLast ? input[rank + 1] : input[1]];
  const inSize = channelsLast ? input.slice(1, rank + 1) : input.slice(2);
  const filters = kernel[rank];
  if (kernel[rank + 1] !== channels) {
    throw new ShapeError(
      `${context}: the kernel's last axis (${kernel[rank + 1]}) must equal the ${channels} input channels; ` +
        `input shape ${describeValue(inputShape)} (${options.dataFormat}), kernel shape ${describeValue(kernelShape)}.`,
    );
  }
  const op = (i: number) => (options.outputPadding === null ? null : options.outputPadding[i]);
  const outSize = inSize.map((size, i) => convTransposeOutputLength(size, kernel[i], options.strides[i], options.dilationRate[i], options.padding, op(i)));
  const padding = kernel.slice(0, rank).map((k, i) => convTransposeForwardPadding(k, options.strides[i], options.dilationRate[i], options.padding, op(i)));
  const zShape = channelsLast ? [batch, ...outSize, filters] : [batch, filters, ...outSize];
  const p = resolveConvParams(zShape, kernelShape, { strides: options.strides, dilationRate: options.dilationRate, padding, dataFormat: options.dataFormat }, context);
  if (!p.outSize.every((n, i) => n === inSize[i])) {
    throw new ShapeError(`${context}: internal geometry mismatch for input shape ${describeValue(inputShape)}.`);
  }
  return p;
}
