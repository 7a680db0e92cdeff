/** One layer entry of a model config → a Layer, refusing what is unknown and smoothing Keras 2's spellings. */

import { InputLayer } from '../layers/input-layer.js';
import type { Layer } from '../layers/layer.js';
import type { Config } from '../serialization/keras-object.js';
import { ModelFileError } from './errors.js';
import { findLayerClass } from '../layers/registry.js';

/** The largest dimension a file may give an input (TensorFlow's int32 dimensions). */
const MAX_DIMENSION = 2 ** 31 - 1;

/** A batch shape from a file: an array of positive integers or null, of sane rank. */
export function checkShape(value: unknown, what: string, file: string): (number | null)[] {
  if (!Array.isArray(value) || value.length > 16 || !value.every((d) => d === null || (Number.isInteger(d) && d > 0 && d <= MAX_DIMENSION))) {
    throw new ModelFileError(file, `${what} must be a list of at most 16 positive integers or null, found ${JSON.stringify(value)?.slice(0, 80)}`);
  }
  return value as (number | null)[];
}

function inputLayerFromConfig(config: Config, where: string, file: string): InputLayer {
  const shape = config.batch_shape ?? config.batch_input_shape;
  const batchShape = checkShape(shape, `${where}: InputLayer batch_shape`, file);
  for (const flag of ['sparse', 'ragged', 'optional'] as const) {
    if (config[flag] === true) throw new ModelFileError(file, `${where}: InputLayer with ${flag}=true is not supported`);
  }
  const dtype = config.dtype ?? 'float32';
  const dtypeName = typeof dtype === 'object' && dtype !== null && !Array.isArray(dtype) ? (dtype as Config).config : dtype;
  const name = typeof dtypeName === 'object' && dtypeName !== null && !Array.isArray(dtypeName) ? (dtypeName as Config).name : dtypeName;
  if (name !== 'float32' && name !== 'float64') throw new ModelFileError(file, `${where}: InputLayer dtype ${JSON.stringify(name)} is not float32 or float64`);
  return new InputLayer({ batchShape, dtype: name, name: typeof config.name === 'string' ? config.name : undefined });
}

/**
 * Keras 2 wrote keys Keras 3 (and we) refuse although they meant the default; drop exactly those, so a
 * tampered non-default value still fails loudly.
 */
function normalizeLegacy(className: string, config: Config): Config {
  const out: Config = { ...config };
  // Keras 2.x's DepthwiseConv2D inherited Conv2D's `groups` and always wrote `"groups": 1`.
  if (className === 'DepthwiseConv2D' && out.groups === 1) delete out.groups;
  // Keras 2's BatchNormalization wrote its built axis as a one-element list.
  if (className === 'BatchNormalization' && Array.isArray(out.axis) && out.axis.length === 1) out.axis = out.axis[0];
  // TF1-era Keras (2.1 - 2.3 under tf.keras) wrote a float `dtype` into every initializer's config.
  for (const [key, value] of Object.entries(out)) {
    if (!key.endsWith('_initializer') || typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    const inner = (value as Config).config;
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner) || !['float32', 'float64'].includes((inner as Config).dtype as string)) continue;
    const { dtype: _dtype, ...rest } = inner as Config;
    out[key] = { ...(value as Config), config: rest };
  }
  return out;
}

/**
 * Builds the layer an entry `{class_name, config, registered_name?, module?}` describes.
 *
 * @param where - the entry's place in the file, for errors (`layers[3]`).
 * @example
 * ```ts
 * const layer = layerFromEntry({ class_name: 'Dense', config: { units: 3 } }, 'layers[0]', 'model.keras');
 * ```
 */
export function layerFromEntry(entry: unknown, where: string, file: string): Layer {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new ModelFileError(file, `${where} must be an object {class_name, config}`);
  const { class_name: className, config, registered_name: registeredName } = entry as Record<string, unknown>;
  if (typeof className !== 'string') throw new ModelFileError(file, `${where} has no class_name`);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new ModelFileError(file, `${where} (${className}) has no config object`);
  const layerName = typeof (config as Config).name === 'string' ? ` '${(config as Config).name as string}'` : '';
  if (className === 'InputLayer') return inputLayerFromConfig(config as Config, where, file);
  const fromConfig = findLayerClass(className, typeof registeredName === 'string' ? registeredName : null);
  if (fromConfig === null) {
    throw new ModelFileError(
      file,
      `${where}${layerName}: unknown layer class '${className}'${typeof registeredName === 'string' && registeredName !== className ? ` (registered name '${registeredName}')` : ''}; ` +
        'only built-in layers and classes registered with registerLayer() load',
    );
  }
  try {
    return fromConfig(normalizeLegacy(className, config as Config));
  } catch (error) {
    throw new ModelFileError(file, `${where}${layerName} (${className}): ${(error as Error).message}`, { cause: error });
  }
}
