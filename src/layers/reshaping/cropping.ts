/** Keras's `Cropping2D` and `Cropping1D`: rows/columns (or steps) removed from each end. */

import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { ShapeError } from '../../errors.js';
import type { Config } from '../../serialization/keras-object.js';
import type { DataFormat } from '../../ops/conv-args.js';
import { normalizeTuple } from '../../ops/conv-args.js';
import { slice } from '../../ops/slice.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { BASE_CONFIG_KEYS, configToOptions } from '../serialize.js';
import type { SpatialPairs } from './common.js';
import { assertRank, imageLayout, normalizeSpatialPairs, requireOptions, resolveDataFormat, spatialAxes } from './common.js';

export interface Cropping2DOptions extends LayerOptions {
  /** `n`, `[height, width]` (symmetric) or `[[top, bottom], [left, right]]`; default 0 (no cropping). */
  cropping?: number | readonly (number | readonly number[])[];
  /** Defaults to `imageDataFormat()` (keras.json, else 'channels_last'). */
  dataFormat?: DataFormat | null;
}

export interface Cropping1DOptions extends LayerOptions {
  /** `n` (both ends) or `[start, end]` steps to remove from `[batch, steps, features]`; default 1. */
  cropping?: number | readonly number[];
}

/** The cropped length, or a ShapeError when nothing would be left (Keras's rule: the crop must be smaller). */
function croppedLength(layerName: string, inputShape: SymbolicShape, axis: number, crop: readonly [number, number]): number | null {
  const size = inputShape[axis];
  if (size === null) return null;
  const left = size - crop[0] - crop[1];
  if (left <= 0) {
    throw new ShapeError(
      `Layer '${layerName}': cropping ${formatShape(crop)} must leave at least one element of axis ${axis}, but the input shape is ${formatShape(inputShape)}`,
    );
  }
  return left;
}

/**
 * Cropping of the height and width axes (Keras's `Cropping2D`).
 *
 * @example
 * ```ts
 * const y = new Cropping2D({ cropping: [[1, 1], [2, 0]] }).apply(zeros([1, 6, 6, 3])); // [1, 4, 4, 3]
 * ```
 */
export class Cropping2D extends Layer {
  readonly className = 'Cropping2D';
  readonly cropping: SpatialPairs;
  readonly dataFormat: DataFormat;

  constructor(options: Cropping2DOptions = {}) {
    requireOptions(options, 'Cropping2D');
    const cropping = normalizeSpatialPairs(options.cropping ?? 0, 'cropping', 'Cropping2D');
    const dataFormat = resolveDataFormat(options.dataFormat, 'Cropping2D');
    super(options, 'Cropping2D');
    this.cropping = cropping;
    this.dataFormat = dataFormat;
    if (this.batchInputShape) this.assertInputCompatible(this.batchInputShape);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    this.computeOutputShape(inputShape);
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    assertRank(this.name, inputShape, 4, imageLayout(this.dataFormat));
    const out = [...inputShape];
    spatialAxes(this.dataFormat).forEach((axis, i) => (out[axis] = croppedLength(this.name, inputShape, axis, this.cropping[i])));
    return out;
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    const begin = [0, 0, 0, 0];
    const size = [...x.shape];
    spatialAxes(this.dataFormat).forEach((axis, i) => {
      begin[axis] = this.cropping[i][0];
      size[axis] -= this.cropping[i][0] + this.cropping[i][1];
    });
    return slice(x, begin, size);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = Cropping2D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): Cropping2D {
    return new Cropping2D(configToOptions(config, [...BASE_CONFIG_KEYS, 'cropping', 'data_format'], 'Cropping2D') as Cropping2DOptions);
  }

  override getConfig(): Config {
    return { ...super.getConfig(), cropping: this.cropping.map((c) => [...c]), data_format: this.dataFormat };
  }
}

/**
 * Cropping of the steps axis of `[batch, steps, features]` (Keras's `Cropping1D`, which has no data format).
 *
 * @example
 * ```ts
 * const y = new Cropping1D({ cropping: [1, 2] }).apply(zeros([1, 6, 3])); // [1, 3, 3]
 * ```
 */
export class Cropping1D extends Layer {
  readonly className = 'Cropping1D';
  readonly cropping: readonly [number, number];

  constructor(options: Cropping1DOptions = {}) {
    requireOptions(options, 'Cropping1D');
    const cropping = normalizeTuple(options.cropping ?? 1, 2, 'cropping', 0, 'Cropping1D') as [number, number];
    super(options, 'Cropping1D');
    this.cropping = cropping;
    if (this.batchInputShape) this.assertInputCompatible(this.batchInputShape);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    this.computeOutputShape(inputShape);
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    assertRank(this.name, inputShape, 3, '[batch, steps, features]');
    return [inputShape[0], croppedLength(this.name, inputShape, 1, this.cropping), inputShape[2]];
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    return slice(x, [0, this.cropping[0], 0], [-1, x.shape[1] - this.cropping[0] - this.cropping[1], -1]);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = Cropping1D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): Cropping1D {
    return new Cropping1D(configToOptions(config, [...BASE_CONFIG_KEYS, 'cropping'], 'Cropping1D') as Cropping1DOptions);
  }

  override getConfig(): Config {
    return { ...super.getConfig(), cropping: [...this.cropping] };
  }
}

/**
 * Creates a `Cropping2D` layer and composes it with `object` (`layer_cropping_2d`).
 *
 * @example
 * ```ts
 * const y = layerCropping2d(input, { cropping: [[1, 1], [1, 1]] });
 * ```
 */
export const layerCropping2d = layerFunction((options: Cropping2DOptions) => new Cropping2D(options));

/**
 * Creates a `Cropping1D` layer and composes it with `object` (`layer_cropping_1d`).
 *
 * @example
 * ```ts
 * const y = layerCropping1d(input, { cropping: [1, 0] });
 * ```
 */
export const layerCropping1d = layerFunction((options: Cropping1DOptions) => new Cropping1D(options));
