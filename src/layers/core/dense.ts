/** Keras's `Dense`: `activation(x @ kernel + bias)` on the last axis of an input of any rank ≥ 2. */

import type { Activation, ActivationIdentifier } from '../../activations/index.js';
import type { Constraint, ConstraintIdentifier } from '../../constraints/index.js';
import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import type { Variable } from '../../engine/variable.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { Initializer, InitializerIdentifier } from '../../initializers/index.js';
import type { Config } from '../../serialization/keras-object.js';
import { add } from '../../ops/elementwise.js';
import { matmul } from '../../ops/matmul.js';
import { reshape } from '../../ops/shape-ops.js';
import type { Regularizer, RegularizerIdentifier } from '../../regularizers/index.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { activityRegularizerConfig, Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';

/** The options of `layerDense`: Keras's arguments in camelCase (LoRA and quantization are not supported). */
export interface DenseOptions extends LayerOptions {
  /** Size of the output's last axis; a positive integer. */
  units: number;
  /** A Keras activation name, an activation function, or null for linear. */
  activation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorot_uniform'. */
  kernelInitializer?: InitializerIdentifier;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
  kernelConstraint?: ConstraintIdentifier;
  biasConstraint?: ConstraintIdentifier;
  /** Accepted for Keras config compatibility; only `null` (no quantization) is supported. */
  quantizationConfig?: null;
}

const CLASS_NAME = 'Dense';

const OPTIONS = defineOptions<DenseOptions>()(CLASS_NAME, {
  units: option.size({ required: true }),
  activation: option.activation(),
  useBias: option.boolean(true),
  kernelInitializer: option.initializer('glorot_uniform'),
  biasInitializer: option.initializer('zeros'),
  kernelRegularizer: option.regularizer(),
  biasRegularizer: option.regularizer(),
  kernelConstraint: option.constraint(),
  biasConstraint: option.constraint(),
  quantizationConfig: option.nullOnly('quantization is not supported'),
});

/** Validates every argument before the layer exists, so a bad call leaves no half-built layer behind. */
function resolveArgs(options: DenseOptions) {
  const args = OPTIONS.resolve(options);
  if (options.weights && options.weights.length !== (args.useBias ? 2 : 1)) {
    throw new InvalidArgumentError('weights', options.weights.map((w) => w.shape), `${args.useBias ? 2 : 1} tensors ([kernel${args.useBias ? ', bias' : ''}])`, CLASS_NAME);
  }
  return args;
}

/**
 * Densely connected layer (Keras's `Dense`): kernel `[inputDim, units]`, bias `[units]`, weights in the
 * order `[kernel, bias]`. Inputs of rank > 2 are contracted on their last axis, as Keras does.
 *
 * @example
 * ```ts
 * const layer = new Dense({ units: 4, activation: 'relu' });
 * const y = layer.apply(zeros([2, 3])); // shape [2, 4]
 * ```
 */
export class Dense extends Layer {
  readonly className = CLASS_NAME;
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
  kernel: Variable | null = null;
  bias: Variable | null = null;
  private inputDim: number | null = null;

  constructor(options: DenseOptions) {
    const args = resolveArgs(options);
    super(options, CLASS_NAME);
    this.units = args.units;
    this.activation = args.activation;
    this.useBias = args.useBias;
    this.kernelInitializer = args.kernelInitializer;
    this.biasInitializer = args.biasInitializer;
    this.kernelRegularizer = args.kernelRegularizer;
    this.biasRegularizer = args.biasRegularizer;
    this.kernelConstraint = args.kernelConstraint;
    this.biasConstraint = args.biasConstraint;
    if (this.batchInputShape) this.assertInputCompatible(this.batchInputShape);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    if (inputShape.length < 2) {
      throw new ShapeError(`Input of layer '${this.name}' is incompatible with the layer: expected min_ndim=2, but received input with shape ${formatShape(inputShape)}`);
    }
    const last = inputShape[inputShape.length - 1];
    if (last === null) {
      throw new ShapeError(`Layer '${this.name}': the last dimension of the input should be defined, but received input with shape ${formatShape(inputShape)}`);
    }
    if (this.inputDim !== null && last !== this.inputDim) {
      throw new ShapeError(
        `Input of layer '${this.name}' is incompatible with the layer: expected axis -1 of input shape to have value ${this.inputDim}, but received input with shape ${formatShape(inputShape)}`,
      );
    }
  }

  override weightShapesFor(inputShape: SymbolicShape): number[][] {
    const kernel = [inputShape[inputShape.length - 1] as number, this.units];
    return this.useBias ? [kernel, [this.units]] : [kernel];
  }

  override build(inputShape: SymbolicShape): void {
    const [kernelShape, biasShape] = this.weightShapesFor(inputShape);
    this.inputDim = kernelShape[0];
    this.kernel = this.addWeight({ name: 'kernel', shape: kernelShape, initializer: this.kernelInitializer, regularizer: this.kernelRegularizer, constraint: this.kernelConstraint });
    if (biasShape) {
      this.bias = this.addWeight({ name: 'bias', shape: biasShape, initializer: this.biasInitializer, regularizer: this.biasRegularizer, constraint: this.biasConstraint });
    }
    this.built = true;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    return [...inputShape.slice(0, -1), this.units];
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    if (!this.kernel) throw new ShapeError(`layer '${this.name}' used before it was built`);
    // Rank > 2: one [rows, in] @ [in, units] product instead of a broadcast batch of small ones, so the
    // kernel gradient is a single product rather than a per-batch product summed afterwards.
    const rows = x.rank === 2 ? x : reshape(x, [-1, x.shape[x.rank - 1]]);
    let y = matmul(rows, this.kernel);
    if (x.rank !== 2) y = reshape(y, [...x.shape.slice(0, -1), this.units]);
    if (this.bias) y = add(y, this.bias);
    return this.activation.apply(y);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = Dense.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): Dense {
    return new Dense(OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      // Keras's base Layer writes activity_regularizer only when one is set.
      ...activityRegularizerConfig(this),
      ...OPTIONS.toConfig({ ...this, quantizationConfig: null }),
    };
  }
}

/**
 * Creates a `Dense` layer and composes it with `object` (Keras's `layer_dense`): nothing → the layer; a
 * Sequential model → that model with the layer added; a symbolic tensor → the output tensor; a tensor →
 * the computed output.
 *
 * @example
 * ```ts
 * const model = kerasModelSequential({ inputShape: [784] });
 * layerDense(model, { units: 10, activation: 'softmax' });
 * ```
 */
export const layerDense = layerFunction((options: DenseOptions) => new Dense(options));
