/** Keras's `GlobalAveragePooling2D` and `GlobalMaxPooling2D`: one value per channel over all pixels. */

import type { Tensor } from '../../engine/tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Config } from '../../serialization/keras-object.js';
import type { DataFormat } from '../../ops/conv-args.js';
import { max, mean } from '../../ops/reduce.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { BASE_CONFIG_KEYS, configToOptions } from '../serialize.js';
import { assertRank, imageLayout, requireOptions, resolveDataFormat, spatialAxes } from '../reshaping/common.js';

/** Options of the global pooling layers: Keras's arguments in camelCase. */
export interface GlobalPooling2DOptions extends LayerOptions {
  /** Defaults to `imageDataFormat()` (keras.json, else 'channels_last'). */
  dataFormat?: DataFormat | null;
  /** Keep the spatial axes with size 1 (`[N, 1, 1, C]`) instead of returning `[N, C]`. Default false. */
  keepdims?: boolean;
}

const CONFIG_KEYS: readonly string[] = [...BASE_CONFIG_KEYS, 'data_format', 'keepdims'];

/** The shared global pooling layer; subclasses pick the reduction. */
export abstract class GlobalPooling2D extends Layer {
  readonly dataFormat: DataFormat;
  readonly keepdims: boolean;

  constructor(options: GlobalPooling2DOptions, className: string) {
    requireOptions(options, className);
    const dataFormat = resolveDataFormat(options.dataFormat, className);
    const keepdims = options.keepdims ?? false;
    // Keras 3 stores any truthy value (keepdims=1); we accept booleans only, so the config stays a boolean.
    if (typeof keepdims !== 'boolean') throw new InvalidArgumentError('keepdims', options.keepdims, 'true or false', className);
    super(options, className);
    this.dataFormat = dataFormat;
    this.keepdims = keepdims;
    if (this.batchInputShape) this.assertInputCompatible(this.batchInputShape);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    assertRank(this.name, inputShape, 4, imageLayout(this.dataFormat));
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    const channelsLast = this.dataFormat === 'channels_last';
    const [batch, channels] = channelsLast ? [inputShape[0], inputShape[3]] : [inputShape[0], inputShape[1]];
    if (!this.keepdims) return [batch, channels];
    return channelsLast ? [batch, 1, 1, channels] : [batch, channels, 1, 1];
  }

  protected abstract reduce(x: Tensor, axes: number[]): Tensor;

  protected call(x: Tensor, _options: CallOptions): Tensor {
    return this.reduce(x, spatialAxes(this.dataFormat));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), data_format: this.dataFormat, keepdims: this.keepdims };
  }
}

/**
 * Global average pooling (Keras's `GlobalAveragePooling2D`, alias `GlobalAvgPool2D`): the mean over height
 * and width.
 *
 * @example
 * ```ts
 * const y = new GlobalAveragePooling2D().apply(zeros([2, 7, 7, 16])); // shape [2, 16]
 * ```
 */
export class GlobalAveragePooling2D extends GlobalPooling2D {
  readonly className = 'GlobalAveragePooling2D';

  constructor(options: GlobalPooling2DOptions = {}) {
    super(options, 'GlobalAveragePooling2D');
  }

  protected reduce(x: Tensor, axes: number[]): Tensor {
    return mean(x, { axis: axes, keepDims: this.keepdims });
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = GlobalAveragePooling2D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): GlobalAveragePooling2D {
    return new GlobalAveragePooling2D(configToOptions(config, CONFIG_KEYS, 'GlobalAveragePooling2D') as GlobalPooling2DOptions);
  }
}

/**
 * Global max pooling (Keras's `GlobalMaxPooling2D`, alias `GlobalMaxPool2D`): the maximum over height and
 * width. Tied maxima share the gradient equally, as `jnp.max` does.
 *
 * @example
 * ```ts
 * const y = new GlobalMaxPooling2D({ keepdims: true }).apply(zeros([2, 7, 7, 16])); // shape [2, 1, 1, 16]
 * ```
 */
export class GlobalMaxPooling2D extends GlobalPooling2D {
  readonly className = 'GlobalMaxPooling2D';

  constructor(options: GlobalPooling2DOptions = {}) {
    super(options, 'GlobalMaxPooling2D');
  }

  protected reduce(x: Tensor, axes: number[]): Tensor {
    return max(x, { axis: axes, keepDims: this.keepdims });
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = GlobalMaxPooling2D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): GlobalMaxPooling2D {
    return new GlobalMaxPooling2D(configToOptions(config, CONFIG_KEYS, 'GlobalMaxPooling2D') as GlobalPooling2DOptions);
  }
}

/**
 * Creates a `GlobalAveragePooling2D` layer and composes it with `object` (`layer_global_average_pooling_2d`).
 *
 * @example
 * ```ts
 * const y = layerGlobalAveragePooling2d(input);
 * ```
 */
export const layerGlobalAveragePooling2d = layerFunction((options: GlobalPooling2DOptions) => new GlobalAveragePooling2D(options));

/**
 * Creates a `GlobalMaxPooling2D` layer and composes it with `object` (`layer_global_max_pooling_2d`).
 *
 * @example
 * ```ts
 * const y = layerGlobalMaxPooling2d(input, { keepdims: true });
 * ```
 */
export const layerGlobalMaxPooling2d = layerFunction((options: GlobalPooling2DOptions) => new GlobalMaxPooling2D(options));
