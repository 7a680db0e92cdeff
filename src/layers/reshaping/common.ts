/**
 * Argument and shape helpers shared by the pooling and reshaping layers, so every layer words its
 * errors the same way and resolves `dataFormat` the same way.
 */

import { formatShape } from '../../engine/shape.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import { imageDataFormat } from '../../config/keras-config.js';
import type { DataFormat } from '../../ops/conv-args.js';
import { normalizeDataFormat, normalizeTuple } from '../../ops/conv-args.js';
import type { SymbolicShape } from '../layer.js';
import { isSizeInteger, sizeIntegerWords } from '../../utils/arguments.js';

/** An explicit data format, else the `imageDataFormat()` default (keras.json), as Keras resolves it. */
export function resolveDataFormat(value: unknown, context: string): DataFormat {
  return value === undefined || value === null ? imageDataFormat() : normalizeDataFormat(value, context);
}

/** The options object itself must be an object (layer functions may be handed anything). */
export function requireOptions<O>(options: O, context: string): O {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError('options', options, `an object of ${context} options`, context);
  }
  return options;
}

/** Throws when the input does not have the rank the layer's InputSpec demands. */
export function assertRank(layerName: string, inputShape: SymbolicShape, rank: number, layout: string): void {
  if (inputShape.length !== rank) {
    throw new ShapeError(
      `Input of layer '${layerName}' is incompatible with the layer: expected rank ${rank} (${layout}), but received input with shape ${formatShape(inputShape)}`,
    );
  }
}

/** The layout a rank-4 image layer expects, for error messages. */
export function imageLayout(dataFormat: DataFormat): string {
  return dataFormat === 'channels_last' ? '[batch, height, width, channels]' : '[batch, channels, height, width]';
}

/** The height and width axes of a rank-4 tensor. */
export function spatialAxes(dataFormat: DataFormat): [number, number] {
  return dataFormat === 'channels_last' ? [1, 2] : [2, 3];
}

/** A pair of `[before, after]` amounts per spatial axis, as ZeroPadding2D's and Cropping2D's Keras accept. */
export type SpatialPairs = [[number, number], [number, number]];

/**
 * Keras's 2D padding/cropping forms: `n` → `[[n, n], [n, n]]`; `[h, w]` → `[[h, h], [w, w]]`;
 * `[[top, bottom], [left, right]]` as is, where each entry may also be a single integer. All ≥ 0.
 */
export function normalizeSpatialPairs(value: unknown, argument: string, context: string): SpatialPairs {
  const allowed =
    `${sizeIntegerWords(0)}, an array of 2 such integers [height, width], or [[top, bottom], [left, right]]`;
  if (typeof value === 'number') {
    if (!isSizeInteger(value, 0)) throw new InvalidArgumentError(argument, value, allowed, context);
    return [
      [value, value],
      [value, value],
    ];
  }
  if (!Array.isArray(value) || value.length !== 2) throw new InvalidArgumentError(argument, value, allowed, context);
  const entries = value as unknown[];
  try {
    return [
      normalizeTuple(entries[0], 2, argument, 0, context) as [number, number],
      normalizeTuple(entries[1], 2, argument, 0, context) as [number, number],
    ];
  } catch {
    // Report the whole value, not the entry, so the message shows what the user wrote.
    throw new InvalidArgumentError(argument, value, allowed, context);
  }
}
