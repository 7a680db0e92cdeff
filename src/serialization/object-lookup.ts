/**
 * Keras's `get` for the class-based kinds (regularizers, constraints): None → None, a name → the
 * registered class built with defaults, a `{class_name, config}` dict → that class built from its config,
 * a class → an instance, any other callable → itself.
 */

import { InvalidArgumentError } from '../errors.js';
import type { Config } from './keras-object.js';
import { isSerializedForm, toCamelCase } from './keras-object.js';
import type { Registry } from './registry.js';

/** Builds an object from its snake_case config; `argument` is what errors name. */
export type ConfigFactory<T> = (config: Config, argument: string) => T;

/**
 * A built-in class as a registry entry: `keys` are the config keys its `getConfig()` writes (and so the
 * only ones it accepts back, as Python refuses unexpected keyword arguments); `create` takes camelCase
 * options and validates every value.
 */
export function classFactory<T>(
  className: string,
  keys: readonly string[],
  create: (options: Record<string, unknown>) => T,
  /** Keys Keras writes that carry nothing here (accepted, not passed on). */
  ignored: readonly string[] = [],
): ConfigFactory<T> {
  return (config, argument) => {
    const options: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
      if (!keys.includes(key)) {
        const allowed = keys.length ? `config keys among ${keys.join(', ')}` : 'no config keys';
        throw new InvalidArgumentError(`${argument}.config`, key, allowed, className);
      }
      if (!ignored.includes(key)) options[toCamelCase(key)] = value;
    }
    return create(options);
  };
}

export interface LookupSpec<T, F> {
  /** The base class: instances pass through, subclasses (the class itself) get instantiated. */
  readonly base: abstract new () => T;
  readonly isInstance: (value: unknown) => value is T;
  /** Narrows a plain function after the class check. */
  readonly asFunction: (value: (...args: never[]) => unknown) => F;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Resolves an identifier of a class-based kind; see the module comment for the accepted forms. */
export function lookupObject<T, F>(
  identifier: unknown,
  argument: string,
  registry: Registry<ConfigFactory<T>>,
  spec: LookupSpec<T, F>,
): T | F | null {
  if (identifier === undefined || identifier === null) return null;
  if (spec.isInstance(identifier)) return identifier;
  if (typeof identifier === 'string') return registry.require(identifier, argument)({}, argument);
  if (typeof identifier === 'function') {
    const base = spec.base;
    if (identifier === base || (identifier as { prototype: unknown }).prototype instanceof base) {
      // A class, as Keras's `inspect.isclass(obj)` branch: instantiate with defaults.
      return new (identifier as new () => T)();
    }
    return spec.asFunction(identifier as (...args: never[]) => unknown);
  }
  if (isSerializedForm(identifier)) {
    const registeredName = (identifier as { registered_name?: unknown }).registered_name;
    const factory = registry.require(identifier.class_name, `${argument}.class_name`, typeof registeredName === 'string' ? registeredName : null);
    const config = identifier.config ?? {};
    if (!isPlainObject(config)) throw new InvalidArgumentError(argument, identifier, `a ${registry.kind} whose \`config\` is an object`);
    // The config comes from JSON (or the caller), so it holds only JSON values.
    return factory(config as Config, argument);
  }
  throw new InvalidArgumentError(
    argument,
    identifier,
    `null, a ${registry.kind} name (one of ${registry.names().join(', ')}), a ${registry.kind} object, ` +
      `a serialized {class_name, config} or a function`,
  );
}
