/** ModelCheckpoint: save the model (or its weights) during training. */

import type { NodeBuiltins } from '../../platform/node-builtins.js';
import { requireNodeBuiltin } from '../../platform/node-builtins.js';
import { InvalidArgumentError } from '../../errors.js';
import { checkOptions, optionKeys } from '../../utils/option-keys.js';
import type { CallbackModel, Logs, Writer } from './callback.js';
import { Callback, defaultWriter, printMessage, warn } from './callback.js';
import type { MonitorMode } from './monitor.js';
import { isImprovement, resolveMonitorDirection, validateMode, validateMonitor, validateVerbose } from './monitor.js';
import { checkBoolean } from '../../utils/arguments.js';
import { formatFixed, formatSpec, pythonFormat, templateFields } from '../../utils/python-format.js';

/** Node's `fs`, looked up when first needed (ModelCheckpoint works on files: Node only). */
const fs = (): NodeBuiltins['node:fs'] => requireNodeBuiltin('node:fs', 'ModelCheckpoint');

/** Node's `path`, looked up when first needed (ModelCheckpoint works on files: Node only). */
const path = (): NodeBuiltins['node:path'] => requireNodeBuiltin('node:path', 'ModelCheckpoint');

/**
 * Writes the model (or, with `weightsOnly`, its weights) to `path`: the `save` option of
 * {@link ModelCheckpoint}, for saving your own way. Without it the library's own saver writes the file.
 */
export type SaveFunction = (path: string, model: CallbackModel, options: { weightsOnly: boolean }) => void;

/**
 * How ModelCheckpoint reaches the file formats, which live in io/ above training/ (io imports models,
 * which import training). io installs its saver as the package loads; a checkpoint asks for it only when
 * it is constructed, at `onTrainBegin` and when it saves.
 */
export interface CheckpointSaver {
  /** Starts whatever the saver needs loaded (the HDF5 module), without waiting for it. */
  start(): void;
  /** Null when `save` can run now, else why not and what to do (asked at `onTrainBegin`). */
  notReady(): string | null;
  save: SaveFunction;
}

let installedSaver: CheckpointSaver | null = null;

/** Called once by io/ as the package loads: ModelCheckpoint's default saver. */
export function installCheckpointSaver(saver: CheckpointSaver): void {
  installedSaver = saver;
}

/** Options of {@link ModelCheckpoint}; defaults as Keras 3. */
export interface ModelCheckpointOptions {
  /**
   * Where to save: a path ending in `.keras` or `.h5` (the model), or `.weights.h5` with `saveWeightsOnly`,
   * with Python format fields (`{epoch:02d}`, `{val_loss:.2f}`). Required, here or as the first argument.
   */
  filepath?: string;
  /** Saves your own way instead of the library's `.keras` / `.h5` / `.weights.h5` writers. */
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
  'filepath', 'save', 'monitor', 'verbose', 'saveBestOnly', 'saveWeightsOnly', 'mode', 'saveFreq', 'initialValueThreshold', 'writer',
]);

const NAME = 'ModelCheckpoint';

/** Sample values the template's fields are checked with: an int for `epoch`/`batch`, a float for the logs. */
function checkTemplate(filepath: string): string[] {
  const fields = templateFields(filepath);
  for (const { name, spec } of fields) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new InvalidArgumentError('filepath', filepath, `format fields that name a value ({epoch}, {batch} or a log such as {val_loss}), not '{${name}}'`, NAME);
    }
    const isInt = name === 'epoch' || name === 'batch';
    try {
      formatSpec(isInt ? 1 : 0.5, spec, isInt);
    } catch {
      throw new InvalidArgumentError('filepath', filepath, `a Python format spec that fits {${name}} (${isInt ? "an integer: '02d', 'd', ..." : "a float: '.2f', '.4e', ..."}), not '${spec}'`, NAME);
    }
  }
  return fields.map((f) => f.name);
}

