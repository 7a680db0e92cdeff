/** Keras 3's native `.keras` file: a stored zip of `metadata.json`, `config.json` and `model.weights.h5`. */

import { InputLayer } from '../layers/input-layer.js';
import type { Layer } from '../layers/layer.js';
import type { Model } from '../models/model.js';
import { InvalidArgumentError } from '../errors.js';
import type { LoadLimits } from './budget.js';
import { LoadBudget } from './budget.js';
import { applyCompileConfig, compileConfigOf } from './compile-config.js';
import { ModelFileError } from './errors.js';
import { writeH5 } from './hdf5.js';
import { readH5Tree } from './h5-isolate.js';
import { expectObject, parseJson } from './json.js';
import { modelToConfig } from './config-write.js';
import { planModel } from './model-config.js';
import { applyWeights } from './weight-assignment.js';
import { readModelWeights, readOptimizer, writeModelWeights } from './weights-store.js';
import { readZip, writeZip } from './zip.js';

/** The Keras version whose format we write (and name in `metadata.json`). */
export const KERAS_FORMAT_VERSION = '3.15.1';

/**
 * Options of {@link modelFromKerasBytes} and `loadModel`: whether to compile, and the resource budget for
 * the file (see {@link LoadLimits}).
 */
export interface LoadOptions extends LoadLimits {
  /** Compile the model from the file's compile_config and restore the optimizer's state. Default true. */
  compile?: boolean;
}

/** Checks load options, returning their budget; `context` names the function in errors. */
export function loadOptionsBudget(options: LoadOptions, context: string): LoadBudget {
  const budget = LoadBudget.from(options, context, ['compile']);
  if (options.compile !== undefined && typeof options.compile !== 'boolean') throw new InvalidArgumentError('compile', options.compile, 'true or false', context);
  return budget;
}

function dateSaved(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}@${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}`;
}

/**
 * The bytes of a `.keras` file for `model` (config, weights, and the optimizer's state when compiled).
 * Needs `await ioReady()` first.
 *
 * @example
 * ```ts
 * await ioReady();
 * const bytes = modelToKerasBytes(model);
 * ```
 */
export function modelToKerasBytes(model: Model): Uint8Array {
  model.checkNotDisposed('saveModel');
  const config = { ...modelToConfig(model) };
  const compile = compileConfigOf(model);
  config.compile_config = compile;
  const weights = writeH5((root) => writeModelWeights(root, model, compile === null ? null : model.optimizer));
  const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  return writeZip([
    ['metadata.json', encode({ keras_version: KERAS_FORMAT_VERSION, date_saved: dateSaved(new Date()) })],
    ['config.json', encode(config)],
    ['model.weights.h5', weights],
  ]);
}

/** The layers in the order the file's config lists them, which is the order Keras keyed the weights by. */
function configOrder(model: Model, config: Record<string, unknown>): Layer[] {
  const body = config.config as Record<string, unknown>;
  const entries = Array.isArray(body.layers) ? (body.layers as unknown[]) : [];
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const layers: Layer[] = [];
  for (const entry of entries) {
    const name = (entry as { config?: { name?: unknown } }).config?.name ?? (entry as { name?: unknown }).name;
    const layer = typeof name === 'string' ? byName.get(name) : undefined;
    // A Sequential's InputLayer is in its config but not in `model.layers`, nor in the weights file.
    if (layer !== undefined && !(config.class_name === 'Sequential' && layer instanceof InputLayer)) layers.push(layer);
  }
  return layers;
}

/** How many layers a model config lists at its top level (0 when it lists none). */
function listedLayers(config: Record<string, unknown>): number {
  const body = config.config;
  const layers = typeof body === 'object' && body !== null ? (body as { layers?: unknown }).layers : undefined;
  return Array.isArray(layers) ? layers.length : 0;
}

/**
 * A model from the bytes of a `.keras` file. `file` names the source in errors. Everything the file
 * declares is checked against the budget in `options` before it is allocated, and the weights and the
 * optimizer's state are checked in full before either is assigned. Needs `await ioReady()` first.
 *
 * @example
 * ```ts
 * await ioReady();
 * const model = modelFromKerasBytes(bytes, 'upload.keras', { maxBytes: 2 ** 28 });
 * ```
 */
export function modelFromKerasBytes(bytes: Uint8Array, file: string, options: LoadOptions = {}): Model {
  const budget = loadOptionsBudget(options, 'modelFromKerasBytes');
  const entries = readZip(bytes, file, { 'metadata.json': budget.maxConfigBytes, 'config.json': budget.maxConfigBytes, 'model.weights.h5': budget.maxFileBytes });
  const metadata = expectObject(file, 'metadata.json', parseJson(file, 'metadata.json', entries.get('metadata.json') as Uint8Array, budget));
  if (typeof metadata.keras_version !== 'string' || !metadata.keras_version.startsWith('3.')) {
    throw new ModelFileError(file, `metadata.json names keras_version ${JSON.stringify(metadata.keras_version)?.slice(0, 80)}; the .keras format is Keras 3's`);
  }
  const config = expectObject(file, 'config.json', parseJson(file, 'config.json', entries.get('config.json') as Uint8Array, budget));
  // The layer count is checked before the weight data is read: reading HDF5 costs 0.1 to 0.6 ms an object.
  const layers = listedLayers(config);
  budget.checkLayers(file, typeof config.class_name === 'string' ? `the ${config.class_name.slice(0, 40)} config` : 'the model config', layers);
  // The weight data is read first (bounded by the budget), so that the config is held to what it stores.
  const tree = readH5Tree(entries.get('model.weights.h5') as Uint8Array, `${file} (model.weights.h5)`, budget, layers);
  const model = planModel(config, file, budget, { elements: tree.storedElements('layers'), where: 'model.weights.h5' })();
  const order = configOrder(model, config);
  const weights = readModelWeights(tree, model, order.length === model.layers.length ? order : null);
  const compileProblem = options.compile === false ? null : applyCompileConfig(model, config.compile_config);
  if (compileProblem !== null) console.warn(`${file}: the model is loaded uncompiled, its compile_config does not apply: ${compileProblem}`);
  applyWeights(file, weights, options.compile === false ? null : readOptimizer(tree, model));
  return model;
}
