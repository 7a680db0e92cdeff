/** Keras's `Normalization` preprocessing layer: `(x − mean) / sqrt(variance)` with statistics given or adapted. */

import { EPSILON } from '../../config/epsilon.js';
import { formatShape } from '../../engine/shape.js';
import type { FloatDType } from '../../engine/dtype.js';
import type { Tensor } from '../../engine/tensor.js';
import { isTensor, tensor } from '../../engine/tensor.js';
import type { Variable } from '../../engine/variable.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import { add, div, maximum, mul, sub } from '../../ops/elementwise.js';
import { sqrt, square } from '../../ops/pointwise.js';
import { mean } from '../../ops/reduce.js';
import { broadcastTo } from '../../ops/broadcast.js';
import { cast, reshape } from '../../ops/shape-ops.js';
import { noGrad } from '../../engine/tape.js';
import type { Config, ConfigValue } from '../../serialization/keras-object.js';
import { initializerFromName } from './initializer-names.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { activityRegularizerConfig, Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';
import type { OptionSpec } from '../options-schema.js';

/** Nested arrays of numbers (or one number): a statistic given to the constructor. */
export type Statistic = number | readonly Statistic[];

/** The options of `layerNormalization`. */
export interface NormalizationOptions extends LayerOptions {
  /** The axis or axes that keep separate statistics (null: one scalar mean and variance). Default -1. */
  axis?: number | readonly number[] | null;
  /** The mean(s), broadcast to the kept axes; given together with `variance`, or learned by `adapt`. */
  mean?: Statistic | null;
  /** The variance(s), of the same shape as `mean`. */
  variance?: Statistic | null;
  /** Apply the inverse, `x · sqrt(variance) + mean`. Default false. */
  invert?: boolean;
}

function shapeOf(v: Statistic): number[] {
  return typeof v === 'number' ? [] : [v.length, ...(v.length > 0 ? shapeOf(v[0]) : [])];
}

function flatten(v: Statistic, out: number[] = []): number[] {
  if (typeof v === 'number') out.push(v);
  else for (const e of v) flatten(e, out);
  return out;
}

const statistic: OptionSpec<Statistic | null> = {
  resolve: (value, argument, context) => {
    if (value === undefined || value === null) return null;
    const valid = (v: unknown): boolean => (typeof v === 'number' ? Number.isFinite(v) : Array.isArray(v) && v.every(valid));
    if (!valid(value)) throw new InvalidArgumentError(argument, value, 'a finite number or nested arrays of finite numbers, or null', context);
    const v = value as Statistic;
    if (flatten(v).length !== shapeOf(v).reduce((a, b) => a * b, 1)) throw new InvalidArgumentError(argument, value, 'nested arrays of a regular shape', context);
    return v;
  },
  toConfig: (v) => v as ConfigValue,
};

const OPTIONS = defineOptions<NormalizationOptions>()('Normalization', {
  axis: option.axes(-1, { allowNull: true }),
  invert: option.boolean(false),
  mean: statistic,
  variance: statistic,
});

/**
 * Normalizes features (Keras's `Normalization`): `(x − mean) / max(sqrt(variance), ε)` per index of the kept
 * `axis`, or the inverse with `invert`. Give `mean` and `variance`, or call {@link Normalization.adapt} on
 * data before use; adapting creates the non-trainable weights `mean`, `variance` and `count`, which are saved
 * and loaded with the model.
 *
 * @example
 * ```ts
 * const norm = new Normalization();
 * norm.adapt(trainingFeatures); // per-feature statistics of the last axis
 * layerDense(norm.apply(x), { units: 1 });
 * ```
 */
export class Normalization extends Layer {
  readonly className = 'Normalization';
  private readonly args: ReturnType<typeof OPTIONS.resolve>;
  adaptMean: Variable | null = null;
  adaptVariance: Variable | null = null;
  count: Variable | null = null;
  private keepAxes: number[] = [];
  private buildShape: SymbolicShape | null = null;

