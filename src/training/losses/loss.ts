/**
 * The `Loss` base class (Keras 3's `keras.losses.Loss`): per-sample values from `values()`, then Keras's
 * `reduce_weighted_values` (mask, sample weight, reduction). Everything is built from differentiable ops,
 * so `valueAndGrads` reaches `yPred` through any loss.
 */

import { isFloatDType } from '../../engine/dtype.js';
import { formatShape, shapesEqual, sizeOf } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { isTensor, scalar, tensor } from '../../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { Config, SerializedKerasObject } from '../../serialization/keras-object.js';
import { serializeKerasObject } from '../../serialization/keras-object.js';
import { cast, div, equal, mul, reshape, sum, where } from '../../ops/index.js';
import { optionKeys } from '../../utils/option-keys.js';

/** The `module` Keras 3 writes in a serialized loss. */
export const LOSSES_MODULE = 'keras.losses';

/**
 * How per-sample losses become the returned value, as Keras 3's `reduction` argument:
 * `'sum_over_batch_size'` (the default) and `'mean'` divide the (weighted) sum by the number of per-sample
 * values; `'sum'` returns the sum; `'mean_with_sample_weight'` divides by the sum of the sample weights
 * (by the count without weights); `'none'` (or `null`) returns the per-sample values unreduced.
 */
export type Reduction = 'sum_over_batch_size' | 'sum' | 'mean' | 'mean_with_sample_weight' | 'none';

export const REDUCTIONS: readonly Reduction[] = ['sum_over_batch_size', 'sum', 'mean', 'mean_with_sample_weight', 'none'];

/** Per-sample weights: a tensor or plain numbers, shaped like the batch (`[N]` or `[N, 1]`). */
export type SampleWeight = Tensor | readonly number[];

export interface LossOptions {
  /** The loss's name; defaults to Keras's snake_case name of the class (`'mean_squared_error'`, ...). */
  name?: string;
  /** Keras's `reduction`; `'sum_over_batch_size'` by default. `null` means `'none'`. */
  reduction?: Reduction | null;
}

/** The keys of {@link LossOptions}: what MeanSquaredError, MeanAbsoluteError and a function loss take. */
export const LOSS_OPTION_KEYS = optionKeys<LossOptions>()(['name', 'reduction']);

/** What a loss computes before reduction: per-sample values and, for `ignoreClass`, which count. */
export interface LossValues {
  values: Tensor;
  /** 1 where a value counts, 0 where it is masked out (Keras's keras_mask on the loss); same shape as values. */
  mask?: Tensor;
}

export function validateReduction(value: unknown, context: string): Reduction | null {
  if (value === null) return null;
  if (value === undefined) return 'sum_over_batch_size';
  if (typeof value === 'string' && (REDUCTIONS as readonly string[]).includes(value)) return value as Reduction;
  throw new InvalidArgumentError('reduction', value, `null or one of ${REDUCTIONS.map((r) => `'${r}'`).join(', ')}`, context);
}

export function validateName(value: unknown, fallback: string, context: string): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError('name', value, 'a non-empty string', context);
  }
  return value;
}

/**
 * Base class of every loss. `call(yTrue, yPred)` returns the reduced loss, a scalar with the default
 * reduction, computed in `yPred`'s dtype (`yTrue` is cast to it).
 *
 * Subclasses implement `values()`, the per-sample losses (Keras's `call`), from differentiable ops.
 *
 * @example
 * ```ts
 * class MeanCubed extends Loss {
 *   readonly className = 'MeanCubed';
 *   constructor() { super('mean_cubed'); }
 *   protected values(yTrue: Tensor, yPred: Tensor): LossValues {
 *     return { values: ops.mean(ops.pow(ops.abs(ops.sub(yPred, yTrue)), 3), { axis: -1 }) };
 *   }
 * }
 * ```
 */
export abstract class Loss {
  /** The Keras class name written as `class_name` when serialized. */
  abstract readonly className: string;
  readonly name: string;
  readonly reduction: Reduction | null;

