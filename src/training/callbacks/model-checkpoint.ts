/** ModelCheckpoint: save the model (or its weights) during training. */

import type { NodeBuiltins } from '../../platform/node-builtins.js';
import { requireNodeBuiltin } from '../../platform/node-builtins.js';
import { InvalidArgumentError } from '../../errors.js';
import { checkOptions, optionKeys } from '../../utils/option-keys.js';
import type { CallbackModel, Logs, Writer } from './callback.js';
import { Callback, defaultWriter, printMessage, warn } from './callback.js';
import type { MonitorMode } from './monitor.js';
import { isImprovement, resolveMonitorDirection, validateBoolean, validateMode, validateMonitor, validateVerbose } from './monitor.js';
import { formatFixed, pythonFormat } from '../../utils/python-format.js';

/** Node's `fs`, looked up when first needed (ModelCheckpoint works on files: Node only). */
const fs = (): NodeBuiltins['node:fs'] => requireNodeBuiltin('node:fs', 'ModelCheckpoint');

/** Node's `path`, looked up when first needed (ModelCheckpoint works on files: Node only). */
const path = (): NodeBuiltins['node:path'] => requireNodeBuiltin('node:path', 'ModelCheckpoint');

/**
 * Writes the model (or, with `weightsOnly`, its weights) to `path`. By default the one io/ installs
 * (`.keras` and `.weights.h5` files, as Keras); pass one to save elsewhere.
 */
export type SaveFunction = (path: string, model: CallbackModel, options: { weightsOnly: boolean }) => void;

let installedSave: SaveFunction | null = null;

/** Called once by io/ as the package loads (callbacks sit below io/): the default `save`. */
export function installCheckpointSave(save: SaveFunction): void {
  installedSave = save;
}

/** Options of {@link ModelCheckpoint}; defaults as Keras 3. */
export interface ModelCheckpointOptions {
  /** How to save; default: the library's own `.keras` / `.weights.h5` writer (as Keras), which needs `await ioReady()` once before a synchronous `fit`. */
  save?: SaveFunction;
  /** Default 'val_loss'. */
  monitor?: string;
  /** 1 prints each save decision. Default 0. */
  verbose?: number;
  /** Save only when `monitor` improves on the best so far. Default false. */
  saveBestOnly?: boolean;
  /** Save weights (path must end in `.weights.h5`) instead of the model (`.keras` or `.h5`). Default false. */
  saveWeightsOnly?: boolean;
  /** Default 'auto'. */
  mode?: MonitorMode;
  /** 'epoch' (default) or a number of batches between saves. */
  saveFreq?: 'epoch' | number;
  /** The best value to beat at first, for `saveBestOnly`. Default null. */
  initialValueThreshold?: number | null;
  /** Where messages go. Default process.stdout. */
  writer?: Writer;
}

const MODEL_CHECKPOINT_KEYS = optionKeys<ModelCheckpointOptions>()([
  'save', 'monitor', 'verbose', 'saveBestOnly', 'saveWeightsOnly', 'mode', 'saveFreq', 'initialValueThreshold', 'writer',
]);

/**
 * Saves at the end of every epoch (or every `saveFreq` batches), as `keras.callbacks.ModelCheckpoint`.
 * `filepath` is a Python format string filled with `epoch` (1-based), `batch` (1-based, batch saving) and
 * the logs: `'ckpt/{epoch:02d}-{val_loss:.2f}.keras'` gives `ckpt/03-0.25.keras`. Missing directories
 * are created before saving.
 *
 * @example
 * ```ts
 * const checkpoint = new ModelCheckpoint('best.keras', {
 *   monitor: 'val_loss', saveBestOnly: true, save: (path, model) => mySave(model, path),
 * });
 * ```
 */
