/**
 * The public save/load entry points. Each async function loads the HDF5 module on first use; the `*Sync`
 * variants (what ModelCheckpoint uses inside a synchronous `fit`) need it loaded: the Node entry loads it at
 * import, elsewhere `await ioReady()` once before.
 */

import { InvalidArgumentError } from '../errors.js';
import { requireNodeBuiltin } from '../platform/node-builtins.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';
import { Model } from '../models/model.js';
import type { CallbackModel } from '../training/callbacks/index.js';
import { writeFileAtomic } from './atomic-write.js';
import type { LoadLimits } from './budget.js';
import { LoadBudget } from './budget.js';
import { asFileError, ModelFileError } from './errors.js';
import { readRegularFile } from './file-read.js';
import { ioReady, writeH5 } from './hdf5.js';
import { readH5Tree } from './h5-isolate.js';
import type { LoadOptions } from './keras-format.js';
import { loadOptionsBudget, modelFromKerasBytes, modelToKerasBytes } from './keras-format.js';
import { modelFromLegacyH5, readLegacyWeights } from './legacy-h5.js';
import { modelToLegacyH5Bytes, weightsToLegacyH5Bytes } from './legacy-h5-write.js';
import { modelFromTfjs } from './tfjs-load.js';
import { applyWeights } from './weight-assignment.js';
import { layersGroupName, readModelWeights, readOptimizer, skippedWarning, writeModelWeights } from './weights-store.js';
import { readZip } from './zip.js';
import { downloadBytes } from './download.js';
import { writeToIndexedDb } from './indexeddb.js';
import type { LoadedSource, ModelSource } from './model-source.js';
import { DOWNLOADS_SCHEME, fileKind, INDEXEDDB_SCHEME, pathOf, readSource } from './model-source.js';
import { memoryShards, modelFromTfjsJson, tfjsShardNames } from './tfjs-load.js';

function lower(file: string): string {
  if (typeof file !== 'string' || file === '') throw new ModelFileError(String(file), 'a file path (string) is required');
  return file.toLowerCase();
}

function kerasBytes(model: Model, file: string): Uint8Array {
  try {
    return modelToKerasBytes(model);
  } catch (error) {
    throw asFileError(file, 'cannot serialize the model', error);
  }
}

/**
 * Saves `model` to `file` in Keras 3's `.keras` format, or Keras 2's HDF5 format for a path ending in `.h5`
 * / `.hdf5` (as Keras 3's `model.save`), atomically; with no `file`, returns the bytes of a `.keras` file
 * instead. Synchronous; needs the HDF5 module loaded (the Node entry loads it at import; else `await ioReady()`).
 *
 * @example
 * ```ts
 * await ioReady();
 * saveModelSync(model, 'model.keras');
 * const bytes = saveModelSync(model); // the same file, in memory
 * ```
 */
export function saveModelSync(model: Model): Uint8Array;
export function saveModelSync(model: Model, file: string, options?: SaveOptions): void;
export function saveModelSync(model: Model, file?: string, options: SaveOptions = {}): Uint8Array | void {
  checkSaveOptions(options, 'saveModel');
  if (file === undefined) return kerasBytes(model, '<bytes>');
  const name = lower(file);
  refuseExisting(file, options);
  if (name.endsWith('.h5') || name.endsWith('.hdf5')) return writeFileAtomic(file, legacyBytes(model, file));
  if (!name.endsWith('.keras')) throw new ModelFileError(file, "model files end in '.keras' (Keras 3's format) or '.h5' / '.hdf5' (Keras 2's)");
  writeFileAtomic(file, kerasBytes(model, file));
}

function legacyBytes(model: Model, file: string): Uint8Array {
  try {
    return modelToLegacyH5Bytes(model);
  } catch (error) {
    throw asFileError(file, 'cannot serialize the model', error);
  }
}

/** Options of {@link saveModel} and {@link saveWeights}, as Keras's `save(filepath, overwrite=True)`. */
export interface SaveOptions {
  /** Replace an existing file (default true); false refuses a path that exists (Keras asks instead). */
  overwrite?: boolean;
}

