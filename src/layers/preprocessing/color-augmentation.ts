/** Keras's `RandomContrast` and `RandomBrightness`: per-image colour changes in training, clipped to `valueRange`. */

import { SeedGenerator } from '../../engine/random.js';
import type { Tensor } from '../../engine/tensor.js';
import { tensor } from '../../engine/tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import type { DataFormat } from '../../ops/conv-args.js';
import { add, mul, sub } from '../../ops/elementwise.js';
import { clip } from '../../ops/pointwise.js';
import { mean } from '../../ops/reduce.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import type { FactorRange } from '../options-schema.js';
import { defineOptions, option } from '../options-schema.js';
import { ImageLayer, augmenting, hwAxes } from './image-layer.js';

interface ColorOptions extends LayerOptions {
  /** The range of the pixel values; outputs are clipped to it. Default [0, 255]. */
  valueRange?: readonly [number, number];
  seed?: number | null;
  /** Defaults to `imageDataFormat()`. */
  dataFormat?: DataFormat | null;
}

/** The options of `layerRandomContrast`. */
export interface RandomContrastOptions extends ColorOptions {
  /**
   * In [0, 1]: a number `f` gives the range (0, f), a pair `[lower, upper]` itself; the contrast factor is
   * drawn from `[1 − lower, 1 + upper]` (Keras 3.15's rule, so a single number only raises contrast).
   */
  factor: number | readonly [number, number];
}

/** The options of `layerRandomBrightness`. */
export interface RandomBrightnessOptions extends ColorOptions {
  /** In [-1, 1]: `f` for [-f, f] or `[lower, upper]`; the shift is that fraction of the value range. */
  factor: number | readonly [number, number];
}

/** One factor (contrast) or shift (brightness) per image. */
export interface ColorTransformation {
  readonly values: readonly number[];
}

const CONTRAST = defineOptions<RandomContrastOptions>()('RandomContrast', {
  factor: option.factor({ bounds: [0, 1], clipToBounds: true }),
  valueRange: option.numberPair([0, 255]),
  seed: option.seed(),
  dataFormat: option.dataFormat(),
});

const BRIGHTNESS = defineOptions<RandomBrightnessOptions>()('RandomBrightness', {
  factor: option.factor({ bounds: [-1, 1], clipToBounds: true }),
  valueRange: option.numberPair([0, 255], { sorted: true }),
  seed: option.seed(),
  dataFormat: option.dataFormat(),
});

abstract class ColorAugmentation extends ImageLayer {
  readonly factor: FactorRange;
  readonly valueRange: readonly [number, number];
  readonly seed: number | null;
  readonly dataFormat: DataFormat;
  readonly seedGenerator: SeedGenerator;

  constructor(options: ColorOptions, className: string, args: { factor: FactorRange; valueRange: readonly [number, number]; seed: number | null; dataFormat: DataFormat }) {
    super(options, className);
    this.factor = args.factor;
    this.valueRange = args.valueRange;
    this.seed = args.seed;
    this.dataFormat = args.dataFormat;
    this.seedGenerator = new SeedGenerator(args.seed);
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertImageRank(inputShape);
    return [...inputShape];
  }

  protected abstract drawRange(): [number, number];
  protected abstract apply1(images: Tensor, values: Tensor): Tensor;

  /** One draw per image. */
  getRandomTransformation(images: Tensor): ColorTransformation {
    const rng = this.seedGenerator.nextRandom();
    const [lo, hi] = this.drawRange();
    return { values: Array.from({ length: images.rank === 4 ? images.shape[0] : 1 }, () => lo + rng.nextDouble() * (hi - lo)) };
  }

  /**
   * Applies given per-image values (Keras's `transform_images`), then clips to `valueRange`.
   *
   * @example
   * ```ts
   * contrast.transformImages(batch, { values: [0.6, 1.4] });
   * ```
   */
  transformImages(images: Tensor, transformation: ColorTransformation): Tensor {
    if (images.rank !== 4 || transformation.values.length !== images.shape[0]) {
      throw new InvalidArgumentError('transformation', transformation, `one value per image of the batch`, `layer '${this.name}'`);
    }
    const values = tensor([...transformation.values], [images.shape[0], 1, 1, 1], images.dtype);
    const [lo, hi] = [Math.min(...this.valueRange), Math.max(...this.valueRange)];
    return clip(this.apply1(images, values), lo, hi);
  }

  protected transform(images: Tensor, options: CallOptions): Tensor {
    if (!augmenting(options)) return images;
    return this.transformImages(images, this.getRandomTransformation(images));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), data_format: this.dataFormat, factor: [this.factor.lower, this.factor.upper], value_range: [...this.valueRange], seed: this.seed };
  }
}

/**
 * Scales each image's deviation from its per-channel mean by a random factor (Keras's `RandomContrast`).
 *
 * @example
 * ```ts
 * layerRandomContrast(model, { factor: [0.2, 0.2], valueRange: [0, 1] }); // factors in [0.8, 1.2]
 * ```
 */
export class RandomContrast extends ColorAugmentation {
  readonly className = 'RandomContrast';

  constructor(options: RandomContrastOptions) {
    super(options, 'RandomContrast', CONTRAST.resolve(options));
  }

  protected drawRange(): [number, number] {
    return [1 - this.factor.lower, 1 + this.factor.upper];
  }

  protected apply1(images: Tensor, factors: Tensor): Tensor {
    const m = mean(images, { axis: hwAxes(this.dataFormat), keepDims: true });
    return add(mul(sub(images, m), factors), m);
  }

  /** Rebuilds a layer from `getConfig()` output. @example `RandomContrast.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): RandomContrast {
    return new RandomContrast(CONTRAST.optionsFromConfig(config));
  }
}

/**
 * Adds a random shift, a fraction of the value range, to each image (Keras's `RandomBrightness`).
 *
 * @example
 * ```ts
 * layerRandomBrightness(model, { factor: 0.2 }); // ±51 on [0, 255]
 * ```
 */
export class RandomBrightness extends ColorAugmentation {
  readonly className = 'RandomBrightness';

  constructor(options: RandomBrightnessOptions) {
    super(options, 'RandomBrightness', BRIGHTNESS.resolve(options));
  }

  protected drawRange(): [number, number] {
    const span = this.valueRange[1] - this.valueRange[0];
    return [this.factor.lower * span, this.factor.upper * span];
  }

  protected apply1(images: Tensor, deltas: Tensor): Tensor {
    return add(images, deltas);
  }

  /** Rebuilds a layer from `getConfig()` output. @example `RandomBrightness.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): RandomBrightness {
    return new RandomBrightness(BRIGHTNESS.optionsFromConfig(config));
  }
}

/** Creates a `RandomContrast` layer composed with `object`. @example `layerRandomContrast(model, { factor: 0.2 })` */
export const layerRandomContrast = layerFunction((options: RandomContrastOptions) => new RandomContrast(options));
/** Creates a `RandomBrightness` layer composed with `object`. @example `layerRandomBrightness(model, { factor: 0.2 })` */
export const layerRandomBrightness = layerFunction((options: RandomBrightnessOptions) => new RandomBrightness(options));
