/** Keras's `RandomCrop`: a random `height × width` window of each batch in training. */

import { SeedGenerator } from '../../engine/random.js';
import type { Tensor } from '../../engine/tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import type { DataFormat } from '../../ops/conv-args.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';
import { ImageLayer, aspectCropBox, augmenting, cropImages, hwAxes, resizeWithAspect } from './image-layer.js';

/** The options of `layerRandomCrop`. */
export interface RandomCropOptions extends LayerOptions {
  height: number;
  width: number;
  seed?: number | null;
  /** Defaults to `imageDataFormat()`. */
  dataFormat?: DataFormat | null;
}

/** The window's top-left corner (one for the whole batch, as Keras draws it). */
export interface CropTransformation {
  readonly top: number;
  readonly left: number;
}

const OPTIONS = defineOptions<RandomCropOptions>()('RandomCrop', {
  height: option.size({ required: true }),
  width: option.size({ required: true }),
  seed: option.seed(),
  dataFormat: option.dataFormat(),
});

/**
 * Crops a random window in training (Keras's `RandomCrop`; one window for the whole batch). When the input
 * is not larger than the target on both sides, and at inference, it takes the central window of the
 * target's aspect ratio and resizes it (bilinear) to the target. (Keras 3.15 returns the uncropped input at
 * inference, contradicting its own output shape; we keep the shape.)
 *
 * @example
 * ```ts
 * layerRandomCrop(model, { height: 24, width: 24, seed: 1 });
 * ```
 */
export class RandomCrop extends ImageLayer {
  readonly className = 'RandomCrop';
  readonly height: number;
  readonly width: number;
  readonly seed: number | null;
  readonly dataFormat: DataFormat;
  readonly seedGenerator: SeedGenerator;

  constructor(options: RandomCropOptions) {
    const args = OPTIONS.resolve(options);
    super(options, 'RandomCrop');
    this.height = args.height;
    this.width = args.width;
    this.seed = args.seed;
    this.dataFormat = args.dataFormat;
    this.seedGenerator = new SeedGenerator(args.seed);
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertImageRank(inputShape);
    const out = [...inputShape];
    const [hA, wA] = hwAxes(this.dataFormat).map((a) => a - (inputShape.length === 3 ? 1 : 0));
    out[hA] = this.height;
    out[wA] = this.width;
    return out;
  }

  /** A random corner, or null when the input is not larger than the window on both sides. */
  getRandomTransformation(images: Tensor): CropTransformation | null {
    const [hA, wA] = hwAxes(this.dataFormat);
    const [h, w] = [images.shape[hA], images.shape[wA]];
    const rng = this.seedGenerator.nextRandom();
    if (!(h > this.height && w > this.width)) return null;
    return { top: Math.floor(rng.nextDouble() * (h - this.height + 1)), left: Math.floor(rng.nextDouble() * (w - this.width + 1)) };
  }

  /**
   * Crops at a given corner (or, with null, the central aspect-ratio window resized), as Keras's
   * `transform_images`.
   *
   * @example
   * ```ts
   * crop.transformImages(batch, { top: 1, left: 2 });
   * ```
   */
  transformImages(images: Tensor, transformation: CropTransformation | null): Tensor {
    const [hA, wA] = hwAxes(this.dataFormat);
    const [h, w] = [images.shape[hA], images.shape[wA]];
    if (transformation !== null) {
      const { top, left } = transformation;
      if (!Number.isInteger(top) || !Number.isInteger(left) || top < 0 || left < 0 || top + this.height > h || left + this.width > w) {
        throw new InvalidArgumentError('transformation', transformation, `a corner whose ${this.height}×${this.width} window fits in the ${h}×${w} images`, `layer '${this.name}'`);
      }
      return cropImages(images, this.dataFormat, top, left, this.height, this.width);
    }
    const box = aspectCropBox(h, w, this.height, this.width);
    const cropped = cropImages(images, this.dataFormat, box.top, box.left, box.height, box.width);
    if (box.height === this.height && box.width === this.width) return cropped;
    return resizeWithAspect(cropped, [this.height, this.width], { interpolation: 'bilinear', antialias: false, cropToAspectRatio: false, padToAspectRatio: false, fillValue: 0, dataFormat: this.dataFormat });
  }

  protected transform(images: Tensor, options: CallOptions): Tensor {
    return this.transformImages(images, augmenting(options) ? this.getRandomTransformation(images) : null);
  }

  /** Rebuilds a layer from `getConfig()` output. @example `RandomCrop.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): RandomCrop {
    return new RandomCrop(OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...OPTIONS.toConfig(this) };
  }
}

/** Creates a `RandomCrop` layer composed with `object` (Keras's `layer_random_crop`). @example `layerRandomCrop(model, { height: 24, width: 24 })` */
export const layerRandomCrop = layerFunction((options: RandomCropOptions) => new RandomCrop(options));
