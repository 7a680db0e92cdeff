/**
 * Keras's `SpatialDropout1D/2D/3D`: dropout of whole feature maps (one keep/drop draw per sample and
 * channel), as Dropout with a noise shape that is 1 along the steps or spatial axes.
 */

import { allocArray } from '../../engine/dtype.js';
import { SeedGenerator } from '../../engine/random.js';
import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { tensorFromArray, zeros } from '../../engine/tensor.js';
import { ShapeError } from '../../errors.js';
import type { DataFormat } from '../../ops/conv-args.js';
import { div, where } from '../../ops/elementwise.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';

/** The options of `layerSpatialDropout1d`. */
export interface SpatialDropout1DOptions extends LayerOptions {
  /** Fraction of the channels to drop, in [0, 1]. */
  rate: number;
  /** Integer seed of the layer's generator, or null. */
  seed?: number | null;
}

/** The options of `layerSpatialDropout2d` / `layerSpatialDropout3d`. */
export interface SpatialDropoutOptions extends SpatialDropout1DOptions {
  /** Defaults to `imageDataFormat()`. */
  dataFormat?: DataFormat | null;
}

const OPTIONS_1D = defineOptions<SpatialDropout1DOptions>()('SpatialDropout1D', { rate: option.rate(), seed: option.seed() });
const OPTIONS_2D = defineOptions<SpatialDropoutOptions>()('SpatialDropout2D', { rate: option.rate(), seed: option.seed(), dataFormat: option.dataFormat() });
const OPTIONS_3D = defineOptions<SpatialDropoutOptions>()('SpatialDropout3D', { rate: option.rate(), seed: option.seed(), dataFormat: option.dataFormat() });

abstract class SpatialDropout extends Layer {
  readonly rate: number;
  readonly seed: number | null;
  readonly dataFormat: DataFormat;
  readonly seedGenerator: SeedGenerator | null;
  protected abstract readonly spatialRank: number;

  constructor(options: SpatialDropout1DOptions, className: string, args: { rate: number; seed: number | null; dataFormat: DataFormat }) {
    super(options, className);
    this.rate = args.rate;
    this.seed = args.seed;
    this.dataFormat = args.dataFormat;
    this.seedGenerator = args.rate > 0 ? new SeedGenerator(args.seed) : null;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    if (inputShape.length !== this.spatialRank + 2) {
      throw new ShapeError(`Input of layer '${this.name}' is incompatible with the layer: expected ndim=${this.spatialRank + 2}, found ndim=${inputShape.length}. Full shape received: ${formatShape(inputShape)}`);
    }
    return [...inputShape];
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    this.computeOutputShape(inputShape);
  }

  protected call(x: Tensor, options: CallOptions): Tensor {
    if (options.training !== true || this.seedGenerator === null) return x;
    if (this.rate === 1) return zeros(x.shape, x.dtype);
    const last = this.dataFormat === 'channels_last';
    const noise = x.shape.map((d, i) => (i === 0 || (last ? i === x.rank - 1 : i === 1) ? d : 1));
    const keep = 1 - this.rate;
    const rng = this.seedGenerator.nextRandom();
    const mask = allocArray(x.dtype, noise.reduce((n, d) => n * d, 1));
    for (let i = 0; i < mask.length; i++) mask[i] = rng.nextDouble() < keep ? 1 : 0;
    return where(tensorFromArray(mask, noise, x.dtype), div(x, keep), 0);
  }

  /** Keras's SpatialDropout writes its own short config: name, rate, seed, the dtype as a plain name. */
  override getConfig(): Config {
    return { name: this.name, rate: this.rate, seed: this.seed, dtype: this.dtype, ...(this.spatialRank > 1 ? { data_format: this.dataFormat } : {}) };
  }
}

/**
 * Drops whole channels of a sequence `[batch, steps, channels]` in training (Keras's `SpatialDropout1D`).
 *
 * @example
 * ```ts
 * new SpatialDropout1D({ rate: 0.2 }).apply(x, { training: true });
 * ```
 */
export class SpatialDropout1D extends SpatialDropout {
  readonly className = 'SpatialDropout1D';
  protected readonly spatialRank = 1;
  constructor(options: SpatialDropout1DOptions) {
    const args = OPTIONS_1D.resolve(options);
    super(options, 'SpatialDropout1D', { ...args, dataFormat: 'channels_last' });
  }
  /** Rebuilds a layer from `getConfig()` output. @example `SpatialDropout1D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): SpatialDropout1D {
    return new SpatialDropout1D(OPTIONS_1D.optionsFromConfig(config));
  }
}

/**
 * Drops whole feature maps of images in training (Keras's `SpatialDropout2D`).
 *
 * @example
 * ```ts
 * new SpatialDropout2D({ rate: 0.2 }).apply(x, { training: true });
 * ```
 */
export class SpatialDropout2D extends SpatialDropout {
  readonly className = 'SpatialDropout2D';
  protected readonly spatialRank = 2;
  constructor(options: SpatialDropoutOptions) {
    super(options, 'SpatialDropout2D', OPTIONS_2D.resolve(options));
  }
  /** Rebuilds a layer from `getConfig()` output. @example `SpatialDropout2D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): SpatialDropout2D {
    return new SpatialDropout2D(OPTIONS_2D.optionsFromConfig(config));
  }
}

/**
 * Drops whole feature volumes of 3D data in training (Keras's `SpatialDropout3D`).
 *
 * @example
 * ```ts
 * new SpatialDropout3D({ rate: 0.2 }).apply(x, { training: true });
 * ```
 */
export class SpatialDropout3D extends SpatialDropout {
  readonly className = 'SpatialDropout3D';
  protected readonly spatialRank = 3;
  constructor(options: SpatialDropoutOptions) {
    super(options, 'SpatialDropout3D', OPTIONS_3D.resolve(options));
  }
  /** Rebuilds a layer from `getConfig()` output. @example `SpatialDropout3D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): SpatialDropout3D {
    return new SpatialDropout3D(OPTIONS_3D.optionsFromConfig(config));
  }
}

/** Creates a `SpatialDropout1D` layer composed with `object`. @example `layerSpatialDropout1d(model, { rate: 0.2 })` */
export const layerSpatialDropout1d = layerFunction((options: SpatialDropout1DOptions) => new SpatialDropout1D(options));
/** Creates a `SpatialDropout2D` layer composed with `object`. @example `layerSpatialDropout2d(model, { rate: 0.2 })` */
export const layerSpatialDropout2d = layerFunction((options: SpatialDropoutOptions) => new SpatialDropout2D(options));
/** Creates a `SpatialDropout3D` layer composed with `object`. @example `layerSpatialDropout3d(model, { rate: 0.2 })` */
export const layerSpatialDropout3d = layerFunction((options: SpatialDropoutOptions) => new SpatialDropout3D(options));
