/** Keras's `UpSampling2D` and `UpSampling1D`: integer-factor enlargement of the spatial axes. */

import type { Tensor } from '../../engine/tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Config } from '../../serialization/keras-object.js';
import type { DataFormat, IntOrTuple } from '../../ops/conv-args.js';
import { normalizeTuple } from '../../ops/conv-args.js';
import type { UpsampleInterpolation } from '../../ops/upsample.js';
import { repeat, upsample2d } from '../../ops/upsample.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { BASE_CONFIG_KEYS, configToOptions } from '../serialize.js';
import { assertRank, imageLayout, requireOptions, resolveDataFormat, spatialAxes } from './common.js';
import { checkSizeInteger } from '../../utils/arguments.js';

export interface UpSampling2DOptions extends LayerOptions {
  /** Factors for height and width: one integer for both, or [height, width]. Default 2. */
  size?: IntOrTuple;
  /** Defaults to `imageDataFormat()` (keras.json, else 'channels_last'). */
  dataFormat?: DataFormat | null;
  /** 'nearest' (default) or 'bilinear', any case. */
  interpolation?: string;
}

export interface UpSampling1DOptions extends LayerOptions {
  /** How many times each step of `[batch, steps, features]` is repeated. Default 2. */
  size?: number;
}

const INTERPOLATIONS: readonly UpsampleInterpolation[] = ['nearest', 'bilinear'];

/** Keras lower-cases the name; it also offers bicubic and lanczos3/5, which are not implemented here. */
function normalizeInterpolation(value: unknown): UpsampleInterpolation {
  const lowered = typeof value === 'string' ? value.toLowerCase() : value;
  if ((INTERPOLATIONS as readonly unknown[]).includes(lowered)) return lowered as UpsampleInterpolation;
  throw new InvalidArgumentError(
    'interpolation',
    value,
    "'nearest' or 'bilinear' (case-insensitive; Keras's 'bicubic', 'lanczos3' and 'lanczos5' are not supported)",
    'UpSampling2D',
  );
}

/**
 * Upsampling of the height and width axes (Keras's `UpSampling2D`): 'nearest' repeats rows and columns;
 * 'bilinear' interpolates with half-pixel centres and edge clamping, as Keras 3's `ops.image.resize`.
 *
 * @example
 * ```ts
 * const y = new UpSampling2D({ size: [2, 3], interpolation: 'bilinear' }).apply(zeros([1, 4, 4, 3])); // [1, 8, 12, 3]
 * ```
 */
export class UpSampling2D extends Layer {
  readonly className = 'UpSampling2D';
  readonly size: readonly [number, number];
  readonly dataFormat: DataFormat;
  readonly interpolation: UpsampleInterpolation;

  constructor(options: UpSampling2DOptions = {}) {
    requireOptions(options, 'UpSampling2D');
    const size = normalizeTuple(options.size ?? 2, 2, 'size', 1, 'UpSampling2D') as [number, number];
    const dataFormat = resolveDataFormat(options.dataFormat, 'UpSampling2D');
    const interpolation = normalizeInterpolation(options.interpolation ?? 'nearest');
    super(options, 'UpSampling2D');
    this.size = size;
    this.dataFormat = dataFormat;
    this.interpolation = interpolation;
    if (this.batchInputShape) this.assertInputCompatible(this.batchInputShape);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    assertRank(this.name, inputShape, 4, imageLayout(this.dataFormat));
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    const out = [...inputShape];
    spatialAxes(this.dataFormat).forEach((axis, i) => {
      const d = inputShape[axis];
      out[axis] = d === null ? null : d * this.size[i];
    });
    return out;
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    return upsample2d(x, { size: this.size, interpolation: this.interpolation, dataFormat: this.dataFormat });
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = UpSampling2D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): UpSampling2D {
    const keys = [...BASE_CONFIG_KEYS, 'size', 'data_format', 'interpolation'];
    return new UpSampling2D(configToOptions(config, keys, 'UpSampling2D') as UpSampling2DOptions);
  }

  override getConfig(): Config {
    return { ...super.getConfig(), size: [...this.size], data_format: this.dataFormat, interpolation: this.interpolation };
  }
}

/**
 * Upsampling of the steps axis of `[batch, steps, features]` by repetition (Keras's `UpSampling1D`).
 *
 * @example
 * ```ts
 * const y = new UpSampling1D({ size: 3 }).apply(zeros([1, 4, 2])); // [1, 12, 2]
 * ```
 */
export class UpSampling1D extends Layer {
  readonly className = 'UpSampling1D';
  readonly size: number;

  constructor(options: UpSampling1DOptions = {}) {
    requireOptions(options, 'UpSampling1D');
    const size = options.size ?? 2;
    // Keras takes a single integer here, not a tuple (it raises TypeError for anything else).
    checkSizeInteger(size, 'size', 1, 'UpSampling1D');
    super(options, 'UpSampling1D');
    this.size = size;
    if (this.batchInputShape) this.assertInputCompatible(this.batchInputShape);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    assertRank(this.name, inputShape, 3, '[batch, steps, features]');
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    const steps = inputShape[1];
    return [inputShape[0], steps === null ? null : steps * this.size, inputShape[2]];
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    return repeat(x, this.size, 1);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = UpSampling1D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): UpSampling1D {
    return new UpSampling1D(configToOptions(config, [...BASE_CONFIG_KEYS, 'size'], 'UpSampling1D') as UpSampling1DOptions);
  }

  override getConfig(): Config {
    return { ...super.getConfig(), size: this.size };
  }
}

/**
 * Creates an `UpSampling2D` layer and composes it with `object` (`layer_upsampling_2d`).
 *
 * @example
 * ```ts
 * const y = layerUpsampling2d(input, { size: 2, interpolation: 'bilinear' });
 * ```
 */
export const layerUpsampling2d = layerFunction((options: UpSampling2DOptions) => new UpSampling2D(options));

/**
 * Creates an `UpSampling1D` layer and composes it with `object` (`layer_upsampling_1d`).
 *
 * @example
 * ```ts
 * const y = layerUpsampling1d(input, { size: 2 });
 * ```
 */
export const layerUpsampling1d = layerFunction((options: UpSampling1DOptions) => new UpSampling1D(options));
