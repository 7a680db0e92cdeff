/**
 * Keras 3's weights layout (`model.weights.h5` inside `.keras`, and `.weights.h5`): `layers/<key>/vars/<i>`
 * where `<key>` is the layer's class in snake_case made unique in layer order (`conv2d`, `conv2d_1`, ...:
 * Keras's `_save_container_state`), `vars` carries the layer's real name; the optimizer under
 * `optimizer/vars` as `iterations`, `learning_rate`, then its slots in `optimizer.variables` order.
 */

import type { Group } from 'h5wasm';
import { tensorFromArray } from '../engine/tensor.js';
import type { Tensor } from '../engine/tensor.js';
import type { Variable } from '../engine/variable.js';
import type { Layer } from '../layers/layer.js';
import { classNameToSnake } from '../layers/naming.js';
import { Model } from '../models/model.js';
import type { Optimizer, OptimizerSlotState } from '../training/optimizers/index.js';
import { ModelFileError } from './errors.js';
import { ensureGroup, writeFloatDataset } from './hdf5.js';
import type { H5Tree } from './h5-tree.js';
import type { PendingOptimizerState, WeightAssignment } from './weight-assignment.js';

/** Keras's container keys for a list of layer class names, in order. */
export function containerKeys(classNames: readonly string[]): string[] {
  const used = new Map<string, number>();
  return classNames.map((className) => {
    const base = classNameToSnake(className);
    const seen = used.get(base);
    used.set(base, seen === undefined ? 0 : seen + 1);
    return seen === undefined ? base : `${base}_${seen + 1}`;
  });
}

/** The layers Keras lists in `model.layers`: a Sequential's without its InputLayer, a Functional's with. */
export function savedLayers(model: Model): Layer[] {
  return model.layers;
}

function writeVars(group: Group, name: string, values: readonly { data: Float32Array | Float64Array; shape: readonly number[] }[]): void {
  const vars = ensureGroup(group, 'vars');
  vars.create_attribute('name', name);
  values.forEach((v, i) => writeFloatDataset(vars, String(i), v.data, v.shape));
}

/**
 * Layers whose Keras weights belong to a sublayer, with that sublayer's group and the name Keras writes on
 * its `vars`: a ConvLSTM's kernel, recurrent kernel and bias are its cell's (`<layer>/cell/vars/<i>`),
 * and the layer's own `vars` is empty.
 */
const WEIGHTS_IN_SUBLAYER: Readonly<Record<string, { group: string; name: string }>> = {
  ConvLSTM1D: { group: 'cell', name: 'conv_lstm_cell' },
  ConvLSTM2D: { group: 'cell', name: 'conv_lstm_cell' },
  ConvLSTM3D: { group: 'cell', name: 'conv_lstm_cell' },
};

/** Writes `model`'s layers under `group/layers` and its name on `group/vars`; a nested model as a group of its own. */
function writeContainer(group: Group, model: Model): void {
  const layers = savedLayers(model);
  const keys = containerKeys(layers.map((l) => l.className));
  const layersGroup = ensureGroup(group, 'layers');
  layers.forEach((layer, i) => {
    const layerGroup = ensureGroup(layersGroup, keys[i]);
    const values = layer.weights.map((w) => ({ data: w.dataSync() as Float32Array | Float64Array, shape: w.shape }));
    const sublayer = WEIGHTS_IN_SUBLAYER[layer.className];
    if (layer instanceof Model) writeContainer(layerGroup, layer);
    else if (sublayer === undefined) writeVars(layerGroup, layer.name, values);
    else {
      writeVars(layerGroup, layer.name, []);
      writeVars(ensureGroup(layerGroup, sublayer.group), sublayer.name, values);
    }
  });
  ensureGroup(group, 'vars').create_attribute('name', model.name);
}

/** Writes every layer's weights (and the optimizer's state when `optimizer` is given) under `root`. */
export function writeModelWeights(root: Group, model: Model, optimizer: Optimizer | null): void {
  writeContainer(root, model);
  if (optimizer !== null) writeOptimizer(root, optimizer);
}

