/** Keras's `ActivityRegularization`: the identity, with an L1/L2 penalty on its output added to `losses`. */

import type { Tensor } from '../../engine/tensor.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';

/** The options of `layerActivityRegularization` (its penalty replaces `activityRegularizer`). */
export interface ActivityRegularizationOptions extends Omit<LayerOptions, 'activityRegularizer'> {
  /** L1 factor, ≥ 0. Default 0. */
  l1?: number;
  /** L2 factor, ≥ 0. Default 0. */
  l2?: number;
}

const OPTIONS = defineOptions<ActivityRegularizationOptions>()('ActivityRegularization', {
  l1: option.number({ default: 0, min: 0 }),
  l2: option.number({ default: 0, min: 0 }),
});

/**
 * Passes its input through and, on each call, adds `(l1·Σ|y| + l2·Σy²) / batch` to `losses` (Keras's
 * `ActivityRegularization`: an `L1L2` activity regularizer that its config shows as `l1` and `l2`).
 *
 * @example
 * ```ts
 * layerActivityRegularization(model, { l1: 1e-4 });
 * ```
 */
export class ActivityRegularization extends Layer {
  readonly className = 'ActivityRegularization';
  readonly l1: number;
  readonly l2: number;

  constructor(options: ActivityRegularizationOptions = {}) {
    const args = OPTIONS.resolve(options);
    super({ ...options, activityRegularizer: { class_name: 'L1L2', config: { l1: args.l1, l2: args.l2 } } as never }, 'ActivityRegularization');
    this.l1 = args.l1;
    this.l2 = args.l2;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    return [...inputShape];
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    return x;
  }

  /** Rebuilds a layer from `getConfig()` output. @example `ActivityRegularization.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): ActivityRegularization {
    return new ActivityRegularization(OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...OPTIONS.toConfig(this) };
  }
}

/** Creates an `ActivityRegularization` layer composed with `object`. @example `layerActivityRegularization(model, { l2: 1e-3 })` */
export const layerActivityRegularization = layerFunction((options: ActivityRegularizationOptions = {}) => new ActivityRegularization(options));
