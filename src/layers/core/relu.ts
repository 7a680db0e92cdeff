/** Keras's `ReLU` layer: a rectifier with optional ceiling, leak below the threshold, and threshold. */

import type { Tensor } from '../../engine/tensor.js';
import type { Config } from '../../serialization/keras-object.js';
import type { PointwiseFn } from '../../ops/pointwise.js';
import { mapPointwise } from '../../ops/pointwise.js';
import { clippedRelu } from '../../ops/clipped-relu.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { activityRegularizerConfig, Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';

/** The options of `layerRelu`: Keras's arguments in camelCase. */
export interface ReLUOptions extends LayerOptions {
  /** Ceiling of the output (≥ 0), or null (default) for none. */
  maxValue?: number | null;
  /** Slope below the threshold (≥ 0). Default 0. */
  negativeSlope?: number;
  /** Inputs at or below it are damped (≥ 0). Default 0. */
  threshold?: number;
}

const CLASS_NAME = 'ReLU';

// Keras refuses negative values of all three ("... of a ReLU layer cannot be a negative value").
const OPTIONS = defineOptions<ReLUOptions>()(CLASS_NAME, {
  maxValue: option.numberOrNull({ default: null, min: 0 }),
  negativeSlope: option.number({ default: 0, min: 0, nullIsDefault: false }),
  threshold: option.number({ default: 0, min: 0, nullIsDefault: false }),
});

/**
 * The pointwise function Keras's `activations.relu` computes: `min(x, maxValue)` above the threshold,
 * `negativeSlope * (x - threshold)` below it, and 0 at the threshold.
 */
function reluFn(maxValue: number | null, negativeSlope: number, threshold: number): PointwiseFn {
  const ceiling = maxValue ?? Infinity;
  // Without a slope the damped side is exactly +0 (slope · (x − t) would give -0 for a 0 slope).
  const below = negativeSlope === 0 ? () => 0 : (x: number) => negativeSlope * (x - threshold);
  return {
    name: 'relu',
    f: (x) => (x > threshold ? (x < ceiling ? x : ceiling) : x < threshold ? below(x) : 0),
    df: (x) => (x > threshold ? (x < ceiling ? 1 : 0) : x < threshold ? negativeSlope : 0),
  };
}

/**
 * Rectified linear unit layer (Keras's `ReLU`, automatic name `re_lu`):
 * `f(x) = min(x, maxValue)` for `x > threshold`, `negativeSlope * (x - threshold)` for `x < threshold`.
 *
 * @example
 * ```ts
 * new ReLU({ maxValue: 6 }).apply(tensor([-1, 3, 9])); // [0, 3, 6]
 * ```
 */
export class ReLU extends Layer {
  readonly className = CLASS_NAME;
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;
  private readonly fn: PointwiseFn;

  constructor(options: ReLUOptions = {}) {
    const args = OPTIONS.resolve(options);
    super(options, CLASS_NAME);
    this.maxValue = args.maxValue;
    this.negativeSlope = args.negativeSlope;
    this.threshold = args.threshold;
    this.fn = reluFn(args.maxValue, args.negativeSlope, args.threshold);
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    return [...inputShape];
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    if (this.threshold === 0 && this.negativeSlope === 0) return clippedRelu(x, this.maxValue);
    return mapPointwise(x, this.fn);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = ReLU.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): ReLU {
    return new ReLU(OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...activityRegularizerConfig(this), ...OPTIONS.toConfig(this) };
  }
}

/**
 * Creates a `ReLU` layer and composes it with `object` (Keras's `layer_activation_relu`).
 *
 * @example
 * ```ts
 * const y = layerRelu(x, { negativeSlope: 0.1 });
 * ```
 */
export const layerRelu = layerFunction((options: ReLUOptions = {}) => new ReLU(options));
