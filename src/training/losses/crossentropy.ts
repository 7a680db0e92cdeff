/**
 * Crossentropy losses with Keras 3's exact formulas (keras/src/backend/jax/nn.py):
 *
 * - on probabilities, outputs are clipped to [1e-7, 1 - 1e-7] (Keras's `backend.epsilon()`) before the log;
 *   categorical first renormalises each distribution, `output / sum(output, axis)`;
 * - on logits, the stable forms: `log_softmax`, and for binary `t·softplus(-x) + (1-t)·softplus(x)`
 *   (= `max(x, 0) - x·t + log(1 + exp(-|x|))`, but smooth at x = 0, so its gradient there is exact).
 */

import { normalizeAxes } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { formatShape } from '../../engine/shape.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { Config } from '../../serialization/keras-object.js';
import { add, cast, clip, div, log, mapPointwise, mean, mul, neg, notEqual, oneHot, reshape, sub, sum, where } from '../../ops/index.js';
import { POINTWISE } from '../../ops/pointwise.js';
import { assertClassIndices } from '../../ops/one-hot.js';
import { logSoftmax } from '../../activations/axis-activations.js';
import { EPSILON } from '../../config/epsilon.js';
import type { LossOptions, LossValues } from './loss.js';
import { checkOptions, optionKeys } from '../../utils/option-keys.js';
import { alignRanks, alignSameShape, Loss } from './loss.js';
import { checkBoolean } from '../../utils/arguments.js';

export { EPSILON };

function softplus(x: Tensor): Tensor {
  return mapPointwise(x, POINTWISE.softplus);
}


function validateSmoothing(value: unknown, context: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new InvalidArgumentError('labelSmoothing', value, 'a number in [0, 1]', context);
  }
  return value;
}

function validateAxis(value: unknown, context: string): number {
  if (value === undefined || value === null) return -1;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new InvalidArgumentError('axis', value, 'an integer', context);
  }
  return value;
}

function resolveAxis(axis: number, rank: number, context: string): number {
  if (axis < -rank || axis >= rank) {
    throw new InvalidArgumentError('axis', axis, `an integer in [${-rank}, ${rank - 1}] for yPred of rank ${rank}`, context);
  }
  return normalizeAxes(axis, rank)[0];
}

/** log of probabilities clipped to [ε, 1-ε], as Keras does before every probability crossentropy. */
function clippedLog(p: Tensor): Tensor {
  return log(clip(p, EPSILON, 1 - EPSILON));
}

export interface BinaryCrossentropyOptions extends LossOptions {
  /** Whether `yPred` holds logits rather than probabilities; `false` by default. */
  fromLogits?: boolean;
  /** In [0, 1]: targets become `t·(1 - s) + 0.5·s`; 0 by default. */
  labelSmoothing?: number;
  /** The axis the per-element losses are averaged over; -1 by default. */
  axis?: number;
}

const BINARY_KEYS = optionKeys<BinaryCrossentropyOptions>()(['name', 'reduction', 'fromLogits', 'labelSmoothing', 'axis']);

/**
 * Binary crossentropy, as `keras.losses.BinaryCrossentropy`: per element
 * `-(t·log(p) + (1-t)·log(1-p))` with `p` clipped to [1e-7, 1-1e-7] (or the logits form), averaged over
 * `axis`. `yTrue` and `yPred` must have equal shapes (a trailing axis of 1 on one side is tolerated).
 *
 * @example
 * ```ts
 * new BinaryCrossentropy({ fromLogits: true }).call(tensor([[1], [0]]), tensor([[2], [-1]])).item(); // ≈ 0.2201
 * ```
 */
export class BinaryCrossentropy extends Loss {
  readonly className = 'BinaryCrossentropy';
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;

  constructor(options: BinaryCrossentropyOptions = {}) {
    checkOptions(options, BINARY_KEYS, 'BinaryCrossentropy');
    super('binary_crossentropy', options);
    this.fromLogits = checkBoolean(options.fromLogits, 'fromLogits', 'BinaryCrossentropy', false);
    this.labelSmoothing = validateSmoothing(options.labelSmoothing, 'BinaryCrossentropy');
    this.axis = validateAxis(options.axis, 'BinaryCrossentropy');
  }

