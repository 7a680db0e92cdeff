/** CallbackList: the one object the fit loop calls, fanning each hook out to every callback. */

import type { CallbackModel, Logs, TrainingParams } from './callback.js';
import { Callback } from './callback.js';
import { History } from './history.js';
import { ProgbarLogger } from './progbar-logger.js';
import { checkOptions, optionKeys } from '../../utils/option-keys.js';

/** Options of {@link CallbackList}. */
export interface CallbackListOptions {
  model: CallbackModel;
  params: TrainingParams;
  /** Append a {@link History} unless the list has one. Default false (fit passes true). */
  addHistory?: boolean;
  /** Append a {@link ProgbarLogger} unless the list has one. Default false (fit passes true). */
  addProgbar?: boolean;
}

const CALLBACK_LIST_KEYS = optionKeys<CallbackListOptions>()(['model', 'params', 'addHistory', 'addProgbar']);

/**
 * Holds the callbacks of one `fit`/`evaluate`/`predict` call and dispatches every hook to each in order,
 * as Keras's `CallbackList`. The user's callbacks come first, then History, then ProgbarLogger, so values
 * a callback adds to the epoch logs (ReduceLROnPlateau's `learning_rate`) reach the history and the bar.
 *
 * Each dispatch copies `logs` once and hands the same copy to every callback: the caller's object is never
 * changed, while additions made by one callback are seen by the next (Keras's `pythonify_logs` copy).
 *
 * @example
 * ```ts
 * const list = new CallbackList([new EarlyStopping({ monitor: 'loss' })], {
 *   model, params: { epochs: 10, steps: 4, verbose: 1 }, addHistory: true, addProgbar: true,
 * });
 * list.onTrainBegin();
 * ```
 */
export class CallbackList extends Callback {
  readonly callbacks: Callback[];
  /** The History receiving epoch logs (the user's own, or the one added), or null. */
  readonly history: History | null;
  /** The ProgbarLogger in the list, or null. */
  readonly progbar: ProgbarLogger | null;

  constructor(callbacks: readonly Callback[] = [], options: CallbackListOptions) {
    checkOptions(options, CALLBACK_LIST_KEYS, 'CallbackList', { required: true });
    super();
    for (const [i, cb] of callbacks.entries()) {
      if (!(cb instanceof Callback)) throw new TypeError(`callbacks[${i}] is not a Callback instance.`);
    }
    this.callbacks = [...callbacks];
    let history = this.callbacks.find((cb): cb is History => cb instanceof History) ?? null;
    let progbar = this.callbacks.find((cb): cb is ProgbarLogger => cb instanceof ProgbarLogger) ?? null;
    if (history === null && options.addHistory === true) {
      history = new History();
      this.callbacks.push(history);
    }
    if (progbar === null && options.addProgbar === true) {
      progbar = new ProgbarLogger();
      this.callbacks.push(progbar);
    }
    this.history = history;
    this.progbar = progbar;
    this.setModel(options.model);
    this.setParams(options.params);
  }

  /** Adds a callback at the end; it receives the list's model and params. */
  append(callback: Callback): void {
    this.callbacks.push(callback);
    if (this.model !== null) callback.setModel(this.model);
    if (this.params !== null) callback.setParams(this.params);
  }

  override setModel(model: CallbackModel): void {
    super.setModel(model);
    for (const cb of this.callbacks) cb.setModel(model);
  }

  override setParams(params: TrainingParams): void {
    super.setParams(params);
    for (const cb of this.callbacks) cb.setParams(params);
  }

  override onTrainBegin(logs?: Logs): void {
    const l = copy(logs);
    for (const cb of this.callbacks) cb.onTrainBegin(l);
  }
  override onTrainEnd(logs?: Logs): void {
    const l = copy(logs);
    for (const cb of this.callbacks) cb.onTrainEnd(l);
  }
  override onEpochBegin(epoch: number, logs?: Logs): void {
    const l = copy(logs);
    for (const cb of this.callbacks) cb.onEpochBegin(epoch, l);
  }
  override onEpochEnd(epoch: number, logs?: Logs): void {
    const l = copy(logs);
    for (const cb of this.callbacks) cb.onEpochEnd(epoch, l);
  }
  override onTrainBatchBegin(batch: number, logs?: Logs): void {
    const l = copy(logs);
    for (const cb of this.callbacks) cb.onTrainBatchBegin(batch, l);
  }
  override onTrainBatchEnd(batch: number, logs?: Logs): void {
    const l = copy(logs);
    for (const cb of this.callbacks) cb.onTrainBatchEnd(batch, l);
  }
  override onTestBegin(logs?: Logs): void {
    const l = copy(logs);
    for (const cb of this.callbacks) cb.onTestBegin(l);
  }
  override onTestEnd(logs?: Logs): void {
    const l = copy(logs);
    for (const cb of this.callbacks) cb.onTestEnd(l);
  }
  override onTestBatchBegin(batch: number, logs?: Logs): void {
    const l = copy(logs);
    for (const cb of this.callbacks) cb.onTestBatchBegin(batch, l);
  }
  override onTestBatchEnd(batch: number, logs?: Logs): void {
    const l = copy(logs);
    for (const cb of this.callbacks) cb.onTestBatchEnd(batch, l);
  }
  override onPredictBegin(logs?: Logs): void {
    const l = copy(logs);
    for (const cb of this.callbacks) cb.onPredictBegin(l);
  }
  override onPredictEnd(logs?: Logs): void {
    const l = copy(logs);
    for (const cb of this.callbacks) cb.onPredictEnd(l);
  }
  override onPredictBatchBegin(batch: number, logs?: Logs): void {
    const l = copy(logs);
    for (const cb of this.callbacks) cb.onPredictBatchBegin(batch, l);
  }
  override onPredictBatchEnd(batch: number, logs?: Logs): void {
    const l = copy(logs);
    for (const cb of this.callbacks) cb.onPredictBatchEnd(batch, l);
  }
}

function copy(logs: Logs | undefined): Logs {
  return { ...(logs ?? {}) };
}
