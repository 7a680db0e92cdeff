/**
 * Keras's `RandomRotation`, `RandomZoom` and `RandomTranslation`: one random affine map per image,
 * resampled by the affine-transform op with Keras's fill modes and interpolations. Each layer draws its
 * parameters from its seeded generator, builds Keras's 8-number matrices, and `transformImages` applies
 * given matrices (the deterministic part).
 */

import { SeedGenerator } from '../../engine/random.js';
import type { Random } from '../../engine/random.js';
import type { Tensor } from '../../engine/tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import type { DataFormat } from '../../ops/conv-args.js';
import { affineTransform } from '../../ops/affine-transform.js';
import type { Config, ConfigValue } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import type { FactorRange } from '../options-schema.js';
import { defineOptions, option } from '../options-schema.js';
import { ImageLayer, augmenting, hwAxes } from './image-layer.js';

export type AugmentFillMode = 'reflect' | 'wrap' | 'constant' | 'nearest';
export type AugmentInterpolation = 'bilinear' | 'nearest';

/** Eight numbers per image `[a0, a1, a2, b0, b1, b2, 0, 0]`: output (x, y) reads input (a0·x + a1·y + a2, b0·x + b1·y + b2). */
export interface AffineTransformation {
  readonly transforms: readonly number[];
}

interface AffineOptions extends LayerOptions {
  /** How points outside the image are read: 'reflect' (default), 'wrap', 'constant' or 'nearest'. */
  fillMode?: AugmentFillMode;
  /** 'bilinear' (default) or 'nearest'. */
  interpolation?: AugmentInterpolation;
  seed?: number | null;
  /** The value of 'constant' fill. Default 0. */
  fillValue?: number;
  /** Defaults to `imageDataFormat()`. */
  dataFormat?: DataFormat | null;
}

/** The options of `layerRandomRotation`. */
export interface RandomRotationOptions extends AffineOptions {
  /** Fraction of a full turn: `f` for angles in [-f·360°, f·360°], or `[lower, upper]`; within [-1, 1]. */
  factor: number | readonly [number, number];
}

/** The options of `layerRandomZoom`. */
export interface RandomZoomOptions extends AffineOptions {
  /** Vertical zoom: `f` for [-f, f] or `[lower, upper]`, in (-1, 1]; positive zooms out, negative in. */
  heightFactor: number | readonly [number, number];
  /** Horizontal zoom; default null: the same draw as the height (aspect ratio kept). */
  widthFactor?: number | readonly [number, number] | null;
}

/** The options of `layerRandomTranslation`. */
export interface RandomTranslationOptions extends AffineOptions {
  /** Vertical shift as a fraction of the height: `f` for [-f, f] or `[lower, upper]`, in [-1, 1]. */
  heightFactor: number | readonly [number, number];
  /** Horizontal shift as a fraction of the width. */
  widthFactor: number | readonly [number, number];
}

const common = {
  fillMode: option.oneOf(['reflect', 'wrap', 'constant', 'nearest'] as const, 'reflect'),
  interpolation: option.oneOf(['bilinear', 'nearest'] as const, 'bilinear'),
  seed: option.seed(),
  fillValue: option.number({ default: 0 }),
  dataFormat: option.dataFormat(),
};

const ROTATION = defineOptions<RandomRotationOptions>()('RandomRotation', { factor: option.factor({ bounds: [-1, 1], clipToBounds: true }), ...common });
const ZOOM = defineOptions<RandomZoomOptions>()('RandomZoom', {
  heightFactor: option.factor({ bounds: [-1, 1], lowerOpen: true }),
  widthFactor: { ...option.factor({ bounds: [-1, 1], lowerOpen: true }), resolve: (v, a, c) => (v === undefined || v === null ? null : option.factor({ bounds: [-1, 1], lowerOpen: true }).resolve(v, a, c)) },
  ...common,
});
const TRANSLATION = defineOptions<RandomTranslationOptions>()('RandomTranslation', {
  heightFactor: option.factor({ bounds: [-1, 1] }),
  widthFactor: option.factor({ bounds: [-1, 1] }),
  ...common,
});

