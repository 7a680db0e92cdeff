/** Reductions over axes: sum, mean, max, min. */

import { normalizeAxes } from '../engine/shape.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import { getBackend } from '../kernels/backend.js';
import type { ReduceOp } from '../kernels/reduce/index.js';
import { broadcastTo } from './broadcast.js';
import { div, equal, mul } from './elementwise.js';
import { cast, reshape } from './shape-ops.js';
import { checkOptionKeys, optionKeys } from '../utils/option-keys.js';

export interface ReduceOptions {
  /** Axes to reduce (negative counts from the end); all axes when omitted. */
  axis?: number | readonly number[] | null;
  /** Keep reduced axes with size 1, as Keras's `keepdims`. */
  keepDims?: boolean;
}

const OPTION_KEYS = optionKeys<ReduceOptions>()(['axis', 'keepDims']);

/**
 * The options object, refusing what is not one: `sum(x, 1)` (a positional axis, as tfjs and NumPy users
 * write) would otherwise be read as "no options" and sum everything.
 */
function checkOptions(options: unknown, context: string): ReduceOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError('options', options, `an options object such as { axis: ${JSON.stringify(options)} }`, context);
  }
  checkOptionKeys(options, OPTION_KEYS, context);
  return options;
}

/** The reduced values (reduced axes removed) and the shape with them kept as 1. */
function reduceRaw(op: ReduceOp, x: Tensor, axes: readonly number[]): { out: Tensor; keptShape: number[] } {
  const out = uninitializedTensor(
    x.shape.filter((_, i) => !axes.includes(i)),
    x.dtype,
  );
  getBackend().reduce.reduce(op, { shape: x.shape, axes }, x.storageHandle, out.storageHandle);
  return { out, keptShape: x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) };
}

function finalShape(x: Tensor, axes: readonly number[], keepDims: boolean | undefined): number[] {
  return keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
}

/** Sum over axes. @example `sum(x, { axis: -1, keepDims: true })` */
export function sum(x: Tensor, options: ReduceOptions = {}): Tensor {
  const { axis, keepDims } = checkOptions(options, 'sum');
  const axes = normalizeAxes(axis, x.rank);
  const { out: reduced, keptShape } = reduceRaw('sum', x, axes);
  const out = reshape(reduced, finalShape(x, axes, keepDims));
  recordOp([x], out, (dy) => [broadcastTo(reshape(dy, keptShape), x.shape)]);
  return out;
}

/** Mean over axes. @example `mean(x)` */
export function mean(x: Tensor, options: ReduceOptions = {}): Tensor {
  const axes = normalizeAxes(checkOptions(options, 'mean').axis, x.rank);
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  // As in Keras, the mean of integers is a float32 (not a truncated integer division).
  const total = sum(x, options);
  return div(total.dtype === 'int32' ? cast(total, 'float32') : total, count);
}

function extremum(op: 'max' | 'min', x: Tensor, options: ReduceOptions): Tensor {
  const { axis, keepDims } = checkOptions(options, op);
  const axes = normalizeAxes(axis, x.rank);
  const { out: reduced, keptShape } = reduceRaw(op, x, axes);
  const out = reshape(reduced, finalShape(x, axes, keepDims));
  recordOp([x], out, (dy) => {
    // Ties share the gradient equally, as TensorFlow and JAX do.
    const kept = reshape(reduced, keptShape);
    const mask = equal(x, kept);
    const ties = reshape(sum(mask, { axis: axes, keepDims: true }), keptShape);
    return [mul(mask, div(reshape(dy, keptShape), ties))];
  });
  return out;
}

/** Maximum over axes (NaN wins, as in NumPy). @example `max(x, { axis: 1 })` */
export function max(x: Tensor, options: ReduceOptions = {}): Tensor {
  return extremum('max', x, options);
}

/** Minimum over axes (NaN wins, as in NumPy). @example `min(x, { axis: 1 })` */
export function min(x: Tensor, options: ReduceOptions = {}): Tensor {
  return extremum('min', x, options);
}
