/** Keras's `GroupNormalization`: normalise each sample over groups of channels. */

import type { ConstraintIdentifier } from '../../constraints/index.js';
import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import type { Variable } from '../../engine/variable.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
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

/** The options of `layerGroupNormalization`. */
export interface GroupNormalizationOptions extends LayerOptions {
  /** Number of channel groups; must divide the channel count. Default 32. */
  groups?: number;
  /** The channel axis. Default -1. */
  axis?: number;
  /** Added to the variance. Default 0.001. */
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
  betaRegularizer?: RegularizerIdentifier;
  gammaRegularizer?: RegularizerIdentifier;
  betaConstraint?: ConstraintIdentifier;
  gammaConstraint?: ConstraintIdentifier;
}

const OPTIONS = defineOptions<GroupNormalizationOptions>()('GroupNormalization', {
  groups: option.size({ default: 32 }),
  axis: option.axis(-1),
  epsilon: option.number({ default: 1e-3, min: 0 }),
  center: option.boolean(true),
  scale: option.boolean(true),
  betaInitializer: option.initializer('zeros'),
  gammaInitializer: option.initializer('ones'),
  betaRegularizer: option.regularizer(),
  gammaRegularizer: option.regularizer(),
  betaConstraint: option.constraint(),
  gammaConstraint: option.constraint(),
});

/**
 * Group normalization (Keras's `GroupNormalization`): the channels are split into `groups`; each sample is
 * normalised over every non-batch axis within a group, then scaled and shifted per channel by gamma and
 * beta (shape `[channels]`). `groups: 1` is layer normalization over all features; `groups` equal to the
 * channel count is instance normalization.
 *
 * @example
 * ```ts
 * new GroupNormalization({ groups: 4 }).apply(zeros([2, 8, 8, 16]));
 * ```
 */
export class GroupNormalization extends Layer {
  readonly className = 'GroupNormalization';
  private readonly args: ReturnType<typeof OPTIONS.resolve>;
  gamma: Variable | null = null;
  beta: Variable | null = null;

  constructor(options: GroupNormalizationOptions = {}) {
    const args = OPTIONS.resolve(options);
    super(options, 'GroupNormalization');
    this.args = args;
  }

  get groups(): number {
    return this.args.groups;
  }

  private channelAxis(inputShape: SymbolicShape): number {
    const a = this.args.axis < 0 ? this.args.axis + inputShape.length : this.args.axis;
    if (a < 1 || a >= inputShape.length) throw new ShapeError(`Layer '${this.name}': axis ${this.args.axis} is not a feature axis of input with shape ${formatShape(inputShape)}`);
    return a;
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    const axis = this.channelAxis(inputShape);
    const channels = inputShape[axis];
    if (channels === null) throw new ShapeError(`Layer '${this.name}': axis ${this.args.axis} of input shape ${formatShape(inputShape)} should have a defined dimension but the layer received an input with shape ${formatShape(inputShape)}`);
    if (channels < this.args.groups) {
      throw new InvalidArgumentError('groups', this.args.groups, `at most the number of channels (${channels})`, `layer '${this.name}'`);
    }
    if (channels % this.args.groups !== 0) {
      throw new InvalidArgumentError('groups', this.args.groups, `a divisor of the number of channels (${channels})`, `layer '${this.name}'`);
    }
    const ref = this.gamma ?? this.beta;
    if (ref && ref.shape[0] !== channels) throw new ShapeError(`Layer '${this.name}' was built for ${ref.shape[0]} channels; received input with shape ${formatShape(inputShape)}`);
  }

  override weightShapesFor(inputShape: SymbolicShape): number[][] {
    const c = inputShape[this.channelAxis(inputShape)] as number;
    return [...(this.args.scale ? [[c]] : []), ...(this.args.center ? [[c]] : [])];
  }

  override build(inputShape: SymbolicShape): void {
    const shape = [inputShape[this.channelAxis(inputShape)] as number];
    const a = this.args;
    if (a.scale) this.gamma = this.addWeight({ name: 'gamma', shape, initializer: a.gammaInitializer, regularizer: a.gammaRegularizer, constraint: a.gammaConstraint });
    if (a.center) this.beta = this.addWeight({ name: 'beta', shape, initializer: a.betaInitializer, regularizer: a.betaRegularizer, constraint: a.betaConstraint });
    this.built = true;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    return [...inputShape];
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    const axis = this.channelAxis(x.shape);
    const G = this.args.groups;
    // [..., C, ...] → [..., G, C/G, ...]; the moments are over every axis but the batch and the group.
    const grouped = [...x.shape.slice(0, axis), G, x.shape[axis] / G, ...x.shape.slice(axis + 1)];
    const xg = reshape(x, grouped);
    const axes = grouped.map((_, i) => i).filter((i) => i !== 0 && i !== axis);
    const m = mean(xg, { axis: axes, keepDims: true });
    const variance = mean(square(sub(xg, m)), { axis: axes, keepDims: true });
    let inv = div(1, sqrt(add(variance, this.args.epsilon)));
    const param = (v: Variable) => reshape(v, grouped.map((d, i) => (i === axis || i === axis + 1 ? d : 1)));
    if (this.gamma) inv = mul(inv, param(this.gamma));
    let res = mul(neg(m), inv);
    if (this.beta) res = add(res, param(this.beta));
    return reshape(add(mul(xg, inv), res), x.shape);
  }

  /** Rebuilds a layer from `getConfig()` output. @example `GroupNormalization.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): GroupNormalization {
    return new GroupNormalization(OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      ...activityRegularizerConfig(this),
      ...OPTIONS.toConfig(this.args),
    };
  }
}

/** Creates a `GroupNormalization` layer composed with `object` (Keras's `layer_group_normalization`). @example `layerGroupNormalization(x, { groups: 8 })` */
export const layerGroupNormalization = layerFunction((options: GroupNormalizationOptions = {}) => new GroupNormalization(options));
