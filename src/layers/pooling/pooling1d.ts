/**
 * Keras's `MaxPooling1D` and `AveragePooling1D`: the 2D pooling op on a height-1 view of the sequence
 * (`[N, 1, L, C]`, or `[N, C, 1, L]` channels-first), so no new kernel is needed.
 */

import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import { convOutputLength } from '../../kernels/window.js';
import type { DataFormat, Padding } from '../../ops/conv-args.js';
import { normalizePadding, normalizeTuple } from '../../ops/conv-args.js';
import { avgPool2d, maxPool2d } from '../../ops/pool2d.js';
import { reshape } from '../../ops/shape-ops.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { assertRank, requireOptions, resolveDataFormat } from '../reshaping/common.js';
import { BASE_CONFIG_KEYS, configToOptions } from '../serialize.js';

/** Options of the 1D pooling layers: Keras's arguments in camelCase. */
export interface Pooling1DOptions extends LayerOptions {
  /** Window length (or a one-element array). MaxPooling1D defaults to 2; AveragePooling1D requires it. */
  poolSize?: number | readonly [number];
  /** Default (or null): the pool size. */
  strides?: number | readonly [number] | null;
  /** 'valid' (default) or 'same', any case. */
  padding?: string;
  /** Defaults to `imageDataFormat()`; 'channels_last' is `[batch, steps, features]`. */
  dataFormat?: DataFormat | null;
}

const CONFIG_KEYS: readonly string[] = [...BASE_CONFIG_KEYS, 'activity_regularizer', 'pool_size', 'padding', 'strides', 'data_format'];
const SEQUENCE_LAYOUT = (f: DataFormat) => (f === 'channels_last' ? '[batch, steps, features]' : '[batch, features, steps]');

abstract class Pooling1D extends Layer {
  readonly poolSize: number;
  readonly strides: number;
  readonly padding: Padding;
  readonly dataFormat: DataFormat;
  protected abstract readonly mode: 'max' | 'avg';

  constructor(options: Pooling1DOptions, className: string, defaultPoolSize: number | null) {
    requireOptions(options, className);
    const given = options.poolSize ?? defaultPoolSize;
    if (given === null) throw new InvalidArgumentError('poolSize', options.poolSize, 'a positive integer or an array of 1 positive integer (it is required)', className);
    const [poolSize] = normalizeTuple(given, 1, 'poolSize', 1, className);
    const [strides] = normalizeTuple(options.strides ?? poolSize, 1, 'strides', 1, className);
    const padding = normalizePadding(options.padding ?? 'valid', className);
    const dataFormat = resolveDataFormat(options.dataFormat, className);
    super(options, className);
    this.poolSize = poolSize;
    this.strides = strides;
    this.padding = padding;
    this.dataFormat = dataFormat;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    assertRank(this.name, inputShape, 3, SEQUENCE_LAYOUT(this.dataFormat));
    const axis = this.dataFormat === 'channels_last' ? 1 : 2;
    const out = [...inputShape];
    const size = inputShape[axis];
    if (size !== null) {
      const length = convOutputLength(size, this.poolSize, this.strides, 1, this.padding);
      if (length <= 0) throw new ShapeError(`Layer '${this.name}': input shape ${formatShape(inputShape)} is too small for pool size ${this.poolSize} with padding 'valid'`);
      out[axis] = length;
    }
    return out;
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    this.computeOutputShape(inputShape);
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    const last = this.dataFormat === 'channels_last';
    const [n, a, b] = x.shape;
    const view = reshape(x, last ? [n, 1, a, b] : [n, a, 1, b]);
    const options = { poolSize: [1, this.poolSize] as const, strides: [1, this.strides] as const, padding: this.padding, dataFormat: this.dataFormat };
    const y = this.mode === 'max' ? maxPool2d(view, options) : avgPool2d(view, options);
    return reshape(y, last ? [n, y.shape[2], y.shape[3]] : [n, y.shape[1], y.shape[3]]);
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      ...(this.activityRegularizer ? { activity_regularizer: this.activityRegularizer.serialize() } : {}),
      pool_size: [this.poolSize],
      padding: this.padding,
      strides: [this.strides],
      data_format: this.dataFormat,
    };
  }
}

/**
 * 1D max pooling over the steps axis (Keras's `MaxPooling1D`, alias `MaxPool1D`).
 *
 * @example
 * ```ts
 * new MaxPooling1D({ poolSize: 2 }).apply(zeros([4, 10, 8])); // [4, 5, 8]
 * ```
 */
export class MaxPooling1D extends Pooling1D {
  readonly className = 'MaxPooling1D';
  protected readonly mode = 'max';
  constructor(options: Pooling1DOptions = {}) {
    super(options, 'MaxPooling1D', 2);
  }
  /** Rebuilds a layer from `getConfig()` output. @example `MaxPooling1D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): MaxPooling1D {
    return new MaxPooling1D(configToOptions(config, CONFIG_KEYS, 'MaxPooling1D') as Pooling1DOptions);
  }
}

/**
 * 1D average pooling over the steps axis (Keras's `AveragePooling1D`, alias `AvgPool1D`); with 'same'
 * padding each window averages its in-bounds steps only.
 *
 * @example
 * ```ts
 * new AveragePooling1D({ poolSize: 3, strides: 1, padding: 'same' }).apply(zeros([4, 10, 8])); // [4, 10, 8]
 * ```
 */
export class AveragePooling1D extends Pooling1D {
  readonly className = 'AveragePooling1D';
  protected readonly mode = 'avg';
  constructor(options: Pooling1DOptions) {
    super(options, 'AveragePooling1D', null);
  }
  /** Rebuilds a layer from `getConfig()` output. @example `AveragePooling1D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): AveragePooling1D {
    return new AveragePooling1D(configToOptions(config, CONFIG_KEYS, 'AveragePooling1D') as Pooling1DOptions);
  }
}

/** Creates a `MaxPooling1D` layer composed with `object` (Keras's `layer_max_pooling_1d`). @example `layerMaxPooling1d(x, { poolSize: 2 })` */
export const layerMaxPooling1d = layerFunction((options: Pooling1DOptions) => new MaxPooling1D(options));
/** Creates an `AveragePooling1D` layer composed with `object` (Keras's `layer_average_pooling_1d`). @example `layerAveragePooling1d(x, { poolSize: 2 })` */
export const layerAveragePooling1d = layerFunction((options: Pooling1DOptions) => new AveragePooling1D(options));
