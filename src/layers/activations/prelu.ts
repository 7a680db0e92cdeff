/** Keras's `PReLU`: a leaky rectifier whose slopes are trainable weights. */

import type { Constraint, ConstraintIdentifier } from '../../constraints/index.js';
import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import type { Variable } from '../../engine/variable.js';
import { ShapeError } from '../../errors.js';
import type { Initializer, InitializerIdentifier } from '../../initializers/index.js';
import { add, mul, neg } from '../../ops/elementwise.js';
import { relu } from '../../ops/pointwise.js';
import type { Regularizer, RegularizerIdentifier } from '../../regularizers/index.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { activityRegularizerConfig, Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';

/** The options of `layerActivationParametricRelu`. */
export interface PReLUOptions extends LayerOptions {
  /** Initial slopes; default 'Zeros' (a plain ReLU to start with). */
  alphaInitializer?: InitializerIdentifier;
  alphaRegularizer?: RegularizerIdentifier;
  alphaConstraint?: ConstraintIdentifier;
  /** Axes (1-based, the batch axis being 0) along which one slope is shared, e.g. `[1, 2]` for images. */
  sharedAxes?: number | readonly number[] | null;
}

const OPTIONS = defineOptions<PReLUOptions>()('PReLU', {
  alphaInitializer: option.initializer('Zeros'),
  alphaRegularizer: option.regularizer(),
  alphaConstraint: option.constraint(),
  sharedAxes: option.axes(null, { allowNull: true }),
});

/**
 * Parametric ReLU (Keras's `PReLU`): `max(x, 0) − alpha · max(−x, 0)` with `alpha` a weight of shape
 * `inputShape[1:]` (size 1 along `sharedAxes`).
 *
 * @example
 * ```ts
 * const layer = new PReLU({ sharedAxes: [1, 2] });
 * layer.apply(zeros([2, 8, 8, 3])); // alpha has shape [1, 1, 3]
 * ```
 */
export class PReLU extends Layer {
  readonly className = 'PReLU';
  readonly alphaInitializer: Initializer;
  readonly alphaRegularizer: Regularizer | null;
  readonly alphaConstraint: Constraint | null;
  /** As Keras stores it: null, or a list of axes. */
  readonly sharedAxes: readonly number[] | null;
  alpha: Variable | null = null;

  constructor(options: PReLUOptions = {}) {
    const args = OPTIONS.resolve(options);
    const shared = args.sharedAxes === null ? null : typeof args.sharedAxes === 'number' ? [args.sharedAxes] : [...args.sharedAxes];
    super(options, 'PReLU');
    this.alphaInitializer = args.alphaInitializer;
    this.alphaRegularizer = args.alphaRegularizer;
    this.alphaConstraint = args.alphaConstraint;
    this.sharedAxes = shared === null ? null : Object.freeze(shared);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    for (const axis of this.sharedAxes ?? []) {
      if (axis < 1 || axis >= inputShape.length) {
        throw new ShapeError(`Layer '${this.name}': shared axis ${axis} is not an axis of the input (shape ${formatShape(inputShape)}); shared axes count from 1, after the batch axis`);
      }
    }
    inputShape.slice(1).forEach((d, i) => {
      if (d === null && !(this.sharedAxes ?? []).includes(i + 1)) {
        throw new ShapeError(`Layer '${this.name}': axis ${i + 1} of the input has no known size (shape ${formatShape(inputShape)}); give it one or list it in sharedAxes`);
      }
    });
    if (this.alpha) {
      const expected = this.weightShapesFor(inputShape)[0];
      if (expected.join() !== this.alpha.shape.join()) {
        throw new ShapeError(`Layer '${this.name}' was built for slopes of shape ${formatShape(this.alpha.shape)}; received input with shape ${formatShape(inputShape)}`);
      }
    }
  }

  override weightShapesFor(inputShape: SymbolicShape): number[][] {
    return [inputShape.slice(1).map((d, i) => ((this.sharedAxes ?? []).includes(i + 1) ? 1 : (d as number)))];
  }

  override build(inputShape: SymbolicShape): void {
    this.alpha = this.addWeight({ name: 'alpha', shape: this.weightShapesFor(inputShape)[0], initializer: this.alphaInitializer, regularizer: this.alphaRegularizer, constraint: this.alphaConstraint });
    this.built = true;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    return [...inputShape];
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    if (!this.alpha) throw new ShapeError(`layer '${this.name}' used before it was built`);
    // Keras's form, so the gradient at 0 is jax's: relu'(0) = 0 on both sides.
    return add(relu(x), mul(neg(this.alpha), relu(neg(x))));
  }

  /** Rebuilds a layer from `getConfig()` output. @example `PReLU.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): PReLU {
    return new PReLU(OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      ...activityRegularizerConfig(this),
      ...OPTIONS.toConfig({ ...this, sharedAxes: this.sharedAxes }),
    };
  }
}

/**
 * Creates a `PReLU` layer and composes it with `object` (Keras's `layer_activation_parametric_relu`).
 *
 * @example
 * ```ts
 * layerActivationParametricRelu(model, { sharedAxes: [1, 2] });
 * ```
 */
export const layerActivationParametricRelu = layerFunction((options: PReLUOptions = {}) => new PReLU(options));
