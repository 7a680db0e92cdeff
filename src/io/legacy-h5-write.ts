/**
 * Writing Keras 2's HDF5 model file (`model.save('m.h5')`), as Keras 3's `legacy_h5_format` writes it, so
 * Keras 3 (`keras.models.load_model('m.h5')`), tf.keras and our own loader (legacy-h5.ts) read it:
 *
 * - root attributes `keras_version`, `backend`, `model_config` (the JSON of the legacy config: entries are
 *   `{class_name, config}`, with a Functional's `name` and `inbound_nodes`, without Keras 3's `module`,
 *   `registered_name` and `build_config`) and, when compiled, `training_config`;
 * - group `model_weights` with `keras_version`, `backend` and `layer_names` (every layer of `model.layers`,
 *   a Functional's InputLayers included), one group per layer listing `weight_names` (`dense/kernel`, a
 *   nested model's as `inner/dense/kernel`) in Keras 2's order: trainable weights, then the others.
 *
 * Keras reads the weights by that order, layer by layer; the names are for people and for our by-name
 * loading. Optimizer state is not written (Keras 3 skips it on load too).
 */

import type { Group } from 'h5wasm';
import type { Variable } from '../engine/variable.js';
import type { Layer } from '../layers/layer.js';
import { Model } from '../models/model.js';
import type { Config, ConfigValue } from '../serialization/keras-object.js';
import { compileConfigOf } from './compile-config.js';
import { modelToConfig } from './config-write.js';
import { writeFloatDataset, writeH5, ensureGroup } from './hdf5.js';
import { KERAS_FORMAT_VERSION } from './keras-format.js';

/** What the files name as their backend: Keras 3 writes its own (`jax`, `tensorflow`, ...); ours is this library. */
const BACKEND = 'depthwise';

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

/** One serialized entry in the legacy form: `{class_name, config}` plus a functional layer's `name` and `inbound_nodes`. */
function legacyEntry(entry: Record<string, unknown>): Config {
  const out: Config = { class_name: entry.class_name as string, config: entry.config as ConfigValue };
  if (MODEL_CLASSES.has(String(entry.class_name))) out.config = legacyModelBody(entry.config as Record<string, unknown>);
  if ('name' in entry) out.name = entry.name as ConfigValue;
  if ('inbound_nodes' in entry) out.inbound_nodes = entry.inbound_nodes as ConfigValue;
  return out;
}

function legacyModelBody(body: Record<string, unknown>): Config {
  const layers = Array.isArray(body.layers) ? body.layers.map((l) => legacyEntry(l as Record<string, unknown>)) : [];
  return { ...(body as Config), layers };
}

/**
 * The model's config as Keras 2's `model.to_json()` / `model_config` attribute holds it (what Keras 3's
 * legacy saver writes).
 *
 * @example
 * ```ts
 * JSON.stringify(legacyModelConfig(model)); // {"class_name": "Sequential", "config": {...}}
 * ```
 */
export function legacyModelConfig(model: Model): Config {
  return legacyEntry(modelToConfig(model) as unknown as Record<string, unknown>);
}

/** The paths of a layer's weights as Keras 3's `variable.path`: `dense/kernel`, a nested model's `inner/dense/kernel`. */
function weightPaths(layer: Layer, prefix: string, into: Map<Variable, string>): void {
  if (layer instanceof Model) {
    for (const sub of layer.layers) weightPaths(sub, `${prefix}${layer.name}/`, into);
    return;
  }
  for (const w of layer.weights) if (!into.has(w)) into.set(w, `${prefix}${layer.name}/${w.name}`);
}

