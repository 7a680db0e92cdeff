/**
 * Reading Keras's config of a whole model (Keras 3's `serialize_keras_object(model)`, and Keras 2's
 * spellings of TF.js and legacy `.h5`): a Sequential's list of layers, a Functional's graph (see
 * functional-config.ts), models nested as layers. The writer is config-write.ts.
 */

import type { Layer, SymbolicShape } from '../layers/layer.js';
import { InputLayer } from '../layers/input-layer.js';
import type { Model } from '../models/model.js';
import { Sequential } from '../models/sequential.js';
import { Functional } from '../models/functional.js';
import { InvalidArgumentError } from '../errors.js';
import { modelToConfig } from './config-write.js';
import { parseJson } from './json.js';
import type { LoadLimits } from './budget.js';
import { LoadBudget } from './budget.js';
import { ModelFileError, withFileContext } from './errors.js';
import type { EntryReader } from './functional-config.js';
import { planFunctional } from './functional-config.js';
import { checkShape, layerFromEntry } from './layer-entry.js';
import type { StoredWeights } from './weight-ledger.js';
import { outputShapeOf, WeightLedger } from './weight-ledger.js';

/**
 * A Sequential config in two passes (see weight-ledger.ts): each layer constructed and its weights counted
 * along the shapes, refusing at the first layer the budget or the file cannot cover; built afterwards.
 */
function planSequential(config: Record<string, unknown>, file: string, ledger: WeightLedger, budget: LoadBudget, readEntry: EntryReader): () => Model {
  const entries = config.layers;
  if (!Array.isArray(entries)) throw new ModelFileError(file, 'the Sequential config has no `layers` list');
  budget.checkLayers(file, 'the Sequential config', entries.length);
  let input: InputLayer | null = null;
  const stack: Layer[] = [];
  let shape: SymbolicShape | null = null;
  for (let i = 0; i < entries.length; i++) {
    const layer = readEntry(entries[i], `layers[${i}]`);
    if (layer instanceof InputLayer) {
      if (i !== 0) throw new ModelFileError(file, `layers[${i}] is an InputLayer, which may only come first in a Sequential model`);
      input = layer;
      shape = layer.output.shape;
      continue;
    }
    if (stack.length === 0 && input === null) {
      // Keras 3 writes `build_input_shape` for a Sequential built without an InputLayer.
      const declared = config.build_input_shape ?? null;
      if (layer.batchInputShape === null && declared !== null) input = new InputLayer({ batchShape: checkShape(declared, 'build_input_shape', file), dtype: layer.dtype });
      shape = input?.output.shape ?? layer.batchInputShape;
    }
    stack.push(layer);
    if (shape === null) continue;
    ledger.declare(layer, shape);
    shape = outputShapeOf(layer, shape);
  }
  const start = input;
  return () => {
    const model = new Sequential({ name: typeof config.name === 'string' ? config.name : undefined });
    if (start !== null) model.add(start.output);
    stack.forEach((layer, i) => {
      const current = model.outputs[0]?.shape ?? (i === 0 ? layer.batchInputShape : null);
      if (current !== null) ledger.declare(layer, current);
      model.add(layer);
    });
    return model;
  };
}

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/**
 * The layer of one entry; a nested model (a Sequential or Functional used as a layer) is planned against
 * the same ledger, so its weights count towards the file's budget, and built at once.
 */
function entryReader(file: string, ledger: WeightLedger, budget: LoadBudget, depth: number): EntryReader {
  return (entry, where) => {
    const className = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).class_name : undefined;
    if (typeof className !== 'string' || !MODEL_CLASSES.has(className)) return layerFromEntry(entry, where, file);
    if (depth >= MAX_NESTING) throw new ModelFileError(file, `${where}: models nested more than ${MAX_NESTING} deep`);
    return planEntry(entry, file, ledger, budget, depth + 1)();
  };
}

/** How deep models may nest in a file (Keras has no limit; this bounds the recursion on hostile input). */
const MAX_NESTING = 32;

