/**
 * The one by-name table every serializable kind uses (activations, initializers, regularizers,
 * constraints, optimizers, losses, metrics, layer classes): Keras's `ALL_OBJECTS_DICT` for that kind plus
 * what the user registered (Keras's `register_keras_serializable` / `custom_objects`).
 *
 * A file names an object by class name only, so loading resolves names through a registry and never runs
 * anything the file says. Built-in names cannot be taken by a registration, so a file that names a
 * built-in always gets the built-in.
 */

import { InvalidArgumentError, UnknownNameError } from '../errors.js';

export interface RegistryOptions {
  /** What the entries are, for error messages: 'initializer', 'layer class', ... */
  readonly kind: string;
  /** The public function that registers entries (`registerLayer`), for error messages. */
  readonly registerFunction: string;
  /** The registered value's argument name and what it must be, e.g. `['factory', 'a function (config) => Layer']`. */
  readonly value: readonly [argument: string, allowed: string];
  /** Checks a registered value; default: it is a function. */
  readonly isValue?: (value: unknown) => boolean;
  /** The registered name's argument name in errors; default `'className'`. */
  readonly nameArgument?: string;
  /** Keras's lookup for some kinds (optimizers) ignores letter case. */
  readonly caseInsensitive?: boolean;
  /** Names Keras knows that this library refuses: unknown to lookup, and not registrable either. */
  readonly reserved?: readonly string[];
}

/**
 * A table of built-in entries under their Keras names and aliases, and user entries under the names they
 * were registered with.
 *
 * @example
 * ```ts
 * const shapes = new Registry<() => string>({ kind: 'shape', registerFunction: 'registerShape', value: ['factory', 'a function'] });
 * shapes.builtin(['Square', 'square'], () => 'square');
 * shapes.get('square')?.(); // 'square'
 * ```
 */
export class Registry<T> {
  readonly kind: string;
  private readonly options: RegistryOptions;
  private readonly builtins = new Map<string, T>();
  private readonly custom = new Map<string, T>();

  constructor(options: RegistryOptions) {
    this.options = options;
    this.kind = options.kind;
  }

  private key(name: string): string {
    return this.options.caseInsensitive === true ? name.toLowerCase() : name;
  }

  /** Adds a built-in entry under each of `names` (class name, snake_case name, aliases). */
  builtin(names: readonly string[], value: T): this {
    for (const name of names) this.builtins.set(this.key(name), value);
    return this;
  }

  /** Whether `name` is a built-in name (or a refused Keras name), which registrations cannot take. */
  isBuiltin(name: string): boolean {
    return this.builtins.has(this.key(name)) || (this.options.reserved ?? []).includes(name);
  }

  /**
   * Adds a user entry; registering a name again replaces the earlier entry.
   *
   * @throws InvalidArgumentError for an empty name, a built-in name, or a value that is not a function.
   */
  register(name: string, value: T): void {
    const context = this.options.registerFunction;
    const nameArgument = this.options.nameArgument ?? 'className';
    if (typeof name !== 'string' || name === '') throw new InvalidArgumentError(nameArgument, name, 'a non-empty string', context);
    const [argument, allowed] = this.options.value;
    const isValue = this.options.isValue ?? ((v: unknown) => typeof v === 'function');
    if (!isValue(value)) throw new InvalidArgumentError(argument, value, allowed, context);
    if (this.isBuiltin(name)) {
      throw new InvalidArgumentError(nameArgument, name, `a name that is not a built-in ${this.kind} (built-ins cannot be overridden)`, context);
    }
    this.custom.set(this.key(name), value);
  }

  /** Removes a user entry; true if there was one. */
  unregister(name: string): boolean {
    return this.custom.delete(this.key(name));
  }

  /**
   * The entry for `name`, or undefined. Keras writes `package>Class` as the `registered_name` of a
   * registered object: that name wins when it is registered.
   */
  get(name: string, registeredName?: string | null): T | undefined {
    if (typeof registeredName === 'string') {
      const registered = this.custom.get(this.key(registeredName));
      if (registered !== undefined) return registered;
    }
    return this.builtins.get(this.key(name)) ?? this.custom.get(this.key(name));
  }

  /** The entry for `name`, or an error naming `argument` and listing the known names. */
  require(name: string, argument: string, registeredName?: string | null, context?: string): T {
    const found = this.get(name, registeredName);
    if (found === undefined) throw this.unknown(argument, name, context);
    return found;
  }

  /** The user entries' names. */
  customNames(): string[] {
    return [...this.custom.keys()];
  }

  /** Built-in names, in the order they were added. */
  builtinNames(): string[] {
    return [...this.builtins.keys()];
  }

  /** Every name lookup accepts: built-ins, then user entries. */
  names(): string[] {
    return [...this.builtins.keys(), ...this.custom.keys()];
  }

  /** The error for an unknown name, listing the known ones (and saying so when Keras has it but we refuse it). */
  unknown(argument: string, received: unknown, context?: string): UnknownNameError {
    const refused = typeof received === 'string' && (this.options.reserved ?? []).includes(received);
    const why = refused ? `the Keras ${this.kind} ${JSON.stringify(received)} is not supported by depthwise` : context;
    return new UnknownNameError(argument, received, this.names(), why);
  }
}
