/**
 * Writing TensorFlow.js LayersModel files: `model.json` (`format: 'layers-model'`, the Keras 2-style topology
 * and a `weightsManifest`) plus a binary shard holding the weights as little-endian float32, back to back in
 * manifest order. TF.js has no float64, so float64 models are refused rather than silently rounded.
 */

import type { NodeBuiltins } from '../platform/node-builtins.js';
import { requireNodeBuiltin } from '../platform/node-builtins.js';
import type { Variable } from '../engine/variable.js';
import type { Layer } from '../layers/layer.js';
import type { Model } from '../models/model.js';
import type { ConfigValue } from '../serialization/keras-object.js';
import { escapeRegExp, processAlive, removeLeftovers, writeFilesAtomic } from './atomic-write.js';
import { ModelFileError } from './errors.js';
import { modelToConfig } from './config-write.js';

/** Node's `path`, looked up when first needed (exportTfjs works on files: Node only). */
const path = (): NodeBuiltins['node:path'] => requireNodeBuiltin('node:path', 'exportTfjs');

/** TF.js (like Keras 2) names a depthwise layer's kernel `depthwise_kernel`; Keras 3 names it `kernel`. */
export function tfjsWeightName(layer: Layer, w: Variable): string {
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

/** Shards this library writes for `<base>.json`: `<base>.group1-shard1of1.<pid>-<random>.bin`, the pid the writer's. */
function shardPattern(base: string): RegExp {
  // With the temporary name of a save killed before its rename (`<shard>.<pid>.<random>.tmp`), too.
  return new RegExp(`^${escapeRegExp(base)}\\.group1-shard\\d+of\\d+\\.(\\d+)-[0-9a-f]{8}\\.bin(?:\\.\\d+\\.[0-9a-z]+\\.tmp)?$`);
}

/**
 * Writes `model` as a TensorFlow.js LayersModel: `file` (a `.json` path) and one weight shard beside it. The
 * pair is saved atomically: both are written under temporary names, then the shard is renamed into place
 * and the JSON last. Each save names a new shard (`model.group1-shard1of1.<pid>-<random>.bin`), so a JSON
 * never points at a shard of another save, complete or not; shards of earlier saves of this path that the
 * JSON no longer names are removed afterwards (those of a live process only when it is this one).
 *
 * @example
 * ```ts
 * exportTfjs(model, 'web/model.json');
 * ```
 */
export function exportTfjs(model: Model, file: string): void {
  model.checkNotDisposed('exportTfjs');
  if (typeof file !== 'string' || !file.toLowerCase().endsWith('.json')) throw new ModelFileError(String(file), "a TensorFlow.js model file name must end in '.json'");
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
  const dir = path().dirname(path().resolve(file));
  const base = path().basename(file).slice(0, -'.json'.length);
  const token = Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0');
  const shardName = `${base}.group1-shard1of1.${process.pid}-${token}.bin`;
  const topology = toKeras2(modelToConfig(model)) as { [key: string]: ConfigValue };
  const json = {
    format: 'layers-model',
    generatedBy: 'depthwise',
    convertedBy: null,
    modelTopology: { keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js', model_config: topology },
    weightsManifest: [{ paths: [shardName], weights: named.map(({ w, name }) => ({ name, shape: [...w.shape], dtype: 'float32' })) }],
  };
  writeFilesAtomic([
    [path().join(dir, shardName), new Uint8Array(shard.buffer, shard.byteOffset, shard.byteLength)],
    [file, new TextEncoder().encode(JSON.stringify(json))],
  ]);
  const pattern = shardPattern(base);
  removeLeftovers(dir, (name) => {
    const match = pattern.exec(name);
    if (match === null || name === shardName) return false;
    const writer = Number(match[1]);
    return writer === process.pid || !processAlive(writer);
  });
}
