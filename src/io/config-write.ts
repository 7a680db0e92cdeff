/**
 * Writing Keras 3's config of a whole model (`serialize_keras_object(model)`): a Sequential as the list of
 * its layer configs headed by its InputLayer; a Functional as its layers, each with the calls it makes in
 * this graph (`inbound_nodes`), and `input_layers`/`output_layers` in the structure the model was defined
 * with. A model used as a layer is written as its own config in place, as Keras does.
 */

import { InputLayer } from '../layers/input-layer.js';
import type { Layer, LayerCall, SymbolicShape, SymbolicTensor } from '../layers/layer.js';
import { baseLayerConfig } from '../layers/layer.js';
import { BUILT_IN_LAYER_CLASSES } from '../layers/registry.js';
import { Functional } from '../models/functional.js';
import type { Model } from '../models/model.js';
import { Sequential } from '../models/sequential.js';
import type { Structure } from '../models/structure.js';
import type { Config, ConfigValue, SerializedKerasObject } from '../serialization/keras-object.js';
import { compileConfigOf } from './compile-config.js';
import { ModelFileError } from './errors.js';

/**
 * The layer classes whose Keras `call` takes a `mask` argument: Keras records `mask` (null without a mask)
 * in the keyword arguments of each of their calls (Layer.__call__ fills it in from the input's mask).
 */
const CALL_TAKES_MASK = new Set(['BatchNormalization', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D', 'GlobalAveragePooling1D', 'Lambda', 'Softmax', 'Functional', 'Sequential']);

/** The keyword arguments Keras records for `call`: the training flag given at the call, and `mask`. */
function callKwargs(call: LayerCall): Config {
  const kwargs: Config = call.training === undefined ? {} : { training: call.training };
  if (CALL_TAKES_MASK.has(call.layer instanceof Functional ? 'Functional' : call.layer.className)) kwargs.mask = null;
  return kwargs;
}

function shapeValue(shape: SymbolicShape): ConfigValue {
  return [...shape];
}

/** A layer's entry; Keras's `module` for built-ins is `keras.layers`, a registered class is the user's. */
function layerEntry(layer: Layer, inputShape: ConfigValue | null): SerializedKerasObject {
  // A model used as a layer carries its compile_config, {} when not compiled (Keras's get_compile_config).
  if (layer instanceof Functional || layer instanceof Sequential) return { ...modelToConfig(layer), compile_config: compileConfigOf(layer) ?? {} };
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

function sequentialConfig(model: Sequential): SerializedKerasObject {
  const [input] = model.inputs;
  const layers: ConfigValue[] = [];
  let shape: SymbolicShape | null = input?.shape ?? null;
  if (input !== undefined) layers.push(layerEntry(input.producer.layer, null));
  for (const layer of model.layers) {
    layers.push(layerEntry(layer, shape === null ? null : shapeValue(shape)));
    if (shape !== null) shape = layer.computeOutputShape(shape);
  }
  const config: Config = { ...baseLayerConfig(model), layers };
  if (input !== undefined) config.build_input_shape = shapeValue(input.shape);
  const entry: SerializedKerasObject = { module: 'keras', class_name: 'Sequential', config, registered_name: null };
  if (input !== undefined) entry.build_config = { input_shape: shapeValue(input.shape) };
  return entry;
}

/** `leaves` in `structure`, as Keras's `map_structure` writes it (a dict by key in the order given, a list, or the one value). */
function structured(leaves: ConfigValue[], structure: Structure): ConfigValue {
  if (structure.kind === 'single') return leaves[0];
  if (structure.kind === 'list') return leaves;
  const byKey = new Map(structure.keys.map((k, i) => [k, leaves[i]]));
  return Object.fromEntries((structure.given ?? structure.keys).map((k) => [k, byKey.get(k) as ConfigValue]));
}

function functionalConfig(model: Functional): SerializedKerasObject {
  const inputs = model.inputs;
  for (const t of inputs) {
    if (!(t.producer.layer instanceof InputLayer)) throw new ModelFileError(model.name, 'a model whose inputs are intermediate tensors cannot be serialized; give it layerInput() placeholders');
  }
  const calls = model.graph;
  const own = new Set<LayerCall>([...inputs.map((t) => t.producer), ...calls]);
  // Keras numbers a layer's calls among those in this graph only (a shared layer's other calls are elsewhere).
  const keptIndex = (call: LayerCall): number => {
    let index = 0;
    for (const c of call.layer.calls) {
      if (c === call) break;
      if (own.has(c)) index += 1;
    }
    return index;
  };
  const tensorRef = (t: SymbolicTensor): ConfigValue => ({
    class_name: '__keras_tensor__',
    config: { shape: shapeValue(t.shape), dtype: t.dtype, keras_history: [t.producer.layer.name, keptIndex(t.producer), t.outputIndex] },
  });
  // input_layers/output_layers count a nested Functional's calls from 1 (Keras 3's reader subtracts it again).
  const endpoint = (t: SymbolicTensor): ConfigValue => [t.producer.layer.name, keptIndex(t.producer) + (t.producer.layer instanceof Functional ? 1 : 0), t.outputIndex];
  const nodes = new Map<Layer, ConfigValue[]>();
  const firstInputShape = new Map<Layer, ConfigValue>();
  for (const call of calls) {
    const refs = call.inputs.map(tensorRef);
    const list = nodes.get(call.layer) ?? [];
    list.push({ args: [call.listInput ? refs : refs[0]], kwargs: callKwargs(call) });
    nodes.set(call.layer, list);
    if (!firstInputShape.has(call.layer)) firstInputShape.set(call.layer, call.listInput ? call.inputs.map((t) => shapeValue(t.shape)) : shapeValue(call.inputs[0].shape));
  }
  const layers: ConfigValue[] = model.layers.map((layer) => ({
    ...layerEntry(layer, firstInputShape.get(layer) ?? null),
    name: layer.name,
    inbound_nodes: nodes.get(layer) ?? [],
  }));
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: model.name,
      trainable: model.trainable,
      layers,
      input_layers: structured(inputs.map(endpoint), model.inputStructure),
      output_layers: structured(model.outputs.map(endpoint), model.outputStructure),
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
  if (model instanceof Sequential) return sequentialConfig(model);
  if (model instanceof Functional) return functionalConfig(model);
  throw new ModelFileError(model.name, `a ${model.className} model has no Keras config; only Sequential and functional models are serialized`);
}
