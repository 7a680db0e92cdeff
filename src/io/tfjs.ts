/**
 * TensorFlow.js LayersModel files: `model.json` (`format: 'layers-model'`, the Keras 2-style topology and a
 * `weightsManifest`) plus binary shards holding the weights as little-endian float32, back to back in
 * manifest order. TF.js has no float64, so float64 models are refused rather than silently rounded.
 */

import * as path from 'node:path';
import { tensorFromArray } from '../engine/tensor.js';
import type { Tensor } from '../engine/tensor.js';
import type { Variable } from '../engine/variable.js';
import type { Layer } from '../layers/layer.js';
import type { Model } from '../models/model.js';
import type { ConfigValue } from '../serialization/keras-object.js';
import { readFileChecked, writeFileAtomic } from './atomic-write.js';
import { expectObject, LIMITS, ModelFileError, parseJson } from './errors.js';
import { modelFromConfig, modelToConfig } from './model-config.js';

const SHARD = 'group1-shard1of1.bin';

/** TF.js (like Keras 2) names a depthwise layer's kernel `depthwise_kernel`; Keras 3 names it `kernel`. */
function tfjsWeightName(layer: Layer, w: Variable): string {
  const depthwise = layer.className === 'DepthwiseConv2D' || layer.className === 'DepthwiseConv1D';
  return depthwise && w.name === 'kernel' ? `${layer.name}/depthwise_kernel` : w.path;
}

/** Keras 3 config → the Keras 2 form TF.js reads: no module/registered_name/build_config, dtypes as names. */
function toKeras2(value: ConfigValue): ConfigValue {
  if (Array.isArray(value)) return value.map(toKeras2);
  if (value === null || typeof value !== 'object') return value;
  if (value.class_name === 'DTypePolicy' && typeof value.config === 'object' && value.config !== null && !Array.isArray(value.config)) {
    return value.config.name ?? 'float32';
  }
  if (value.class_name === '__keras_tensor__') {
    const history = (value.config as { keras_history: ConfigValue[] }).keras_history;
    return [...history, {}];
  }
  const out: { [key: string]: ConfigValue } = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'module' || key === 'registered_name' || key === 'build_config' || key === 'shared_object_id') continue;
    if (key === 'batch_shape') out.batch_input_shape = v;
    else if (key === 'inbound_nodes' && Array.isArray(v)) {
      // Keras 3 {args: [x or [x, y]], kwargs} → Keras 2 [[name, node, 0, {}], ...].
      out.inbound_nodes = v.map((node) => {
        const arg = (node as { args: ConfigValue[] }).args[0];
        const refs = Array.isArray(arg) ? arg : [arg];
        return refs.map(toKeras2);
      });
    } else if ((key === 'input_layers' || key === 'output_layers') && Array.isArray(v) && !Array.isArray(v[0])) out[key] = [v];
    else out[key] = toKeras2(v);
  }
  return out;
}

/**
 * Writes `model` as a TensorFlow.js LayersModel: `file` (a `.json` path) and one weight shard beside it.
 *
 * @example
 * ```ts
 * exportTfjs(model, 'web/model.json');
 * ```
 */
export function exportTfjs(model: Model, file: string): void {
  if (!file.toLowerCase().endsWith('.json')) throw new ModelFileError(file, "a TensorFlow.js model file name must end in '.json'");
  const named = model.layers.flatMap((layer) => layer.weights.map((w) => ({ w, name: tfjsWeightName(layer, w) })));
  const weights = named.map((n) => n.w);
  const wide = weights.find((w) => w.dtype !== 'float32');
  if (wide !== undefined) throw new ModelFileError(file, `TensorFlow.js stores float32 only; weight '${wide.path}' is ${wide.dtype}`);
  const total = weights.reduce((n, w) => n + w.size, 0);
  const shard = new Float32Array(total);
  let offset = 0;
  for (const w of weights) {
    shard.set(w.dataSync(), offset);
    offset += w.size;
  }
  const topology = toKeras2(modelToConfig(model)) as { [key: string]: ConfigValue };
  const json = {
    format: 'layers-model',
    generatedBy: 'depthwise',
    convertedBy: null,
    modelTopology: { keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js', model_config: topology },
    weightsManifest: [{ paths: [SHARD], weights: named.map(({ w, name }) => ({ name, shape: [...w.shape], dtype: 'float32' })) }],
  };
  // Shard first: a model.json never points at a shard that is not there yet.
  writeFileAtomic(path.join(path.dirname(file), SHARD), new Uint8Array(shard.buffer, shard.byteOffset, shard.byteLength));
  writeFileAtomic(file, new TextEncoder().encode(JSON.stringify(json)));
}

interface ManifestWeight {
  name: string;
  shape: number[];
}

function checkManifest(value: unknown, file: string): { paths: string[]; weights: ManifestWeight[] }[] {
  if (!Array.isArray(value)) throw new ModelFileError(file, 'weightsManifest must be a list of {paths, weights}');
  return value.map((group, g) => {
    const { paths, weights } = expectObject(file, `weightsManifest[${g}]`, group);
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string' && p !== '' && !p.includes('/') && !p.includes('\\') && p !== '..' && p !== '.')) {
      throw new ModelFileError(file, `weightsManifest[${g}].paths must be file names in the model's directory, found ${JSON.stringify(paths)?.slice(0, 120)}`);
    }
    if (!Array.isArray(weights)) throw new ModelFileError(file, `weightsManifest[${g}].weights must be a list`);
    return {
      paths: paths as string[],
      weights: weights.map((w, i) => {
        const entry = expectObject(file, `weightsManifest[${g}].weights[${i}]`, w);
        const shape = entry.shape;
        if (typeof entry.name !== 'string' || !Array.isArray(shape) || shape.length > 16 || !shape.every((d) => Number.isInteger(d) && d >= 0 && d <= LIMITS.weightElements)) {
          throw new ModelFileError(file, `weightsManifest[${g}].weights[${i}] needs a name and a shape of non-negative integers`);
        }
        if (entry.dtype !== 'float32' || entry.quantization !== undefined) {
          throw new ModelFileError(file, `weight '${entry.name}': only unquantized float32 weights are supported, found ${JSON.stringify(entry.dtype)}${entry.quantization !== undefined ? ' (quantized)' : ''}`);
        }
        return { name: entry.name, shape: shape as number[] };
      }),
    };
  });
}

