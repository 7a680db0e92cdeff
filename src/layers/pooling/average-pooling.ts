/**
 * Keras's `AveragePooling1D`, `AveragePooling2D` and `AveragePooling3D`: the mean over each window, per
 * channel; with 'same' padding each window averages only its in-bounds elements, so border outputs are
 * not pulled towards zero.
 */

import type { Config } from '../../serialization/keras-object.js';
import { layerFunction } from '../layer-function.js';
import type { PoolingOptions } from './pooling.js';
import { Pooling, poolingSpec } from './pooling.js';

const AVERAGEPOOLING1D = poolingSpec('AveragePooling1D', 1, 'avg');

/** The options of `layerAveragePooling1d`; unlike max pooling, Keras 3 requires `poolSize`. */
export type AveragePooling1DOptions = PoolingOptions;

/**
 * 1D average pooling over the steps of `[batch, steps, features]` (Keras's `AveragePooling1D`, alias `AvgPool1D`).
 *
 * @example
 * ```ts
 * new AveragePooling1D({ poolSize: 2 }).apply(zeros([4, 10, 8])); // shape [4, 5, 8]
 * ```
 */
export class AveragePooling1D extends Pooling {
  readonly className = 'AveragePooling1D';

  constructor(options: AveragePooling1DOptions) {
    super(options, AVERAGEPOOLING1D);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = AveragePooling1D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): AveragePooling1D {
    return new AveragePooling1D(AVERAGEPOOLING1D.options.optionsFromConfig(config));
  }
}

/**
 * Creates a `AveragePooling1D` layer and composes it with `object` (Keras's `layer_average_pooling_1d`).
 *
 * @example
 * ```ts
 * const y = layerAveragePooling1d(input, { poolSize: 2, padding: 'same' });
 * ```
 */
export const layerAveragePooling1d = layerFunction((options: AveragePooling1DOptions) => new AveragePooling1D(options));

const AVERAGEPOOLING2D = poolingSpec('AveragePooling2D', 2, 'avg');

/** The options of `layerAveragePooling2d`; unlike max pooling, Keras 3 requires `poolSize`. */
export type AveragePooling2DOptions = PoolingOptions;

/**
 * 2D average pooling over height and width (Keras's `AveragePooling2D`, alias `AvgPool2D`).
 *
 * @example
 * ```ts
 * new AveragePooling2D({ poolSize: 2 }).apply(zeros([1, 8, 8, 3])); // shape [1, 4, 4, 3]
 * ```
 */
export class AveragePooling2D extends Pooling {
  readonly className = 'AveragePooling2D';

  constructor(options: AveragePooling2DOptions) {
    super(options, AVERAGEPOOLING2D);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = AveragePooling2D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): AveragePooling2D {
    return new AveragePooling2D(AVERAGEPOOLING2D.options.optionsFromConfig(config));
  }
}

/**
 * Creates a `AveragePooling2D` layer and composes it with `object` (Keras's `layer_average_pooling_2d`).
 *
 * @example
 * ```ts
 * const y = layerAveragePooling2d(input, { poolSize: 2, padding: 'same' });
 * ```
 */
export const layerAveragePooling2d = layerFunction((options: AveragePooling2DOptions) => new AveragePooling2D(options));

const AVERAGEPOOLING3D = poolingSpec('AveragePooling3D', 3, 'avg');

/** The options of `layerAveragePooling3d`; unlike max pooling, Keras 3 requires `poolSize`. */
export type AveragePooling3DOptions = PoolingOptions;

/**
 * 3D average pooling over depth, height and width (Keras's `AveragePooling3D`, alias `AvgPool3D`).
 *
 * @example
 * ```ts
 * new AveragePooling3D({ poolSize: 2 }).apply(zeros([1, 4, 8, 8, 3])); // shape [1, 2, 4, 4, 3]
 * ```
 */
export class AveragePooling3D extends Pooling {
  readonly className = 'AveragePooling3D';

  constructor(options: AveragePooling3DOptions) {
    super(options, AVERAGEPOOLING3D);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = AveragePooling3D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): AveragePooling3D {
    return new AveragePooling3D(AVERAGEPOOLING3D.options.optionsFromConfig(config));
  }
}

/**
 * Creates a `AveragePooling3D` layer and composes it with `object` (Keras's `layer_average_pooling_3d`).
 *
 * @example
 * ```ts
 * const y = layerAveragePooling3d(input, { poolSize: 2, padding: 'same' });
 * ```
 */
export const layerAveragePooling3d = layerFunction((options: AveragePooling3DOptions) => new AveragePooling3D(options));
