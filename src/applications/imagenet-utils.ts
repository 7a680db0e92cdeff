/**
 * What the application builders share, after Keras's `imagenet_utils`: input shape resolution
 * (`obtain_input_shape` with `weights=None`), `correct_pad`, the model-name number format, argument
 * checks, and finding the model input behind an `inputTensor`.
 */

import { imageDataFormat } from '../config/keras-config.js';
import { formatShape } from '../engine/shape.js';
import { InvalidArgumentError } from '../errors.js';
import { InputLayer, layerInput } from '../layers/input-layer.js';
import type { DataFormat } from '../ops/conv-args.js';
import type { SymbolicShape, SymbolicTensor } from '../layers/layer.js';
import { isSymbolicTensor } from '../layers/layer.js';

export type Pooling = 'avg' | 'max' | null;

/** The image data format of the whole model, read once per build as Keras's `backend.image_data_format()`. */
export interface ImageGeometry {
  dataFormat: DataFormat;
  /** The BatchNormalization axis: 1 for channels_first, -1 otherwise. */
  channelAxis: 1 | -1;
}

export function imageGeometry(): ImageGeometry {
  const dataFormat = imageDataFormat();
  return { dataFormat, channelAxis: dataFormat === 'channels_first' ? 1 : -1 };
}

/** Rows and columns of an input shape without the batch axis. */
export function rowsCols(shape: SymbolicShape, dataFormat: DataFormat): [number | null, number | null] {
  return dataFormat === 'channels_first' ? [shape[1], shape[2]] : [shape[0], shape[1]];
}

/**
 * Keras's `obtain_input_shape(input_shape, default_size, min_size=32, data_format, require_flatten,
 * weights=None)`: a given shape must have 3 entries and sides of at least 32; without one, the default
 * square is used when the top needs a fixed size, else unknown sides with 3 channels.
 */
export function obtainInputShape(
  inputShape: SymbolicShape | null,
  defaultSize: number,
  dataFormat: DataFormat,
  requireFlatten: boolean,
  context: string,
): (number | null)[] {
  const minSize = 32;
  let shape: (number | null)[];
  if (inputShape !== null && inputShape.length > 0) {
    if (inputShape.length !== 3) throw new InvalidArgumentError('inputShape', inputShape, 'an array of three integers', context);
    const [rows, cols] = rowsCols(inputShape, dataFormat);
    if ((rows !== null && rows < minSize) || (cols !== null && cols < minSize)) {
      throw new InvalidArgumentError('inputShape', inputShape, `an input size of at least ${minSize}x${minSize}`, context);
    }
    shape = [...inputShape];
  } else if (requireFlatten) {
    shape = dataFormat === 'channels_first' ? [3, defaultSize, defaultSize] : [defaultSize, defaultSize, 3];
  } else {
    shape = dataFormat === 'channels_first' ? [3, null, null] : [null, null, 3];
  }
  if (requireFlatten && shape.includes(null)) {
    throw new InvalidArgumentError('inputShape', shape, 'a static input shape when `includeTop` is true', context);
  }
  return shape;
}

/** Keras's `correct_pad(inputs, kernel_size)`: the asymmetric zero padding before a stride-2 window. */
export function correctPad(shape: SymbolicShape, kernelSize: number, dataFormat: DataFormat): [[number, number], [number, number]] {
  const [rows, cols] = dataFormat === 'channels_first' ? [shape[2], shape[3]] : [shape[1], shape[2]];
  const adjust = rows === null ? [1, 1] : [1 - (rows % 2), 1 - ((cols ?? 0) % 2)];
  const correct = Math.floor(kernelSize / 2);
  return [
    [correct - adjust[0], correct],
    [correct - adjust[1], correct],
  ];
}

/** Python's `str(rows)` in a model name: the number, or 'None' for an unknown size. */
export function formatRows(rows: number | null): string {
  return rows === null ? 'None' : String(rows);
}

export function requirePositiveNumber(value: unknown, argument: string, fallback: number, context: string): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(argument, value, 'a positive finite number', context);
  }
  return value;
}

export function requirePositiveInteger(value: unknown, argument: string, fallback: number, context: string): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new InvalidArgumentError(argument, value, 'a positive integer', context);
  }
  return value;
}

export function requireBoolean(value: unknown, argument: string, fallback: boolean, context: string): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(argument, value, 'true or false', context);
  return value;
}

/** Keras ignores a pooling value other than 'avg' and 'max'; we refuse it, since it is always a typo. */
export function requirePooling(value: unknown, context: string): Pooling {
  if (value === undefined || value === null) return null;
  if (value !== 'avg' && value !== 'max') throw new InvalidArgumentError('pooling', value, "null, 'avg' or 'max'", context);
  return value;
}

/**
 * Keras's `weights` argument. Only `null` (Keras's `weights=None`: random initialization, what every
 * builder here does) is accepted: the library ships no pretrained weights, and 'imagenet' or a file path
 * would otherwise be a silent no-op. Load a weights file into the built model with `loadWeights`.
 */
export function requireNoWeights(value: unknown, context: string): void {
  if (value === undefined || value === null) return;
  throw new InvalidArgumentError('weights', value, 'null (no pretrained weights ship with the library; build with weights: null, then model.loadWeights(path) for a file)', context);
}

export function requireInputShape(value: unknown, context: string): SymbolicShape | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || !value.every((d) => d === null || (Number.isInteger(d) && d > 0))) {
    throw new InvalidArgumentError('inputShape', value, 'an array of positive integers or null', context);
  }
  return value as SymbolicShape;
}

/**
 * The model's image input: `inputTensor` when given (it must be symbolic), else a new `layerInput`. The
 * second value is the graph input the model starts from (Keras's `get_source_inputs`).
 */
export function resolveInput(inputTensor: unknown, shape: SymbolicShape, context: string): [SymbolicTensor, SymbolicTensor] {
  if (inputTensor === undefined || inputTensor === null) {
    const input = layerInput({ shape });
    return [input, input];
  }
  if (!isSymbolicTensor(inputTensor)) {
    throw new InvalidArgumentError('inputTensor', inputTensor, 'a SymbolicTensor (from layerInput or a layer call on one)', context);
  }
  if (inputTensor.rank !== 4) {
    throw new InvalidArgumentError('inputTensor', formatShape(inputTensor.shape), 'a rank-4 image tensor (batch axis included)', context);
  }
  return [inputTensor, sourceInput(inputTensor, context)];
}

function sourceInput(tensor: SymbolicTensor, context: string): SymbolicTensor {
  const sources = new Set<SymbolicTensor>();
  const seen = new Set<number>();
  const visit = (t: SymbolicTensor): void => {
    if (seen.has(t.id)) return;
    seen.add(t.id);
    if (t.producer.inputs.length === 0 && t.producer.layer instanceof InputLayer) sources.add(t);
    t.producer.inputs.forEach(visit);
  };
  visit(tensor);
  if (sources.size !== 1) {
    throw new InvalidArgumentError('inputTensor', tensor.toString(), 'a tensor computed from exactly one layerInput()', context);
  }
  return [...sources][0];
}