function planEntry(serialized: unknown, file: string, ledger: WeightLedger, budget: LoadBudget, depth: number): () => Model {
  if (typeof serialized !== 'object' || serialized === null || Array.isArray(serialized)) {
    throw new ModelFileError(file, 'the model config must be an object {class_name, config}');
  }
  const { class_name: className, config: written } = serialized as Record<string, unknown>;
  // Keras 2.0 - 2.2 wrote a Sequential's config as the bare list of its layers.
  const config = className === 'Sequential' && Array.isArray(written) ? { layers: written } : written;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ModelFileError(file, 'the model config has no `config` object');
  }
  const body = config as Record<string, unknown>;
  const readEntry = entryReader(file, ledger, budget, depth);
  const build = withFileContext(file, 'the model config does not build', () => {
    if (className === 'Sequential') return planSequential(body, file, ledger, budget, readEntry);
    if (className === 'Functional' || className === 'Model') return planFunctional(body, file, ledger, budget, readEntry);
    throw new ModelFileError(file, `unknown model class ${JSON.stringify(className)?.slice(0, 80)}; expected 'Sequential' or 'Functional'`);
  });
  return () => {
    const model = withFileContext(file, 'the model config does not build', build);
    // Only the model's own flag: each layer's config already carried its own (a nested model unfrozen
    // inside a frozen one stays unfrozen, as Keras loads it).
    if (body.trainable === false) model.setOwnTrainable(false);
    return model;
  };
}

/**
 * Reads a model config (Keras 3's form, or Keras 2's `{class_name, config}` of `model_config` and TF.js)
 * within `budget`: every layer is constructed and its weights counted against the budget and against what
 * the file's weight data holds (`stored`, when known), nothing built yet. Returns the builder.
 */
export function planModel(serialized: unknown, file: string, budget: LoadBudget, stored: StoredWeights | null): () => Model {
  return planEntry(serialized, file, new WeightLedger(budget, file, stored), budget, 0);
}

/**
 * Rebuilds a model from its Keras config (Keras 3's form, or Keras 2's `{class_name, config}` of
 * `model_config` and TF.js). Only built-in and registered layer classes load; the config's declared
 * weights must fit `limits` (see {@link LoadLimits}).
 *
 * @param file - named in errors; the path the config came from.
 * @example
 * ```ts
 * const copy = modelFromConfig(modelToConfig(model));
 * ```
 */
export function modelFromConfig(serialized: unknown, file = 'model config', limits?: LoadLimits): Model {
  return planModel(serialized, file, LoadBudget.from(limits, 'modelFromConfig'), null)();
}

/**
 * Rebuilds a model from the JSON of `model.toJson()` (Keras's `keras.models.model_from_json`), or of a
 * Keras 2 `model.to_json()`: same layers and graph, freshly initialized weights.
 *
 * @example
 * ```ts
 * const copy = modelFromJson(model.toJson());
 * ```
 */
export function modelFromJson(json: string, limits?: LoadLimits): Model {
  const file = 'model JSON';
  const budget = LoadBudget.from(limits, 'modelFromJson');
  if (typeof json !== 'string') throw new InvalidArgumentError('json', json, 'the JSON string of model.toJson()', 'modelFromJson');
  return planModel(parseJson(file, 'the model JSON', json, budget), file, budget, null)();
}

/**
 * Keras's `keras.models.clone_model(model)`: a new model of the same architecture (Sequential, functional,
 * several inputs and outputs, nested models) whose layers are all new, re-created from their configs, with
 * freshly initialized weights; the original is untouched, and the clone is not compiled.
 *
 * @example
 * ```ts
 * const twin = cloneModel(model);
 * twin.setWeights(model.getWeights()); // to copy the weights too
 * ```
 */
export function cloneModel(model: Model): Model {
  if (!(model instanceof Sequential) && !(model instanceof Functional)) {
    throw new InvalidArgumentError('model', model, 'a Sequential or functional model', 'cloneModel');
  }
  // The model is already in memory: its own size is no reason to refuse it.
  return modelFromConfig(modelToConfig(model), `model '${model.name}'`, { maxLayers: Number.MAX_SAFE_INTEGER });
}