  constructor(options: NormalizationOptions = {}) {
    const args = OPTIONS.resolve(options);
    if ((args.mean === null) !== (args.variance === null)) {
      throw new InvalidArgumentError(args.mean === null ? 'mean' : 'variance', null, `to be given together with \`${args.mean === null ? 'variance' : 'mean'}\` (When setting values directly, both \`mean\` and \`variance\` must be set)`, 'Normalization');
    }
    if (args.mean !== null && args.variance !== null) {
      if (shapeOf(args.mean).join() !== shapeOf(args.variance).join()) {
        throw new InvalidArgumentError('variance', args.variance, `the shape of \`mean\` (${formatShape(shapeOf(args.mean))})`, 'Normalization');
      }
      const axes = args.axis === null ? 0 : typeof args.axis === 'number' ? 1 : args.axis.length;
      if (shapeOf(args.mean).length > axes) throw new InvalidArgumentError('mean', args.mean, `a rank of at most the number of axes (${axes})`, 'Normalization');
    }
    super(options, 'Normalization');
    this.args = args;
  }

  get axis(): number | readonly number[] | null {
    return this.args.axis;
  }

  get invert(): boolean {
    return this.args.invert;
  }

  private resolveKeep(inputShape: SymbolicShape): number[] {
    const list = this.axis === null ? [] : typeof this.axis === 'number' ? [this.axis] : [...this.axis];
    const rank = inputShape.length;
    if (list.some((a) => a < -rank || a >= rank)) {
      throw new ShapeError(`Layer '${this.name}': All \`axis\` values must be in the range [-ndim, ndim). Received inputs with ndim=${rank}, while axis=${JSON.stringify(this.axis)}`);
    }
    const keep = [...new Set(list.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
    for (const a of keep) if (inputShape[a] === null) throw new ShapeError(`Layer '${this.name}': All \`axis\` values to be kept must have a known shape; axis ${a} of ${formatShape(inputShape)} is unknown`);
    return keep;
  }

  private statShape(inputShape: SymbolicShape): number[] {
    return this.resolveKeep(inputShape).map((a) => inputShape[a] as number);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    const shape = this.statShape(inputShape);
    if (this.buildShape && this.statShape(this.buildShape).join() !== shape.join()) {
      throw new ShapeError(`Layer '${this.name}' was built with input shape ${formatShape(this.buildShape)}; received input with shape ${formatShape(inputShape)}`);
    }
  }

  override weightShapesFor(inputShape: SymbolicShape): number[][] {
    if (this.args.mean !== null) return [];
    const shape = this.statShape(inputShape);
    return [shape, shape, []];
  }

  override build(inputShape: SymbolicShape): void {
    this.keepAxes = this.resolveKeep(inputShape);
    this.buildShape = [...inputShape];
    if (this.args.mean === null) {
      const shape = this.statShape(inputShape);
      this.adaptMean = this.addWeight({ name: 'mean', shape, initializer: initializerFromName('zeros'), trainable: false });
      this.adaptVariance = this.addWeight({ name: 'variance', shape, initializer: initializerFromName('ones'), trainable: false });
      this.count = this.addWeight({ name: 'count', shape: [], initializer: initializerFromName('zeros'), trainable: false });
    }
    this.built = true;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    return [...inputShape];
  }

  /**
   * The mean and variance in the broadcast shape of an input of shape `inputShape` (kept axes their size,
   * the rest 1), as `call` uses them; the ONNX exporter writes them as constants.
   *
   * @example
   * ```ts
   * const [mean, variance] = norm.statisticsFor([null, 4, 3], 'float32'); // each [1, 1, 3]
   * ```
   */
  statisticsFor(inputShape: SymbolicShape, dtype: FloatDType): [Tensor, Tensor] {
    const keep = this.keepAxes.length > 0 || this.built ? this.keepAxes : this.resolveKeep(inputShape);
    // Kept axes have known sizes (resolveKeep checks), so the broadcast shape is all numbers.
    const broadcast = inputShape.map((d, i) => (keep.includes(i) ? (d as number) : 1));
    if (this.adaptMean && this.adaptVariance) return [reshape(cast(this.adaptMean, dtype), broadcast), reshape(cast(this.adaptVariance, dtype), broadcast)];
    // Given values align with the kept axes from the right, then broadcast (Keras's rule).
    const given = (v: Statistic) => {
      const shape = shapeOf(v);
      const expanded = inputShape.map(() => 1);
      shape.forEach((d, i) => (expanded[keep[keep.length - shape.length + i]] = d));
      return broadcastTo(reshape(tensor(flatten(v), shape, dtype), expanded), broadcast);
    };
    return [given(this.args.mean as Statistic), given(this.args.variance as Statistic)];
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    const [m, v] = this.statisticsFor(x.shape, x.dtype as FloatDType);
    const deviation = maximum(sqrt(v), EPSILON);
    return this.args.invert ? add(m, mul(x, deviation)) : div(sub(x, m), deviation);
  }

  /**
   * Learns the mean and variance of `data` per kept index (Keras's `adapt`): a tensor, or an iterable of
   * batches (tensors, or `[x, y]` pairs whose `x` is used), combined exactly across batches. Replaces any
   * earlier adapted statistics. Not available when `mean` and `variance` were given.
   *
   * @example
   * ```ts
   * norm.adapt([batch1, batch2, batch3]);
   * ```
   */
  adapt(data: Tensor | Iterable<Tensor | readonly [Tensor, ...unknown[]]>): void {
    if (this.args.mean !== null) throw new InvalidArgumentError('data', 'adapt()', 'no adapt() call: this layer was given `mean` and `variance`', `layer '${this.name}'`);
    const batches: Tensor[] = [];
    if (isTensor(data)) batches.push(data);
    else if (data !== null && typeof data === 'object' && Symbol.iterator in data) {
      for (const item of data) {
        const t = Array.isArray(item) ? item[0] : item;
        if (!isTensor(t)) throw new InvalidArgumentError('data', t, 'batches that are Tensors (or [x, y] pairs of Tensors)', `layer '${this.name}'.adapt`);
        batches.push(t);
      }
      if (batches.length === 0) throw new InvalidArgumentError('data', [], 'a non-empty iterable of batches', `layer '${this.name}'.adapt`);
    } else throw new InvalidArgumentError('data', data, 'a Tensor or an iterable of Tensor batches', `layer '${this.name}'.adapt`);
    if (!this.built) {
      this.assertInputCompatible(batches[0].shape);
      this.build(batches[0].shape);
    }
    for (const b of batches) this.assertInputCompatible(b.shape);
    noGrad(() => {
      const reduce = batches[0].shape.map((_, i) => i).filter((i) => !this.keepAxes.includes(i));
      let totalMean: Tensor | null = null;
      let totalVar: Tensor | null = null;
      let totalCount = 0;
      for (const batch of batches) {
        const x = cast(batch, 'float64');
        const bMean = mean(x, { axis: reduce });
        const bVar = mean(square(sub(x, mean(x, { axis: reduce, keepDims: true }))), { axis: reduce });
        const count = reduce.reduce((n, a) => n * x.shape[a], 1);
        totalCount += count;
        const w = count / totalCount;
        if (totalMean === null || totalVar === null) {
          totalMean = bMean;
          totalVar = bVar;
          continue;
        }
        // Keras's lack-of-fit combination of the running and the batch moments.
        const newMean = add(mul(totalMean, 1 - w), mul(bMean, w));
        totalVar = add(mul(add(totalVar, square(sub(totalMean, newMean))), 1 - w), mul(add(bVar, square(sub(bMean, newMean))), w));
        totalMean = newMean;
      }
      (this.adaptMean as Variable).assign(totalMean as Tensor);
      (this.adaptVariance as Variable).assign(totalVar as Tensor);
      (this.count as Variable).assign(tensor(totalCount, [], this.dtype));
    });
  }

  /** Rebuilds a layer from `getConfig()` output. @example `Normalization.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): Normalization {
    return new Normalization(OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    const axis = this.axis === null ? [] : typeof this.axis === 'number' ? [this.axis] : [...this.axis];
    return {
      ...super.getConfig(),
      ...activityRegularizerConfig(this),
      // Keras stores the axis as a tuple, so it reads back as a list (null as []).
      axis,
      invert: this.args.invert,
      mean: this.args.mean as ConfigValue,
      variance: this.args.variance as ConfigValue,
    };
  }
}

/** Creates a `Normalization` layer composed with `object` (Keras's `layer_normalization`). @example `layerNormalization(model, { mean: 0.5, variance: 0.25 })` */
export const layerNormalization = layerFunction((options: NormalizationOptions = {}) => new Normalization(options));