const SAVE_OPTION_KEYS = optionKeys<SaveOptions>()(['overwrite']);

function checkSaveOptions(options: unknown, context: string): void {
  checkOptions(options, SAVE_OPTION_KEYS, context);
  const overwrite = (options as SaveOptions | undefined)?.overwrite;
  if (overwrite !== undefined && typeof overwrite !== 'boolean') throw new InvalidArgumentError('overwrite', overwrite, 'true or false', context);
}

function refuseExisting(file: string, options: SaveOptions): void {
  if (options.overwrite === false && requireNodeBuiltin('node:fs', 'saveModel').existsSync(file)) {
    throw new ModelFileError(file, 'exists, and overwrite is false');
  }
}

/** `name` with `extension` added unless it already ends with it. */
function withExtension(name: string, extension: string): string {
  return name.toLowerCase().endsWith(extension) ? name : `${name}${extension}`;
}

/**
 * Saves `model` (config, weights, optimizer state) in Keras 3's `.keras` format, as Keras 3's `model.save`:
 * to a path (Node), to `'downloads://name'` (a browser download of `name.keras`), to `'indexeddb://name'`
 * (the browser's IndexedDB, for `loadModel('indexeddb://name')`), or, with no `file`, into the bytes it
 * resolves to.
 *
 * @example
 * ```ts
 * await saveModel(model, 'model.keras');
 * const bytes = await saveModel(model); // Uint8Array of a .keras file
 * await saveModel(model, 'indexeddb://digits');
 * ```
 */
export async function saveModel(model: Model): Promise<Uint8Array>;
export async function saveModel(model: Model, file: string, options?: SaveOptions): Promise<void>;
export async function saveModel(model: Model, file?: string, options: SaveOptions = {}): Promise<Uint8Array | void> {
  checkSaveOptions(options, 'saveModel');
  await ioReady();
  if (file === undefined) return saveModelSync(model);
  if (typeof file === 'string' && file.startsWith(DOWNLOADS_SCHEME)) {
    return downloadBytes(kerasBytes(model, file), withExtension(file.slice(DOWNLOADS_SCHEME.length) || 'model', '.keras'), file);
  }
  if (typeof file === 'string' && file.startsWith(INDEXEDDB_SCHEME)) {
    return writeToIndexedDb(file.slice(INDEXEDDB_SCHEME.length), kerasBytes(model, file), file);
  }
  saveModelSync(model, file, options);
}

/**
 * Loads a model from `.keras` (Keras 3), `.h5`/`.hdf5` (Keras 2 legacy full model) or a TensorFlow.js
 * `model.json`. Synchronous; needs `await ioReady()` once. See {@link loadModel} for the options.
 *
 * @example
 * ```ts
 * await ioReady();
 * const model = loadModelSync('model.keras');
 * ```
 */
export function loadModelSync(file: string | ArrayBuffer | ArrayBufferView, options: LoadOptions = {}): Model {
  loadOptionsBudget(options, 'loadModel');
  if (typeof file !== 'string' && (file instanceof ArrayBuffer || ArrayBuffer.isView(file))) {
    const bytes = file instanceof ArrayBuffer ? new Uint8Array(file) : new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
    loadOptionsBudget(options, 'loadModel').checkFileBytes('<bytes>', bytes.byteLength);
    return modelFromFileBytes(bytes, '<bytes>', options, null);
  }
  const name = lower(file);
  const budget = loadOptionsBudget(options, 'loadModel');
  // TF.js and Keras 2 files load uncompiled: `compile` has nothing to apply there.
  const { compile: _compile, ...limits } = options;
  if (name.endsWith('.json')) return modelFromTfjs(file, limits);
  const isKeras = name.endsWith('.keras');
  if (!isKeras && !name.endsWith('.h5') && !name.endsWith('.hdf5')) {
    throw new ModelFileError(file, "unknown model file type: expected '.keras', '.h5', '.hdf5' or a TensorFlow.js 'model.json'");
  }
  const bytes = readRegularFile(file, (size) => budget.checkFileBytes(file, size));
  return isKeras ? modelFromKerasBytes(bytes, file, options) : modelFromLegacyH5(bytes, file, limits);
}

