/**
 * Shape resolution for batch normalization: any tensor is viewed as `[outer, channels, inner]` around its
 * channel axis, which is all the kernels need to know about rank and data format (channels_last gives
 * `inner = 1`; NCHW gives `outer = N`, `inner = H * W`).
 */
import { assertInvariant, describeValue } from '../../errors.js';
import { shapeError } from '../shape-checks.js';

export type { FloatArray } from '../../engine/dtype.js';

/** The tensor as `[outer, channels, inner]`; statistics are per channel over `count = outer * inner` values. */
export interface BatchNormParams {
  readonly outer: number;
  readonly channels: number;
  readonly inner: number;
  /** `outer * inner`: how many values each channel's statistics average over. */
  readonly count: number;
}

const CONTEXT = 'batchNorm';

/**
 * @param shape The input's shape (rank >= 1, non-negative integer dimensions).
 * @param axis The channel axis; negative counts from the end. The ops (`ops/batch-norm.ts`) validate it,
 *   so here it is only asserted.
 * @throws ShapeError when the shape is not a list of non-negative integers.
 */
export function resolveBatchNormParams(shape: readonly number[], axis: number): BatchNormParams {
  const rank = shape.length;
  shape.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 0) throw shapeError(CONTEXT, `shape[${i}]`, d, `a non-negative integer (shape ${describeValue(shape)})`);
  });
  assertInvariant(Number.isInteger(axis) && axis >= -rank && axis < rank, () => `${CONTEXT}: axis ${describeValue(axis)} for input shape ${describeValue(shape)}`);
  const a = axis < 0 ? axis + rank : axis;
  let outer = 1;
  for (let i = 0; i < a; i++) outer *= shape[i];
  let inner = 1;
  for (let i = a + 1; i < rank; i++) inner *= shape[i];
  return { outer, channels: shape[a], inner, count: outer * inner };
}

/** Element counts of each buffer the kernels take, for their length checks. */
export function batchNormSizes(p: BatchNormParams): { input: number; channels: number } {
  return { input: p.outer * p.channels * p.inner, channels: p.channels };
}