function writeOptimizer(root: Group, optimizer: Optimizer): void {
  const vars = ensureGroup(root, 'optimizer/vars');
  vars.create_attribute('name', optimizer.name);
  const state = optimizer.getState();
  // Keras's `iterations` is an int variable; the jax backend (x64 off) stores it as int32.
  vars.create_dataset({ name: '0', data: new Int32Array([state.iterations]), shape: [], dtype: '<i' });
  let index = 1;
  const lr = optimizer.learningRate;
  if (typeof lr === 'number') vars.create_dataset({ name: String(index++), data: new Float32Array([lr]), shape: [], dtype: '<f' });
  for (const slot of state.slots) writeFloatDataset(vars, String(index++), slot.value.dataSync() as Float32Array | Float64Array, slot.value.shape);
}

/** The numbered datasets of a `vars` group, in index order, requiring exactly 0..n-1. */
function numberedDatasets(tree: H5Tree, vars: string): string[] {
  const keys = tree.group(vars)?.children ?? [];
  const sorted = keys.map(Number).sort((a, b) => a - b);
  if (!sorted.every((k, i) => k === i)) throw new ModelFileError(tree.file, `${vars}: expected datasets named 0..${keys.length - 1}, found ${keys.join(', ')}`);
  return sorted.map((k) => `${vars}/${k}`);
}

/** Keras's repr of a layer in its loading messages: `<Dense name=head, built=True>`. */
function kerasRepr(layer: Layer): string {
  return `<${layer.className} name=${layer.name}, built=True>`;
}

/**
 * Layers the file could not fill, kept when loading with Keras's `skip_mismatch`; without it (null) the
 * first such layer refuses the file.
 */
export type SkippedLayers = { layer: Layer; problem: string }[] | null;

/** Reads one layer's values from `vars`, checked against the layer's weights before anything is assigned. */
function readLayerValues(tree: H5Tree, vars: string, layer: Layer, skipped: SkippedLayers): Tensor[] | null {
  const paths = numberedDatasets(tree, vars);
  const weights = layer.weights;
  let problem: string | null = null;
  if (paths.length !== weights.length) {
    problem = `Layer '${layer.name}' expected ${weights.length} variables, but received ${paths.length} variables during loading. Expected: [${weights.map((w) => `'${w.name}'`).join(', ')}]`;
  } else {
    const at = weights.findIndex((w, i) => {
      const shape = tree.dataset(paths[i])?.shape ?? [];
      return shape.length !== w.shape.length || !shape.every((d, j) => d === w.shape[j]);
    });
    if (at >= 0) {
      const shape = tree.dataset(paths[at])?.shape ?? [];
      problem = `${paths[at]}: the shape of variable '${weights[at].path}' is [${weights[at].shape.join(', ')}], the file's value has shape [${shape.join(', ')}]`;
    }
  }
  if (problem !== null) {
    if (skipped === null) throw new ModelFileError(tree.file, `${vars}: ${problem}`);
    skipped.push({ layer, problem: `${vars}: ${problem}` });
    return null;
  }
  return weights.map((w, i) => tensorFromArray(tree.floats(paths[i], w.shape), w.shape, w.dtype));
}

/**
 * The group of a container's layers: `layers`, or in files of Keras 2.13-2.15 (the first to write this
 * layout) `_layer_checkpoint_dependencies`, which Keras 3 still reads.
 */
export function layersGroupName(tree: H5Tree, prefix = ''): string | null {
  for (const name of ['layers', '_layer_checkpoint_dependencies']) if (tree.group(`${prefix}${name}`) !== null) return name;
  return null;
}

function readContainer(tree: H5Tree, prefix: string, layers: readonly Layer[], assignment: WeightAssignment, skipped: SkippedLayers): void {
  const keys = containerKeys(layers.map((l) => l.className));
  const layersGroup = layersGroupName(tree, prefix);
  if (layersGroup === null) throw new ModelFileError(tree.file, `no '${prefix}layers' group: this is not a Keras 3 weights file`);
  layers.forEach((layer, i) => {
    const group = `${prefix}${layersGroup}/${keys[i]}`;
    if (layer instanceof Model) {
      if (layer.weights.length > 0) readContainer(tree, `${group}/`, savedLayers(layer), assignment, skipped);
      return;
    }
    const sublayer = WEIGHTS_IN_SUBLAYER[layer.className];
    const vars = sublayer === undefined ? `${group}/vars` : `${group}/${sublayer.group}/vars`;
    if (tree.group(vars) === null) {
      if (layer.weights.length === 0) return;
      const problem = `${vars} is missing: no weights for layer '${layer.name}' (${layer.className})`;
      if (skipped === null) throw new ModelFileError(tree.file, problem);
      skipped.push({ layer, problem });
      return;
    }
    const values = readLayerValues(tree, vars, layer, skipped);
    if (values !== null && values.length > 0) assignment.push([layer, values]);
  });
}