/**
 * A model from the bytes of a file whose kind the bytes tell (see `model-source.ts`); a `model.json`'s
 * shards come from `shards` (file name to bytes), or the JSON must name none.
 */
function modelFromFileBytes(bytes: Uint8Array, name: string, options: LoadOptions, shards: ReadonlyMap<string, Uint8Array> | null): Model {
  const { compile: _compile, ...limits } = options;
  const kind = fileKind(bytes);
  if (kind === 'keras') return modelFromKerasBytes(bytes, name, options);
  if (kind === 'hdf5') return modelFromLegacyH5(bytes, name, limits);
  if (kind === 'json') {
    if (shards === null && tfjsShardNames(bytes, name, limits).length > 0) {
      throw new ModelFileError(name, 'is a TensorFlow.js model.json whose weight shards cannot be found from bytes alone: load it by URL or path, or pass [model.json, ...shard Files]');
    }
    return modelFromTfjsJson(bytes, name, limits, memoryShards(shards ?? new Map(), ''));
  }
  throw new ModelFileError(name, 'is neither a .keras file (zip), a Keras 2 .h5 file (HDF5) nor a TensorFlow.js model.json');
}

/** A model from a source read into memory, fetching a `model.json`'s shards beside it. */
async function modelFromLoadedSource(loaded: LoadedSource, options: LoadOptions): Promise<Model> {
  const { compile: _compile, ...limits } = options;
  if (fileKind(loaded.bytes) !== 'json' || loaded.sibling === null) return modelFromFileBytes(loaded.bytes, loaded.name, options, null);
  const shards = new Map<string, Uint8Array>();
  for (const shard of tfjsShardNames(loaded.bytes, loaded.name, limits)) shards.set(shard, await loaded.sibling(shard));
  return modelFromFileBytes(loaded.bytes, loaded.name, options, shards);
}

/**
 * Loads a model saved by Keras 3 (`.keras`), Keras 2 (`.h5`) or TensorFlow.js (`model.json`), from a path
 * (Node), a URL (fetched; a `model.json`'s shards are fetched beside it), `'indexeddb://name'`, a `File` or
 * `Blob`, an `ArrayBuffer` or `Uint8Array` (in Node too), or a list of `File`s (a `model.json` and its
 * shards). Only built-in and registered layer classes load; nothing in the file is ever executed. Files are
 * untrusted: what a file declares (weights, layers, config size) is checked against a budget before
 * anything is allocated, and refused with a {@link ModelFileError} naming the file and the figure.
 * `options.maxBytes` (default 2 GiB of weights and optimizer state), `maxLayers` (10,000) and
 * `maxConfigBytes` (16 MiB) raise the limits for files you trust; `compile: false` skips the training
 * configuration.
 *
 * @example
 * ```ts
 * const model = await loadModel('model.keras');
 * const fromWeb = await loadModel('https://example.com/models/digits.keras');
 * const fromDrop = await loadModel(event.dataTransfer.files[0]);
 * const y = model.predict(x);
 * ```
 */
export async function loadModel(source: ModelSource, options: LoadOptions = {}): Promise<Model> {
  loadOptionsBudget(options, 'loadModel');
  await ioReady();
  const path = pathOf(source);
  if (path !== null) return loadModelSync(path, options);
  const loaded = await readSource(source, loadOptionsBudget(options, 'loadModel'), 'loadModel');
  return modelFromLoadedSource(loaded, options);
}

/**
 * Writes the weights (and the optimizer's state, when compiled) to a `.weights.h5` file in Keras 3's layout,
 * or, to a path ending in `.h5` / `.hdf5`, the weights alone in Keras 2's layout (as tf.keras wrote them).
 *
 * @example
 * ```ts
 * await ioReady();
 * saveWeightsSync(model, 'model.weights.h5');
 * ```
 */
