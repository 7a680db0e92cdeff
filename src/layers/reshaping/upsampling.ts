/**
 * Keras's `UpSampling1D`, `UpSampling2D` and `UpSampling3D`: integer-factor enlargement of the spatial
 * axes, one implementation for every rank ('nearest' repeats along each axis; `UpSampling2D` also
 * interpolates bilinearly). Keras's `UpSampling1D` takes one integer and no data format.
 */

import type { Tensor } from '../../engine/tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import type { SpatialRank } from '../../kernels/conv/params.js';
import type { DataFormat, IntOrTuple } from '../../ops/conv-args.js';
import type { UpsampleInterpolation } from '../../ops/upsample.js';
import { repeat, upsample2d } from '../../ops/upsample.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import type { OptionSpec } from '../options-schema.js';
import { defineOptions, option } from '../options-schema.js';
import { activityConfig, assertRank, requireOptions, spatialAxesOf, spatialLayout } from './common.js';

export interface UpSampling1DOptions extends LayerOptions {
  /** How many times each step of `[batch, steps, features]` is repeated. Default 2. */
  size?: number;
}

export interface UpSamplingOptions extends LayerOptions {
  /** Factors: one integer for every spatial axis, or one per axis. Default 2. */
  size?: IntOrTuple;
  /** Defaults to `imageDataFormat()` (keras.json, else 'channels_last'). */
  dataFormat?: DataFormat | null;
}

export interface UpSampling2DOptions extends UpSamplingOptions {
  /** 'nearest' (default) or 'bilinear', any case. */
  interpolation?: string;
}

export type UpSampling3DOptions = UpSamplingOptions;

/** Keras lower-cases the name; it also offers bicubic and lanczos3/5, which are not implemented here. */
function interpolationOption(): OptionSpec<UpsampleInterpolation> {
  return {
    resolve: (value, argument, context) => {
      const lowered = typeof value === 'string' ? value.toLowerCase() : (value ?? 'nearest');
      if (lowered === 'nearest' || lowered === 'bilinear') return lowered;
      throw new InvalidArgumentError(argument, value, "'nearest' or 'bilinear' (case-insensitive; Keras's 'bicubic', 'lanczos3' and 'lanczos5' are not supported)", context);
    },
    toConfig: (v) => v,
  };
}

const SPEC1 = { className: 'UpSampling1D', rank: 1, options: defineOptions<UpSampling1DOptions>()('UpSampling1D', { size: option.size({ default: 2 }) }) } as const;
const SPEC2 = {
  className: 'UpSampling2D',
  rank: 2,
  options: defineOptions<UpSampling2DOptions>()('UpSampling2D', { size: option.tuple(2, { default: 2 }), dataFormat: option.dataFormat(), interpolation: interpolationOption() }),
} as const;
const SPEC3 = { className: 'UpSampling3D', rank: 3, options: defineOptions<UpSampling3DOptions>()('UpSampling3D', { size: option.tuple(3, { default: 2 }), dataFormat: option.dataFormat() }) } as const;

type UpSamplingSpec = typeof SPEC1 | typeof SPEC2 | typeof SPEC3;

/** Upsampling of the spatial axes, of any rank. */
export abstract class UpSampling extends Layer {
  readonly rank: SpatialRank;
  /** Factors per spatial axis (`UpSampling1D`'s single integer as a one-element array). */
  readonly factors: readonly number[];
  readonly dataFormat: DataFormat;
  readonly interpolation: UpsampleInterpolation;
  private readonly spec: UpSamplingSpec;

