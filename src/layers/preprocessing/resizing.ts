/** Keras's `Resizing` and `CenterCrop` image preprocessing layers. */

import type { Tensor } from '../../engine/tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import type { DataFormat } from '../../ops/conv-args.js';
import type { ResampleMethod } from '../../ops/resample.js';
import { RESAMPLE_METHODS } from '../../kernels/resample/index.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';
import { ImageLayer, aspectCropBox, cropImages, hwAxes, resizeWithAspect } from './image-layer.js';

/** The options of `layerResizing`. */
export interface ResizingOptions extends LayerOptions {
  height: number;
  width: number;
  /** 'bilinear' (default), 'nearest', 'bicubic', 'lanczos3', 'lanczos5' or 'area' (TensorFlow's box filter). */
  interpolation?: ResampleMethod;
  /** Crop the largest central box of the target's aspect ratio first. Default false. */
  cropToAspectRatio?: boolean;
  /** Pad to the target's aspect ratio first, with `fillValue`. Default false. */
  padToAspectRatio?: boolean;
  /** Only 'constant' (Keras accepts nothing else). */
  fillMode?: 'constant';
  /** The padding value of `padToAspectRatio`. Default 0. */
  fillValue?: number;
  /** Widen the filter when downsampling. Default false. */
  antialias?: boolean;
  /** Defaults to `imageDataFormat()`. */
  dataFormat?: DataFormat | null;
}

/** The options of `layerCenterCrop`. */
export interface CenterCropOptions extends LayerOptions {
  height: number;
  width: number;
  /** Defaults to `imageDataFormat()`. */
  dataFormat?: DataFormat | null;
}

const RESIZING = defineOptions<ResizingOptions>()('Resizing', {
  height: option.size({ required: true }),
  width: option.size({ required: true }),
  interpolation: option.oneOf(RESAMPLE_METHODS, 'bilinear'),
  cropToAspectRatio: option.boolean(false),
  padToAspectRatio: option.boolean(false),
  fillMode: option.oneOf(['constant'] as const, 'constant'),
  fillValue: option.number({ default: 0 }),
  antialias: option.boolean(false),
  dataFormat: option.dataFormat(),
});

const CENTER_CROP = defineOptions<CenterCropOptions>()('CenterCrop', {
  height: option.size({ required: true }),
  width: option.size({ required: true }),
  dataFormat: option.dataFormat(),
});

function resizedShape(inputShape: SymbolicShape, dataFormat: DataFormat, height: number, width: number): (number | null)[] {
  const out = [...inputShape];
  const [hA, wA] = hwAxes(dataFormat).map((a) => a - (inputShape.length === 3 ? 1 : 0));
  out[hA] = height;
  out[wA] = width;
  return out;
}

/**
 * Resizes images to `height × width` (Keras's `Resizing`), in training and inference alike, with
 * `jax.image.resize`'s interpolations; optionally cropping or padding to the target's aspect ratio first.
 *
 * @example
 * ```ts
 * layerResizing(model, { height: 224, width: 224, cropToAspectRatio: true });
 * ```
 */
export class Resizing extends ImageLayer {
  readonly className = 'Resizing';
  private readonly args: ReturnType<typeof RESIZING.resolve>;

  constructor(options: ResizingOptions) {
    const args = RESIZING.resolve(options);
    if (args.cropToAspectRatio && args.padToAspectRatio) {
      throw new InvalidArgumentError('padToAspectRatio', true, 'false when cropToAspectRatio is true (only one of them can be true)', 'Resizing');
    }
    super(options, 'Resizing');
    this.args = args;
  }

  get dataFormat(): DataFormat {
    return this.args.dataFormat;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertImageRank(inputShape);
    return resizedShape(inputShape, this.dataFormat, this.args.height, this.args.width);
  }

  protected transform(images: Tensor, _options: CallOptions): Tensor {
    const a = this.args;
    return resizeWithAspect(images, [a.height, a.width], { ...a });
  }

  /** Rebuilds a layer from `getConfig()` output. @example `Resizing.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): Resizing {
    return new Resizing(RESIZING.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...RESIZING.toConfig(this.args) };
  }
}

/**
 * Crops the central `height × width` window (Keras's `CenterCrop`); an image smaller than that on either
 * side is instead cropped to the target's aspect ratio and resized (bilinear), as Keras's `smart_resize`.
 *
 * @example
 * ```ts
 * layerCenterCrop(model, { height: 224, width: 224 });
 * ```
 */
export class CenterCrop extends ImageLayer {
  readonly className = 'CenterCrop';
  readonly height: number;
  readonly width: number;
  readonly dataFormat: DataFormat;

  constructor(options: CenterCropOptions) {
    const args = CENTER_CROP.resolve(options);
    super(options, 'CenterCrop');
    this.height = args.height;
    this.width = args.width;
    this.dataFormat = args.dataFormat;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertImageRank(inputShape);
    return resizedShape(inputShape, this.dataFormat, this.height, this.width);
  }

  protected transform(images: Tensor, _options: CallOptions): Tensor {
    const [hA, wA] = hwAxes(this.dataFormat);
    const [h, w] = [images.shape[hA], images.shape[wA]];
    if (h >= this.height && w >= this.width) {
      return cropImages(images, this.dataFormat, Math.floor((h - this.height) / 2), Math.floor((w - this.width) / 2), this.height, this.width);
    }
    const box = aspectCropBox(h, w, this.height, this.width);
    const cropped = cropImages(images, this.dataFormat, box.top, box.left, box.height, box.width);
    return resizeWithAspect(cropped, [this.height, this.width], { interpolation: 'bilinear', antialias: false, cropToAspectRatio: false, padToAspectRatio: false, fillValue: 0, dataFormat: this.dataFormat });
  }

  /** Rebuilds a layer from `getConfig()` output. @example `CenterCrop.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): CenterCrop {
    return new CenterCrop(CENTER_CROP.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...CENTER_CROP.toConfig(this) };
  }
}

/** Creates a `Resizing` layer composed with `object` (Keras's `layer_resizing`). @example `layerResizing(model, { height: 64, width: 64 })` */
export const layerResizing = layerFunction((options: ResizingOptions) => new Resizing(options));
/** Creates a `CenterCrop` layer composed with `object` (Keras's `layer_center_crop`). @example `layerCenterCrop(model, { height: 64, width: 64 })` */
export const layerCenterCrop = layerFunction((options: CenterCropOptions) => new CenterCrop(options));
