/**
 * Validation of initializer options and the conversions between camelCase options and Keras's snake_case
 * configs. Every check throws before an initializer is built, naming the option, the value and what is allowed.
 */

import { InvalidArgumentError } from '../errors.js';
import type { Config, ConfigValue } from '../serialization/keras-object.js';
import { isSerializedKerasObject, toCamelCase, toSnakeCase } from '../serialization/keras-object.js';
import { SeedGenerator, parseSeed } from '../engine/random.js';

/** What an initializer accepts as `seed`. */
export type InitializerSeed = number | SeedGenerator | null;

export function finiteNumber(value: unknown, argument: string, context: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidArgumentError(argument, value, 'a finite number', context);
  }
  return value;
}

export function nonNegativeNumber(value: unknown, argument: string, context: string, fallback: number): number {
  const n = finiteNumber(value, argument, context, fallback);
  if (n < 0) throw new InvalidArgumentError(argument, value, 'a finite number >= 0', context);
  return n;
}

export function initializerSeed(value: unknown, context: string): InitializerSeed {
  try {
    return parseSeed(value, 'seed');
  } catch {
    throw new InvalidArgumentError('seed', value, 'an integer, a SeedGenerator, or null', context);
  }
}

/**
 * `inputAxes` / `outputAxes`: `null` (Keras's `None`) or a list of integer axes (negative counts from the end,
 * as Python indexing does). Ranges are checked when the shape is known, in `computeFans`.
 */
export function parseAxes(value: unknown, argument: string, context: string): readonly number[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || !value.every((a) => Number.isInteger(a))) {
    throw new InvalidArgumentError(argument, value, 'an array of integer axes, or null', context);
  }
  return Object.freeze([...(value as number[])]);
}

/** How Keras's `serialize_keras_object` writes a seed into `get_config()`. */
export function seedToConfig(seed: InitializerSeed): ConfigValue {
  if (seed instanceof SeedGenerator) return seed.serialize();
  return seed;
}

export function axesToConfig(axes: readonly number[] | null): ConfigValue {
  return axes === null ? null : [...axes];
}

/** Reads a seed back from a config: an integer, null, or a serialized `SeedGenerator`. */
function seedFromConfig(value: ConfigValue, context: string): InitializerSeed {
  if (isSerializedKerasObject(value)) {
    if (value.class_name !== 'SeedGenerator') {
      throw new InvalidArgumentError('seed', value, "an integer, null or a serialized 'SeedGenerator'", context);
    }
    return SeedGenerator.fromConfig(value.config);
  }
  return initializerSeed(value, context);
}

/**
 * Turns a Keras config (`{input_axes: [0, 1], seed: 7}`) into camelCase constructor options, rejecting keys
 * the class's `get_config()` does not produce, as Keras's `cls(**config)` would.
 */
export function optionsFromConfig(config: unknown, allowedSnake: readonly string[], context: string): Record<string, unknown> {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new InvalidArgumentError('config', config, 'a config object', context);
  }
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config as Config)) {
    if (!allowedSnake.includes(key)) {
      const expected = allowedSnake.length === 0 ? 'no keys' : `one of ${allowedSnake.map((k) => `'${k}'`).join(', ')}`;
      throw new InvalidArgumentError('config', key, expected, context);
    }
    options[toCamelCase(key)] = key === 'seed' ? seedFromConfig(value, context) : value;
  }
  return options;
}

/** The snake_case keys for a list of camelCase option names. */
export function snakeKeys(camel: readonly string[]): string[] {
  return camel.map(toSnakeCase);
}