/**
 * Saves at the end of every epoch (or every `saveFreq` batches), as `keras.callbacks.ModelCheckpoint`:
 * the model to `.keras` (Keras 3) or `.h5` (Keras 2's format), or with `saveWeightsOnly` its weights to
 * `.weights.h5`, each written to a temporary file that is then renamed over the old one. `filepath` is a
 * Python format string filled with `epoch` (1-based), `batch` (1-based, batch saving) and the logs:
 * `'ckpt/{epoch:02d}-{val_loss:.2f}.keras'` gives `ckpt/03-0.25.keras`. Missing directories are created
 * before saving. Every option is checked here, and the template's fields against the logs `fit` will
 * produce at the start of training, so a misspelt `{val_los}` fails before the first epoch.
 *
 * @example
 * ```ts
 * const checkpoint = new ModelCheckpoint({ filepath: 'ckpt/{epoch:02d}-{val_loss:.2f}.keras', saveBestOnly: true });
 * model.fit(x, y, { epochs: 10, validationSplit: 0.2, callbacks: [checkpoint] });
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
  private readonly save: SaveFunction | null;
  private readonly direction: 'min' | 'max';
  private readonly writer: Writer | undefined;
  private readonly fields: string[];
  private batchesSeenSinceLastSaving = 0;
  private lastBatchSeen: number | null = null;
  private currentEpoch = 0;

  constructor(options: ModelCheckpointOptions);
  constructor(filepath: string, options?: ModelCheckpointOptions);
  constructor(first: string | ModelCheckpointOptions, second?: ModelCheckpointOptions) {
    super();
    const positional = typeof first === 'string';
    const options = positional ? second : first;
    checkOptions(options, MODEL_CHECKPOINT_KEYS, NAME, { required: !positional });
    const given = options ?? {};
    if (positional && given.filepath !== undefined) {
      throw new InvalidArgumentError('filepath', given.filepath, 'the path given once: as the first argument or as options.filepath, not both', NAME);
    }
    const filepath = positional ? first : given.filepath;
    if (typeof filepath !== 'string' || filepath === '') throw new InvalidArgumentError('filepath', filepath, 'a file path', NAME);
    if (given.save !== undefined && typeof given.save !== 'function') {
      throw new InvalidArgumentError('save', given.save, 'a function (path, model, { weightsOnly }) => void, or no `save` to use the library\'s own', NAME);
    }
    this.monitor = validateMonitor(NAME, given.monitor ?? 'val_loss');
    this.verbose = validateVerbose(NAME, given.verbose ?? 0);
    this.saveBestOnly = checkBoolean(given.saveBestOnly ?? false, 'saveBestOnly', NAME);
    this.saveWeightsOnly = checkBoolean(given.saveWeightsOnly ?? false, 'saveWeightsOnly', NAME);
    this.mode = validateMode(NAME, given.mode ?? 'auto');
    const saveFreq = given.saveFreq ?? 'epoch';
    if (saveFreq !== 'epoch' && !(typeof saveFreq === 'number' && Number.isInteger(saveFreq) && saveFreq > 0)) {
      throw new InvalidArgumentError('saveFreq', saveFreq, "'epoch' or a positive integer number of batches", NAME);
    }
    this.saveFreq = saveFreq;
    if (this.saveWeightsOnly) {
      if (!filepath.endsWith('.weights.h5')) {
        throw new InvalidArgumentError('filepath', filepath, "a path ending in '.weights.h5' when saveWeightsOnly is true", NAME);
      }
    } else if (!filepath.endsWith('.keras') && !filepath.endsWith('.h5')) {
      throw new InvalidArgumentError('filepath', filepath, "a path ending in '.keras' (or '.h5'; '.weights.h5' with saveWeightsOnly: true)", NAME);
    }
    this.fields = checkTemplate(filepath);
    const threshold = given.initialValueThreshold ?? null;
    if (threshold !== null && (typeof threshold !== 'number' || Number.isNaN(threshold))) {
      throw new InvalidArgumentError('initialValueThreshold', threshold, 'a number or null', NAME);
    }
    this.direction = resolveMonitorDirection(NAME, this.monitor, this.mode);
    this.filepath = filepath;
    this.best = threshold;
    this.save = given.save ?? null;
    this.writer = given.writer;
    if (this.save === null) {
      if (installedSaver === null) {
        throw new InvalidArgumentError('save', undefined, "a save function, or import the package from its index ('depthwise'), which installs the library's savers", NAME);
      }
      installedSaver.start();
    }
  }

  /**
   * Checks, before the first epoch, what can only be checked now: that the template's fields are among
   * the logs `fit` will produce, and that the saver is ready.
   */
  override onTrainBegin(): void {
    fs(); // files need Node: say so before the first epoch, not at the first save
    const logKeys = this.params?.logKeys;
    if (logKeys !== undefined) {
      // ReduceLROnPlateau adds learning_rate to the epoch logs, as in Keras 3.
      const known = new Set(['epoch', ...(this.saveFreq === 'epoch' ? [] : ['batch']), ...logKeys, 'learning_rate']);
      const unknown = this.fields.find((f) => !known.has(f));
      if (unknown !== undefined) {
        throw new InvalidArgumentError('filepath', this.filepath, `format fields among ${[...known].map((k) => `{${k}}`).join(', ')} (this fit logs no '${unknown}')`, NAME);
      }
    }
    if (this.save === null && installedSaver !== null) {
      const reason = installedSaver.notReady();
      if (reason !== null) throw new Error(`${NAME}: cannot save ${this.filepath}: ${reason}`);
    }
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
      throw new InvalidArgumentError('filepath', filepath, 'a file path, not an existing directory', NAME);
    }
    const save = this.save ?? (installedSaver as CheckpointSaver).save;
    save(filepath, this.requireModel(), { weightsOnly: this.saveWeightsOnly });
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