/**
 * Reads and checks the weights in `tree` for `model`, matching groups to layers by Keras's container keys
 * computed from the layers in `order` (the order the file's config lists them; defaults to the model's own
 * order); a nested model's layers are read from its own group. Nothing is assigned: {@link assignWeights}
 * does that once everything else was checked too. With `skipped` (Keras's `skip_mismatch`), a layer whose
 * weights are missing or differ in count or shape is left out and listed there, instead of refusing.
 */
export function readModelWeights(tree: H5Tree, model: Model, order: readonly Layer[] | null = null, skipped: SkippedLayers = null): WeightAssignment {
  const assignment: WeightAssignment = [];
  readContainer(tree, '', order ?? savedLayers(model), assignment, skipped);
  return assignment;
}

/** Keras's warning for the layers `skip_mismatch` left out (`saving_lib._raise_loading_failure`), or null for none. */
export function skippedWarning(file: string, skipped: readonly { layer: Layer; problem: string }[]): string | null {
  if (skipped.length === 0) return null;
  return `${file}: A total of ${skipped.length} objects could not be loaded. Example error message for object ${kerasRepr(skipped[0].layer)}:\n\n${skipped[0].problem}\n\nList of objects that could not be loaded:\n[${skipped.map((s) => kerasRepr(s.layer)).join(', ')}]`;
}

/**
 * The compiled optimizer's state in `tree` for `model`'s trainable weights, checked (shapes, counts) but not
 * applied; null when the model is not compiled or the file has no optimizer state. A slot count that does
 * not fit is refused, or with `warn` (loading with skipMismatch) warned about and skipped, as Keras does.
 */
export function readOptimizer(tree: H5Tree, model: Model, warn: ((message: string) => void) | null = null): PendingOptimizerState | null {
  const optimizer = model.optimizer;
  if (optimizer === null || tree.group('optimizer/vars') === null) return null;
  const paths = numberedDatasets(tree, 'optimizer/vars');
  if (paths.length === 0) return null;
  const iterations = tree.scalar(paths[0]);
  if (!Number.isInteger(iterations) || iterations < 0) throw new ModelFileError(tree.file, `optimizer iterations ${iterations} is not a non-negative integer`);
  const offset = typeof optimizer.learningRate === 'number' ? 2 : 1;
  const slotCount = Math.max(paths.length - offset, 0);
  const variables = model.trainableWeights;
  const expected: { variable: Variable; name: string }[] = [];
  for (const group of optimizer.slotGroups()) for (const variable of variables) for (const spec of group) expected.push({ variable, name: spec.name });
  if (slotCount !== 0 && slotCount !== expected.length) {
    // Keras only warns here (`BaseOptimizer.load_own_variables`); we refuse unless skipMismatch asked for Keras's leniency.
    if (warn !== null) {
      warn(`${tree.file}: Skipping variable loading for optimizer '${optimizer.name}', because it has ${expected.length + offset} variables whereas the saved optimizer has ${paths.length} variables.`);
      return null;
    }
    throw new ModelFileError(tree.file, `optimizer/vars holds ${slotCount} slot variables; ${optimizer.className} over ${variables.length} trainable weights needs ${expected.length}`);
  }
  const slots: OptimizerSlotState[] = [];
  for (let i = 0; i < slotCount; i++) {
    const { variable, name } = expected[i];
    slots.push({ variablePath: variable.path, name, value: tensorFromArray(tree.floats(paths[i + offset], variable.shape), variable.shape, variable.dtype) });
  }
  return { optimizer, state: { iterations, slots }, variables };
}