  constructor(defaultName: string, options: LossOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('options', options, 'an options object', defaultName);
    }
    this.name = validateName(options.name, defaultName, defaultName);
    this.reduction = validateReduction(options.reduction, defaultName);
  }

  /** The per-sample losses, before sample weights and reduction (Keras's `Loss.call`). */
  protected abstract values(yTrue: Tensor, yPred: Tensor): LossValues;

  /**
   * The loss of `yPred` against `yTrue`: a scalar for every reduction except `'none'`.
   *
   * @param sampleWeight Optional per-sample weights; with the default reduction the weighted sum is still
   *   divided by the number of per-sample values, as in Keras.
   * @throws ShapeError when the shapes do not fit the loss; InvalidArgumentError for non-tensor inputs, an
   *   integer `yPred`, or labels a classification loss cannot use.
   */
  call(yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight | null): Tensor {
    assertLossInputs(yTrue, yPred, this.name);
    const { values, mask } = this.values(cast(yTrue, yPred.dtype), yPred);
    const weight = sampleWeight === undefined || sampleWeight === null ? undefined : toWeight(sampleWeight, values, this.name);
    return reduceWeightedValues(values, weight, mask, this.reduction);
  }

  /** The constructor arguments in Keras's snake_case form. */
  getConfig(): Config {
    return { name: this.name, reduction: this.reduction };
  }

  /** Keras 3's serialized form, `{ module: 'keras.losses', class_name, config, registered_name: null }`. */
  serialize(): SerializedKerasObject {
    return serializeKerasObject(LOSSES_MODULE, this.className, this.getConfig());
  }
}

/** Both arguments tensors, `yPred` floating point, and equal batch sizes. */
export function assertLossInputs(yTrue: unknown, yPred: unknown, context: string): asserts yTrue is Tensor {
  if (!isTensor(yTrue)) throw new InvalidArgumentError('yTrue', yTrue, 'a Tensor', context);
  if (!isTensor(yPred)) throw new InvalidArgumentError('yPred', yPred, 'a Tensor', context);
  if (!isFloatDType(yPred.dtype)) {
    throw new InvalidArgumentError('yPred', yPred.dtype, "a 'float32' or 'float64' tensor", context);
  }
  if (yTrue.rank === 0 || yPred.rank === 0) {
    throw new ShapeError(
      `${context}: yTrue and yPred need a batch axis; got yTrue shape ${formatShape(yTrue.shape)} and yPred shape ${formatShape(yPred.shape)}`,
    );
  }
  if (yTrue.shape[0] !== yPred.shape[0]) {
    throw new ShapeError(
      `${context}: yTrue has batch size ${yTrue.shape[0]} but yPred has ${yPred.shape[0]} ` +
        `(yTrue shape ${formatShape(yTrue.shape)}, yPred shape ${formatShape(yPred.shape)})`,
    );
  }
}

/**
 * The shapes Keras's `squeeze_or_expand_to_same_rank(x1, x2)` makes: when the ranks differ by one and the
 * longer one ends in 1, that axis is dropped, or, if the shorter one is rank 1, the shorter one gains it.
 */
export function alignedShapes(a: readonly number[], b: readonly number[]): [number[], number[]] {
  let x = [...a];
  let y = [...b];
  if (x.length === y.length + 1 && x[x.length - 1] === 1) {
    if (y.length === 1) y = [...y, 1];
    else x = x.slice(0, -1);
  } else if (y.length === x.length + 1 && y[y.length - 1] === 1) {
    if (x.length === 1) x = [...x, 1];
    else y = y.slice(0, -1);
  }
  return [x, y];
}

/** Keras's `squeeze_or_expand_to_same_rank` on tensors (a differentiable reshape). */
export function alignRanks(a: Tensor, b: Tensor): [Tensor, Tensor] {
  const [sa, sb] = alignedShapes(a.shape, b.shape);
  return [shapesEqual(sa, a.shape) ? a : reshape(a, sa), shapesEqual(sb, b.shape) ? b : reshape(b, sb)];
}

