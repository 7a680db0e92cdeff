/**
 * The public save/load entry points. Each async function loads the HDF5 module on first use; the `*Sync`
 * variants (for ModelCheckpoint inside a synchronous `fit`) need `await ioReady()` once before.
 */

import { InvalidArgumentError } from '../errors.js';
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
import { modelFromTfjs } from './tfjs-load.js';
import { applyWeights } from './weight-assignment.js';
import { readModelWeights, readOptimizer, writeModelWeights } from './weights-store.js';

function lower(file: string): string {
  if (typeof file !== 'string' || file === '') throw new ModelFileError(String(file), 'a file path (string) is required');
  return file.toLowerCase();
}

/**
 * Saves `model` to `file` in Keras 3's `.keras` format, atomically. Synchronous; needs `await ioReady()` once.
 *
 * @example
 * ```ts
 * await ioReady();
 * saveModelSync(model, 'model.keras');
 * ```
 */
export function saveModelSync(model: Model, file: string): void {
  if (!lower(file).endsWith('.keras')) throw new ModelFileError(file, "model files are written in the .keras format: the path must end in '.keras'");
  let bytes: Uint8Array;
  try {
    bytes = modelToKerasBytes(model);
  } catch (error) {
    throw asFileError(file, 'cannot serialize the model', error);
  }
  writeFileAtomic(file, bytes);
}

/**
 * Saves `model` (config, weights, optimizer state) to a `.keras` file, as Keras 3's `model.save`.
 *
 * @example
 * ```ts
 * await saveModel(model, 'model.keras');
 * ```
 */
export async function saveModel(model: Model, file: string): Promise<void> {
  await ioReady();
  saveModelSync(model, file);
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
export function loadModelSync(file: string, options: LoadOptions = {}): Model {
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
 * Loads a model saved by Keras 3 (`.keras`), Keras 2 (`.h5`) or TensorFlow.js (`model.json`). Only built-in
 * and registered layer classes load; nothing in the file is ever executed. Files are untrusted: what a file
 * declares (weights, layers, config size) is checked against a budget before anything is allocated, and
 * refused with a {@link ModelFileError} naming the file and the figure. `options.maxBytes` (default 2 GiB
 * of weights and optimizer state), `maxLayers` (50,000) and `maxConfigBytes` (16 MiB) raise the limits for
 * files you trust; `compile: false` skips the training configuration.
 *
 * @example
 * ```ts
 * const model = await loadModel('model.keras');
 * const y = model.predict(x);
 * ```
 */
export async function loadModel(file: string, options: LoadOptions = {}): Promise<Model> {
  await ioReady();
  return loadModelSync(file, options);
}

/**
 * Writes the weights (and the optimizer's state, when compiled) to a `.weights.h5` file in Keras 3's layout.
 *
 * @example
 * ```ts
 * await ioReady();
 * saveWeightsSync(model, 'model.weights.h5');
 * ```
 */
export function saveWeightsSync(model: Model, file: string): void {
  if (!lower(file).endsWith('.weights.h5')) throw new ModelFileError(file, "weights files must end in '.weights.h5' (Keras 3's rule)");
  let bytes: Uint8Array;
  try {
    bytes = writeH5((root) => writeModelWeights(root, model, model.optimizer));
  } catch (error) {
    throw asFileError(file, 'cannot serialize the weights', error);
  }
  writeFileAtomic(file, bytes);
}

/**
 * Async {@link saveWeightsSync}, as Keras's `model.save_weights`.
 *
 * @example
 * ```ts
 * await saveWeights(model, 'model.weights.h5');
 * ```
 */
export async function saveWeights(model: Model, file: string): Promise<void> {
  await ioReady();
  saveWeightsSync(model, file);
}

/**
 * Loads weights into `model`: a Keras 3 `.weights.h5` (by Keras's layer keys, plus the optimizer's state when
 * the model is compiled), or a Keras 2 `.h5` (by layer name). All or nothing: every weight and the
 * optimizer's state are read and checked before the first is assigned, so a refused file leaves the model
 * exactly as it was. `options` are the limits of {@link loadModel} (`maxBytes`, ...).
 *
 * @example
 * ```ts
 * await ioReady();
 * loadWeightsSync(model, 'model.weights.h5');
 * ```
 */
export function loadWeightsSync(model: Model, file: string, options: LoadLimits = {}): void {
  const name = lower(file);
  const budget = LoadBudget.from(options, 'loadWeights');
  if (!(model instanceof Model)) throw new InvalidArgumentError('model', model, 'a depthwise Model to load the weights into', 'loadWeights');
  if (!name.endsWith('.h5') && !name.endsWith('.hdf5')) throw new ModelFileError(file, "weights files end in '.weights.h5' (Keras 3) or '.h5' (Keras 2)");
  const bytes = readRegularFile(file, (size) => budget.checkFileBytes(file, size));
  const tree = readH5Tree(bytes, file, budget);
  if (tree.group('layers') === null) {
    applyWeights(file, readLegacyWeights(tree, model), null);
    return;
  }
  applyWeights(file, readModelWeights(tree, model), readOptimizer(tree, model));
}

/**
 * Async {@link loadWeightsSync}, as Keras's `model.load_weights`.
 *
 * @example
 * ```ts
 * await loadWeights(model, 'model.weights.h5');
 * ```
 */
export async function loadWeights(model: Model, file: string, options: LoadLimits = {}): Promise<void> {
  await ioReady();
  loadWeightsSync(model, file, options);
}

/**
 * The `save` function for {@link ModelCheckpoint}: `.keras` models, or `.weights.h5` weights with
 * `saveWeightsOnly`, written atomically. Call `await ioReady()` once before `fit`.
 *
 * @example
 * ```ts
 * await ioReady();
 * const checkpoint = new ModelCheckpoint('ckpt/{epoch:02d}.keras', { save: checkpointSave });
 * ```
 */
export function checkpointSave(file: string, model: CallbackModel, options: { weightsOnly: boolean }): void {
  if (!(model instanceof Model)) throw new ModelFileError(file, 'ModelCheckpoint can only save depthwise models');
  if (options.weightsOnly) saveWeightsSync(model, file);
  else saveModelSync(model, file);
}
