/** Keras's `UnitNormalization`: scale each sample to unit L2 norm over `axis`. */

import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { ShapeError } from '../../errors.js';
import { div, minimum, mul } from '../../ops/elementwise.js';
import { sqrt, square } from '../../ops/pointwise.js';
import { sum } from '../../ops/reduce.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { activityRegularizerConfig, Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';

/** The options of `layerUnitNormalization`. */
export interface UnitNormalizationOptions extends LayerOptions {
  /** The axis or axes whose L2 norm becomes 1. Default -1. */
  axis?: number | readonly number[];
}

const OPTIONS = defineOptions<UnitNormalizationOptions>()('UnitNormalization', { axis: option.axes(-1, { minLength: 1 }) });

/**
 * `x / ||x||₂` over `axis` (Keras's `UnitNormalization`), computed as Keras does: `x · min(rsqrt(Σx²), 1e12)`,
 * so an all-zero vector stays zero.
 *
 * @example
 * ```ts
 * new UnitNormalization().apply(tensor([[3, 4]])); // [[0.6, 0.8]]
 * ```
 */
export class UnitNormalization extends Layer {
  readonly className = 'UnitNormalization';
  readonly axis: number | readonly number[];

  constructor(options: UnitNormalizationOptions = {}) {
    const args = OPTIONS.resolve(options);
    super(options, 'UnitNormalization');
    this.axis = args.axis as number | readonly number[];
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    for (const a of typeof this.axis === 'number' ? [this.axis] : this.axis) {
      if (a < -inputShape.length || a >= inputShape.length) throw new ShapeError(`Layer '${this.name}': axis ${a} is out of range for input of shape ${formatShape(inputShape)}`);
    }
    return [...inputShape];
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    this.computeOutputShape(inputShape);
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    return mul(x, minimum(div(1, sqrt(sum(square(x), { axis: this.axis, keepDims: true }))), 1e12));
  }

  /** Rebuilds a layer from `getConfig()` output. @example `UnitNormalization.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): UnitNormalization {
    return new UnitNormalization(OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...activityRegularizerConfig(this), ...OPTIONS.toConfig(this) };
  }
}

/** Creates a `UnitNormalization` layer composed with `object` (Keras's `layer_unit_normalization`). @example `layerUnitNormalization(x)` */
export const layerUnitNormalization = layerFunction((options: UnitNormalizationOptions = {}) => new UnitNormalization(options));