export class ModelCheckpoint extends Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly verbose: number;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly mode: MonitorMode;
  readonly saveFreq: 'epoch' | number;
  best: number | null;
  private readonly save: SaveFunction;
  private readonly direction: 'min' | 'max';
  private readonly writer: Writer | undefined;
  private batchesSeenSinceLastSaving = 0;
  private lastBatchSeen: number | null = null;
  private currentEpoch = 0;

  constructor(filepath: string, options: ModelCheckpointOptions = {}) {
    super();
    const name = 'ModelCheckpoint';
    checkOptions(options, MODEL_CHECKPOINT_KEYS, name);
    const save = options.save ?? installedSave;
    if (typeof save !== 'function') {
      throw new InvalidArgumentError(
        'save',
        options.save,
        "a function (path, model, { weightsOnly }) => void; none is installed by default when the package is not imported from its index ('depthwise')",
        name,
      );
    }
    if (typeof filepath !== 'string' || filepath === '') throw new InvalidArgumentError('filepath', filepath, 'a file path', name);
    this.monitor = validateMonitor(name, options.monitor ?? 'val_loss');
    this.verbose = validateVerbose(name, options.verbose ?? 0);
    this.saveBestOnly = validateBoolean(name, 'saveBestOnly', options.saveBestOnly ?? false);
    this.saveWeightsOnly = validateBoolean(name, 'saveWeightsOnly', options.saveWeightsOnly ?? false);
    this.mode = validateMode(name, options.mode ?? 'auto');
    const saveFreq = options.saveFreq ?? 'epoch';
    if (saveFreq !== 'epoch' && !(typeof saveFreq === 'number' && Number.isInteger(saveFreq) && saveFreq > 0)) {
      throw new InvalidArgumentError('saveFreq', saveFreq, "'epoch' or a positive integer number of batches", name);
    }
    this.saveFreq = saveFreq;
    if (this.saveWeightsOnly) {
      if (!filepath.endsWith('.weights.h5')) {
        throw new InvalidArgumentError('filepath', filepath, "a path ending in '.weights.h5' when saveWeightsOnly is true", name);
      }
    } else if (!filepath.endsWith('.keras') && !filepath.endsWith('.h5')) {
      throw new InvalidArgumentError('filepath', filepath, "a path ending in '.keras' (or '.h5')", name);
    }
    const threshold = options.initialValueThreshold ?? null;
    if (threshold !== null && (typeof threshold !== 'number' || Number.isNaN(threshold))) {
      throw new InvalidArgumentError('initialValueThreshold', threshold, 'a number or null', name);
    }
    this.filepath = filepath;
    this.best = threshold;
    this.save = save;
    this.direction = resolveMonitorDirection(name, this.monitor, this.mode);
    this.writer = options.writer;
  }

  override onTrainBatchEnd(batch: number, logs?: Logs): void {
    if (this.shouldSaveOnBatch(batch)) this.saveModel(this.currentEpoch, batch, logs ?? {});
  }

  override onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
  }

  override onEpochEnd(epoch: number, logs?: Logs): void {
    if (this.saveFreq === 'epoch') this.saveModel(epoch, null, logs ?? {});
  }

  private shouldSaveOnBatch(batch: number): boolean {
    if (this.saveFreq === 'epoch') return false;
    // A batch index that did not grow means a new epoch started: count it from zero (as Keras).
    const added = this.lastBatchSeen === null || batch <= this.lastBatchSeen ? batch + 1 : batch - this.lastBatchSeen;
    this.batchesSeenSinceLastSaving += added;
    this.lastBatchSeen = batch;
    if (this.batchesSeenSinceLastSaving >= this.saveFreq) {
      this.batchesSeenSinceLastSaving = 0;
      return true;
    }
    return false;
  }

  private print(message: string): void {
    if (this.verbose > 0) printMessage(this.writer ?? defaultWriter(), message);
  }

  private shouldSaveModel(epoch: number, logs: Logs, filepath: string): boolean {
    if (!this.saveBestOnly) {
      this.print(`\nEpoch ${epoch + 1}: saving model to ${filepath}`);
      return true;
    }
    const current = logs[this.monitor];
    if (current === undefined || current === null) {
      warn(`Can save best model only with ${this.monitor} available.`);
      return true;
    }
    const bestText = this.best === null ? 'None' : formatFixed(this.best, 5);
    if (isImprovement(this.direction, 0, current, this.best)) {
      this.print(`\nEpoch ${epoch + 1}: ${this.monitor} improved from ${bestText} to ${formatFixed(current, 5)}, saving model to ${filepath}`);
      this.best = current;
      return true;
    }
    this.print(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${bestText}`);
    return false;
  }

  private saveModel(epoch: number, batch: number | null, logs: Logs): void {
    const filepath = this.filePath(epoch, batch, logs);
    if (!this.shouldSaveModel(epoch, logs, filepath)) return;
    const dir = path().dirname(filepath);
    if (dir !== '' && dir !== '.' && !fs().existsSync(dir)) fs().mkdirSync(dir, { recursive: true });
    if (fs().existsSync(filepath) && fs().statSync(filepath).isDirectory()) {
      throw new InvalidArgumentError('filepath', filepath, 'a file path, not an existing directory', 'ModelCheckpoint');
    }
    this.save(filepath, this.requireModel(), { weightsOnly: this.saveWeightsOnly });
    this.print(`\nEpoch ${epoch + 1}: finished saving model to ${filepath}`);
  }

  private filePath(epoch: number, batch: number | null, logs: Logs): string {
    // Python's format(epoch=..., **logs): logs win over epoch/batch only where Keras lets them ("batch" in logs).
    const values: Record<string, number> = { epoch: epoch + 1, ...logs };
    const intKeys = ['epoch'];
    if (batch !== null && !('batch' in logs)) {
      values.batch = batch + 1;
      intKeys.push('batch');
    }
    values.epoch = epoch + 1;
    return pythonFormat(this.filepath, values, intKeys);
  }
}