/** A draw in [lower, upper) (exactly `lower` for an empty range, as jax's uniform). */
function uniform(rng: Random, lower: number, upper: number): number {
  return lower + rng.nextDouble() * (upper - lower);
}

/** Keras's rotation matrix about the image centre for `degrees`. */
export function rotationTransform(degrees: number, height: number, width: number): number[] {
  const angle = (degrees * Math.PI) / 180;
  const cx = 0.5 * (width - 1);
  const cy = 0.5 * (height - 1);
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  const [a0, a1, b0, b1] = [cos, -sin, sin, cos];
  return [a0, a1, cx - cx * a0 - cy * a1, b0, b1, cy - cx * b0 - cy * b1, 0, 0];
}

/** Keras's zoom matrix: factors ≥ 1 zoom out (the image shrinks), about the centre. */
export function zoomTransform(heightZoom: number, widthZoom: number, height: number, width: number): number[] {
  return [widthZoom, 0, ((width - 1) / 2) * (1 - widthZoom), 0, heightZoom, ((height - 1) / 2) * (1 - heightZoom), 0, 0];
}

/** Keras's translation matrix: the image moves by (dx, dy) pixels. */
export function translationTransform(dx: number, dy: number): number[] {
  return [1, 0, -dx, 0, 1, -dy, 0, 0];
}

abstract class AffineAugmentation extends ImageLayer {
  readonly fillMode: AugmentFillMode;
  readonly interpolation: AugmentInterpolation;
  readonly seed: number | null;
  readonly fillValue: number;
  readonly dataFormat: DataFormat;
  readonly seedGenerator: SeedGenerator;

  constructor(options: AffineOptions, className: string, args: { fillMode: AugmentFillMode; interpolation: AugmentInterpolation; seed: number | null; fillValue: number; dataFormat: DataFormat }) {
    super(options, className);
    this.fillMode = args.fillMode;
    this.interpolation = args.interpolation;
    this.seed = args.seed;
    this.fillValue = args.fillValue;
    this.dataFormat = args.dataFormat;
    this.seedGenerator = new SeedGenerator(args.seed);
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertImageRank(inputShape);
    return [...inputShape];
  }

  /** This layer's matrix for one image, from its stream. */
  protected abstract draw(rng: Random, height: number, width: number): number[];

  /** Random matrices for a batch (one per image). */
  getRandomTransformation(images: Tensor): AffineTransformation {
    const rng = this.seedGenerator.nextRandom();
    const batched = images.rank === 4;
    const [hA, wA] = hwAxes(this.dataFormat).map((a) => a - (batched ? 0 : 1));
    const n = batched ? images.shape[0] : 1;
    const transforms: number[] = [];
    for (let i = 0; i < n; i++) transforms.push(...this.draw(rng, images.shape[hA], images.shape[wA]));
    return { transforms };
  }

  /**
   * Resamples a batch through given matrices (Keras's `transform_images`).
   *
   * @example
   * ```ts
   * layer.transformImages(batch, { transforms: [1, 0, -2, 0, 1, 0, 0, 0] }); // shift right by 2
   * ```
   */
  transformImages(images: Tensor, transformation: AffineTransformation): Tensor {
    if (images.rank !== 4) throw new InvalidArgumentError('images', images.shape, 'a rank-4 batch of images', `layer '${this.name}'`);
    return affineTransform(images, transformation.transforms, { interpolation: this.interpolation, fillMode: this.fillMode, fillValue: this.fillValue, dataFormat: this.dataFormat });
  }

  protected transform(images: Tensor, options: CallOptions): Tensor {
    if (!augmenting(options)) return images;
    return this.transformImages(images, this.getRandomTransformation(images));
  }

  protected commonConfig(): Config {
    return { fill_mode: this.fillMode, interpolation: this.interpolation, seed: this.seed, fill_value: this.fillValue, data_format: this.dataFormat };
  }
}

const given = (f: FactorRange): ConfigValue => (typeof f.given === 'number' ? f.given : [...f.given]);

/**
 * Rotates each image by a random angle about its centre (Keras's `RandomRotation`) in training.
 *
 * @example
 * ```ts
 * layerRandomRotation(model, { factor: 0.1, fillMode: 'constant' }); // up to ±36°
 * ```
 */
