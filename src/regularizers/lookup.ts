/**
 * The identifier resolution shared by `getRegularizer` and `getConstraint`, which Keras implements the same
 * way: None → None, a name → the registered class built with defaults, a `{class_name, config}` dict → that
 * class built from its config, a class → an instance, any other callable → itself.
 */

import { InvalidArgumentError, UnknownNameError } from '../errors.js';
import { toCamelCase } from '../io/keras-object.js';

/** How to build one registered class from a snake_case config. */
export interface RegistryEntry<T> {
  /** The config keys the class's `getConfig()` writes (and so the only ones it accepts back). */
  readonly keys: readonly string[];
  /** Builds an instance from camelCase options; the constructor validates every value. */
  readonly create: (options: Record<string, unknown>) => T;
}

export interface LookupSpec<T, F> {
  /** 'regularizer' or 'constraint', for error messages. */
  readonly kind: string;
  /** Registered names, each class under its class name and its snake_case name, as Keras's ALL_OBJECTS_DICT. */
  readonly registry: Readonly<Record<string, RegistryEntry<T>>>;
  /** The base class: instances pass through, subclasses (the class itself) get instantiated. */
  readonly base: abstract new () => T;
  readonly isInstance: (value: unknown) => value is T;
  /** Narrows a plain function after the class check. */
  readonly asFunction: (value: (...args: never[]) => unknown) => F;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `value` looks like a serialized `{ class_name, config }` (the only form `deserialize` takes). */
export function isSerializedForm(value: unknown): value is { class_name: string; config?: unknown } {
  return isPlainObject(value) && typeof value.class_name === 'string';
}

/** Keras's `from_config(cls(**config))`: unknown keys are refused, as Python refuses unexpected kwargs. */
function fromConfig<T>(entry: RegistryEntry<T>, config: unknown, argument: string, identifier: unknown, kind: string): T {
  if (config === undefined || config === null) return entry.create({});
  if (!isPlainObject(config)) {
    throw new InvalidArgumentError(argument, identifier, `a ${kind} whose \`config\` is an object`);
  }
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!entry.keys.includes(key)) {
      const allowed = entry.keys.length ? `config keys among ${entry.keys.join(', ')}` : 'an empty config';
      throw new InvalidArgumentError(argument, identifier, allowed);
    }
    options[toCamelCase(key)] = value;
  }
  return entry.create(options);
}

/** Resolves a regularizer or constraint identifier; see the module comment for the accepted forms. */
export function lookup<T, F>(identifier: unknown, argument: string, spec: LookupSpec<T, F>): T | F | null {
  if (identifier === undefined || identifier === null) return null;
  if (spec.isInstance(identifier)) return identifier;
  const names = Object.keys(spec.registry);
  if (typeof identifier === 'string') {
    const entry = Object.hasOwn(spec.registry, identifier) ? spec.registry[identifier] : undefined;
    if (!entry) throw new UnknownNameError(argument, identifier, names);
    return entry.create({});
  }
  if (typeof identifier === 'function') {
    const base = spec.base;
    if (identifier === base || (identifier as { prototype: unknown }).prototype instanceof base) {
      // A class, as Keras's `inspect.isclass(obj)` branch: instantiate with defaults.
      return new (identifier as new () => T)();
    }
    return spec.asFunction(identifier as (...args: never[]) => unknown);
  }
  if (isSerializedForm(identifier)) {
    const className = identifier.class_name;
    const entry = Object.hasOwn(spec.registry, className) ? spec.registry[className] : undefined;
    if (!entry) throw new UnknownNameError(`${argument}.class_name`, className, names);
    return fromConfig(entry, identifier.config, argument, identifier, spec.kind);
  }
  throw new InvalidArgumentError(
    argument,
    identifier,
    `null, a ${spec.kind} name (one of ${names.join(', ')}), a ${spec.kind} object, ` +
      `a serialized {class_name, config} or a function`,
  );
}