  protected values(yTrue: Tensor, yPred: Tensor): LossValues {
    const [t0, p] = alignSameShape(yTrue, yPred, this.name);
    const axis = resolveAxis(this.axis, p.rank, this.name);
    const s = this.labelSmoothing;
    const t = s ? add(mul(t0, 1 - s), 0.5 * s) : t0;
    let elementwise: Tensor;
    if (this.fromLogits) {
      elementwise = add(mul(t, softplus(neg(p))), mul(sub(1, t), softplus(p)));
    } else {
      const c = clip(p, EPSILON, 1 - EPSILON);
      elementwise = neg(add(mul(t, log(c)), mul(sub(1, t), log(sub(1, c)))));
    }
    return { values: mean(elementwise, { axis }) };
  }

  override getConfig(): Config {
    return { ...super.getConfig(), from_logits: this.fromLogits, label_smoothing: this.labelSmoothing, axis: this.axis };
  }
}

export interface CategoricalCrossentropyOptions extends LossOptions {
  /** Whether `yPred` holds logits rather than probabilities; `false` by default. */
  fromLogits?: boolean;
  /** In [0, 1]: targets become `t·(1 - s) + s / numClasses`; 0 by default. */
  labelSmoothing?: number;
  /** The class axis; -1 by default. */
  axis?: number;
}

const CATEGORICAL_KEYS = optionKeys<CategoricalCrossentropyOptions>()(['name', 'reduction', 'fromLogits', 'labelSmoothing', 'axis']);

/**
 * Categorical crossentropy on one-hot (or soft) targets, as `keras.losses.CategoricalCrossentropy`:
 * `-sum(t·log(p), axis)` where `p` is `yPred / sum(yPred, axis)` clipped to [1e-7, 1-1e-7], or
 * `log_softmax(yPred)` with `fromLogits`. `yTrue`'s shape must equal `yPred`'s.
 *
 * As Keras, label smoothing takes the class count from the *last* axis even when `axis` is another one.
 *
 * @example
 * ```ts
 * new CategoricalCrossentropy().call(tensor([[0, 1]]), tensor([[0.25, 0.75]])).item(); // ≈ 0.2877
 * ```
 */
export class CategoricalCrossentropy extends Loss {
  readonly className = 'CategoricalCrossentropy';
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;

  constructor(options: CategoricalCrossentropyOptions = {}) {
    checkOptions(options, CATEGORICAL_KEYS, 'CategoricalCrossentropy');
    super('categorical_crossentropy', options);
    this.fromLogits = checkBoolean(options.fromLogits, 'fromLogits', 'CategoricalCrossentropy', false);
    this.labelSmoothing = validateSmoothing(options.labelSmoothing, 'CategoricalCrossentropy');
    this.axis = validateAxis(options.axis, 'CategoricalCrossentropy');
  }

  protected values(yTrue: Tensor, yPred: Tensor): LossValues {
    const [t0, p] = alignRanks(yTrue, yPred);
    if (t0.rank !== p.rank || !t0.shape.every((d, i) => d === p.shape[i])) {
      throw new ShapeError(
        `${this.name}: yTrue shape ${formatShape(yTrue.shape)} must equal yPred shape ${formatShape(yPred.shape)} ` +
          '(one-hot targets); for integer class labels use sparseCategoricalCrossentropy',
      );
    }
    const axis = resolveAxis(this.axis, p.rank, this.name);
    const s = this.labelSmoothing;
    const t = s ? add(mul(t0, 1 - s), s / t0.shape[t0.rank - 1]) : t0;
    const logProb = this.fromLogits ? logSoftmax(p, axis) : clippedLog(div(p, sum(p, { axis, keepDims: true })));
    return { values: neg(sum(mul(t, logProb), { axis })) };
  }

  override getConfig(): Config {
    return { ...super.getConfig(), from_logits: this.fromLogits, label_smoothing: this.labelSmoothing, axis: this.axis };
  }
}

export interface SparseCategoricalCrossentropyOptions extends LossOptions {
  /** Whether `yPred` holds logits rather than probabilities; `false` by default. */
  fromLogits?: boolean;
  /**
   * A label value to ignore (e.g. -1 or 255 for "void" pixels): those positions contribute 0 and the mean
   * runs over the others only, as Keras. `null` (the default) ignores nothing.
   */
  ignoreClass?: number | null;
}

const SPARSE_KEYS = optionKeys<SparseCategoricalCrossentropyOptions>()(['name', 'reduction', 'fromLogits', 'ignoreClass']);