export class RandomRotation extends AffineAugmentation {
  readonly className = 'RandomRotation';
  readonly factor: FactorRange;

  constructor(options: RandomRotationOptions) {
    const args = ROTATION.resolve(options);
    super(options, 'RandomRotation', args);
    this.factor = args.factor;
  }

  protected draw(rng: Random, height: number, width: number): number[] {
    return rotationTransform(uniform(rng, this.factor.lower * 360, this.factor.upper * 360), height, width);
  }

  /** Rebuilds a layer from `getConfig()` output. @example `RandomRotation.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): RandomRotation {
    return new RandomRotation(ROTATION.optionsFromConfig(config));
  }

  override getConfig(): Config {
    // Keras writes the resolved (lower, upper) pair.
    return { ...super.getConfig(), factor: [this.factor.lower, this.factor.upper], ...this.commonConfig() };
  }
}

/**
 * Zooms each image in or out by a random factor about its centre (Keras's `RandomZoom`) in training.
 *
 * @example
 * ```ts
 * layerRandomZoom(model, { heightFactor: [-0.2, 0.2] });
 * ```
 */
export class RandomZoom extends AffineAugmentation {
  readonly className = 'RandomZoom';
  readonly heightFactor: FactorRange;
  readonly widthFactor: FactorRange | null;

  constructor(options: RandomZoomOptions) {
    const args = ZOOM.resolve(options);
    super(options, 'RandomZoom', args);
    this.heightFactor = args.heightFactor;
    this.widthFactor = args.widthFactor;
  }

  protected draw(rng: Random, height: number, width: number): number[] {
    const hz = uniform(rng, 1 + this.heightFactor.lower, 1 + this.heightFactor.upper);
    const wz = this.widthFactor === null ? hz : uniform(rng, 1 + this.widthFactor.lower, 1 + this.widthFactor.upper);
    return zoomTransform(hz, wz, height, width);
  }

  /** Rebuilds a layer from `getConfig()` output. @example `RandomZoom.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): RandomZoom {
    return new RandomZoom(ZOOM.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), height_factor: given(this.heightFactor), width_factor: this.widthFactor === null ? null : given(this.widthFactor), ...this.commonConfig() };
  }
}

/**
 * Shifts each image by a random fraction of its size (Keras's `RandomTranslation`) in training.
 *
 * @example
 * ```ts
 * layerRandomTranslation(model, { heightFactor: 0.1, widthFactor: 0.1 });
 * ```
 */
export class RandomTranslation extends AffineAugmentation {
  readonly className = 'RandomTranslation';
  readonly heightFactor: FactorRange;
  readonly widthFactor: FactorRange;

  constructor(options: RandomTranslationOptions) {
    const args = TRANSLATION.resolve(options);
    super(options, 'RandomTranslation', args);
    this.heightFactor = args.heightFactor;
    this.widthFactor = args.widthFactor;
  }

  protected draw(rng: Random, height: number, width: number): number[] {
    const dy = uniform(rng, this.heightFactor.lower, this.heightFactor.upper) * height;
    const dx = uniform(rng, this.widthFactor.lower, this.widthFactor.upper) * width;
    return translationTransform(dx, dy);
  }

  /** Rebuilds a layer from `getConfig()` output. @example `RandomTranslation.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): RandomTranslation {
    return new RandomTranslation(TRANSLATION.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), height_factor: given(this.heightFactor), width_factor: given(this.widthFactor), ...this.commonConfig() };
  }
}

/** Creates a `RandomRotation` layer composed with `object`. @example `layerRandomRotation(model, { factor: 0.1 })` */
export const layerRandomRotation = layerFunction((options: RandomRotationOptions) => new RandomRotation(options));
/** Creates a `RandomZoom` layer composed with `object`. @example `layerRandomZoom(model, { heightFactor: 0.2 })` */
export const layerRandomZoom = layerFunction((options: RandomZoomOptions) => new RandomZoom(options));
/** Creates a `RandomTranslation` layer composed with `object`. @example `layerRandomTranslation(model, { heightFactor: 0.1, widthFactor: 0.1 })` */
export const layerRandomTranslation = layerFunction((options: RandomTranslationOptions) => new RandomTranslation(options));
