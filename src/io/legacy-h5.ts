/**
 * Keras 2's HDF5 files (`model.save('m.h5')`, `save_weights('w.h5')`): the model's JSON in the root
 * attribute `model_config`, weights under `model_weights` (full model) or the root (weights only), which
 * lists `layer_names`; each layer group lists `weight_names` (`dense/kernel:0`), paths relative to the
 * layer group whose inner groups need not carry the layer's name. Weights are matched by layer name.
 */

import { tensorFromArray } from '../engine/tensor.js';
import type { Tensor } from '../engine/tensor.js';
import type { Layer } from '../layers/layer.js';
import type { Model } from '../models/model.js';
import { expectObject, ModelFileError, parseJson } from './errors.js';
import { readH5Tree } from './h5-isolate.js';
import type { H5Tree } from './h5-tree.js';
import { modelFromConfig } from './model-config.js';

function layerValues(tree: H5Tree, group: string, layer: Layer): Tensor[] {
  const names = tree.stringListAttr(group, 'weight_names') ?? [];
  const weights = layer.weights;
  if (names.length !== weights.length) {
    throw new ModelFileError(tree.file, `${group}: layer '${layer.name}' (${layer.className}) has ${weights.length} weights but the file lists ${names.length} (${names.join(', ')})`);
  }
  return weights.map((w, i) => {
    const at = `${group}/${names[i]}`;
    if (tree.dataset(at) === null) throw new ModelFileError(tree.file, `${group}: weight '${names[i]}' listed in weight_names is not in the file`);
    return tensorFromArray(tree.floats(at, w.shape), w.shape, w.dtype);
  });
}

/**
 * Assigns a Keras 2 weights group (`model_weights`, or a weights-only file's root: `base` '') to `model` by
 * layer name. Every model layer with weights must be present; everything is checked before anything is assigned.
 */
export function loadLegacyWeights(tree: H5Tree, model: Model, base = ''): void {
  const layerNames = tree.stringListAttr(base, 'layer_names');
  if (layerNames === null) throw new ModelFileError(tree.file, "no 'layer_names' attribute: neither a Keras 3 nor a Keras 2 weights file");
  const updates: [Layer, Tensor[]][] = [];
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    if (!layerNames.includes(layer.name)) {
      throw new ModelFileError(tree.file, `no weights for layer '${layer.name}'; the file has layers ${layerNames.map((n) => `'${n}'`).join(', ')}`);
    }
    const group = base === '' ? layer.name : `${base}/${layer.name}`;
    if (tree.group(group) === null) throw new ModelFileError(tree.file, `layer_names lists '${layer.name}' but there is no such group`);
    updates.push([layer, layerValues(tree, group, layer)]);
  }
  for (const [layer, values] of updates) layer.setWeights(values);
}

/**
 * A model from a Keras 2 `.h5` file: its `model_config` rebuilt, then the weights assigned by layer name.
 * Needs `await ioReady()` first.
 *
 * @example
 * ```ts
 * await ioReady();
 * const model = modelFromLegacyH5(readFileSync('old.h5'), 'old.h5');
 * ```
 */
export function modelFromLegacyH5(bytes: Uint8Array, file: string): Model {
  const tree = readH5Tree(bytes, file);
  const configText = tree.stringAttr('', 'model_config');
  if (configText === null) {
    if (tree.group('layers') !== null || tree.stringListAttr('', 'layer_names') !== null) {
      throw new ModelFileError(file, 'holds weights only (no model_config attribute); build the model and use loadWeights');
    }
    throw new ModelFileError(file, 'no model_config attribute: not a Keras 2 model file');
  }
  const config = expectObject(file, 'model_config', parseJson(file, 'the model_config attribute', configText));
  const model = modelFromConfig(config, file);
  loadLegacyWeights(tree, model, tree.group('model_weights') !== null ? 'model_weights' : '');
  return model;
}
