/** Keras's `Flatten`: every non-batch axis folded into one, in channels_last element order. */

import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { ShapeError } from '../../errors.js';
import type { Config } from '../../serialization/keras-object.js';
import type { DataFormat } from '../../ops/conv-args.js';
import { reshape, transpose } from '../../ops/shape-ops.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { activityRegularizerConfig, Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';

/** The options of `layerFlatten`. */
export interface FlattenOptions extends LayerOptions {
  /**
   * The input's axis order; defaults to `imageDataFormat()`. With 'channels_first' the channel axis is
   * moved last before flattening, so the output order is the same as for the channels_last input.
   */
  dataFormat?: DataFormat | null;
}

const CLASS_NAME = 'Flatten';

const OPTIONS = defineOptions<FlattenOptions>()(CLASS_NAME, { dataFormat: option.dataFormat() });

/**
 * Flattens each sample (Keras's `Flatten`): `[batch, d1, ..., dn]` → `[batch, d1·…·dn]`; a rank-1 input
 * `[batch]` becomes `[batch, 1]`, as in Keras.
 *
 * @example
 * ```ts
 * new Flatten().apply(zeros([2, 3, 4])).shape; // [2, 12]
 * ```
 */
export class Flatten extends Layer {
  readonly className = CLASS_NAME;
  readonly dataFormat: DataFormat;

  constructor(options: FlattenOptions = {}) {
    const args = OPTIONS.resolve(options);
    super(options, CLASS_NAME);
    this.dataFormat = args.dataFormat;
    if (this.batchInputShape) this.assertInputCompatible(this.batchInputShape);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    if (inputShape.length < 1) {
      throw new ShapeError(`Input of layer '${this.name}' is incompatible with the layer: expected min_ndim=1, but received input with shape ${formatShape(inputShape)}`);
    }
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    const rest = inputShape.slice(1);
    const size = rest.some((d) => d === null) ? null : rest.reduce<number>((n, d) => n * (d as number), 1);
    return [inputShape[0], size];
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    const rank = x.rank;
    // Keras transposes [N, C, ...spatial] to [N, ...spatial, C] so that a model gives the same features
    // in the same order whichever data format its convolutions used.
    const ordered = this.dataFormat === 'channels_first' && rank > 2 ? transpose(x, [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1]) : x;
    return reshape(ordered, [x.shape[0], x.shape.slice(1).reduce((n, d) => n * d, 1)]);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = Flatten.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): Flatten {
    return new Flatten(OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...activityRegularizerConfig(this), ...OPTIONS.toConfig(this) };
  }
}

/**
 * Creates a `Flatten` layer and composes it with `object` (Keras's `layer_flatten`).
 *
 * @example
 * ```ts
 * const model = kerasModelSequential({ inputShape: [8, 8, 3] });
 * layerFlatten(model);
 * ```
 */
export const layerFlatten = layerFunction((options: FlattenOptions = {}) => new Flatten(options));
