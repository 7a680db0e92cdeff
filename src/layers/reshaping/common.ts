/**
 * Argument and shape helpers shared by the pooling and reshaping layers, so every layer words its
 * errors the same way and resolves `dataFormat` the same way.
 */

import { formatShape } from '../../engine/shape.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import { imageDataFormat } from '../../config/keras-config.js';
import type { DataFormat } from '../../ops/conv-args.js';
import { normalizeDataFormat, normalizeTuple } from '../../ops/conv-args.js';
import type { Config } from '../../serialization/keras-object.js';
import type { Layer, SymbolicShape } from '../layer.js';
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
  return spatialLayout(2, dataFormat);
}

/** The layout a layer with `rank` spatial axes expects, for error messages. */
export function spatialLayout(rank: number, dataFormat: DataFormat): string {
  const spatial = rank === 1 ? ['steps'] : rank === 2 ? ['height', 'width'] : ['depth', 'height', 'width'];
  return `[${(dataFormat === 'channels_last' ? ['batch', ...spatial, 'channels'] : ['batch', 'channels', ...spatial]).join(', ')}]`;
}

/** The height and width axes of a rank-4 tensor. */
export function spatialAxes(dataFormat: DataFormat): [number, number] {
  return dataFormat === 'channels_last' ? [1, 2] : [2, 3];
}

/** The spatial axes of a tensor with `rank` spatial axes (after the batch, and the channels when first). */
export function spatialAxesOf(rank: number, dataFormat: DataFormat): number[] {
  const first = dataFormat === 'channels_last' ? 1 : 2;
  return Array.from({ length: rank }, (_, i) => first + i);
}

/** A pair of `[before, after]` amounts per spatial axis, as ZeroPadding's and Cropping's Keras accept. */
export type SpatialPairs = readonly (readonly [number, number])[];

/**
 * Keras's padding/cropping forms for `rank` spatial axes, all ≥ 0. Rank 1: `n` → `[[n, n]]`, `[before,
 * after]` as is. Ranks 2 and 3: `n` → `n` on both sides of every axis; `[h, w]` (one integer per axis) →
 * symmetric; `[[top, bottom], [left, right]]` (one pair per axis, where each entry may also be a single
 * integer) as is.
 */
export function normalizeSpatialPairs(value: unknown, rank: number, argument: string, context: string): SpatialPairs {
  const pairWords = rank === 1 ? '[before, after]' : rank === 2 ? '[[top, bottom], [left, right]]' : 'one [before, after] pair per axis';
  const allowed = rank === 1 ? `${sizeIntegerWords(0)} or ${pairWords}` : `${sizeIntegerWords(0)}, an array of ${rank} such integers (one per axis), or ${pairWords}`;
  if (typeof value === 'number') {
    if (!isSizeInteger(value, 0)) throw new InvalidArgumentError(argument, value, allowed, context);
    return Object.freeze(Array.from({ length: rank }, () => Object.freeze([value, value] as const)));
  }
  try {
    if (rank === 1) return Object.freeze([Object.freeze(normalizeTuple(value, 2, argument, 0, context) as [number, number])]);
    if (!Array.isArray(value) || value.length !== rank) throw new InvalidArgumentError(argument, value, allowed, context);
    return Object.freeze((value as unknown[]).map((entry) => Object.freeze(normalizeTuple(entry, 2, argument, 0, context) as [number, number])));
  } catch {
    // Report the whole value, not the entry, so the message shows what the user wrote.
    throw new InvalidArgumentError(argument, value, allowed, context);
  }
}

/** Keras's base Layer writes `activity_regularizer` only when one is set. */
export function activityConfig(layer: Layer): Config {
  return layer.activityRegularizer ? { activity_regularizer: layer.activityRegularizer.serialize() } : {};
}
