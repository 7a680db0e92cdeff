/**
 * Turning the arguments of `fit` / `evaluate` / `trainOnBatch` into batches for a model of any number of
 * inputs and outputs: each of x, y and the sample weights may be one array, an array with one per input
 * (output), or an object keyed by input (output) name, as in Keras. In-memory data gets Keras's
 * validation split and per-epoch shuffling; datasets are converted batch by batch.
 */

import { globalSeedGenerator } from '../engine/random.js';
import type { Tensor } from '../engine/tensor.js';
import { isTensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import type { SymbolicShape } from '../layers/layer.js';
import type { Batch, BatchMaker, BatchSource, ClassWeight, DataLike, Dataset } from '../training/data.js';
import { ArraySource, assertSameSamples, classWeightToSampleWeight, DatasetSource, isDataset, sampleWeightTensor, splitValidation, toTensor } from '../training/data.js';
import type { FitOptions } from './training-options.js';
import { optionalSteps, positiveInteger } from './training-options.js';

/** What the data must fit: the model's inputs (names, known shapes) and outputs (names), for messages too. */
export interface DataSpec {
  readonly inputKeys: readonly string[];
  /** Each input's shape with its batch axis, when known (flat arrays are reshaped to it). */
  readonly inputShapes: readonly (SymbolicShape | null)[];
  readonly outputKeys: readonly string[];
  readonly context: string;
}

/** Per-sample weights: given as such, or from class weights and the labels (not both, as Keras). */
export interface Weighting {
  sampleWeight?: unknown;
  classWeight?: ClassWeight;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value) && !isTensor(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/** One entry per key, from one value (one key), an array in key order, or an object by key. */
function entries(value: unknown, keys: readonly string[], argument: string, what: string, context: string): unknown[] {
  if (isPlainObject(value)) {
    const missing = keys.filter((k) => !(k in value));
    const extra = Object.keys(value).filter((k) => !keys.includes(k));
    if (missing.length > 0 || extra.length > 0) {
      const problems = [missing.length > 0 ? `missing ${missing.map((k) => `'${k}'`).join(', ')}` : '', extra.length > 0 ? `unknown ${extra.map((k) => `'${k}'`).join(', ')}` : ''].filter(Boolean).join('; ');
      throw new InvalidArgumentError(argument, Object.keys(value), `an object keyed by the model's ${what} names ${keys.map((k) => `'${k}'`).join(', ')} (${problems})`, context);
    }
    return keys.map((k) => value[k]);
  }
  if (keys.length === 1) {
    // `[tensor]` is one input in a list, as Keras accepts; nested number arrays are one input's data.
    if (Array.isArray(value) && value.length === 1 && (isTensor(value[0]) || ArrayBuffer.isView(value[0]))) return [value[0]];
    return [value];
  }
  if (Array.isArray(value) && value.length === keys.length && value.every((v) => isTensor(v) || ArrayBuffer.isView(v) || Array.isArray(v))) return [...value];
  throw new InvalidArgumentError(
    argument,
    value,
    `one array or tensor per ${what} (the model has ${keys.length}: ${keys.map((k) => `'${k}'`).join(', ')}), as an array in that order or an object keyed by name`,
    context,
  );
}

function label(argument: string, keys: readonly string[], i: number): string {
  return keys.length > 1 ? `${argument}['${keys[i]}']` : argument;
}

/** One weight tensor per output: one for all, or per output (null: that output unweighted, weight 1). */
function sampleWeights(value: unknown, keys: readonly string[], samples: number): Tensor[] {
  const perOutput = keys.length > 1 && (isPlainObject(value) || (Array.isArray(value) && value.length === keys.length && value.every((v) => v === null || isTensor(v) || ArrayBuffer.isView(v) || Array.isArray(v))));
  if (!perOutput) {
    const shared = sampleWeightTensor(value as DataLike, samples);
    return keys.map(() => shared);
  }
  const given = isPlainObject(value) ? keys.map((k) => value[k] ?? null) : (value as unknown[]);
  if (isPlainObject(value)) {
    const extra = Object.keys(value).filter((k) => !keys.includes(k));
    if (extra.length > 0) throw new InvalidArgumentError('sampleWeight', Object.keys(value), `an object keyed by output names ${keys.map((k) => `'${k}'`).join(', ')}`);
  }
  return given.map((v) => sampleWeightTensor((v ?? new Float32Array(samples).fill(1)) as DataLike, samples));
}

/**
 * x, y (and weights) as a batch of tensors of equal sample counts; `created` lists the tensors made from
 * the user's arrays, which the batch's owner may free (never the user's own tensors).
 */
export function makeBatch(spec: DataSpec, x: unknown, y: unknown, weighting: Weighting = {}): { batch: Batch; created: Tensor[] } {
  const { context } = spec;
  const xs = entries(x, spec.inputKeys, 'x', 'input', context).map((v, i) => toTensor(v as DataLike, label('x', spec.inputKeys, i), spec.inputShapes[i]?.slice(1) ?? null));
  const samples = xs[0].rank > 0 ? xs[0].shape[0] : 0;
  const ys = entries(y, spec.outputKeys, 'y', 'output', context).map((v, i) => toTensor(v as DataLike, label('y', spec.outputKeys, i), null, samples));
  const batch: Batch = { x: xs, y: ys };
  assertSameSamples(batch);
  const { sampleWeight, classWeight } = weighting;
  if (sampleWeight !== undefined && sampleWeight !== null && classWeight !== undefined) {
    throw new InvalidArgumentError('classWeight', classWeight, 'undefined when sampleWeight is given (Keras: "You cannot `class_weight` and `sample_weight` at the same time")', context);
  }
  if (sampleWeight !== undefined && sampleWeight !== null) batch.sampleWeight = sampleWeights(sampleWeight, spec.outputKeys, samples);
  if (classWeight !== undefined) {
    if (ys.length > 1) throw new InvalidArgumentError('classWeight', classWeight, `undefined for a model of ${ys.length} outputs (Keras: class_weight is only supported for models with a single output); give sampleWeight per output instead`, context);
    batch.sampleWeight = [classWeightToSampleWeight(ys[0], classWeight, context)];
  }
  const given = new Set<unknown>([
    ...entries(x, spec.inputKeys, 'x', 'input', context),
    ...entries(y, spec.outputKeys, 'y', 'output', context),
    ...(Array.isArray(sampleWeight) ? sampleWeight : isPlainObject(sampleWeight) ? Object.values(sampleWeight) : [sampleWeight]),
  ]);
  const created = [...new Set([...xs, ...ys, ...(batch.sampleWeight ?? [])])].filter((t) => !given.has(t));
  return { batch, created };
}

/** A dataset's items converted for `spec`. */
function batchMaker(spec: DataSpec): BatchMaker {
  return (x, y, sampleWeight) => makeBatch(spec, x, y, { sampleWeight });
}

/** A dataset as a batch source for `spec`. */
export function datasetSource(dataset: Dataset, steps: number | null, spec: DataSpec): BatchSource {
  return new DatasetSource(dataset, steps, batchMaker(spec));
}

function validationSource(value: unknown, batchSize: number, steps: number | null, spec: DataSpec): BatchSource {
  if (isDataset(value)) return datasetSource(value, steps, spec);
  if (Array.isArray(value) && (value.length === 2 || value.length === 3)) {
    return new ArraySource(makeBatch(spec, value[0], value[1], { sampleWeight: value[2] }).batch, batchSize, null);
  }
  throw new InvalidArgumentError('validationData', value, '[x, y], [x, y, sampleWeight] or a dataset of batches', spec.context);
}

/** The training and validation sources of one `fit` call. */
export function fitSources(data: { dataset: Dataset } | { x: unknown; y: unknown }, options: FitOptions, spec: DataSpec): { training: BatchSource; validation: BatchSource | null } {
  const { context } = spec;
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
    training = datasetSource(data.dataset, optionalSteps(options.stepsPerEpoch, 'stepsPerEpoch', context), spec);
  } else {
    let samples = makeBatch(spec, data.x, data.y, options).batch;
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
    validation = validationSource(options.validationData, validationBatchSize, steps, spec);
  }
  return { training, validation };
}
