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
import type { LoadLimits } from './budget.js';
import { LoadBudget } from './budget.js';
import { ModelFileError } from './errors.js';
import { readH5Tree } from './h5-isolate.js';
import type { H5Tree } from './h5-tree.js';
import { expectObject, parseJson } from './json.js';
import { planModel } from './model-config.js';
import type { WeightAssignment } from './weight-assignment.js';
import { applyWeights } from './weight-assignment.js';

function layerValues(tree: H5Tree, group: string, layer: Layer): Tensor[] {
  const names = tree.stringListAttr(group, 'weight_names') ?? [];
  // Keras 2 lists a layer's trainable weights, then the others (for a nested model: across all its layers).
  const weights = [...layer.trainableWeights, ...layer.nonTrainableWeights];
  if (names.length !== weights.length) {
    throw new ModelFileError(tree.file, `${group}: layer '${layer.name}' (${layer.className}) has ${weights.length} weights but the file lists ${names.length} (${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''})`);
  }
  const values = new Map(
    weights.map((w, i) => {
      const at = `${group}/${names[i]}`;
      if (tree.dataset(at) === null) throw new ModelFileError(tree.file, `${group}: weight '${names[i]}' listed in weight_names is not in the file`);
      return [w, tensorFromArray(tree.floats(at, w.shape), w.shape, w.dtype)] as const;
    }),
  );
  return layer.weights.map((w) => values.get(w) as Tensor);
}

/**
 * Reads a Keras 2 weights group (`model_weights`, or a weights-only file's root: `base` '') for `model` by
 * layer name, checking everything; every model layer with weights must be present. Nothing is assigned:
 * the caller applies the result once the whole file passed.
 */
export function readLegacyWeights(tree: H5Tree, model: Model, base = ''): WeightAssignment {
  const layerNames = tree.stringListAttr(base, 'layer_names');
  if (layerNames === null) throw new ModelFileError(tree.file, "no 'layer_names' attribute: neither a Keras 3 nor a Keras 2 weights file");
  const listed = new Set(layerNames);
  const assignment: WeightAssignment = [];
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    if (!listed.has(layer.name)) {
      const shown = layerNames.slice(0, 20).map((n) => `'${n}'`).join(', ');
      throw new ModelFileError(tree.file, `no weights for layer '${layer.name}'; the file has layers ${shown}${layerNames.length > 20 ? `, ... (${layerNames.length} in all)` : ''}`);
    }
    const group = base === '' ? layer.name : `${base}/${layer.name}`;
    if (tree.group(group) === null) throw new ModelFileError(tree.file, `layer_names lists '${layer.name}' but there is no such group`);
    assignment.push([layer, layerValues(tree, group, layer)]);
  }
  return assignment;
}

/**
 * A model from a Keras 2 `.h5` file: its `model_config` rebuilt within the budget of `options`, then the
 * weights assigned by layer name. Needs `await ioReady()` first.
 *
 * @example
 * ```ts
 * await ioReady();
 * const model = modelFromLegacyH5(readFileSync('old.h5'), 'old.h5');
 * ```
 */
export function modelFromLegacyH5(bytes: Uint8Array, file: string, options: LoadLimits = {}): Model {
  const budget = LoadBudget.from(options, 'modelFromLegacyH5');
  const tree = readH5Tree(bytes, file, budget);
  const configText = tree.stringAttr('', 'model_config');
  if (configText === null) {
    if (tree.group('layers') !== null || tree.stringListAttr('', 'layer_names') !== null) {
      throw new ModelFileError(file, 'holds weights only (no model_config attribute); build the model and use loadWeights');
    }
    throw new ModelFileError(file, 'no model_config attribute: not a Keras 2 model file');
  }
  const config = expectObject(file, 'model_config', parseJson(file, 'the model_config attribute', configText, budget));
  const base = tree.group('model_weights') !== null ? 'model_weights' : '';
  const model = planModel(config, file, budget, { elements: tree.storedElements(base), where: base === '' ? 'the file' : `'${base}'` })();
  applyWeights(file, readLegacyWeights(tree, model, base), null);
  return model;
}