export function saveWeightsSync(model: Model): Uint8Array;
export function saveWeightsSync(model: Model, file: string, options?: SaveOptions): void;
export function saveWeightsSync(model: Model, file?: string, options: SaveOptions = {}): Uint8Array | void {
  checkSaveOptions(options, 'saveWeights');
  if (file === undefined) return weightsBytes(model, '<bytes>');
  const name = lower(file);
  const legacy = !name.endsWith('.weights.h5') && (name.endsWith('.h5') || name.endsWith('.hdf5'));
  if (!legacy && !name.endsWith('.weights.h5')) {
    throw new ModelFileError(file, "weights files end in '.weights.h5' (Keras 3's layout) or '.h5' / '.hdf5' (Keras 2's)");
  }
  refuseExisting(file, options);
  writeFileAtomic(file, legacy ? legacyWeightsBytes(model, file) : weightsBytes(model, file));
}

/** Keras 2's weights-only layout (tf.keras `save_weights('w.h5')`), which Keras 3's `load_weights` reads too. */
function legacyWeightsBytes(model: Model, file: string): Uint8Array {
  try {
    return weightsToLegacyH5Bytes(model);
  } catch (error) {
    throw asFileError(file, 'cannot serialize the weights', error);
  }
}

function weightsBytes(model: Model, file: string): Uint8Array {
  model.checkNotDisposed('saveWeights');
  try {
    return writeH5((root) => writeModelWeights(root, model, model.optimizer));
  } catch (error) {
    throw asFileError(file, 'cannot serialize the weights', error);
  }
}

/**
 * Async {@link saveWeightsSync}, as Keras's `model.save_weights`: to a path, `'downloads://name'`
 * (`name.weights.h5`), `'indexeddb://name'`, or with no `file` into the bytes of a `.weights.h5` file.
 *
 * @example
 * ```ts
 * await saveWeights(model, 'model.weights.h5');
 * const bytes = await saveWeights(model);
 * ```
 */
export async function saveWeights(model: Model): Promise<Uint8Array>;
export async function saveWeights(model: Model, file: string, options?: SaveOptions): Promise<void>;
export async function saveWeights(model: Model, file?: string, options: SaveOptions = {}): Promise<Uint8Array | void> {
  checkSaveOptions(options, 'saveWeights');
  await ioReady();
  if (file === undefined) return saveWeightsSync(model);
  if (typeof file === 'string' && file.startsWith(DOWNLOADS_SCHEME)) {
    return downloadBytes(weightsBytes(model, file), withExtension(file.slice(DOWNLOADS_SCHEME.length) || 'model', '.weights.h5'), file);
  }
  if (typeof file === 'string' && file.startsWith(INDEXEDDB_SCHEME)) {
    return writeToIndexedDb(file.slice(INDEXEDDB_SCHEME.length), weightsBytes(model, file), file);
  }
  saveWeightsSync(model, file, options);
}

/**
 * Options of {@link loadWeights}: the limits of {@link loadModel} (`maxBytes`, ...) and Keras's
 * `load_weights(filepath, skip_mismatch=False, by_name=...)`.
 */
export interface LoadWeightsOptions extends LoadLimits {
  /**
   * Keras 2 `.h5` files only (Keras refuses it for `.keras` and `.weights.h5`, and so do we): match the
   * file's layers to the model's by name, ignoring the file's layers the model lacks and leaving the model's
   * layers the file lacks as they are. Default: in order, among the layers that have weights (Keras's
   * topological loading).
   */
  byName?: boolean;
  /**
   * Skip, with Keras's warning (`console.warn`), what does not fit instead of refusing the file: in a Keras 2
   * `.h5`, each weight whose shape differs (and, by name, each layer whose weight count differs); in a
   * `.keras` or `.weights.h5`, each layer whose weights are missing or differ in count or shape (Keras may
   * assign a layer's weights before the one that differs; we skip the whole layer), and an optimizer state
   * of another size. Default false.
   */
  skipMismatch?: boolean;
}