/**
 * `alignRanks`, then insists on equal shapes. Keras would broadcast `[N]` against `[N, C]` along the wrong
 * axis (or fail deep in the backend); a clear error here is the stricter, safer contract.
 */
export function alignSameShape(yTrue: Tensor, yPred: Tensor, context: string): [Tensor, Tensor] {
  const [t, p] = alignRanks(yTrue, yPred);
  if (!shapesEqual(t.shape, p.shape)) {
    throw new ShapeError(
      `${context}: yTrue shape ${formatShape(yTrue.shape)} does not match yPred shape ${formatShape(yPred.shape)}; ` +
        'they must be equal (a trailing axis of size 1 on either side is tolerated)',
    );
  }
  return [t, p];
}

function toWeight(sampleWeight: SampleWeight, values: Tensor, context: string): Tensor {
  let w: Tensor;
  if (isTensor(sampleWeight)) {
    w = cast(sampleWeight, values.dtype);
  } else if (Array.isArray(sampleWeight) && sampleWeight.every((v) => typeof v === 'number')) {
    w = tensor(sampleWeight, [sampleWeight.length], values.dtype);
  } else {
    throw new InvalidArgumentError('sampleWeight', sampleWeight, 'a Tensor or an array of numbers', context);
  }
  return w;
}

/** Appends size-1 axes to `w` so that a per-sample weight broadcasts over `values`' trailing axes. */
function expandToRank(w: Tensor, rank: number): Tensor {
  if (w.rank >= rank) return w;
  return reshape(w, [...w.shape, ...new Array<number>(rank - w.rank).fill(1)]);
}

/** Keras's `divide_no_nan`: 0 where the divisor is 0. */
function divideNoNan(a: Tensor, b: Tensor): Tensor {
  return where(equal(b, 0), mul(a, 0), div(a, where(equal(b, 0), 1, b)));
}

/**
 * Keras 3's `reduce_weighted_values`: merge the mask into the sample weight (for the mean reductions a
 * masked-out value weighs 0 and the others total/valid, so the mean runs over the valid values only),
 * multiply, then reduce. A scalar (or empty) `values` is returned as it is, as Keras does.
 */
export function reduceWeightedValues(
  values: Tensor,
  sampleWeight: Tensor | undefined,
  mask: Tensor | undefined,
  reduction: Reduction | null,
): Tensor {
  let weight = sampleWeight;
  if (mask) {
    let floatMask = mask;
    if (reduction === 'mean' || reduction === 'sum_over_batch_size') {
      // total / valid, or 0 when nothing is valid.
      floatMask = mul(mask, divideNoNan(scalar(mask.size, mask.dtype), sum(mask)));
    }
    if (weight) {
      const [m, w] = alignRanks(floatMask, weight);
      weight = mul(expandToRank(w, m.rank), m);
    } else {
      weight = floatMask;
    }
  }
  let weighted = values;
  if (weight) {
    const [v, w] = alignRanks(values, weight);
    if (w.rank > v.rank || !w.shape.every((d, i) => d === v.shape[i] || d === 1)) {
      throw new ShapeError(
        `sampleWeight shape ${formatShape(weight.shape)} does not fit the per-sample losses of shape ${formatShape(values.shape)}`,
      );
    }
    weight = w;
    weighted = mul(v, expandToRank(w, v.rank));
  }
  if (reduction === null || reduction === 'none' || weighted.rank === 0 || (weighted.rank === 1 && weighted.size === 0)) {
    return weighted;
  }
  const total = sum(weighted);
  if (reduction === 'sum') return total;
  const divisor =
    reduction === 'mean_with_sample_weight' && sampleWeight
      ? sum(weight as Tensor)
      : scalar(sizeOf(weighted.shape), weighted.dtype);
  return divideNoNan(total, divisor);
}

