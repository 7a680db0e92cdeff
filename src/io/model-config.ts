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
import { Functional } from '../models/functional.js';
import type { Config, ConfigValue, SerializedKerasObject } from '../serialization/keras-object.js';
import { ModelFileError } from './errors.js';
import { BUILT_IN_LAYER_CLASSES } from '../layers/registry.js';
import { functionalFromConfig } from './functional-config.js';
import { assertBuildable, checkShape, layerFromEntry } from './layer-entry.js';

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
  const order: GraphStep[] = [];
  const seen = new Set<number>();
  const visit = (t: SymbolicTensor): void => {
    if (seen.has(t.id)) return;
    seen.add(t.id);
    for (const parent of t.producer.inputs) visit(parent);
    order.push({ layer: t.producer.layer, inputs: t.producer.inputs, listInput: t.producer.listInput === true, output: t });
  };
  visit(output);
  return order;
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

function sequentialFromConfig(config: Record<string, unknown>, file: string): Sequential {
  const layers = config.layers;
  if (!Array.isArray(layers)) throw new ModelFileError(file, 'the Sequential config has no `layers` list');
  const model = new Sequential({ name: typeof config.name === 'string' ? config.name : undefined });
  layers.forEach((entry, i) => {
    const layer = layerFromEntry(entry, `layers[${i}]`, file);
    if (layer instanceof InputLayer) {
      if (i !== 0) throw new ModelFileError(file, `layers[${i}] is an InputLayer, which may only come first in a Sequential model`);
      model.add(layer.output);
    } else {
      if (i === 0 && layer.batchInputShape === null) {
        // Keras 3 writes `build_input_shape` for a Sequential built without an InputLayer.
        const shape = config.build_input_shape ?? null;
        if (shape !== null) model.add(new InputLayer({ batchShape: checkShape(shape, 'build_input_shape', file), dtype: layer.dtype }).output);
      }
      const current = model.output;
      if (current !== null) assertBuildable(layer, current.shape, file);
      model.add(layer);
    }
  });
  return model;
}

/**
 * Rebuilds a model from its Keras config (Keras 3's form, or Keras 2's `{class_name, config}` of
 * `model_config` and TF.js). Only built-in and registered layer classes load.
 *
 * @param file - named in errors; the path the config came from.
 * @example
 * ```ts
 * const copy = modelFromConfig(modelToConfig(model));
 * ```
 */
export function modelFromConfig(serialized: unknown, file = 'model config'): Model {
  if (typeof serialized !== 'object' || serialized === null || Array.isArray(serialized)) {
    throw new ModelFileError(file, 'the model config must be an object {class_name, config}');
  }
  const { class_name: className, config } = serialized as Record<string, unknown>;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ModelFileError(file, 'the model config has no `config` object');
  }
  const body = config as Record<string, unknown>;
  let model: Model;
  try {
    if (className === 'Sequential') model = sequentialFromConfig(body, file);
    else if (className === 'Functional' || className === 'Model') model = functionalFromConfig(body, file, (t) => new Functional(t));
    else throw new ModelFileError(file, `unknown model class ${JSON.stringify(className)}; expected 'Sequential' or 'Functional'`);
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(file, `the model config does not build: ${(error as Error).message}`, { cause: error });
  }
  if (body.trainable === false) model.trainable = false;
  return model;
}