const LOAD_WEIGHTS_OPTION_KEYS = optionKeys<Omit<LoadWeightsOptions, keyof LoadLimits>>()(['byName', 'skipMismatch']);

/** Checks loadWeights' options, returning the budget and the matching options. */
function loadWeightsOptions(options: LoadWeightsOptions): { budget: LoadBudget; byName: boolean | undefined; skipMismatch: boolean } {
  const budget = LoadBudget.from(options, 'loadWeights', LOAD_WEIGHTS_OPTION_KEYS);
  for (const key of LOAD_WEIGHTS_OPTION_KEYS) {
    const value = options[key];
    if (value !== undefined && typeof value !== 'boolean') throw new InvalidArgumentError(key, value, 'true or false', 'loadWeights');
  }
  return { budget, byName: options.byName, skipMismatch: options.skipMismatch ?? false };
}

/**
 * Loads weights into `model`, as Keras 3's `model.load_weights`: a Keras 3 `.weights.h5`, or the weights of a
 * `.keras` file (by Keras's layer keys, plus the optimizer's state when the model is compiled), or a Keras 2
 * `.h5` weights or full-model file (in order among the layers with weights, or by name with `byName`). All
 * or nothing: every weight and the optimizer's state are read and checked before the first is assigned, so a
 * refused file leaves the model exactly as it was; `skipMismatch` skips what does not fit, with a warning.
 * `options` also takes the limits of {@link loadModel} (`maxBytes`, ...).
 *
 * @example
 * ```ts
 * await ioReady();
 * loadWeightsSync(model, 'model.weights.h5');
 * loadWeightsSync(model, 'old.h5', { byName: true, skipMismatch: true });
 * ```
 */
export function loadWeightsSync(model: Model, file: string | ArrayBuffer | ArrayBufferView, options: LoadWeightsOptions = {}): void {
  loadWeightsFrom(model, file, options, false);
}

/**
 * @internal The applications' `weights` option: {@link loadWeightsSync}, except that a Keras 2 `.h5` is
 * matched by layer name with every model layer that has weights required (so the file of a model with its
 * top loads into the model without it, and nothing is left silently random).
 */
export function loadWeightsByLayerNameSync(model: Model, file: string | ArrayBuffer | ArrayBufferView): void {
  loadWeightsFrom(model, file, {}, true);
}

function loadWeightsFrom(model: Model, file: string | ArrayBuffer | ArrayBufferView, options: LoadWeightsOptions, strictNames: boolean): void {
  loadWeightsOptions(options);
  if (!(model instanceof Model)) throw new InvalidArgumentError('model', model, 'a depthwise Model to load the weights into', 'loadWeights');
  const { budget } = loadWeightsOptions(options);
  if (typeof file !== 'string' && (file instanceof ArrayBuffer || ArrayBuffer.isView(file))) {
    const bytes = file instanceof ArrayBuffer ? new Uint8Array(file) : new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
    budget.checkFileBytes('<bytes>', bytes.byteLength);
    return weightsFromBytes(model, bytes, '<bytes>', options, strictNames);
  }
  const name = lower(file);
  if (!name.endsWith('.h5') && !name.endsWith('.hdf5') && !name.endsWith('.keras')) {
    throw new ModelFileError(file, "weights are read from '.weights.h5' or '.keras' files (Keras 3) or '.h5' / '.hdf5' files (Keras 2)");
  }
  weightsFromBytes(model, readRegularFile(file, (size) => budget.checkFileBytes(file, size)), file, options, strictNames);
}

/**
 * Assigns the weights of a file's bytes, all or nothing: a zip is a `.keras` file (its `model.weights.h5`),
 * an HDF5 file in Keras 3's layout a `.weights.h5`, else a Keras 2 `.h5`. Warnings (skipMismatch) are
 * printed once the weights are assigned.
 */
