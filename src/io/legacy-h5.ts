/**
 * Keras 2's HDF5 files (`model.save('m.h5')`, `save_weights('w.h5')`): the model's JSON in the root
 * attribute `model_config`, weights under `model_weights` (full model) or the root (weights only), which
 * lists `layer_names`; each layer group lists `weight_names` (`dense/kernel:0`), paths relative to the
 * layer group whose inner groups need not carry the layer's name. A model loaded from its own file takes its
 * weights by layer name; `loadWeights` matches as Keras's `load_weights` (in order, or `byName`).
 */

import { tensorFromArray } from '../engine/tensor.js';
import type { Tensor } from '../engine/tensor.js';
import type { Variable } from '../engine/variable.js';
import type { Layer } from '../layers/layer.js';
import type { Model } from '../models/model.js';
import type { LoadLimits } from './budget.js';
import { LoadBudget } from './budget.js';
import { ModelFileError } from './errors.js';
import { readH5Tree } from './h5-isolate.js';
import type { H5Tree } from './h5-tree.js';
import { expectObject, parseJson } from './json.js';
import { planModel } from './model-config.js';
import { layersGroupName } from './weights-store.js';
import type { WeightAssignment } from './weight-assignment.js';
import { applyWeights } from './weight-assignment.js';

/** Shapes as Keras prints them in its messages: `(192, 3)`. */
function shapeText(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/**
 * How `loadWeights` matches a Keras 2 file's layers to the model's, as Keras's `load_weights(filepath,
 * by_name, skip_mismatch)`: in order among the layers that have weights (`byName` false), or by layer name,
 * ignoring the file's layers the model lacks (`byName` true); `skipMismatch` skips, with a warning, a weight
 * whose shape differs (and by name also a layer whose weight count differs) instead of refusing the file.
 */
export interface LegacyMatch {
  byName: boolean;
  skipMismatch: boolean;
  /** Receives each warning (Keras's `warnings.warn`), once the whole file has been checked. */
  warn: (message: string) => void;
}

/** A layer group's weights as Keras 2 lists them: trainable, then the others (for a nested model: all its layers'). */
function legacyWeights(layer: Layer): Variable[] {
  return [...layer.trainableWeights, ...layer.nonTrainableWeights];
}

/** The datasets a layer group lists in `weight_names`, each checked to exist. */
function listedDatasets(tree: H5Tree, group: string): { name: string; path: string; shape: readonly number[] }[] {
  return (tree.stringListAttr(group, 'weight_names') ?? []).map((name) => {
    const path = `${group}/${name}`;
    const ds = tree.dataset(path);
    if (ds === null) throw new ModelFileError(tree.file, `${group}: weight '${name}' listed in weight_names is not in the file`);
    return { name, path, shape: ds.shape };
  });
}

/**
 * The values of `group` for `layer`, in the order of `layer.weights`; counts and shapes checked. With
 * `skip` (Keras's skip_mismatch), a weight whose shape differs keeps its value and `skip` receives Keras's
 * warning; without, it is refused. `label` names the layer as Keras does (`layer #2 (named head)`).
 */
function layerValues(tree: H5Tree, group: string, layer: Layer, label: string, skip: ((message: string) => void) | null): Tensor[] {
  const listed = listedDatasets(tree, group);
  const weights = legacyWeights(layer);
  if (listed.length !== weights.length) {
    const names = listed.map((d) => d.name);
    throw new ModelFileError(
      tree.file,
      `${group}: weight count mismatch for ${label}: layer '${layer.name}' (${layer.className}) expects ${weights.length} weight(s), the file lists ${listed.length} (${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''})`,
    );
  }
  const current = layer.weights;
  const kept = layer.getWeights();
  const values = new Map<Variable, Tensor>();
  weights.forEach((w, i) => {
    const { path, shape } = listed[i];
    if (shape.length !== w.shape.length || !shape.every((d, j) => d === w.shape[j])) {
      const detail = `weight ${w.path}. Weight expects shape ${shapeText(w.shape)}. Received saved weight with shape ${shapeText(shape)}`;
      if (skip === null) throw new ModelFileError(tree.file, `${path}: shape mismatch in ${label} for ${detail}`);
      skip(`${tree.file}: Skipping loading weights for ${label} due to mismatch in shape for ${detail}`);
      return;
    }
    values.set(w, tensorFromArray(tree.floats(path, w.shape), w.shape, w.dtype));
  });
  return current.map((w, i) => values.get(w) ?? kept[i]);
}

function layerGroup(tree: H5Tree, base: string, name: string): string {
  const group = base === '' ? name : `${base}/${name}`;
  if (tree.group(group) === null) throw new ModelFileError(tree.file, `layer_names lists '${name}' but there is no such group`);
  return group;
}

/** Keras's `load_weights_from_hdf5_group`: the layers with weights, in order, against the file's. */
function readInOrder(tree: H5Tree, model: Model, base: string, layerNames: readonly string[], match: LegacyMatch): WeightAssignment {
  const layers = model.layers.filter((l) => legacyWeights(l).length > 0);
  const saved = layerNames.filter((name) => (tree.stringListAttr(layerGroup(tree, base, name), 'weight_names') ?? []).length > 0);
  if (saved.length !== layers.length) {
    throw new ModelFileError(
      tree.file,
      `layer count mismatch when loading weights from file: the model has ${layers.length} layers with weights (${layers.map((l) => `'${l.name}'`).join(', ')}), the file ${saved.length} (${saved.map((n) => `'${n}'`).join(', ')}); pass { byName: true } to match layers by name`,
    );
  }
  const skip = match.skipMismatch ? match.warn : null;
  return layers.map((layer, k) => [layer, layerValues(tree, layerGroup(tree, base, saved[k]), layer, `layer #${k} (named ${layer.name})`, skip)] as const);
}

/** Keras's `load_weights_from_hdf5_group_by_name`: each file layer into the model's layers of its name. */
function readByName(tree: H5Tree, model: Model, base: string, layerNames: readonly string[], match: LegacyMatch): WeightAssignment {
  const index = new Map<string, Layer[]>();
  for (const layer of model.layers) index.set(layer.name, [...(index.get(layer.name) ?? []), layer]);
  const assignment: WeightAssignment = [];
  layerNames.forEach((name, k) => {
    const group = layerGroup(tree, base, name);
    const count = (tree.stringListAttr(group, 'weight_names') ?? []).length;
    for (const layer of index.get(name) ?? []) {
      const expected = legacyWeights(layer).length;
      const label = `layer #${k} (named ${layer.name})`;
      if (count !== expected && match.skipMismatch) {
        match.warn(`${tree.file}: Skipping loading of weights for ${label} due to mismatch in number of weights. Layer expects ${expected} weight(s). Received ${count} saved weight(s)`);
        continue;
      }
      if (expected === 0 && count === 0) continue;
      assignment.push([layer, layerValues(tree, group, layer, label, match.skipMismatch ? match.warn : null)]);
    }
  });
  return assignment;
}

/**
 * Reads a Keras 2 weights group (`model_weights`, or a weights-only file's root: `base` '') for `model`,
 * checking everything; nothing is assigned: the caller applies the result once the whole file passed.
 * Without `match` (loading a model from its own file), by layer name, and every model layer with weights
 * must be present; with it, as Keras's `load_weights` (see {@link LegacyMatch}).
 */
export function readLegacyWeights(tree: H5Tree, model: Model, base = '', match: LegacyMatch | null = null): WeightAssignment {
  const layerNames = tree.stringListAttr(base, 'layer_names');
  if (layerNames === null) throw new ModelFileError(tree.file, `${base === '' ? 'the root' : `'${base}'`} has no 'layer_names' attribute: neither a Keras 3 nor a Keras 2 weights file`);
  if (match !== null) return match.byName ? readByName(tree, model, base, layerNames, match) : readInOrder(tree, model, base, layerNames, match);
  const listed = new Set(layerNames);
  const assignment: WeightAssignment = [];
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    if (!listed.has(layer.name)) {
      const shown = layerNames.slice(0, 20).map((n) => `'${n}'`).join(', ');
      throw new ModelFileError(tree.file, `no weights for layer '${layer.name}'; the file has layers ${shown}${layerNames.length > 20 ? `, ... (${layerNames.length} in all)` : ''}`);
    }
    const group = layerGroup(tree, base, layer.name);
    assignment.push([layer, layerValues(tree, group, layer, `layer '${layer.name}'`, null)]);
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
    if (layersGroupName(tree) !== null || tree.stringListAttr('', 'layer_names') !== null || tree.stringListAttr('model_weights', 'layer_names') !== null) {
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
