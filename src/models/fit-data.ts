/**
 * Turning the arguments of `fit` / `evaluate` into batch sources: in-memory tensors (with Keras's
 * validation split and per-epoch shuffling) or datasets, validated before training starts.
 */

import { globalSeedGenerator } from '../engine/random.js';
import { InvalidArgumentError } from '../errors.js';
import type { Batch, BatchSource, DataLike, Dataset } from '../training/data.js';
import { ArraySource, assertSameSamples, DatasetSource, isDataset, splitValidation, toTensor } from '../training/data.js';
import type { FitOptions } from './training-options.js';
import { optionalSteps, positiveInteger } from './training-options.js';
import type { SymbolicShape } from '../layers/layer.js';

/** x and y as tensors of equal sample counts; flat arrays take the model's input shape (when known). */
export function inMemoryBatch(x: DataLike, y: DataLike, inputShape: SymbolicShape | null): Batch {
  const xs = toTensor(x, 'x', inputShape?.slice(1) ?? null);
  const ys = toTensor(y, 'y', null, xs.shape[0]);
  assertSameSamples(xs, ys);
  return { x: xs, y: ys };
}

function validationSource(value: unknown, batchSize: number, steps: number | null, inputShape: SymbolicShape | null, context: string): BatchSource {
  if (isDataset(value)) return new DatasetSource(value, steps, inputShape);
  if (Array.isArray(value) && value.length === 2) return new ArraySource(inMemoryBatch(value[0] as DataLike, value[1] as DataLike, inputShape), batchSize, null);
  throw new InvalidArgumentError('validationData', value, '[x, y] or a dataset of batches', context);
}

/** The training and validation sources of one `fit` call. */
export function fitSources(
  data: { dataset: Dataset } | { x: DataLike; y: DataLike },
  options: FitOptions,
  inputShape: SymbolicShape | null,
  context: string,
): { training: BatchSource; validation: BatchSource | null } {
  const batchSize = positiveInteger(options.batchSize, 'batchSize', 32, context);
  const validationBatchSize = positiveInteger(options.validationBatchSize, 'validationBatchSize', batchSize, context);
  let training: BatchSource;
  let validation: BatchSource | null = null;
  if ('dataset' in data) {
    if (options.validationSplit !== undefined) {
      throw new InvalidArgumentError('validationSplit', options.validationSplit, 'undefined for datasets (give validationData instead)', context);
    }
    training = new DatasetSource(data.dataset, optionalSteps(options.stepsPerEpoch, 'stepsPerEpoch', context), inputShape);
  } else {
    let samples = inMemoryBatch(data.x, data.y, inputShape);
    if (options.validationSplit !== undefined) {
      if (options.validationData !== undefined) {
        throw new InvalidArgumentError('validationSplit', options.validationSplit, 'undefined when validationData is given', context);
      }
      const split = splitValidation(samples.x, samples.y, options.validationSplit);
      samples = split.train;
      validation = new ArraySource(split.validation, validationBatchSize, null);
    }
    const shuffle = options.shuffle ?? true;
    if (typeof shuffle !== 'boolean') throw new InvalidArgumentError('shuffle', shuffle, 'true or false', context);
    training = new ArraySource(samples, batchSize, shuffle ? globalSeedGenerator().nextRandom() : null);
  }
  if (options.validationData !== undefined) {
    const steps = optionalSteps(options.validationSteps, 'validationSteps', context);
    validation = validationSource(options.validationData, validationBatchSize, steps, inputShape, context);
  }
  return { training, validation };
}
