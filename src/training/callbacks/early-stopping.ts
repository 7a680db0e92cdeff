/** EarlyStopping: stop training when a monitored metric has stopped improving. */

import type { Tensor } from '../../engine/tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import { checkOptions, optionKeys } from '../../utils/option-keys.js';
import type { Logs, Writer } from './callback.js';
import { Callback, defaultWriter, printMessage, warn } from './callback.js';
import type { MonitorMode } from './monitor.js';
import {
  isImprovement, resolveMonitorDirection, validateFinite, validateMode, validateMonitor,
  validateNonNegativeInt, validateVerbose,
} from './monitor.js';
import { checkBoolean } from '../../utils/arguments.js';

/** Options of {@link EarlyStopping}; defaults as Keras 3. */
export interface EarlyStoppingOptions {
  /** Default 'val_loss'. */
  monitor?: string;
  /** An improvement must exceed |minDelta|. Default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping. Default 0. */
  patience?: number;
  /** 1 prints when stopping and restoring. Default 0. */
  verbose?: number;
  /** Default 'auto' (from the monitor's name: loss/mse/... min, accuracy/auc/... max). */
  mode?: MonitorMode;
  /** Training stops unless the monitor beats this value within `patience` epochs. Default null. */
  baseline?: number | null;
  /** Put back the weights of the best epoch when training ends. Default false. */
  restoreBestWeights?: boolean;
  /** Epochs to let pass before monitoring (warm-up). Default 0. */
  startFromEpoch?: number;
  /** Where messages go. Default process.stdout. */
  writer?: Writer;
}

const EARLY_STOPPING_KEYS = optionKeys<EarlyStoppingOptions>()([
  'monitor', 'minDelta', 'patience', 'verbose', 'mode', 'baseline', 'restoreBestWeights', 'startFromEpoch', 'writer',
]);

/**
 * Stops training when `monitor` has not improved for `patience` epochs, as `keras.callbacks.EarlyStopping`
 * (Keras 3.15), including its details: the first monitored epoch never stops training, an epoch that
 * improves on the best but not on `baseline` still counts toward patience, and with
 * `restoreBestWeights` the best weights are restored at the end of training whether or not it stopped
 * early.
 *
 * @example
 * ```ts
 * const stop = new EarlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true });
 * // fit(..., { callbacks: [stop] }); stop.stoppedEpoch is the 0-based epoch it stopped at (0 if none)
 * ```
 */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: MonitorMode;
  readonly baseline: number | null;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  /** Epochs since the last improvement (reset by an improvement that also beats the baseline). */
  wait = 0;
  /** 0-based epoch at which training was stopped, 0 when it was not. */
  stoppedEpoch = 0;
  best: number | null = null;
  bestEpoch = 0;
  bestWeights: Tensor[] | null = null;
  private readonly direction: 'min' | 'max';
  private readonly writer: Writer | undefined;

  constructor(options: EarlyStoppingOptions = {}) {
    checkOptions(options, EARLY_STOPPING_KEYS, 'EarlyStopping');
    super();
    const name = 'EarlyStopping';
    this.monitor = validateMonitor(name, options.monitor ?? 'val_loss');
    this.minDelta = Math.abs(validateFinite(name, 'minDelta', options.minDelta ?? 0));
    this.patience = validateNonNegativeInt(name, 'patience', options.patience ?? 0);
    this.verbose = validateVerbose(name, options.verbose ?? 0);
    this.mode = validateMode(name, options.mode ?? 'auto');
    const baseline = options.baseline ?? null;
    if (baseline !== null && (typeof baseline !== 'number' || Number.isNaN(baseline))) {
      throw new InvalidArgumentError('baseline', baseline, 'a number or null', name);
    }
    this.baseline = baseline;
    this.restoreBestWeights = checkBoolean(options.restoreBestWeights ?? false, 'restoreBestWeights', name);
    this.startFromEpoch = validateNonNegativeInt(name, 'startFromEpoch', options.startFromEpoch ?? 0);
    this.direction = resolveMonitorDirection(name, this.monitor, this.mode);
    this.writer = options.writer;
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = null;
    this.bestWeights = null;
    this.bestEpoch = 0;
  }

  override onEpochEnd(epoch: number, logs?: Logs): void {
    const current = this.getMonitorValue(logs);
    if (current === null || epoch < this.startFromEpoch) return;
    const model = this.requireModel();
    // Keras snapshots the first monitored epoch so there is always something to restore.
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.bestWeights = model.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (isImprovement(this.direction, this.minDelta, current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = model.getWeights();
      if (this.baseline === null || isImprovement(this.direction, this.minDelta, current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    const writer = this.writer ?? defaultWriter();
    if (this.stoppedEpoch > 0 && this.verbose > 0) printMessage(writer, `Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights !== null) {
      if (this.verbose > 0) printMessage(writer, `Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.requireModel().setWeights(this.bestWeights);
    }
  }

  private getMonitorValue(logs: Logs | undefined): number | null {
    const value = logs?.[this.monitor];
    if (value === undefined || value === null) {
      warn(
        `Early stopping conditioned on metric \`${this.monitor}\` which is not available. ` +
          `Available metrics are: ${Object.keys(logs ?? {}).join(',')}`,
      );
      return null;
    }
    return value;
  }
}
