/** Keras's `ZeroPadding2D` and `ZeroPadding1D`: zeros added around the spatial axes. */

import type { Tensor } from '../../engine/tensor.js';
import type { Config } from '../../serialization/keras-object.js';
import type { DataFormat } from '../../ops/conv-args.js';
import { normalizeTuple } from '../../ops/conv-args.js';
import { pad } from '../../ops/slice.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { BASE_CONFIG_KEYS, configToOptions } from '../serialize.js';
import type { SpatialPairs } from './common.js';
import { assertRank, imageLayout, normalizeSpatialPairs, requireOptions, resolveDataFormat, spatialAxes } from './common.js';

export interface ZeroPadding2DOptions extends LayerOptions {
  /** `n`, `[height, width]` (symmetric) or `[[top, bottom], [left, right]]`; default 1. */
  padding?: number | readonly (number | readonly number[])[];
  /** Defaults to `imageDataFormat()` (keras.json, else 'channels_last'). */
  dataFormat?: DataFormat | null;
}

export interface ZeroPadding1DOptions extends LayerOptions {
  /** `n` (both ends) or `[left, right]`; default 1. */
  padding?: number | readonly number[];
  /** The steps axis is 1 for 'channels_last' `[batch, steps, features]`, 2 for 'channels_first'. */
  dataFormat?: DataFormat | null;
}

const CONFIG_KEYS: readonly string[] = [...BASE_CONFIG_KEYS, 'padding', 'data_format'];

function addPadding(size: number | null, [before, after]: readonly [number, number]): number | null {
  return size === null ? null : size + before + after;
}

/**
 * Zero padding of the height and width axes (Keras's `ZeroPadding2D`). Keras 3 accepts a negative integer
 * here and fails on the first call; we refuse it up front.
 *
 * @example
 * ```ts
 * const y = new ZeroPadding2D({ padding: [[1, 2], [0, 3]] }).apply(zeros([1, 4, 4, 3])); // [1, 7, 7, 3]
 * ```
 */
export class ZeroPadding2D extends Layer {
  readonly className = 'ZeroPadding2D';
  readonly padding: SpatialPairs;
  readonly dataFormat: DataFormat;

  constructor(options: ZeroPadding2DOptions = {}) {
    requireOptions(options, 'ZeroPadding2D');
    const padding = normalizeSpatialPairs(options.padding ?? 1, 'padding', 'ZeroPadding2D');
    const dataFormat = resolveDataFormat(options.dataFormat, 'ZeroPadding2D');
    super(options, 'ZeroPadding2D');
    this.padding = padding;
    this.dataFormat = dataFormat;
    if (this.batchInputShape) this.assertInputCompatible(this.batchInputShape);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    assertRank(this.name, inputShape, 4, imageLayout(this.dataFormat));
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    const out = [...inputShape];
    spatialAxes(this.dataFormat).forEach((axis, i) => (out[axis] = addPadding(inputShape[axis], this.padding[i])));
    return out;
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    const [h, w] = this.padding;
    return pad(x, this.dataFormat === 'channels_last' ? [[0, 0], h, w, [0, 0]] : [[0, 0], [0, 0], h, w]);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = ZeroPadding2D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): ZeroPadding2D {
    return new ZeroPadding2D(configToOptions(config, CONFIG_KEYS, 'ZeroPadding2D') as ZeroPadding2DOptions);
  }

  override getConfig(): Config {
    return { ...super.getConfig(), padding: this.padding.map((p) => [...p]), data_format: this.dataFormat };
  }
}

/**
 * Zero padding of the steps axis of `[batch, steps, features]` (Keras's `ZeroPadding1D`).
 *
 * @example
 * ```ts
 * const y = new ZeroPadding1D({ padding: [2, 1] }).apply(zeros([1, 5, 3])); // [1, 8, 3]
 * ```
 */
export class ZeroPadding1D extends Layer {
  readonly className = 'ZeroPadding1D';
  readonly padding: readonly [number, number];
  readonly dataFormat: DataFormat;

  constructor(options: ZeroPadding1DOptions = {}) {
    requireOptions(options, 'ZeroPadding1D');
    const padding = normalizeTuple(options.padding ?? 1, 2, 'padding', 0, 'ZeroPadding1D') as [number, number];
    const dataFormat = resolveDataFormat(options.dataFormat, 'ZeroPadding1D');
    super(options, 'ZeroPadding1D');
    this.padding = padding;
    this.dataFormat = dataFormat;
    if (this.batchInputShape) this.assertInputCompatible(this.batchInputShape);
  }

  private stepsAxis(): number {
    return this.dataFormat === 'channels_last' ? 1 : 2;
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    const layout = this.dataFormat === 'channels_last' ? '[batch, steps, features]' : '[batch, features, steps]';
    assertRank(this.name, inputShape, 3, layout);
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    const out = [...inputShape];
    out[this.stepsAxis()] = addPadding(inputShape[this.stepsAxis()], this.padding);
    return out;
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    const none: [number, number] = [0, 0];
    return pad(x, this.stepsAxis() === 1 ? [none, this.padding, none] : [none, none, this.padding]);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = ZeroPadding1D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): ZeroPadding1D {
    return new ZeroPadding1D(configToOptions(config, CONFIG_KEYS, 'ZeroPadding1D') as ZeroPadding1DOptions);
  }

  override getConfig(): Config {
    return { ...super.getConfig(), padding: [...this.padding], data_format: this.dataFormat };
  }
}

/**
 * Creates a `ZeroPadding2D` layer and composes it with `object` (`layer_zero_padding_2d`).
 *
 * @example
 * ```ts
 * const y = layerZeroPadding2d(input, { padding: 1 });
 * ```
 */
export const layerZeroPadding2d = layerFunction((options: ZeroPadding2DOptions) => new ZeroPadding2D(options));

/**
 * Creates a `ZeroPadding1D` layer and composes it with `object` (`layer_zero_padding_1d`).
 *
 * @example
 * ```ts
 * const y = layerZeroPadding1d(input, { padding: [1, 2] });
 * ```
 */
export const layerZeroPadding1d = layerFunction((options: ZeroPadding1DOptions) => new ZeroPadding1D(options));
