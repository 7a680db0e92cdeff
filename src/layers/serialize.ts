/** Writing layer configs and reading them back. */

import { InvalidArgumentError } from '../errors.js';
import type { Config, ConfigValue, SerializedKerasObject } from '../serialization/keras-object.js';
import { isSerializedKerasObject, toCamelCase } from '../serialization/keras-object.js';

export function serializeOrNull(value: { serialize(): SerializedKerasObject } | null): SerializedKerasObject | null {
  return value ? value.serialize() : null;
}

/**
 * Turns a Keras config (snake_case, serialized dtype policy) into camelCase layer options. Keys outside
 * `known` are refused, as Keras refuses unrecognized keyword arguments.
 */
export function configToOptions(config: Config, known: readonly string[], className: string): Record<string, unknown> {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new InvalidArgumentError('config', config, `a ${className} config object`, `${className}.fromConfig`);
  }
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!known.includes(key)) {
      throw new InvalidArgumentError('config', key, `only the keys ${known.join(', ')} (unrecognized keyword argument)`, `${className}.fromConfig`);
    }
    options[toCamelCase(key)] = key === 'dtype' ? dtypeFromConfig(value) : value;
  }
  return options;
}

function dtypeFromConfig(value: ConfigValue): unknown {
  if (isSerializedKerasObject(value)) return value.config.name;
  return value;
}

/** The keys every layer's config may carry. */
export const BASE_CONFIG_KEYS: readonly string[] = ['name', 'trainable', 'dtype', 'batch_input_shape'];
