/** Keras's `Reshape`: each sample reshaped to `targetShape`, the batch axis kept. */

import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { Config } from '../../serialization/keras-object.js';
import { reshape } from '../../ops/shape-ops.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { activityRegularizerConfig, Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions } from '../options-schema.js';
import type { OptionSpec } from '../options-schema.js';
import { isSizeInteger, MAX_SIZE_ARGUMENT } from '../../utils/arguments.js';

/** The options of `layerReshape`. */
export interface ReshapeOptions extends LayerOptions {
  /** The shape of each sample (no batch axis): non-negative integers and at most one -1, inferred. */
  targetShape: readonly number[];
}

const CLASS_NAME = 'Reshape';

/** Keras's `target_shape`: sizes ≥ 0 and at most one -1 (inferred); required. Written back as given. */
const targetShapeOption: OptionSpec<readonly number[]> = {
  resolve: (value, argument, context) => {
    if (!Array.isArray(value) || !value.every((d) => d === -1 || isSizeInteger(d, 0))) {
      throw new InvalidArgumentError(argument, value, `an array of integers in [0, ${MAX_SIZE_ARGUMENT}], or -1 for a single unknown dimension (it is required)`, context);
    }
    if (value.filter((d) => d === -1).length > 1) throw new InvalidArgumentError(argument, value, 'at most one unknown dimension (-1)', context);
    return Object.freeze([...(value as number[])]);
  },
  toConfig: (v) => [...v],
};

const OPTIONS = defineOptions<ReshapeOptions>()(CLASS_NAME, { targetShape: targetShapeOption });

/**
 * Reshapes each sample (Keras's `Reshape`): `[batch, ...]` → `[batch, ...targetShape]`, with one -1
 * inferred from the sample size.
 *
 * @example
 * ```ts
 * new Reshape({ targetShape: [3, -1] }).apply(zeros([2, 12])).shape; // [2, 3, 4]
 * ```
 */
export class Reshape extends Layer {
  readonly className = CLASS_NAME;
  readonly targetShape: readonly number[];

  constructor(options: ReshapeOptions) {
    const args = OPTIONS.resolve(options);
    super(options, CLASS_NAME);
    this.targetShape = args.targetShape;
    if (this.batchInputShape) this.computeOutputShape(this.batchInputShape);
  }

  /** The sample shape for a sample of this shape, resolving -1 (Keras's `compute_reshape_output_shape`). */
  private resolveTarget(sampleShape: SymbolicShape, inputShape: SymbolicShape): (number | null)[] {
    // An unknown input dimension leaves the -1 unknown as well.
    if (sampleShape.includes(null)) return this.targetShape.map((d) => (d === -1 ? null : d));
    const size = (sampleShape as number[]).reduce((n, d) => n * d, 1);
    const unknown = this.targetShape.indexOf(-1);
    const known = this.targetShape.reduce((n, d) => (d === -1 ? n : n * d), 1);
    if (unknown < 0) {
      if (known !== size) {
        throw new ShapeError(`Layer '${this.name}': the total size of the tensor must be unchanged. Received: input_shape=${formatShape(inputShape)}, target_shape=${formatShape(this.targetShape)}`);
      }
      return [...this.targetShape];
    }
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(
        `Layer '${this.name}': the input size cannot be divided by the specified dimensions. Received: input_shape=${formatShape(inputShape)}, target_shape=${formatShape(this.targetShape)}`,
      );
    }
    return this.targetShape.map((d) => (d === -1 ? size / known : d));
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    if (inputShape.length < 1) throw new ShapeError(`Layer '${this.name}' expects an input with a batch axis, but received input with shape ${formatShape(inputShape)}`);
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    return [inputShape[0], ...this.resolveTarget(inputShape.slice(1), inputShape)];
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    const target = this.resolveTarget(x.shape.slice(1), x.shape) as number[];
    return reshape(x, [x.shape[0], ...target]);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = Reshape.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): Reshape {
    return new Reshape(OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...activityRegularizerConfig(this), ...OPTIONS.toConfig(this) };
  }
}

/**
 * Creates a `Reshape` layer and composes it with `object` (Keras's `layer_reshape`).
 *
 * @example
 * ```ts
 * const y = layerReshape(x, { targetShape: [-1, 2] });
 * ```
 */
export const layerReshape = layerFunction((options: ReshapeOptions) => new Reshape(options));
