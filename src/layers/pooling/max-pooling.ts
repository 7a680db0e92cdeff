/**
 * Keras's `MaxPooling1D`, `MaxPooling2D` and `MaxPooling3D`: the maximum over each window, per channel. 'same'
 * padding reads as -∞; the gradient goes to the first maximal element of each window (row-major), as
 * Keras 3 on JAX/XLA routes it.
 */

import type { Config } from '../../serialization/keras-object.js';
import { layerFunction } from '../layer-function.js';
import type { PoolingOptions } from './pooling.js';
import { Pooling, poolingSpec } from './pooling.js';

const MAXPOOLING1D = poolingSpec('MaxPooling1D', 1, 'max');

/** The options of `layerMaxPooling1d`; `poolSize` defaults to 2 on every axis. */
export type MaxPooling1DOptions = PoolingOptions;

/**
 * 1D max pooling over the steps of `[batch, steps, features]` (Keras's `MaxPooling1D`, alias `MaxPool1D`).
 *
 * @example
 * ```ts
 * new MaxPooling1D({ poolSize: 2 }).apply(zeros([4, 10, 8])); // shape [4, 5, 8]
 * ```
 */
export class MaxPooling1D extends Pooling {
  readonly className = 'MaxPooling1D';

  constructor(options: MaxPooling1DOptions = {}) {
    super(options, MAXPOOLING1D);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = MaxPooling1D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): MaxPooling1D {
    return new MaxPooling1D(MAXPOOLING1D.options.optionsFromConfig(config));
  }
}

/**
 * Creates a `MaxPooling1D` layer and composes it with `object` (Keras's `layer_max_pooling_1d`).
 *
 * @example
 * ```ts
 * const y = layerMaxPooling1d(input, { poolSize: 2, padding: 'same' });
 * ```
 */
export const layerMaxPooling1d = layerFunction((options: MaxPooling1DOptions) => new MaxPooling1D(options));

const MAXPOOLING2D = poolingSpec('MaxPooling2D', 2, 'max');

/** The options of `layerMaxPooling2d`; `poolSize` defaults to 2 on every axis. */
export type MaxPooling2DOptions = PoolingOptions;

/**
 * 2D max pooling over height and width (Keras's `MaxPooling2D`, alias `MaxPool2D`).
 *
 * @example
 * ```ts
 * new MaxPooling2D({ poolSize: 2 }).apply(zeros([1, 8, 8, 3])); // shape [1, 4, 4, 3]
 * ```
 */
export class MaxPooling2D extends Pooling {
  readonly className = 'MaxPooling2D';

  constructor(options: MaxPooling2DOptions = {}) {
    super(options, MAXPOOLING2D);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = MaxPooling2D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): MaxPooling2D {
    return new MaxPooling2D(MAXPOOLING2D.options.optionsFromConfig(config));
  }
}

/**
 * Creates a `MaxPooling2D` layer and composes it with `object` (Keras's `layer_max_pooling_2d`).
 *
 * @example
 * ```ts
 * const y = layerMaxPooling2d(input, { poolSize: 2, padding: 'same' });
 * ```
 */
export const layerMaxPooling2d = layerFunction((options: MaxPooling2DOptions) => new MaxPooling2D(options));

const MAXPOOLING3D = poolingSpec('MaxPooling3D', 3, 'max');

/** The options of `layerMaxPooling3d`; `poolSize` defaults to 2 on every axis. */
export type MaxPooling3DOptions = PoolingOptions;

/**
 * 3D max pooling over depth, height and width (Keras's `MaxPooling3D`, alias `MaxPool3D`).
 *
 * @example
 * ```ts
 * new MaxPooling3D({ poolSize: 2 }).apply(zeros([1, 4, 8, 8, 3])); // shape [1, 2, 4, 4, 3]
 * ```
 */
export class MaxPooling3D extends Pooling {
  readonly className = 'MaxPooling3D';

  constructor(options: MaxPooling3DOptions = {}) {
    super(options, MAXPOOLING3D);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = MaxPooling3D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): MaxPooling3D {
    return new MaxPooling3D(MAXPOOLING3D.options.optionsFromConfig(config));
  }
}

/**
 * Creates a `MaxPooling3D` layer and composes it with `object` (Keras's `layer_max_pooling_3d`).
 *
 * @example
 * ```ts
 * const y = layerMaxPooling3d(input, { poolSize: 2, padding: 'same' });
 * ```
 */
export const layerMaxPooling3d = layerFunction((options: MaxPooling3DOptions) => new MaxPooling3D(options));
