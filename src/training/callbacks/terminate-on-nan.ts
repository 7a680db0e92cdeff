/** TerminateOnNaN: stop when the training loss becomes NaN or infinite. */

import { InvalidArgumentError } from '../../errors.js';
import { checkOptions, optionKeys } from '../../utils/option-keys.js';
import type { Logs, Writer } from './callback.js';
import { Callback, defaultWriter, printMessage } from './callback.js';
import { pythonFloatRepr } from '../../utils/python-format.js';

/** Options of {@link TerminateOnNaN}. */
export interface TerminateOnNaNOptions {
  /** Throw at once instead of stopping gracefully (skips the other callbacks' onTrainEnd). Default false. */
  raiseError?: boolean;
  /** Where the message goes. Default process.stdout. */
  writer?: Writer;
}

const TERMINATE_ON_NAN_KEYS = optionKeys<TerminateOnNaNOptions>()(['raiseError', 'writer']);

/**
 * After each training batch, stops training if `logs.loss` is NaN or ±Infinity, printing
 * `Batch 3: Invalid loss, terminating training`, as `keras.callbacks.TerminateOnNaN`.
 *
 * @example
 * ```ts
 * const guard = new TerminateOnNaN(); // or new TerminateOnNaN({ raiseError: true })
 * ```
 */
export class TerminateOnNaN extends Callback {
  readonly raiseError: boolean;
  private readonly writer: Writer | undefined;

  constructor(options: TerminateOnNaNOptions = {}) {
    checkOptions(options, TERMINATE_ON_NAN_KEYS, 'TerminateOnNaN');
    super();
    const raiseError = options.raiseError ?? false;
    if (typeof raiseError !== 'boolean') throw new InvalidArgumentError('raiseError', raiseError, 'true or false', 'TerminateOnNaN');
    this.raiseError = raiseError;
    this.writer = options.writer;
  }

  override onTrainBatchEnd(batch: number, logs?: Logs): void {
    const loss = logs?.loss;
    if (loss === undefined || Number.isFinite(loss)) return;
    if (this.raiseError) {
      throw new Error(`NaN or Inf loss encountered at batch ${batch}. Loss value: ${pythonFloatRepr(loss)}. Terminating training immediately.`);
    }
    printMessage(this.writer ?? defaultWriter(), `Batch ${batch}: Invalid loss, terminating training`);
    this.requireModel().stopTraining = true;
  }
}
