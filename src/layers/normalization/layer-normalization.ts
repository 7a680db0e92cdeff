/** Keras's `LayerNormalization`: normalise each sample over `axis`, then scale and shift per feature. */

import type { ConstraintIdentifier } from '../../constraints/index.js';
import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import type { Variable } from '../../engine/variable.js';
import { ShapeError } from '../../errors.js';
import type { InitializerIdentifier } from '../../initializers/index.js';
import { add, div, mul, neg, sub } from '../../ops/elementwise.js';
import { sqrt, square } from '../../ops/pointwise.js';
import { mean } from '../../ops/reduce.js';
import { reshape } from '../../ops/shape-ops.js';
import type { RegularizerIdentifier } from '../../regularizers/index.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { activityRegularizerConfig, Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';

/** The options of `layerLayerNormalization`. */
export interface LayerNormalizationOptions extends LayerOptions {
  /** The axis or axes normalised over (and that carry gamma and beta). Default -1. */
  axis?: number | readonly number[];
  /** Added to the variance. Default 0.001. */
  epsilon?: number;
  /** Learn an offset beta. Default true. */
  center?: boolean;
  /** Learn a scale gamma. Default true. */
  scale?: boolean;
  /** Deprecated in Keras (it divides by the standard deviation without centring); default false. */
  rmsScaling?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
  betaRegularizer?: RegularizerIdentifier;
  gammaRegularizer?: RegularizerIdentifier;
  betaConstraint?: ConstraintIdentifier;
  gammaConstraint?: ConstraintIdentifier;
}

const OPTIONS = defineOptions<LayerNormalizationOptions>()('LayerNormalization', {
  axis: option.axes(-1, { minLength: 1 }),
  epsilon: option.number({ default: 1e-3, min: 0 }),
  center: option.boolean(true),
  scale: option.boolean(true),
  rmsScaling: option.boolean(false),
  betaInitializer: option.initializer('zeros'),
  gammaInitializer: option.initializer('ones'),
  betaRegularizer: option.regularizer(),
  gammaRegularizer: option.regularizer(),
  betaConstraint: option.constraint(),
  gammaConstraint: option.constraint(),
});

type Args = ReturnType<typeof OPTIONS.resolve>;

/**
 * Layer normalization (Keras's `LayerNormalization`): `(x − mean) / sqrt(var + epsilon) · gamma + beta`,
 * the moments taken per sample over `axis`. Weights `[gamma, beta]`, each of the shape of the normalised axes.
 *
 * @example
 * ```ts
 * const ln = new LayerNormalization({ epsilon: 1e-6 });
 * ln.apply(zeros([2, 10, 64])); // gamma and beta of shape [64]
 * ```
 */
export class LayerNormalization extends Layer {
  readonly className = 'LayerNormalization';
  private readonly args: Args;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  private axes: number[] = [];

  constructor(options: LayerNormalizationOptions = {}) {
    const args = OPTIONS.resolve(options);
    super(options, 'LayerNormalization');
    this.args = args;
  }

  get axis(): number | readonly number[] {
    return this.args.axis as number | readonly number[];
  }

  get epsilon(): number {
    return this.args.epsilon;
  }

  private resolveAxes(inputShape: SymbolicShape): number[] {
    const list = typeof this.axis === 'number' ? [this.axis] : [...this.axis];
    const rank = inputShape.length;
    const axes = list.map((a) => (a < 0 ? a + rank : a));
    if (axes.some((a) => a < 0 || a >= rank) || new Set(axes).size !== axes.length) {
      throw new ShapeError(`Layer '${this.name}': axis ${JSON.stringify(this.axis)} is out of range for input of shape ${formatShape(inputShape)}`);
    }
    for (const a of axes) if (inputShape[a] === null) throw new ShapeError(`Layer '${this.name}': normalised axis ${a} must have a known size; received input with shape ${formatShape(inputShape)}`);
    return axes.sort((a, b) => a - b);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    const axes = this.resolveAxes(inputShape);
    const ref = this.gamma ?? this.beta;
    if (ref && axes.map((a) => inputShape[a]).join() !== ref.shape.join()) {
      throw new ShapeError(`Layer '${this.name}' was built for normalised axes of sizes ${formatShape(ref.shape)}; received input with shape ${formatShape(inputShape)}`);
    }
  }

  override weightShapesFor(inputShape: SymbolicShape): number[][] {
    const shape = this.resolveAxes(inputShape).map((a) => inputShape[a] as number);
    return [...(this.args.scale || this.args.rmsScaling ? [shape] : []), ...(this.args.center && !this.args.rmsScaling ? [shape] : [])];
  }

  override build(inputShape: SymbolicShape): void {
    this.axes = this.resolveAxes(inputShape);
    const shape = this.axes.map((a) => inputShape[a] as number);
    const a = this.args;
    if (a.scale || a.rmsScaling) this.gamma = this.addWeight({ name: 'gamma', shape, initializer: a.gammaInitializer, regularizer: a.gammaRegularizer, constraint: a.gammaConstraint });
    if (a.center && !a.rmsScaling) this.beta = this.addWeight({ name: 'beta', shape, initializer: a.betaInitializer, regularizer: a.betaRegularizer, constraint: a.betaConstraint });
    this.built = true;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    return [...inputShape];
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    const axes = this.axes.length > 0 ? this.axes : this.resolveAxes(x.shape);
    const broadcast = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
    const param = (v: Variable) => (axes.length === 1 && axes[0] === x.rank - 1 ? v : reshape(v, broadcast));
    const m = mean(x, { axis: axes, keepDims: true });
    const variance = mean(square(sub(x, m)), { axis: axes, keepDims: true });
    let inv = div(1, sqrt(add(variance, this.args.epsilon)));
    if (this.args.rmsScaling) return this.gamma ? mul(mul(x, inv), param(this.gamma)) : mul(x, inv);
    // Keras's arrangement: x · inv + (−mean · inv + beta), with gamma folded into inv.
    if (this.gamma) inv = mul(inv, param(this.gamma));
    let res = mul(neg(m), inv);
    if (this.beta) res = add(res, param(this.beta));
    return add(mul(x, inv), res);
  }

  /** Rebuilds a layer from `getConfig()` output. @example `LayerNormalization.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): LayerNormalization {
    return new LayerNormalization(OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      ...activityRegularizerConfig(this),
      ...OPTIONS.toConfig(this.args),
    };
  }
}

/**
 * Creates a `LayerNormalization` layer and composes it with `object` (Keras's `layer_layer_normalization`).
 *
 * @example
 * ```ts
 * const y = layerLayerNormalization(x, { axis: -1 });
 * ```
 */
export const layerLayerNormalization = layerFunction((options: LayerNormalizationOptions = {}) => new LayerNormalization(options));
