/**
 * Loading TensorFlow.js LayersModel files: `model.json` and the binary shards its `weightsManifest` names,
 * read from the JSON's directory and nowhere else. The manifest's declared sizes are checked against the
 * budget and against the shards' sizes on disk (each a regular file) before a byte of any shard is read.
 */

import * as path from 'node:path';
import { tensorFromArray } from '../engine/tensor.js';
import type { Model } from '../models/model.js';
import type { LoadLimits } from './budget.js';
import { elementCount, formatBytes, LoadBudget } from './budget.js';
import { ModelFileError } from './errors.js';
import { readRegularFile, regularFileSize } from './file-read.js';
import { expectObject, parseJson } from './json.js';
import { planModel } from './model-config.js';
import { tfjsWeightName } from './tfjs.js';
import type { WeightAssignment } from './weight-assignment.js';
import { applyWeights } from './weight-assignment.js';

interface ManifestWeight {
  name: string;
  shape: number[];
  elements: number;
}

interface ManifestGroup {
  paths: string[];
  weights: ManifestWeight[];
  bytes: number;
}

function checkManifest(value: unknown, file: string): ManifestGroup[] {
  if (!Array.isArray(value)) throw new ModelFileError(file, 'weightsManifest must be a list of {paths, weights}');
  return value.map((group, g) => {
    const { paths, weights } = expectObject(file, `weightsManifest[${g}]`, group);
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string' && p !== '' && !p.includes('/') && !p.includes('\\') && p !== '..' && p !== '.')) {
      throw new ModelFileError(file, `weightsManifest[${g}].paths must be file names in the model's directory, found ${JSON.stringify(paths)?.slice(0, 120)}`);
    }
    if (!Array.isArray(weights)) throw new ModelFileError(file, `weightsManifest[${g}].weights must be a list`);
    const checked = weights.map((w, i): ManifestWeight => {
      const entry = expectObject(file, `weightsManifest[${g}].weights[${i}]`, w);
      const shape = entry.shape;
      const elements = Array.isArray(shape) && shape.length <= 16 ? elementCount(shape) : NaN;
      if (typeof entry.name !== 'string' || Number.isNaN(elements)) {
        throw new ModelFileError(file, `weightsManifest[${g}].weights[${i}] needs a name and a shape of at most 16 non-negative integers`);
      }
      if (entry.dtype !== 'float32' || entry.quantization !== undefined) {
        throw new ModelFileError(file, `weight '${entry.name}': only unquantized float32 weights are supported, found ${JSON.stringify(entry.dtype)?.slice(0, 40)}${entry.quantization !== undefined ? ' (quantized)' : ''}`);
      }
      return { name: entry.name, shape: shape as number[], elements };
    });
    return { paths: paths as string[], weights: checked, bytes: checked.reduce((n, w) => n + w.elements * 4, 0) };
  });
}

/** A manifest group's shard files and their sizes: regular files in `dir` adding up to what the group describes. */
function shardFiles(group: ManifestGroup, dir: string, file: string): { path: string; size: number }[] {
  const shards = group.paths.map((p) => {
    const shard = path.join(dir, p);
    return { path: shard, size: withShardContext(file, shard, () => regularFileSize(shard)) };
  });
  const total = shards.reduce((n, s) => n + s.size, 0);
  if (total !== group.bytes) throw new ModelFileError(file, `the shards ${group.paths.join(', ').slice(0, 300)} hold ${formatBytes(total)} but the manifest describes ${formatBytes(group.bytes)}`);
  return shards;
}

/** A shard's problem, reported as the model's: the file the user loads is `file`, the shard is in the message. */
function withShardContext<T>(file: string, shard: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof ModelFileError)) throw error;
    throw new ModelFileError(file, `weights shard ${error.message}`, { cause: error });
  }
}

/** The shards back to back, each read no further than the size checked before. */
function readShards(shards: readonly { path: string; size: number }[], file: string): Uint8Array {
  const bytes = new Uint8Array(shards.reduce((n, s) => n + s.size, 0));
  let offset = 0;
  for (const shard of shards) {
    const data = withShardContext(file, shard.path, () =>
      readRegularFile(shard.path, (size) => {
        if (size !== shard.size) throw new ModelFileError(shard.path, `changed size while the model was loaded (${shard.size} then ${size} bytes)`);
      }),
    );
    bytes.set(data, offset);
    offset += data.length;
  }
  return bytes;
}

/**
 * Loads a TensorFlow.js LayersModel from its `model.json`, reading the shards the manifest names from the
 * same directory (and nowhere else), within the budget of `options` (see {@link LoadLimits}).
 *
 * @example
 * ```ts
 * const model = modelFromTfjs('web/model.json');
 * ```
 */
export function modelFromTfjs(file: string, options: LoadLimits = {}): Model {
  const budget = LoadBudget.from(options, 'modelFromTfjs');
  const text = readRegularFile(file, (size) => budget.checkConfigBytes(file, 'model.json', size));
  const json = expectObject(file, 'model.json', parseJson(file, 'model.json', text, budget));
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new ModelFileError(file, `format ${JSON.stringify(json.format)?.slice(0, 40)} is not 'layers-model' (graph models are not Keras models)`);
  }
  const topology = expectObject(file, 'modelTopology', json.modelTopology);
  const groups = checkManifest(json.weightsManifest, file);
  budget.checkWeightBytes(file, 'the weights manifest', groups.reduce((n, g) => n + g.bytes, 0));
  const dir = path.dirname(file);
  const shards = groups.map((group) => shardFiles(group, dir, file));
  const build = planModel(topology.model_config ?? topology, file, budget, { elements: groups.reduce((n, g) => n + g.bytes / 4, 0), where: 'the weights manifest' });
  const values = new Map<string, { shape: number[]; data: Float32Array }>();
  const byLayer = new Map<string, string[]>();
  groups.forEach((group, g) => {
    const bytes = readShards(shards[g], file);
    const view = new DataView(bytes.buffer);
    let offset = 0;
    for (const w of group.weights) {
      const data = new Float32Array(w.elements);
      for (let i = 0; i < w.elements; i++) data[i] = view.getFloat32(offset + 4 * i, true);
      offset += 4 * w.elements;
      values.set(w.name, { shape: w.shape, data });
      const layerName = w.name.split('/')[0];
      const own = byLayer.get(layerName);
      if (own === undefined) byLayer.set(layerName, [w.name]);
      else own.push(w.name);
    }
  });
  const model = build();
  const assignment: WeightAssignment = [];
  for (const layer of model.layers) {
    const weights = layer.weights;
    if (weights.length === 0) continue;
    const own = byLayer.get(layer.name) ?? [];
    const tensors = weights.map((w, i) => {
      // By name, as TF.js does; else by position among the layer's entries (Keras 2 names differ from ours).
      const key = [w.path, tfjsWeightName(layer, w), `${model.name}/${w.path}`].find((k) => values.has(k)) ?? (own.length === weights.length ? own[i] : w.path);
      const found = values.get(key);
      if (found === undefined) throw new ModelFileError(file, `the weights manifest has no '${w.path}'`);
      if (found.shape.length !== w.shape.length || !found.shape.every((d, j) => d === w.shape[j])) {
        throw new ModelFileError(file, `weight '${w.path}' has shape [${w.shape.join(', ')}] but the manifest says [${found.shape.join(', ')}]`);
      }
      return tensorFromArray(w.dtype === 'float32' ? found.data : Float64Array.from(found.data), w.shape, w.dtype);
    });
    assignment.push([layer, tensors]);
  }
  applyWeights(file, assignment, null);
  return model;
}
