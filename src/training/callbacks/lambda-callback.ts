/** LambdaCallback: a callback from plain functions. */

import { InvalidArgumentError } from '../../errors.js';
import { checkOptions, optionKeys } from '../../utils/option-keys.js';
import type { Logs } from './callback.js';
import { Callback } from './callback.js';

type LogsHook = (logs?: Logs) => void;
type IndexedHook = (index: number, logs?: Logs) => void;

/** Functions for any of the hooks; those left out do nothing. */
export interface LambdaCallbackOptions {
  onTrainBegin?: LogsHook;
  onTrainEnd?: LogsHook;
  onEpochBegin?: IndexedHook;
  onEpochEnd?: IndexedHook;
  onTrainBatchBegin?: IndexedHook;
  onTrainBatchEnd?: IndexedHook;
  onTestBegin?: LogsHook;
  onTestEnd?: LogsHook;
  onTestBatchBegin?: IndexedHook;
  onTestBatchEnd?: IndexedHook;
  onPredictBegin?: LogsHook;
  onPredictEnd?: LogsHook;
  onPredictBatchBegin?: IndexedHook;
  onPredictBatchEnd?: IndexedHook;
}

const HOOKS = optionKeys<LambdaCallbackOptions>()([
  'onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onTrainBatchBegin', 'onTrainBatchEnd',
  'onTestBegin', 'onTestEnd', 'onTestBatchBegin', 'onTestBatchEnd', 'onPredictBegin', 'onPredictEnd',
  'onPredictBatchBegin', 'onPredictBatchEnd',
]);

/**
 * A callback built from functions, as `keras.callbacks.LambdaCallback` (which takes the six train hooks
 * by name and any other hook as a keyword; here all fourteen are named options).
 *
 * @example
 * ```ts
 * const losses: number[] = [];
 * const record = new LambdaCallback({ onEpochEnd: (epoch, logs) => losses.push(logs?.loss ?? NaN) });
 * ```
 */
export class LambdaCallback extends Callback {
  constructor(options: LambdaCallbackOptions = {}) {
    checkOptions(options, HOOKS, 'LambdaCallback');
    super();
    for (const hook of HOOKS) {
      const fn = options[hook];
      if (fn === undefined) continue;
      if (typeof fn !== 'function') throw new InvalidArgumentError(hook, fn, 'a function', 'LambdaCallback');
      // An own property shadows the no-op prototype method, which is how Keras's version works too.
      Object.defineProperty(this, hook, { value: fn, writable: true, configurable: true });
    }
  }
}
