/**
 * What the image preprocessing and augmentation layers share (Keras's `BaseImagePreprocessingLayer`):
 * images of rank 4 (a batch) or rank 3 (one image, processed as a batch of one), a data format, and
 * Keras's training rule for augmentation — active unless `training` is false, so an eager call or
 * `model.apply` augments while `predict` and `evaluate` (which pass `training: false`) do not.
 */

import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { ShapeError } from '../../errors.js';
import type { DataFormat } from '../../ops/conv-args.js';
import { concat } from '../../ops/concat.js';
import { fill } from '../../engine/tensor.js';
import { reshape } from '../../ops/shape-ops.js';
import { slice } from '../../ops/slice.js';
import type { ResampleMethod } from '../../ops/resample.js';
import { resizeImages } from '../../ops/resample.js';
import type { CallOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';

/** The height and width axes of an image batch. */
export function hwAxes(dataFormat: DataFormat): [number, number] {
  return dataFormat === 'channels_last' ? [1, 2] : [2, 3];
}

/** Keras's rule: augmentation runs unless `training` is explicitly false. */
export function augmenting(options: CallOptions): boolean {
  return options.training !== false;
}

/** A layer on images of rank 3 or 4; `transform` sees a rank-4 batch. */
export abstract class ImageLayer extends Layer {
  abstract readonly dataFormat: DataFormat;

  protected assertImageRank(inputShape: SymbolicShape): void {
    if (inputShape.length !== 3 && inputShape.length !== 4) {
      throw new ShapeError(`Layer '${this.name}': expected images of rank 3 (one image) or 4 (a batch); received input with shape ${formatShape(inputShape)}`);
    }
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    this.assertImageRank(inputShape);
  }

  /** The computation on a rank-4 batch. */
  protected abstract transform(images: Tensor, options: CallOptions): Tensor;

  protected call(x: Tensor, options: CallOptions): Tensor {
    if (x.rank === 4) return this.transform(x, options);
    const y = this.transform(reshape(x, [1, ...x.shape]), options);
    return reshape(y, y.shape.slice(1));
  }
}

/** Keras's central crop box with the target's aspect ratio (`smart_resize`, `crop_to_aspect_ratio`). */
export function aspectCropBox(height: number, width: number, targetHeight: number, targetWidth: number): { top: number; left: number; height: number; width: number } {
  const cropHeight = Math.max(Math.min(height, Math.trunc((width * targetHeight) / targetWidth)), 1);
  const cropWidth = Math.max(Math.min(width, Math.trunc((height * targetWidth) / targetHeight)), 1);
  return { top: Math.trunc((height - cropHeight) / 2), left: Math.trunc((width - cropWidth) / 2), height: cropHeight, width: cropWidth };
}

/** A spatial crop of a rank-4 batch. */
export function cropImages(images: Tensor, dataFormat: DataFormat, top: number, left: number, height: number, width: number): Tensor {
  const [hA, wA] = hwAxes(dataFormat);
  const begin = images.shape.map((_, i) => (i === hA ? top : i === wA ? left : 0));
  const size = images.shape.map((d, i) => (i === hA ? height : i === wA ? width : d));
  return slice(images, begin, size);
}

/**
 * Keras's `ops.image.resize` on a rank-4 batch: optional central crop or symmetric constant padding to the
 * target's aspect ratio, then resampling.
 */
export function resizeWithAspect(
  images: Tensor,
  size: readonly [number, number],
  settings: { interpolation: ResampleMethod; antialias: boolean; cropToAspectRatio: boolean; padToAspectRatio: boolean; fillValue: number; dataFormat: DataFormat },
): Tensor {
  const [hA, wA] = hwAxes(settings.dataFormat);
  let x = images;
  const [height, width] = [x.shape[hA], x.shape[wA]];
  if (settings.cropToAspectRatio) {
    const box = aspectCropBox(height, width, size[0], size[1]);
    x = cropImages(x, settings.dataFormat, box.top, box.left, box.height, box.width);
  } else if (settings.padToAspectRatio) {
    const padHeight = Math.max(height, Math.trunc((width * size[0]) / size[1]));
    const padWidth = Math.max(width, Math.trunc((height * size[1]) / size[0]));
    const top = Math.trunc((padHeight - height) / 2);
    const left = Math.trunc((padWidth - width) / 2);
    // Keras pads the same amount on both sides (so an odd difference loses one row), with fill_value.
    const band = (axis: number, amount: number) => fill(x.shape.map((d, i) => (i === axis ? amount : d)), settings.fillValue, x.dtype);
    if (top > 0) x = concat([band(hA, top), x, band(hA, top)], hA);
    else if (left > 0) x = concat([band(wA, left), x, band(wA, left)], wA);
  }
  return resizeImages(x, size, { interpolation: settings.interpolation, antialias: settings.antialias, dataFormat: settings.dataFormat });
}
