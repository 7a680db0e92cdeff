/** Keras 3's `BatchNormalization`: normalize with batch statistics in training, moving ones otherwise. */

import type { Constraint } from '../../constraints/index.js';
import { formatShape } from '../../engine/shape.js';
import { noGrad } from '../../engine/tape.js';
import type { Tensor } from '../../engine/tensor.js';
import type { Variable } from '../../engine/variable.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { Initializer } from '../../initializers/index.js';
import type { Config } from '../../serialization/keras-object.js';
import { batchNormInference, batchNormTraining } from '../../ops/batch-norm.js';
import { add, mul } from '../../ops/elementwise.js';
import type { Regularizer } from '../../regularizers/index.js';
import type { CallOptions, SymbolicShape } from '../layer.js';
import { activityRegularizerConfig, Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { BATCH_NORMALIZATION_OPTIONS as OPTIONS } from './batch-normalization-args.js';
import type { BatchNormalizationOptions } from './batch-normalization-args.js';

export type { BatchNormalizationOptions } from './batch-normalization-args.js';

const CLASS_NAME = 'BatchNormalization';

/** Keras's weight order: gamma, beta (when enabled), then the moving statistics. */
function weightNames(scale: boolean, center: boolean): string[] {
  return [...(scale ? ['gamma'] : []), ...(center ? ['beta'] : []), 'moving_mean', 'moving_variance'];
}

/**
 * Batch normalization (Keras 3's `BatchNormalization`): `gamma * (x - mean) / sqrt(variance + epsilon) + beta`
 * per index of `axis`. Weights, in order: `gamma`, `beta` (trainable), `moving_mean`, `moving_variance`
 * (non-trainable).
 *
 * Applied with `{ training: true }` it uses the batch's mean and biased variance (gradients flow through
 * them) and updates `moving = moving * momentum + batch * (1 - momentum)` outside the tape; otherwise it uses
 * the moving statistics. A frozen layer (`trainable = false`) always runs in inference mode, as in Keras 3.
 *
 * @example
 * ```ts
 * const bn = new BatchNormalization({ momentum: 0.9 });
 * const y = bn.apply(x, { training: true }); // normalized with x's statistics; moving ones updated
 * ```
 */
export class BatchNormalization extends Layer {
  readonly className = CLASS_NAME;
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly betaInitializer: Initializer;
  readonly gammaInitializer: Initializer;
  readonly movingMeanInitializer: Initializer;
  readonly movingVarianceInitializer: Initializer;
  readonly betaRegularizer: Regularizer | null;
  readonly gammaRegularizer: Regularizer | null;
  readonly betaConstraint: Constraint | null;
  readonly gammaConstraint: Constraint | null;
  readonly synchronized: boolean;
  readonly renormMomentum: number;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  movingMean: Variable | null = null;
  movingVariance: Variable | null = null;
  /** Rank and feature size of the input the layer was built for (Keras's InputSpec). */
  private built_: { rank: number; features: number } | null = null;

  constructor(options: BatchNormalizationOptions = {}) {
    const args = OPTIONS.resolve(options);
    const names = weightNames(args.scale, args.center);
    if (options.weights && options.weights.length !== names.length) {
      throw new InvalidArgumentError('weights', options.weights.map((w) => w.shape), `${names.length} tensors ([${names.join(', ')}])`, CLASS_NAME);
    }
    super(options, CLASS_NAME);
    this.axis = args.axis;
    this.momentum = args.momentum;
    this.epsilon = args.epsilon;
    this.center = args.center;
    this.scale = args.scale;
    this.betaInitializer = args.betaInitializer;
    this.gammaInitializer = args.gammaInitializer;
    this.movingMeanInitializer = args.movingMeanInitializer;
    this.movingVarianceInitializer = args.movingVarianceInitializer;
    this.betaRegularizer = args.betaRegularizer;
    this.gammaRegularizer = args.gammaRegularizer;
    this.betaConstraint = args.betaConstraint;
    this.gammaConstraint = args.gammaConstraint;
    this.synchronized = args.synchronized;
    this.renormMomentum = args.renormMomentum;
    if (this.batchInputShape) this.assertInputCompatible(this.batchInputShape);
  }

  /** The axis as a non-negative index for an input of this rank. */
  private featureAxis(rank: number): number {
    return this.axis < 0 ? this.axis + rank : this.axis;
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    const rank = inputShape.length;
    if (this.axis >= rank || this.axis < -rank) {
      throw new ShapeError(`Layer '${this.name}': axis ${this.axis} is out of bounds for input shape ${formatShape(inputShape)}. Received: axis=${this.axis}`);
    }
    const features = inputShape[this.featureAxis(rank)];
    if (features === null) {
      throw new ShapeError(`Layer '${this.name}': the feature dimension (axis ${this.axis}) of the input should be defined, but received input with shape ${formatShape(inputShape)}`);
    }
    if (this.built_ && (rank !== this.built_.rank || features !== this.built_.features)) {
      throw new ShapeError(
        `Input of layer '${this.name}' is incompatible with the layer: expected ndim=${this.built_.rank} and axis ${this.axis} of input shape to have value ${this.built_.features}, but received input with shape ${formatShape(inputShape)}`,
      );
    }
  }

  override weightShapesFor(inputShape: SymbolicShape): number[][] {
    const features = inputShape[this.featureAxis(inputShape.length)] as number;
    return weightNames(this.scale, this.center).map(() => [features]);
  }

  override build(inputShape: SymbolicShape): void {
    const shape = this.weightShapesFor(inputShape)[0];
    this.built_ = { rank: inputShape.length, features: shape[0] };
    if (this.scale) {
      this.gamma = this.addWeight({ name: 'gamma', shape, initializer: this.gammaInitializer, regularizer: this.gammaRegularizer, constraint: this.gammaConstraint });
    }
    if (this.center) {
      this.beta = this.addWeight({ name: 'beta', shape, initializer: this.betaInitializer, regularizer: this.betaRegularizer, constraint: this.betaConstraint });
    }
    this.movingMean = this.addWeight({ name: 'moving_mean', shape, initializer: this.movingMeanInitializer, trainable: false });
    this.movingVariance = this.addWeight({ name: 'moving_variance', shape, initializer: this.movingVarianceInitializer, trainable: false });
    this.built = true;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    return [...inputShape];
  }

  protected call(x: Tensor, options: CallOptions): Tensor {
    const movingMean = this.movingMean;
    const movingVariance = this.movingVariance;
    if (!movingMean || !movingVariance) throw new ShapeError(`layer '${this.name}' used before it was built`);
    const axis = this.featureAxis(x.rank);
    const affine = { axis, epsilon: this.epsilon, gamma: this.gamma, beta: this.beta };
    if (options.training === true && this.trainable) {
      // The fused op normalizes with the batch mean and biased variance (as jnp.var) and differentiates
      // through them; the same biased variance feeds the moving average, as in Keras 3.
      const { y, mean: m, variance: v } = batchNormTraining(x, affine);
      noGrad(() => {
        movingMean.assign(add(mul(movingMean, this.momentum), mul(m, 1 - this.momentum)));
        movingVariance.assign(add(mul(movingVariance, this.momentum), mul(v, 1 - this.momentum)));
      });
      return y;
    }
    // Keras's ops.batch_normalization: inv = gamma / sqrt(var + eps); out = x * inv + (beta - mean * inv).
    return batchNormInference(x, movingMean, movingVariance, affine);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = BatchNormalization.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): BatchNormalization {
    return new BatchNormalization(OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...activityRegularizerConfig(this), ...OPTIONS.toConfig({ ...this, renorm: false, renormClipping: null }) };
  }
}

/**
 * Creates a `BatchNormalization` layer and composes it with `object` (Keras's `layer_batch_normalization`).
 *
 * @example
 * ```ts
 * const model = kerasModelSequential({ inputShape: [8, 8, 3] });
 * layerBatchNormalization(model, {});
 * ```
 */
export const layerBatchNormalization = layerFunction((options: BatchNormalizationOptions = {}) => new BatchNormalization(options));
