/** ProgbarLogger: the `Epoch 1/10` lines and progress bar of `fit`. */

import { Progbar } from '../progbar.js';
import { checkOptions, optionKeys } from '../../utils/option-keys.js';
import type { Logs, TrainingParams, Writer } from './callback.js';
import { Callback, defaultWriter, printMessage } from './callback.js';

/** Options of {@link ProgbarLogger}. */
export interface ProgbarLoggerOptions {
  /** Where to print. Default process.stdout; a writer with `isTTY: true` gets the live bar. */
  writer?: Writer;
  /** Clock in seconds for the bar (tests inject one). */
  now?: () => number;
  /** Overrides the writer's `isTTY` choice of live bar (see {@link ProgbarOptions.dynamicDisplay}). */
  dynamicDisplay?: boolean;
}

const PROGBAR_LOGGER_KEYS = optionKeys<ProgbarLoggerOptions>()(['writer', 'now', 'dynamicDisplay']);

/**
 * Prints `Epoch i/N` (when N > 1) and a progress bar per epoch, ending with the epoch's logs (training and
 * validation metrics), as Keras's `ProgbarLogger`. Within `fit`, validation batches draw no bar.
 *
 * @example
 * ```ts
 * const logger = new ProgbarLogger({ writer: { write: (s) => void process.stderr.write(s) } });
 * // fit(..., { callbacks: [logger] }) now prints to stderr
 * ```
 */
export class ProgbarLogger extends Callback {
  seen = 0;
  progbar: Progbar | null = null;
  target: number | null = null;
  verbose: 0 | 1 | 2 = 1;
  epochs = 1;
  private calledInFit = false;
  private readonly options: ProgbarLoggerOptions;

  constructor(options: ProgbarLoggerOptions = {}) {
    checkOptions(options, PROGBAR_LOGGER_KEYS, 'ProgbarLogger');
    super();
    this.options = options;
  }

  override setParams(params: TrainingParams): void {
    super.setParams(params);
    this.verbose = params.verbose;
    this.epochs = params.epochs;
    this.target = params.steps;
  }

  override onTrainBegin(): void {
    // Inside fit, validation runs silently: its metrics appear on the epoch's final line instead.
    this.calledInFit = true;
  }

  override onTestBegin(): void {
    if (!this.calledInFit) {
      this.resetProgbar();
      this.maybeInitProgbar();
    }
  }

  override onPredictBegin(): void {
    this.resetProgbar();
    this.maybeInitProgbar();
  }

  override onEpochBegin(epoch: number): void {
    this.resetProgbar();
    this.maybeInitProgbar();
    if (this.verbose && this.epochs > 1) printMessage(this.writer(), `Epoch ${epoch + 1}/${this.epochs}`);
  }

  override onTrainBatchEnd(batch: number, logs?: Logs): void {
    this.updateProgbar(batch, logs);
  }

  override onTestBatchEnd(batch: number, logs?: Logs): void {
    if (!this.calledInFit) this.updateProgbar(batch, logs);
  }

  override onPredictBatchEnd(batch: number): void {
    // Keras does not pass prediction outputs to the bar.
    this.updateProgbar(batch, undefined);
  }

  override onEpochEnd(_epoch: number, logs?: Logs): void {
    this.finalizeProgbar(logs);
  }

  override onTestEnd(logs?: Logs): void {
    if (!this.calledInFit) this.finalizeProgbar(logs);
  }

  override onPredictEnd(logs?: Logs): void {
    this.finalizeProgbar(logs);
  }

  private writer(): Writer {
    return this.options.writer ?? defaultWriter();
  }

  private resetProgbar(): void {
    this.seen = 0;
    this.progbar = null;
  }

  private maybeInitProgbar(): Progbar {
    // ProgbarLogger's logs are already running means, so every metric is shown as given (no stateless).
    this.progbar ??= new Progbar(this.target, {
      verbose: this.verbose,
      unitName: 'step',
      statelessMetrics: [],
      writer: this.writer(),
      ...(this.options.now !== undefined ? { now: this.options.now } : {}),
      ...(this.options.dynamicDisplay !== undefined ? { dynamicDisplay: this.options.dynamicDisplay } : {}),
    });
    return this.progbar;
  }

  private updateProgbar(batch: number, logs: Logs | undefined): void {
    const progbar = this.maybeInitProgbar();
    this.seen = batch + 1;
    if (this.verbose === 1) progbar.update(this.seen, Object.entries(logs ?? {}), false);
  }

  private finalizeProgbar(logs: Logs | undefined): void {
    const progbar = this.maybeInitProgbar();
    if (this.target === null) {
      // Unknown steps: the first epoch's count becomes the target of later epochs, as in Keras.
      this.target = this.seen;
      progbar.target = this.target;
    }
    progbar.update(this.target, Object.entries(logs ?? {}), true);
  }
}
