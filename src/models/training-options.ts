/** Options of `fit` and `evaluate`, and their validation (Keras's arguments in camelCase). */

import { InvalidArgumentError } from '../errors.js';
import { optionKeys } from '../utils/option-keys.js';
import type { Callback } from '../training/callbacks/index.js';
import { Callback as CallbackClass } from '../training/callbacks/index.js';
import type { ClassWeight, DataLike, Dataset, SampleWeightData } from '../training/data.js';
import type { Verbose } from '../training/loops.js';

export interface FitOptions {
  /** Default 1. */
  epochs?: number;
  /** Samples per step for in-memory data; default 32. */
  batchSize?: number;
  /** Reshuffle the samples before each epoch (default true), from the seeded generator. */
  shuffle?: boolean;
  /** Fraction of the samples, taken from the end before shuffling, held out for validation. */
  validationSplit?: number;
  /** `[x, y]` evaluated at the end of each epoch, or a dataset. */
  validationData?: readonly [DataLike, DataLike] | Dataset;
  /** Batch size of the validation data; default `batchSize`. */
  validationBatchSize?: number;
  callbacks?: readonly Callback[];
  /** 0 silent, 1 progress bar (plain per-epoch lines when not on a terminal), 2 one line per epoch. */
  verbose?: Verbose;
  /** Epoch to start from (for resuming); epochs counts the end, as Keras. */
  initialEpoch?: number;
  /** For datasets: batches per epoch (else one full pass). */
  stepsPerEpoch?: number;
  /** For datasets given as validationData: batches per validation (else one full pass). */
  validationSteps?: number;
  /** One weight per sample, scaling its loss (and weighted metrics), as Keras's `sample_weight`. */
  sampleWeight?: SampleWeightData;
  /** Class index → weight, applied per sample from its label (Keras's `class_weight`); not with `sampleWeight`. */
  classWeight?: ClassWeight;
}

export interface EvaluateOptions {
  batchSize?: number;
  verbose?: Verbose;
  callbacks?: readonly Callback[];
  /** For datasets: batches to evaluate (else one full pass). */
  steps?: number;
  /** One weight per sample, as Keras's `sample_weight`. */
  sampleWeight?: SampleWeightData;
  /** Return `{ loss, <metric>: value, ... }` by Keras's log names instead of a number or a list. Default false. */
  returnDict?: boolean;
}

/** The options of `trainOnBatch` (and all but `classWeight` for `testOnBatch`). */
export interface BatchOptions {
  sampleWeight?: SampleWeightData;
  classWeight?: ClassWeight;
  /** Return `{ loss, <metric>: value, ... }` by Keras's log names instead of a number or a list. Default false. */
  returnDict?: boolean;
}

/** What evaluate, trainOnBatch and testOnBatch return: Keras's scalar-or-list, or its dict with `returnDict`. */
export type ResultLogs = Record<string, number>;

/** Keras's result form: the logs by name with `returnDict`, else the loss alone or `[loss, ...metrics]`. */
export function resultOf(logs: ResultLogs, names: readonly string[], returnDict: boolean): number | number[] | ResultLogs {
  if (returnDict) return Object.fromEntries(names.map((name) => [name, logs[name]]));
  const values = names.map((name) => logs[name]);
  return values.length === 1 ? values[0] : values;
}



/** The keys `fit` accepts (checked against `FitOptions` by the compiler). */
export const FIT_OPTION_KEYS = optionKeys<FitOptions>()([
  'epochs',
  'batchSize',
  'shuffle',
  'validationSplit',
  'validationData',
  'validationBatchSize',
  'callbacks',
  'verbose',
  'initialEpoch',
  'stepsPerEpoch',
  'validationSteps',
  'sampleWeight',
  'classWeight',
]);

/** The keys `evaluate` accepts. */
export const EVALUATE_OPTION_KEYS = optionKeys<EvaluateOptions>()(['batchSize', 'verbose', 'callbacks', 'steps', 'sampleWeight', 'returnDict']);

/** The keys `trainOnBatch` accepts. */
export const BATCH_OPTION_KEYS = optionKeys<BatchOptions>()(['sampleWeight', 'classWeight', 'returnDict']);

/** The keys `testOnBatch` accepts (no class weights in evaluation, as Keras). */
export const TEST_BATCH_OPTION_KEYS = optionKeys<Pick<BatchOptions, 'sampleWeight' | 'returnDict'>>()(['sampleWeight', 'returnDict']);

export function positiveInteger(value: unknown, argument: string, fallback: number, context: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(argument, value, 'a positive integer', context);
  }
  return value;
}

export function optionalSteps(value: unknown, argument: string, context: string): number | null {
  return value === undefined ? null : positiveInteger(value, argument, 1, context);
}

export function checkCallbacks(value: unknown, context: string): readonly Callback[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((c) => c instanceof CallbackClass)) {
    throw new InvalidArgumentError('callbacks', value, 'an array of Callback instances', context);
  }
  return value;
}
