/**
 * The identifier resolution shared by `getRegularizer` and `getConstraint`, which Keras implements the same
 * way: None → None, a name → the registered class built with defaults, a `{class_name, config}` dict → that
 * class built from its config, a class → an instance, any other callable → itself.
 */

import { InvalidArgumentError, UnknownNameError } from '../errors.js';
import type { Config } from '../io/keras-object.js';
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
  /** Classes the user registered: name → factory from the snake_case config, as the file holds it. */
  readonly custom: ReadonlyMap<string, (config: Config) => T>;
}

/**
 * A registry of user classes for one kind (regularizer, constraint), refusing built-in names. A file names
 * such an object by class name only, so a custom one loads only through this map, never by running
 * anything the file says.
 */
export class CustomRegistry<T> {
  readonly map = new Map<string, (config: Config) => T>();

  constructor(
    private readonly builtins: Readonly<Record<string, unknown>>,
    private readonly kind: string,
    private readonly context: string,
  ) {}

  register(className: string, factory: (config: Config) => T): void {
    if (typeof className !== 'string' || className === '') throw new InvalidArgumentError('className', className, 'a non-empty string', this.context);
    if (typeof factory !== 'function') throw new InvalidArgumentError('factory', factory, `a function (config) => ${this.kind}`, this.context);
    if (Object.hasOwn(this.builtins, className) || className === 'function') {
      throw new InvalidArgumentError('className', className, `a name that is not a built-in ${this.kind} (built-ins cannot be overridden)`, this.context);
    }
    this.map.set(className, factory);
  }
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
  const names = [...Object.keys(spec.registry), ...spec.custom.keys()];
  if (typeof identifier === 'string') {
    const entry = Object.hasOwn(spec.registry, identifier) ? spec.registry[identifier] : undefined;
    if (entry) return entry.create({});
    const factory = spec.custom.get(identifier);
    if (!factory) throw new UnknownNameError(argument, identifier, names);
    return factory({});
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
    const registeredName = (identifier as { registered_name?: unknown }).registered_name;
    // Keras writes `package>Class` as registered_name for registered objects; that name wins when known.
    const factory = (typeof registeredName === 'string' ? spec.custom.get(registeredName) : undefined) ?? spec.custom.get(className);
    const entry = Object.hasOwn(spec.registry, className) ? spec.registry[className] : undefined;
    if (entry) return fromConfig(entry, identifier.config, argument, identifier, spec.kind);
    if (!factory) throw new UnknownNameError(`${argument}.class_name`, className, names);
    const config = identifier.config ?? {};
    if (!isPlainObject(config)) throw new InvalidArgumentError(argument, identifier, `a ${spec.kind} whose \`config\` is an object`);
    // The config comes from JSON (or the caller), so it holds only JSON values.
    return factory(config as Config);
  }
  throw new InvalidArgumentError(
    argument,
    identifier,
    `null, a ${spec.kind} name (one of ${names.join(', ')}), a ${spec.kind} object, ` +
      `a serialized {class_name, config} or a function`,
  );
}