/**
 * Crossentropy on integer class labels, as `keras.losses.SparseCategoricalCrossentropy`: `yTrue` has
 * `yPred`'s shape without the last (class) axis, or with it of size 1 (`[N]` or `[N, 1]` for `yPred`
 * `[N, C]`). Every label must be an integer in [0, C) (or equal `ignoreClass`); any other value is an
 * error naming the label, its index and C (Keras would silently count such a label as zero loss).
 *
 * @example
 * ```ts
 * new SparseCategoricalCrossentropy().call(tensor([1]), tensor([[0.25, 0.75]])).item(); // ≈ 0.2877
 * ```
 */
export class SparseCategoricalCrossentropy extends Loss {
  readonly className = 'SparseCategoricalCrossentropy';
  readonly fromLogits: boolean;
  readonly ignoreClass: number | null;

  constructor(options: SparseCategoricalCrossentropyOptions = {}) {
    checkOptions(options, SPARSE_KEYS, 'SparseCategoricalCrossentropy');
    super('sparse_categorical_crossentropy', options);
    this.fromLogits = checkBoolean(options.fromLogits, 'fromLogits', 'SparseCategoricalCrossentropy', false);
    const ignore = options.ignoreClass ?? null;
    if (ignore !== null && (typeof ignore !== 'number' || !Number.isInteger(ignore))) {
      throw new InvalidArgumentError('ignoreClass', ignore, 'null or an integer', 'SparseCategoricalCrossentropy');
    }
    this.ignoreClass = ignore;
  }

  protected values(yTrue: Tensor, yPred: Tensor): LossValues {
    const classes = yPred.shape[yPred.rank - 1];
    let labels = yTrue;
    if (labels.rank === yPred.rank && labels.shape[labels.rank - 1] === 1) labels = reshape(labels, labels.shape.slice(0, -1));
    const expected = yPred.shape.slice(0, -1);
    if (yPred.rank < 2 || labels.rank !== expected.length || !labels.shape.every((d, i) => d === expected[i])) {
      throw new ShapeError(
        `${this.name}: yTrue shape ${formatShape(yTrue.shape)} does not fit yPred shape ${formatShape(yPred.shape)}; ` +
          `integer labels need shape ${formatShape(expected)} or ${formatShape([...expected, 1])} for yPred [..., ${classes}] ` +
          '(for one-hot targets use categoricalCrossentropy)',
      );
    }
    assertClassIndices(labels, classes, 'yTrue', this.name, this.ignoreClass);
    if (this.ignoreClass === null) {
      const logProb = this.fromLogits ? logSoftmax(yPred, -1) : clippedLog(div(yPred, sum(yPred, { axis: -1, keepDims: true })));
      return { values: neg(sum(mul(oneHot(labels, classes, yPred.dtype), logProb), { axis: -1 })) };
    }
    // Ignored labels get an all-zero target row, and their rows of yPred are replaced by a constant so that
    // a degenerate row (all zeros, say) cannot send NaN through the gradient; their loss is masked to 0
    // anyway (Keras substitutes 0 and masks likewise).
    const mask = cast(notEqual(labels, this.ignoreClass), yPred.dtype);
    const target = mul(oneHot(where(mask, labels, 0), classes, yPred.dtype), reshape(mask, [...expected, 1]));
    const p = where(reshape(mask, [...expected, 1]), yPred, 1);
    const logProb = this.fromLogits ? logSoftmax(p, -1) : clippedLog(div(p, sum(p, { axis: -1, keepDims: true })));
    const values = neg(sum(mul(target, logProb), { axis: -1 }));
    return { values: where(mask, values, 0), mask };
  }

  override getConfig(): Config {
    return { ...super.getConfig(), from_logits: this.fromLogits, ignore_class: this.ignoreClass };
  }
}

/** `new BinaryCrossentropy(options)`. @example `losses.binaryCrossentropy({ fromLogits: true })` */
export function binaryCrossentropy(options: BinaryCrossentropyOptions = {}): BinaryCrossentropy {
  return new BinaryCrossentropy(options);
}

/** `new CategoricalCrossentropy(options)`. @example `losses.categoricalCrossentropy({ labelSmoothing: 0.1 })` */
export function categoricalCrossentropy(options: CategoricalCrossentropyOptions = {}): CategoricalCrossentropy {
  return new CategoricalCrossentropy(options);
}

/** `new SparseCategoricalCrossentropy(options)`. @example `losses.sparseCategoricalCrossentropy({ fromLogits: true })` */
export function sparseCategoricalCrossentropy(
  options: SparseCategoricalCrossentropyOptions = {},
): SparseCategoricalCrossentropy {
  return new SparseCategoricalCrossentropy(options);
}