/** Writes `model_weights` (or a weights-only file's root): `layer_names`, then one group per layer. */
function writeLegacyWeights(group: Group, model: Model): void {
  group.create_attribute('backend', BACKEND);
  group.create_attribute('keras_version', KERAS_FORMAT_VERSION);
  const layers = model.layers;
  group.create_attribute('layer_names', layers.map((l) => l.name));
  for (const layer of layers) {
    const layerGroup = ensureGroup(group, layer.name);
    const paths = new Map<Variable, string>();
    weightPaths(layer, '', paths);
    const ordered = [...layer.trainableWeights, ...layer.nonTrainableWeights];
    const used = new Set<string>();
    const names = ordered.map((w) => {
      let name = paths.get(w) ?? `${layer.name}/${w.name}`;
      for (let i = 1; used.has(name); i++) name = `${paths.get(w) ?? w.name}_${i}`;
      used.add(name);
      return name;
    });
    // h5wasm cannot write an empty string list; Keras itself writes an empty float64 array there.
    if (names.length === 0) layerGroup.create_attribute('weight_names', new Float64Array(0), [0], '<d');
    else layerGroup.create_attribute('weight_names', names);
    ordered.forEach((w, i) => {
      const at = names[i].split('/');
      const parent = ensureGroup(layerGroup, at.slice(0, -1).join('/'));
      writeFloatDataset(parent, at[at.length - 1], w.dataSync() as Float32Array | Float64Array, w.shape);
    });
  }
}

/**
 * Loss aliases Keras 3.15's legacy loader cannot read back (`losses.deserialize('mse')` resolves to
 * `keras.metrics.mse` and refuses it, even in files Keras wrote itself): written under the full name.
 */
const LOSS_ALIASES: Readonly<Record<string, string>> = {
  mse: 'mean_squared_error',
  mae: 'mean_absolute_error',
  mape: 'mean_absolute_percentage_error',
  msle: 'mean_squared_logarithmic_error',
  kld: 'kl_divergence',
  bce: 'binary_crossentropy',
};

function fullLossNames(loss: ConfigValue): ConfigValue {
  if (typeof loss === 'string') return LOSS_ALIASES[loss] ?? loss;
  if (Array.isArray(loss)) return loss.map(fullLossNames);
  if (loss !== null && typeof loss === 'object' && !('class_name' in loss)) {
    return Object.fromEntries(Object.entries(loss).map(([k, v]) => [k, fullLossNames(v)]));
  }
  return loss;
}

/** Keras 3's legacy `training_config`: the compile config with the optimizer as `optimizer_config`. */
function trainingConfig(model: Model): Config | null {
  const compiled = compileConfigOf(model);
  if (compiled === null) return null;
  const { optimizer, loss, ...rest } = compiled;
  const { class_name: className, config } = optimizer as Record<string, ConfigValue>;
  return { loss: fullLossNames(loss), ...rest, optimizer_config: { class_name: className, config } };
}

/**
 * The bytes of a Keras 2 `.h5` model file for `model` (see the module comment). Needs `await ioReady()`.
 *
 * @example
 * ```ts
 * writeFileSync('model.h5', modelToLegacyH5Bytes(model));
 * ```
 */
export function modelToLegacyH5Bytes(model: Model): Uint8Array {
  model.checkNotDisposed('saveModel');
  const modelConfig = JSON.stringify(legacyModelConfig(model));
  const training = trainingConfig(model);
  return writeH5((root) => {
    root.create_attribute('backend', BACKEND);
    root.create_attribute('keras_version', KERAS_FORMAT_VERSION);
    root.create_attribute('model_config', modelConfig);
    if (training !== null) root.create_attribute('training_config', JSON.stringify(training));
    writeLegacyWeights(ensureGroup(root, 'model_weights'), model);
  });
}

/**
 * The bytes of a Keras 2 weights-only `.h5` file for `model` (`model.save_weights('w.h5')` in Keras 2 and
 * tf.keras): `layer_names` and one group per layer at the root, as in a model file's `model_weights`.
 * Needs `await ioReady()`.
 *
 * @example
 * ```ts
 * writeFileSync('weights.h5', weightsToLegacyH5Bytes(model));
 * ```
 */
export function weightsToLegacyH5Bytes(model: Model): Uint8Array {
  model.checkNotDisposed('saveWeights');
  return writeH5((root) => writeLegacyWeights(root, model));
}
