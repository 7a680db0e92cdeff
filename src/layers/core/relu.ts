/** Keras's `ReLU` layer: a rectifier with optional ceiling, leak below the threshold, and threshold. */

import type { Tensor } from '../../engine/tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Config } from '../../serialization/keras-object.js';
import type { PointwiseFn } from '../../ops/pointwise.js';
import { mapPointwise } from '../../ops/pointwise.js';
import { clippedRelu } from '../../ops/clipped-relu.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { BASE_CONFIG_KEYS, configToOptions } from '../serialize.js';

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
const CONFIG_KEYS = [...BASE_CONFIG_KEYS, 'activity_regularizer', 'max_value', 'negative_slope', 'threshold'];

function nonNegative(value: unknown, argument: string, fallback: number | null): number | null {
  if (value === undefined) return fallback;
  if (value === null && fallback === null) return null;
  if (typeof value !== 'number' || !(value >= 0) || value === Infinity) {
    throw new InvalidArgumentError(argument, value, `a finite number >= 0${fallback === null ? ', or null' : ''}`, CLASS_NAME);
  }
  return value;
}

function resolveArgs(options: ReLUOptions) {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', options, 'an object of ReLU options', CLASS_NAME);
  }
  return {
    maxValue: nonNegative(options.maxValue, 'maxValue', null),
    negativeSlope: nonNegative(options.negativeSlope, 'negativeSlope', 0) as number,
    threshold: nonNegative(options.threshold, 'threshold', 0) as number,
  };
}

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
    const args = resolveArgs(options);
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
    return new ReLU(configToOptions(config, CONFIG_KEYS, CLASS_NAME) as ReLUOptions);
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      ...(this.activityRegularizer ? { activity_regularizer: this.activityRegularizer.serialize() } : {}),
      max_value: this.maxValue,
      negative_slope: this.negativeSlope,
      threshold: this.threshold,
    };
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
