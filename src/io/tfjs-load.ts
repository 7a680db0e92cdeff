/**
 * Loading TensorFlow.js LayersModel files: `model.json` and the binary shards its `weightsManifest` names,
 * read from the JSON's directory (or its URL's folder, or files given with it) and nowhere else. The manifest's declared sizes are checked against the
 * budget and against the shards' sizes on disk (each a regular file) before a byte of any shard is read.
 */

import type { NodeBuiltins } from '../platform/node-builtins.js';
import { requireNodeBuiltin } from '../platform/node-builtins.js';
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

/** Node's `path`, looked up when first needed (Loading from a path works on files: Node only). */
const path = (): NodeBuiltins['node:path'] => requireNodeBuiltin('node:path', 'Loading from a path');

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

/**
 * Where a `model.json`'s shards come from, by the file names its manifest lists: a directory on disk, or
 * bytes already fetched or dropped (a browser).
 */
export interface ShardSource {
  /** Where shard `name` is, for messages. */
  where(name: string): string;
  /** The size of shard `name`; throws a {@link ModelFileError} naming it when it is missing or unreadable. */
  size(name: string): number;
  /** Its bytes; throws when they are no longer `size` long. */
  read(name: string, size: number): Uint8Array;
}

/** Shards in the directory `dir`: regular files, read no further than the size checked before. */
export function directoryShards(dir: string): ShardSource {
  const where = (name: string): string => path().join(dir, name);
  return {
    where,
    size: (name) => regularFileSize(where(name)),
    read: (name, size) =>
      readRegularFile(where(name), (actual) => {
        if (actual !== size) throw new ModelFileError(where(name), `changed size while the model was loaded (${size} then ${actual} bytes)`);
      }),
  };
}

/** Shards already in memory, by file name. */
export function memoryShards(shards: ReadonlyMap<string, Uint8Array>, base: string): ShardSource {
  const where = (name: string): string => `${base}${name}`;
  const find = (name: string): Uint8Array => {
    const bytes = shards.get(name);
    if (bytes === undefined) throw new ModelFileError(where(name), 'is missing (the weights manifest names it)');
    return bytes;
  };
  return { where, size: (name) => find(name).byteLength, read: (name) => find(name) };
}

/** A manifest group's shards and their sizes, adding up to what the group describes. */
function shardFiles(group: ManifestGroup, source: ShardSource, file: string): { name: string; size: number }[] {
  const shards = group.paths.map((name) => ({ name, size: withShardContext(file, () => source.size(name)) }));
  const total = shards.reduce((n, s) => n + s.size, 0);
  if (total !== group.bytes) throw new ModelFileError(file, `the shards ${group.paths.join(', ').slice(0, 300)} hold ${formatBytes(total)} but the manifest describes ${formatBytes(group.bytes)}`);
  return shards;
}

/** A shard's problem, reported as the model's: the file the user loads is `file`, the shard is in the message. */
function withShardContext<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof ModelFileError)) throw error;
    throw new ModelFileError(file, `weights shard ${error.message}`, { cause: error });
  }
}

/** The shards back to back, each read no further than the size checked before. */
function readShards(shards: readonly { name: string; size: number }[], source: ShardSource, file: string): Uint8Array {
  const bytes = new Uint8Array(shards.reduce((n, s) => n + s.size, 0));
  let offset = 0;
  for (const shard of shards) {
    const data = withShardContext(file, () => {
      const read = source.read(shard.name, shard.size);
      if (read.byteLength !== shard.size) throw new ModelFileError(source.where(shard.name), `changed size while the model was loaded (${shard.size} then ${read.byteLength} bytes)`);
      return read;
    });
    bytes.set(data, offset);
    offset += data.length;
  }
  return bytes;
}

/** The parsed `model.json`: its topology and checked manifest, within the budget. */
function parseModelJson(text: Uint8Array, file: string, budget: LoadBudget): { topology: Record<string, unknown>; groups: ManifestGroup[] } {
  budget.checkConfigBytes(file, 'model.json', text.byteLength);
  const json = expectObject(file, 'model.json', parseJson(file, 'model.json', text, budget));
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new ModelFileError(file, `format ${JSON.stringify(json.format)?.slice(0, 40)} is not 'layers-model' (graph models are not Keras models)`);
  }
  const topology = expectObject(file, 'modelTopology', json.modelTopology);
  const groups = checkManifest(json.weightsManifest, file);
  budget.checkWeightBytes(file, 'the weights manifest', groups.reduce((n, g) => n + g.bytes, 0));
  return { topology, groups };
}

/**
 * The shard file names a `model.json` needs, after checking its manifest and declared sizes against the
 * budget: what a caller fetches before {@link modelFromTfjsJson}.
 *
 * @example
 * ```ts
 * const names = tfjsShardNames(jsonBytes, 'model.json'); // ['group1-shard1of1.bin']
 * ```
 */
export function tfjsShardNames(text: Uint8Array, file: string, options: LoadLimits = {}): string[] {
  const { groups } = parseModelJson(text, file, LoadBudget.from(options, 'loadModel'));
  return groups.flatMap((g) => g.paths);
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
  return modelFromTfjsJson(text, file, options, directoryShards(path().dirname(file)));
}

/**
 * Loads a TensorFlow.js LayersModel from the bytes of its `model.json` and a source of the shards it names
 * (see {@link ShardSource}), within the budget of `options`.
 *
 * @example
 * ```ts
 * const model = modelFromTfjsJson(jsonBytes, 'model.json', {}, memoryShards(new Map([['group1-shard1of1.bin', shard]]), ''));
 * ```
 */
export function modelFromTfjsJson(text: Uint8Array, file: string, options: LoadLimits, source: ShardSource): Model {
  const budget = LoadBudget.from(options, 'modelFromTfjs');
  const { topology, groups } = parseModelJson(text, file, budget);
  const shards = groups.map((group) => shardFiles(group, source, file));
  const build = planModel(topology.model_config ?? topology, file, budget, { elements: groups.reduce((n, g) => n + g.bytes / 4, 0), where: 'the weights manifest' });
  const values = new Map<string, { shape: number[]; data: Float32Array }>();
  const byLayer = new Map<string, string[]>();
  groups.forEach((group, g) => {
    const bytes = readShards(shards[g], source, file);
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
