/**
 * Keras 3's config of a whole model (`serialize_keras_object(model)`): Sequential as a list of layer configs
 * headed by its InputLayer, Functional as layers with `inbound_nodes` and `input_layers`/`output_layers`;
 * each layer with `build_config`. Reading also accepts Keras 2's spellings (TF.js and legacy `.h5`).
 */

import type { Layer, SymbolicShape, SymbolicTensor } from '../layers/layer.js';
import { InputLayer } from '../layers/input-layer.js';
import { baseLayerConfig } from '../layers/layer.js';
import type { Model } from '../models/model.js';
import { Sequential } from '../models/sequential.js';
import { callOrder, Functional } from '../models/functional.js';
import type { Config, ConfigValue, SerializedKerasObject } from '../serialization/keras-object.js';
import type { LoadLimits } from './budget.js';
import { LoadBudget } from './budget.js';
import { ModelFileError, withFileContext } from './errors.js';
import { BUILT_IN_LAYER_CLASSES } from '../layers/registry.js';
import { planFunctional } from './functional-config.js';
import { checkShape, layerFromEntry } from './layer-entry.js';
import type { StoredWeights } from './weight-ledger.js';
import { outputShapeOf, WeightLedger } from './weight-ledger.js';

/** One step of a model graph: the layer, the tensors it was called on, and its output. */
export interface GraphStep {
  readonly layer: Layer;
  readonly inputs: readonly SymbolicTensor[];
  readonly listInput: boolean;
  readonly output: SymbolicTensor;
}

/** The calls from a model's input to its output, each after those it depends on (inputs included). */
export function graphSteps(model: Model): GraphStep[] {
  const output = model.output;
  if (output === null) {
    throw new ModelFileError(model.name, 'the model has no known input shape, so its config cannot be written; build it first (call it on data or give an input shape)');
  }
  return callOrder(output).map((t) => ({ layer: t.producer.layer, inputs: t.producer.inputs, listInput: t.producer.listInput === true, output: t }));
}

/** Keras's `module` for a layer class: built-ins live in `keras.layers`, registered ones are the user's. */
function layerEntry(layer: Layer, inputShape: ConfigValue | null): SerializedKerasObject {
  const builtIn = layer instanceof InputLayer || BUILT_IN_LAYER_CLASSES.includes(layer.className);
  const entry: SerializedKerasObject = {
    // Keras writes the defining module; for a registered class it is the user's, which we do not know.
    module: builtIn ? 'keras.layers' : 'custom',
    class_name: layer.className,
    config: layer.getConfig(),
    registered_name: builtIn ? null : layer.className,
  };
  if (inputShape !== null) entry.build_config = { input_shape: inputShape };
  return entry;
}

function shapeValue(shape: SymbolicShape): ConfigValue {
  return [...shape];
}

function sequentialConfig(model: Sequential): SerializedKerasObject {
  const input = model.input;
  const layers: ConfigValue[] = [];
  let shape: SymbolicShape | null = input?.shape ?? null;
  if (input !== null) layers.push(layerEntry(input.producer.layer, null));
  for (const layer of model.layers) {
    layers.push(layerEntry(layer, shape === null ? null : shapeValue(shape)));
    if (shape !== null) shape = layer.computeOutputShape(shape);
  }
  const config: Config = { ...baseLayerConfig(model), layers };
  if (input !== null) config.build_input_shape = shapeValue(input.shape);
  const entry: SerializedKerasObject = { module: 'keras', class_name: 'Sequential', config, registered_name: null };
  if (input !== null) entry.build_config = { input_shape: shapeValue(input.shape) };
  return entry;
}

function tensorRef(t: SymbolicTensor, nodeIndex: ReadonlyMap<number, number>): ConfigValue {
  return {
    class_name: '__keras_tensor__',
    config: { shape: shapeValue(t.shape), dtype: t.dtype, keras_history: [t.producer.layer.name, nodeIndex.get(t.id) ?? 0, 0] },
  };
}

