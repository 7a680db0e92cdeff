/** Keras's `RandomFlip`: mirror images left-right and/or top-bottom in training, one draw per image. */

import { SeedGenerator } from '../../engine/random.js';
import type { Tensor } from '../../engine/tensor.js';
import { tensor } from '../../engine/tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import type { DataFormat } from '../../ops/conv-args.js';
import { where } from '../../ops/elementwise.js';
import { flipAxis } from './flip.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';
import { ImageLayer, augmenting, hwAxes } from './image-layer.js';

export type FlipMode = 'horizontal' | 'vertical' | 'horizontal_and_vertical';

/** The options of `layerRandomFlip`. */
export interface RandomFlipOptions extends LayerOptions {
  /** Default 'horizontal_and_vertical' (both flips together, with one draw per image, as Keras). */
  mode?: FlipMode;
  seed?: number | null;
  /** Defaults to `imageDataFormat()`. */
  dataFormat?: DataFormat | null;
}

/** Which images of a batch are flipped. */
export interface FlipTransformation {
  readonly flips: readonly boolean[];
}

const OPTIONS = defineOptions<RandomFlipOptions>()('RandomFlip', {
  mode: option.oneOf(['horizontal', 'vertical', 'horizontal_and_vertical'] as const, 'horizontal_and_vertical'),
  seed: option.seed(),
  dataFormat: option.dataFormat(),
});

/**
 * Flips each image with probability 1/2 (Keras's `RandomFlip`), when training (see `image-layer.ts` for
 * Keras's training rule); the identity in `predict`. Draws come from the layer's seeded generator.
 *
 * @example
 * ```ts
 * layerRandomFlip(model, { mode: 'horizontal', seed: 1 });
 * ```
 */
export class RandomFlip extends ImageLayer {
  readonly className = 'RandomFlip';
  readonly mode: FlipMode;
  readonly seed: number | null;
  readonly dataFormat: DataFormat;
  readonly seedGenerator: SeedGenerator;

  constructor(options: RandomFlipOptions = {}) {
    const args = OPTIONS.resolve(options);
    super(options, 'RandomFlip');
    this.mode = args.mode;
    this.seed = args.seed;
    this.dataFormat = args.dataFormat;
    this.seedGenerator = new SeedGenerator(args.seed);
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertImageRank(inputShape);
    return [...inputShape];
  }

  /** One draw per image: flipped when a uniform draw is ≤ 0.5. */
  getRandomTransformation(images: Tensor): FlipTransformation {
    const rng = this.seedGenerator.nextRandom();
    const n = images.rank === 4 ? images.shape[0] : 1;
    return { flips: Array.from({ length: n }, () => rng.nextDouble() <= 0.5) };
  }

  /**
   * Applies a given transformation to a batch (Keras's `transform_images`), the deterministic part.
   *
   * @example
   * ```ts
   * flip.transformImages(batch, { flips: [true, false] });
   * ```
   */
  transformImages(images: Tensor, transformation: FlipTransformation): Tensor {
    if (images.rank !== 4 || transformation.flips.length !== images.shape[0]) {
      throw new InvalidArgumentError('transformation', transformation, `one flip per image of the batch (${images.rank === 4 ? images.shape[0] : '?'})`, `layer '${this.name}'`);
    }
    const [hA, wA] = hwAxes(this.dataFormat);
    let flipped = images;
    if (this.mode !== 'vertical') flipped = flipAxis(flipped, wA);
    if (this.mode !== 'horizontal') flipped = flipAxis(flipped, hA);
    const mask = tensor(transformation.flips.map((f) => (f ? 1 : 0)), [images.shape[0], 1, 1, 1], images.dtype);
    return where(mask, flipped, images);
  }

  protected transform(images: Tensor, options: CallOptions): Tensor {
    if (!augmenting(options)) return images;
    return this.transformImages(images, this.getRandomTransformation(images));
  }

  /** Rebuilds a layer from `getConfig()` output. @example `RandomFlip.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): RandomFlip {
    return new RandomFlip(OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...OPTIONS.toConfig(this) };
  }
}

/** Creates a `RandomFlip` layer composed with `object` (Keras's `layer_random_flip`). @example `layerRandomFlip(model, { mode: 'horizontal' })` */
export const layerRandomFlip = layerFunction((options: RandomFlipOptions = {}) => new RandomFlip(options));
