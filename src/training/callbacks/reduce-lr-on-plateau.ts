/** ReduceLROnPlateau: lower the learning rate when a monitored metric stops improving. */

import { InvalidArgumentError } from '../../errors.js';
import { checkOptions, optionKeys } from '../../utils/option-keys.js';
import type { CallbackModel, Logs, Writer } from './callback.js';
import { Callback, defaultWriter, printMessage, warn } from './callback.js';
import type { MonitorMode } from './monitor.js';
import { isImprovement, resolveMonitorDirection, validateFinite, validateMode, validateMonitor, validateNonNegativeInt, validateVerbose } from './monitor.js';
import { pythonFloatRepr } from '../../utils/python-format.js';

/** Options of {@link ReduceLROnPlateau}; defaults as Keras 3. */
export interface ReduceLROnPlateauOptions {
  /** Default 'val_loss'. */
  monitor?: string;
  /** new lr = lr * factor; must be < 1. Default 0.1. */
  factor?: number;
  /** Epochs without improvement before reducing. Default 10. */
  patience?: number;
  /** 1 prints each reduction. Default 0. */
  verbose?: number;
  /** Default 'auto'. */
  mode?: MonitorMode;
  /** An improvement must exceed |minDelta|. Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** Lower bound of the learning rate. Default 0. */
  minLr?: number;
  /** Where messages go. Default process.stdout. */
  writer?: Writer;
}

const REDUCE_LR_KEYS = optionKeys<ReduceLROnPlateauOptions>()(['monitor', 'factor', 'patience', 'verbose', 'mode', 'minDelta', 'cooldown', 'minLr', 'writer']);

/**
 * Multiplies the optimizer's learning rate by `factor` after `patience` epochs without improvement of
 * `monitor`, never below `minLr`, as `keras.callbacks.ReduceLROnPlateau`. Each epoch it also adds the
 * current (pre-reduction) `learning_rate` to the epoch logs, which History and the progress bar show.
 *
 * @example
 * ```ts
 * const reduce = new ReduceLROnPlateau({ monitor: 'val_loss', factor: 0.2, patience: 5, minLr: 0.001 });
 * ```
 */
export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: number;
  readonly mode: MonitorMode;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  wait = 0;
  cooldownCounter = 0;
  best: number | null = null;
  private readonly direction: 'min' | 'max';
  private readonly writer: Writer | undefined;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    checkOptions(options, REDUCE_LR_KEYS, 'ReduceLROnPlateau');
    super();
    const name = 'ReduceLROnPlateau';
    this.monitor = validateMonitor(name, options.monitor ?? 'val_loss');
    const factor = validateFinite(name, 'factor', options.factor ?? 0.1);
    if (factor >= 1) throw new InvalidArgumentError('factor', factor, 'a number < 1 (ReduceLROnPlateau does not support a factor >= 1.0)', name);
    this.factor = factor;
    this.patience = validateNonNegativeInt(name, 'patience', options.patience ?? 10);
    this.verbose = validateVerbose(name, options.verbose ?? 0);
    this.mode = validateMode(name, options.mode ?? 'auto');
    this.minDelta = Math.abs(validateFinite(name, 'minDelta', options.minDelta ?? 1e-4));
    this.cooldown = validateNonNegativeInt(name, 'cooldown', options.cooldown ?? 0);
    this.minLr = validateFinite(name, 'minLr', options.minLr ?? 0);
    this.direction = resolveMonitorDirection(name, this.monitor, this.mode);
    this.writer = options.writer;
  }

  /** Whether reductions are paused after the last one. */
  inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  override onTrainBegin(): void {
    this.best = null;
    this.cooldownCounter = 0;
    this.wait = 0;
  }

  override onEpochEnd(epoch: number, logs?: Logs): void {
    const optimizer = this.optimizerOf(this.requireModel());
    // Mutating the shared logs object is how Keras gets learning_rate into History and the progress bar.
    const l: Logs = logs ?? {};
    l.learning_rate = optimizer.currentLearningRate();
    const current = l[this.monitor];
    if (current === undefined || current === null) {
      warn(
        `Learning rate reduction is conditioned on metric \`${this.monitor}\` which is not available. ` +
          `Available metrics are: ${Object.keys(l).join(',')}.`,
      );
      return;
    }
    if (this.inCooldown()) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (isImprovement(this.direction, this.minDelta, current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (!this.inCooldown()) {
      this.wait += 1;
      if (this.wait >= this.patience && this.reduce(optimizer, epoch)) {
        this.cooldownCounter = this.cooldown;
        this.wait = 0;
      }
    }
  }

  private optimizerOf(model: CallbackModel): NonNullable<CallbackModel['optimizer']> {
    if (model.optimizer === null) throw new Error('ReduceLROnPlateau: the model has no optimizer; compile it before fit.');
    return model.optimizer;
  }

  private reduce(optimizer: NonNullable<CallbackModel['optimizer']>, epoch: number): boolean {
    const oldLr = optimizer.currentLearningRate();
    // Keras compares with np.float32(min_lr), so a float32 rate equal to minLr counts as reached.
    if (!(oldLr > Math.fround(this.minLr))) return false;
    const newLr = Math.max(oldLr * this.factor, this.minLr);
    optimizer.learningRate = newLr;
    if (this.verbose > 0) {
      printMessage(this.writer ?? defaultWriter(), `\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${pythonFloatRepr(newLr)}.`);
    }
    return true;
  }
}