  protected constructor(options: UpSamplingOptions | UpSampling1DOptions, spec: UpSamplingSpec) {
    requireOptions(options, spec.className);
    const args: { size: number | readonly number[]; dataFormat?: DataFormat; interpolation?: UpsampleInterpolation } = spec.options.resolve(options);
    super(options, spec.className);
    this.spec = spec;
    this.rank = spec.rank;
    this.factors = typeof args.size === 'number' ? [args.size] : args.size;
    this.dataFormat = args.dataFormat ?? 'channels_last';
    this.interpolation = args.interpolation ?? 'nearest';
    if (this.batchInputShape) this.assertInputCompatible(this.batchInputShape);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    assertRank(this.name, inputShape, this.rank + 2, this.rank === 1 ? '[batch, steps, features]' : spatialLayout(this.rank, this.dataFormat));
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    const out = [...inputShape];
    spatialAxesOf(this.rank, this.dataFormat).forEach((axis, i) => {
      const d = inputShape[axis];
      out[axis] = d === null ? null : d * this.factors[i];
    });
    return out;
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    if (this.interpolation === 'bilinear') return upsample2d(x, { size: this.factors, interpolation: 'bilinear', dataFormat: this.dataFormat });
    return spatialAxesOf(this.rank, this.dataFormat).reduce((y, axis, i) => (this.factors[i] === 1 ? y : repeat(y, this.factors[i], axis)), x);
  }

  override getConfig(): Config {
    const own =
      this.spec.rank === 1
        ? this.spec.options.toConfig({ size: this.factors[0] })
        : this.spec.rank === 2
          ? this.spec.options.toConfig({ size: this.factors, dataFormat: this.dataFormat, interpolation: this.interpolation })
          : this.spec.options.toConfig({ size: this.factors, dataFormat: this.dataFormat });
    return { ...super.getConfig(), ...activityConfig(this), ...own };
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
export class UpSampling1D extends UpSampling {
  readonly className = 'UpSampling1D';
  /** The repetition factor. */
  readonly size: number;
  constructor(options: UpSampling1DOptions = {}) {
    super(options, SPEC1);
    this.size = this.factors[0];
  }
  /** Rebuilds a layer from `getConfig()` output (or a Keras 3 config). @example `UpSampling1D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): UpSampling1D {
    return new UpSampling1D(SPEC1.options.optionsFromConfig(config));
  }
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
export class UpSampling2D extends UpSampling {
  readonly className = 'UpSampling2D';
  /** The factors `[height, width]`. */
  readonly size: readonly number[];
  constructor(options: UpSampling2DOptions = {}) {
    super(options, SPEC2);
    this.size = this.factors;
  }
  /** Rebuilds a layer from `getConfig()` output (or a Keras 3 config). @example `UpSampling2D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): UpSampling2D {
    return new UpSampling2D(SPEC2.options.optionsFromConfig(config));
  }
}

/**
 * Upsampling of the depth, height and width axes by repetition (Keras's `UpSampling3D`).
 *
 * @example
 * ```ts
 * const y = new UpSampling3D({ size: [1, 2, 2] }).apply(zeros([1, 4, 8, 8, 3])); // [1, 4, 16, 16, 3]
 * ```
 */
export class UpSampling3D extends UpSampling {
  readonly className = 'UpSampling3D';
  /** The factors `[depth, height, width]`. */
  readonly size: readonly number[];
  constructor(options: UpSampling3DOptions = {}) {
    super(options, SPEC3);
    this.size = this.factors;
  }
  /** Rebuilds a layer from `getConfig()` output (or a Keras 3 config). @example `UpSampling3D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): UpSampling3D {
    return new UpSampling3D(SPEC3.options.optionsFromConfig(config));
  }
}

/** Creates an `UpSampling1D` layer composed with `object` (`layer_upsampling_1d`). @example `layerUpsampling1d(input, { size: 2 })` */
export const layerUpsampling1d = layerFunction((options: UpSampling1DOptions) => new UpSampling1D(options));
/** Creates an `UpSampling2D` layer composed with `object` (`layer_upsampling_2d`). @example `layerUpsampling2d(input, { size: 2, interpolation: 'bilinear' })` */
export const layerUpsampling2d = layerFunction((options: UpSampling2DOptions) => new UpSampling2D(options));
/** Creates an `UpSampling3D` layer composed with `object` (`layer_upsampling_3d`). @example `layerUpsampling3d(input, { size: 2 })` */
export const layerUpsampling3d = layerFunction((options: UpSampling3DOptions) => new UpSampling3D(options));