function weightsFromBytes(model: Model, bytes: Uint8Array, file: string, options: LoadWeightsOptions, strictNames = false): void {
  model.checkNotDisposed('loadWeights');
  const { budget, byName, skipMismatch } = loadWeightsOptions(options);
  const warnings: string[] = [];
  const warn = (message: string): void => void warnings.push(message);
  const kind = fileKind(bytes);
  if (kind !== 'keras' && kind !== 'hdf5') throw new ModelFileError(file, 'is neither a .keras file (zip) nor an HDF5 weights file (.weights.h5, Keras 2 .h5)');
  const tree =
    kind === 'keras'
      ? readH5Tree(readZip(bytes, file, { 'model.weights.h5': budget.maxFileBytes }).get('model.weights.h5') as Uint8Array, `${file} (model.weights.h5)`, budget, model.layers.length)
      : readH5Tree(bytes, file, budget, model.layers.length);
  if (kind === 'hdf5' && layersGroupName(tree) === null) {
    // A Keras 2 full-model file keeps its weights under model_weights (Keras's load_weights looks there too).
    const base = tree.stringListAttr('', 'layer_names') === null && tree.group('model_weights') !== null ? 'model_weights' : '';
    applyWeights(file, readLegacyWeights(tree, model, base, strictNames ? null : { byName: byName ?? false, skipMismatch, warn }), null);
  } else {
    if (byName !== undefined) {
      throw new ModelFileError(file, `byName only applies to Keras 2 '.h5' / '.hdf5' files, as Keras's by_name; this is a Keras 3 ${kind === 'keras' ? '.keras' : '.weights.h5'} file, whose weights are matched by Keras's layer keys`);
    }
    const skipped = skipMismatch ? [] : null;
    const weights = readModelWeights(tree, model, null, skipped);
    const optimizer = readOptimizer(tree, model, skipMismatch ? warn : null);
    applyWeights(file, weights, optimizer);
    const message = skippedWarning(file, skipped ?? []);
    if (message !== null) warnings.unshift(message);
  }
  for (const message of warnings) console.warn(message);
}

/**
 * Async {@link loadWeightsSync}, as Keras's `model.load_weights`, from a path or any source
 * {@link loadModel} reads (URL, `'indexeddb://name'`, `File`/`Blob`, bytes): `.weights.h5`, `.keras` or a
 * Keras 2 `.h5`, told apart by their bytes.
 *
 * @example
 * ```ts
 * await loadWeights(model, 'model.weights.h5');
 * await loadWeights(model, 'https://example.com/digits.keras'); // the weights part of a .keras file
 * await loadWeights(model, await (await fetch('digits.weights.h5')).arrayBuffer());
 * ```
 */
export async function loadWeights(model: Model, file: ModelSource, options: LoadWeightsOptions = {}): Promise<void> {
  loadWeightsOptions(options);
  await ioReady();
  const path = pathOf(file);
  if (path !== null) return loadWeightsSync(model, path, options);
  if (!(model instanceof Model)) throw new InvalidArgumentError('model', model, 'a depthwise Model to load the weights into', 'loadWeights');
  const { budget } = loadWeightsOptions(options);
  const loaded = await readSource(file, budget, 'loadWeights');
  weightsFromBytes(model, loaded.bytes, loaded.name, options);
}

/**
 * What {@link ModelCheckpoint} saves with unless given a `save` of its own (io installs it as the package
 * loads): `.keras` or Keras 2 `.h5` models, or `.weights.h5` weights with `saveWeightsOnly`, written
 * atomically. Synchronous; needs the HDF5 module loaded (the Node entry loads it at import).
 *
 * @example
 * ```ts
 * const checkpoint = new ModelCheckpoint({ filepath: 'ckpt/{epoch:02d}.keras' }); // saves with checkpointSave
 * ```
 */
export function checkpointSave(file: string, model: CallbackModel, options: { weightsOnly: boolean }): void {
  if (!(model instanceof Model)) throw new ModelFileError(file, 'ModelCheckpoint can only save depthwise models');
  if (options.weightsOnly) saveWeightsSync(model, file);
  else saveModelSync(model, file);
}