/**
 * Loads a TensorFlow.js LayersModel from its `model.json`, reading the shards the manifest names from the
 * same directory (and nowhere else).
 *
 * @example
 * ```ts
 * const model = modelFromTfjs('web/model.json');
 * ```
 */
export function modelFromTfjs(file: string): Model {
  const json = expectObject(file, 'model.json', parseJson(file, 'model.json', readFileChecked(file, LIMITS.jsonBytes)));
  if (json.format !== undefined && json.format !== 'layers-model') throw new ModelFileError(file, `format ${JSON.stringify(json.format)} is not 'layers-model' (graph models are not Keras models)`);
  const topology = expectObject(file, 'modelTopology', json.modelTopology);
  const model = modelFromConfig(topology.model_config ?? topology, file);
  const values = new Map<string, { shape: number[]; data: Float32Array }>();
  const order: string[] = [];
  for (const group of checkManifest(json.weightsManifest, file)) {
    const need = group.weights.reduce((n, w) => n + w.shape.reduce((a, d) => a * d, 1), 0) * 4;
    if (need > LIMITS.fileBytes) throw new ModelFileError(file, `the manifest declares ${need} bytes of weights, more than allowed`);
    const parts = group.paths.map((p) => readFileChecked(path.join(path.dirname(file), p), LIMITS.fileBytes));
    const size = parts.reduce((n, p) => n + p.byteLength, 0);
    if (size !== need) throw new ModelFileError(file, `the shards ${group.paths.join(', ')} hold ${size} bytes but the manifest describes ${need}`);
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const p of parts) {
      bytes.set(p, offset);
      offset += p.byteLength;
    }
    const view = new DataView(bytes.buffer);
    offset = 0;
    for (const w of group.weights) {
      const count = w.shape.reduce((a, d) => a * d, 1);
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(offset + 4 * i, true);
      offset += 4 * count;
      values.set(w.name, { shape: w.shape, data });
      order.push(w.name);
    }
  }
  const updates: [Model['layers'][number], Tensor[]][] = model.layers.map((layer) => [
    layer,
    layer.weights.map((w, i) => {
      // By name, as TF.js does; else by position among the layer's entries (Keras 2 names differ from ours).
      const own = order.filter((n) => n.startsWith(`${layer.name}/`));
      const key = [w.path, tfjsWeightName(layer, w), `${model.name}/${w.path}`].find((k) => values.has(k)) ?? (own.length === layer.weights.length ? own[i] : w.path);
      const found = values.get(key);
      if (found === undefined) throw new ModelFileError(file, `the weights manifest has no '${w.path}'`);
      if (found.shape.length !== w.shape.length || !found.shape.every((d, i) => d === w.shape[i])) {
        throw new ModelFileError(file, `weight '${w.path}' has shape [${w.shape.join(', ')}] but the manifest says [${found.shape.join(', ')}]`);
      }
      return tensorFromArray(w.dtype === 'float32' ? found.data : Float64Array.from(found.data), w.shape, w.dtype);
    }),
  ]);
  for (const [layer, tensors] of updates) if (tensors.length > 0) layer.setWeights(tensors);
  return model;
}
