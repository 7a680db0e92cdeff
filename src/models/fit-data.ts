/**
 * Turning the arguments of `fit` / `evaluate` into batch sources: in-memory tensors (with Keras's
 * validation split and per-epoch shuffling) or datasets, validated before training starts.
 */

import { globalSeedGenerator } from '../engine/random.js';
import { InvalidArgumentError } from '../errors.js';
import type { Batch, BatchSource, DataLike, Dataset } from '../training/data.js';
import type { ClassWeight } from '../training/data.js';
import { ArraySource, assertSameSamples, classWeightToSampleWeight, DatasetSource, isDataset, sampleWeightTensor, splitValidation, toTensor } from '../training/data.js';
import type { FitOptions } from './training-options.js';
import { optionalSteps, positiveInteger } from './training-options.js';
import type { SymbolicShape } from '../layers/layer.js';

/** Per-sample weights: given as such, or from class weights and the labels (not both, as Keras). */
export interface Weighting {
  sampleWeight?: DataLike;
  classWeight?: ClassWeight;
}

/**
 * x and y as tensors of equal sample counts, with their per-sample weights when weighting is asked for;
 * flat arrays take the model's input shape (when known).
 */
export function inMemoryBatch(x: DataLike, y: DataLike, inputShape: SymbolicShape | null, weighting: Weighting = {}, context = 'fit'): Batch {
  const xs = toTensor(x, 'x', inputShape?.slice(1) ?? null);
  const ys = toTensor(y, 'y', null, xs.shape[0]);
  assertSameSamples(xs, ys);
  const batch: Batch = { x: xs, y: ys };
  const { sampleWeight, classWeight } = weighting;
  if (sampleWeight !== undefined && classWeight !== undefined) {
    throw new InvalidArgumentError('classWeight', classWeight, 'undefined when sampleWeight is given (Keras: "You cannot `class_weight` and `sample_weight` at the same time")', context);
  }
  if (sampleWeight !== undefined) batch.sampleWeight = sampleWeightTensor(sampleWeight, xs.shape[0]);
  if (classWeight !== undefined) batch.sampleWeight = classWeightToSampleWeight(ys, classWeight, context);
  return batch;
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
    for (const key of ['sampleWeight', 'classWeight'] as const) {
      if (options[key] !== undefined) throw new InvalidArgumentError(key, options[key], 'undefined for datasets (yield [x, y, sampleWeight] batches instead)', context);
    }
    training = new DatasetSource(data.dataset, optionalSteps(options.stepsPerEpoch, 'stepsPerEpoch', context), inputShape);
  } else {
    let samples = inMemoryBatch(data.x, data.y, inputShape, options, context);
    if (options.validationSplit !== undefined) {
      if (options.validationData !== undefined) {
        throw new InvalidArgumentError('validationSplit', options.validationSplit, 'undefined when validationData is given', context);
      }
      const split = splitValidation(samples, options.validationSplit);
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