function functionalConfig(model: Model): SerializedKerasObject {
  const steps = graphSteps(model);
  const nodeIndex = new Map<number, number>();
  const callCount = new Map<Layer, number>();
  const nodesOf = new Map<Layer, ConfigValue[]>();
  const layerOrder: Layer[] = [];
  for (const step of steps) {
    const index = callCount.get(step.layer) ?? 0;
    callCount.set(step.layer, index + 1);
    nodeIndex.set(step.output.id, index);
    if (!nodesOf.has(step.layer)) {
      nodesOf.set(step.layer, []);
      layerOrder.push(step.layer);
    }
    if (step.inputs.length > 0) {
      const refs = step.inputs.map((t) => tensorRef(t, nodeIndex));
      nodesOf.get(step.layer)?.push({ args: [step.listInput ? refs : refs[0]], kwargs: {} });
    }
  }
  const firstInputShape = new Map<Layer, ConfigValue>();
  for (const step of steps) {
    if (step.inputs.length === 0 || firstInputShape.has(step.layer)) continue;
    firstInputShape.set(step.layer, step.listInput ? step.inputs.map((t) => shapeValue(t.shape)) : shapeValue(step.inputs[0].shape));
  }
  const layers: ConfigValue[] = layerOrder.map((layer) => ({
    ...layerEntry(layer, layer instanceof InputLayer ? null : (firstInputShape.get(layer) ?? null)),
    name: layer.name,
    inbound_nodes: nodesOf.get(layer) ?? [],
  }));
  const input = steps[0].output;
  const output = steps[steps.length - 1].output;
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: model.name,
      trainable: model.trainable,
      layers,
      input_layers: [input.producer.layer.name, 0, 0],
      output_layers: [output.producer.layer.name, nodeIndex.get(output.id) ?? 0, 0],
    },
    registered_name: 'Functional',
    build_config: { input_shape: null },
  };
}

/**
 * Keras 3's serialized form of a model, as `config.json` of a `.keras` file holds it (without
 * `compile_config`, which the saver adds).
 *
 * @example
 * ```ts
 * const json = JSON.stringify(modelToConfig(model));
 * ```
 */
export function modelToConfig(model: Model): SerializedKerasObject {
  return model instanceof Sequential ? sequentialConfig(model) : functionalConfig(model);
}

/**
 * A Sequential config in two passes (see weight-ledger.ts): each layer constructed and its weights counted
 * along the shapes, refusing at the first layer the budget or the file cannot cover; built afterwards.
 */
function planSequential(config: Record<string, unknown>, file: string, ledger: WeightLedger, budget: LoadBudget): () => Model {
  const entries = config.layers;
  if (!Array.isArray(entries)) throw new ModelFileError(file, 'the Sequential config has no `layers` list');
  budget.checkLayers(file, 'the Sequential config', entries.length);
  let input: InputLayer | null = null;
  const stack: Layer[] = [];
  let shape: SymbolicShape | null = null;
  for (let i = 0; i < entries.length; i++) {
    const layer = layerFromEntry(entries[i], `layers[${i}]`, file);
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
      const current = model.output?.shape ?? (i === 0 ? layer.batchInputShape : null);
      if (current !== null) ledger.declare(layer, current);
      model.add(layer);
    });
    return model;
  };
}

/**
 * Reads a model config (Keras 3's form, or Keras 2's `{class_name, config}` of `model_config` and TF.js)
 * within `budget`: every layer is constructed and its weights counted against the budget and against what
 * the file's weight data holds (`stored`, when known), nothing built yet. Returns the builder.
 */
export function planModel(serialized: unknown, file: string, budget: LoadBudget, stored: StoredWeights | null): () => Model {
  if (typeof serialized !== 'object' || serialized === null || Array.isArray(serialized)) {
    throw new ModelFileError(file, 'the model config must be an object {class_name, config}');
  }
  const { class_name: className, config } = serialized as Record<string, unknown>;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ModelFileError(file, 'the model config has no `config` object');
  }
  const body = config as Record<string, unknown>;
  const ledger = new WeightLedger(budget, file, stored);
  const build = withFileContext(file, 'the model config does not build', () => {
    if (className === 'Sequential') return planSequential(body, file, ledger, budget);
    if (className === 'Functional' || className === 'Model') return planFunctional(body, file, ledger, budget, (t) => new Functional(t));
    throw new ModelFileError(file, `unknown model class ${JSON.stringify(className)?.slice(0, 80)}; expected 'Sequential' or 'Functional'`);
  });
  return () => {
    const model = withFileContext(file, 'the model config does not build', build);
    if (body.trainable === false) model.trainable = false;
    return model;
  };
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
