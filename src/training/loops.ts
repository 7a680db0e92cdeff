/**
 * The fit and evaluate loops, written once as generators over a `BatchSource` (see `run.ts`), dispatching
 * Keras's callback hooks in Keras's order.
 */

import { InvalidArgumentError } from '../errors.js';
import type { Callback, CallbackModel, Logs , History } from './callbacks/index.js';
import { CallbackList } from './callbacks/index.js';
import type { BatchSource } from './data.js';
import type { Pull } from './run.js';
import type { Trainer } from './trainer.js';

export type Verbose = 0 | 1 | 2 | 'auto';

export interface LoopModel extends CallbackModel {
  readonly name: string;
}

export interface FitLoopOptions {
  epochs: number;
  initialEpoch: number;
  verbose: Verbose;
  callbacks: readonly Callback[];
  validation: BatchSource | null;
}

export function resolveVerbose(value: unknown, context: string): 0 | 1 | 2 {
  if (value === undefined || value === 'auto') return 1;
  if (value === 0 || value === 1 || value === 2) return value;
  throw new InvalidArgumentError('verbose', value, "0, 1, 2 or 'auto'", context);
}

function prefixed(logs: Logs, prefix: string): Logs {
  return Object.fromEntries(Object.entries(logs).map(([k, v]) => [`${prefix}${k}`, v]));
}

/** The keys of fit's epoch logs: the metrics, then (when validating) the same with `val_`. */
function fitLogKeys(trainer: Trainer, validating: boolean): { logKeys?: string[] } {
  const names = trainer.plannedMetricNames();
  if (names === null) return {};
  return { logKeys: validating ? [...names, ...names.map((n) => `val_${n}`)] : names };
}

/** Keras's warning when an epoch gets no batches. */
export const RAN_OUT_OF_DATA =
  'Your input ran out of data; interrupting training. Make sure that your dataset or generator can generate at ' +
  'least `stepsPerEpoch * epochs` batches. You may need to use the repeat() function when building your dataset.';

/** Runs the epochs; returns the History. Stops early when a callback sets `model.stopTraining`. */
export function* fitLoop(model: LoopModel, trainer: Trainer, data: BatchSource, options: FitLoopOptions): Pull<History> {
  const verbose = resolveVerbose(options.verbose, `${model.name}.fit`);
  const callbacks = new CallbackList(options.callbacks, {
    model,
    params: { epochs: options.epochs, steps: data.steps, verbose, ...fitLogKeys(trainer, options.validation !== null) },
    addHistory: true,
    addProgbar: verbose !== 0,
  });
  model.stopTraining = false;
  callbacks.onTrainBegin();
  let logs: Logs = {};
  for (let epoch = options.initialEpoch; epoch < options.epochs; epoch++) {
    trainer.resetMetrics();
    callbacks.onEpochBegin(epoch);
    data.startPass();
    let steps = 0;
    for (let step = 0; ; step++) {
      const batch = yield* data.nextBatch();
      if (batch === null) break;
      steps++;
      callbacks.onTrainBatchBegin(step);
      let batchLogs: Logs;
      try {
        batchLogs = trainer.trainStep(batch);
      } finally {
        data.release(batch);
      }
      callbacks.onTrainBatchEnd(step, batchLogs);
      if (model.stopTraining) break;
    }
    if (steps === 0) {
      // A one-shot iterable is exhausted after its first pass: Keras warns and training stops there, rather
      // than logging an epoch of nothing.
      console.warn(RAN_OUT_OF_DATA);
      break;
    }
    logs = trainer.results();
    if (options.validation) {
      const validationLogs = yield* evaluateLoop(trainer, options.validation, callbacks);
      logs = { ...logs, ...prefixed(validationLogs, 'val_') };
    }
    callbacks.onEpochEnd(epoch, logs);
    if (model.stopTraining) break;
  }
  callbacks.onTrainEnd(logs);
  return callbacks.history as History;
}

/** One pass over `data` in inference mode; returns the averaged logs. */
export function* evaluateLoop(trainer: Trainer, data: BatchSource, callbacks: CallbackList): Pull<Logs> {
  trainer.resetMetrics();
  callbacks.onTestBegin();
  data.startPass();
  for (let step = 0; ; step++) {
    const batch = yield* data.nextBatch();
    if (batch === null) break;
    callbacks.onTestBatchBegin(step);
    let batchLogs: Logs;
    try {
      batchLogs = trainer.testStep(batch);
    } finally {
      data.release(batch);
    }
    callbacks.onTestBatchEnd(step, batchLogs);
  }
  const logs = trainer.results();
  callbacks.onTestEnd(logs);
  return logs;
}
