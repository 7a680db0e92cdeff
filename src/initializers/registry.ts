/** Looking initializers up by Keras name, config or value: Keras's `initializers.get` / `deserialize`. */

import type { FloatDType } from '../engine/dtype.js';
import { formatShape, shapesEqual } from '../engine/shape.js';
import type { Tensor } from '../engine/tensor.js';
import { isTensor, tensor } from '../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import type { Config, SerializedKerasObject } from '../serialization/keras-object.js';
import { isSerializedKerasObject } from '../serialization/keras-object.js';
import { Registry } from '../serialization/registry.js';
import { Constant, Ones, Zeros } from './constant.js';
import { Identity } from './identity.js';
import type { InitializerFunction } from './initializer.js';
import { Initializer, checkCallArgs } from './initializer.js';
import { Orthogonal } from './orthogonal.js';
import { RandomNormal, RandomUniform, TruncatedNormal } from './random.js';
import {
  GlorotNormal,
  GlorotUniform,
  HeNormal,
  HeUniform,
  LecunNormal,
  LecunUniform,
  VarianceScaling,
} from './variance-scaling.js';

type FromConfig = (config: Config) => Initializer;

const CLASSES: ReadonlyArray<readonly [className: string, snakeName: string, fromConfig: FromConfig]> = [
  ['Constant', 'constant', (c) => Constant.fromConfig(c)],
  ['GlorotNormal', 'glorot_normal', (c) => GlorotNormal.fromConfig(c)],
  ['GlorotUniform', 'glorot_uniform', (c) => GlorotUniform.fromConfig(c)],
  ['HeNormal', 'he_normal', (c) => HeNormal.fromConfig(c)],
  ['HeUniform', 'he_uniform', (c) => HeUniform.fromConfig(c)],
  ['Identity', 'identity', (c) => Identity.fromConfig(c)],
  ['LecunNormal', 'lecun_normal', (c) => LecunNormal.fromConfig(c)],
  ['LecunUniform', 'lecun_uniform', (c) => LecunUniform.fromConfig(c)],
  ['Ones', 'ones', (c) => Ones.fromConfig(c)],
  ['Orthogonal', 'orthogonal', (c) => Orthogonal.fromConfig(c)],
  ['RandomNormal', 'random_normal', (c) => RandomNormal.fromConfig(c)],
  ['RandomUniform', 'random_uniform', (c) => RandomUniform.fromConfig(c)],
  ['TruncatedNormal', 'truncated_normal', (c) => TruncatedNormal.fromConfig(c)],
  ['VarianceScaling', 'variance_scaling', (c) => VarianceScaling.fromConfig(c)],
  ['Zeros', 'zeros', (c) => Zeros.fromConfig(c)],
];

/** Keras's extra spellings (`ALL_OBJECTS_DICT` aliases), mapped to class names. */
const ALIASES: Readonly<Record<string, string>> = {
  IdentityInitializer: 'Identity',
  normal: 'RandomNormal',
  one: 'Ones',
  OrthogonalInitializer: 'Orthogonal',
  uniform: 'RandomUniform',
  zero: 'Zeros',
};

/**
 * Names Keras 3.15 accepts that this library deliberately does not: the abstract base (which Keras would
 * instantiate and then fail on call) and the STFT initializer (needs SciPy's window functions).
 */
export const UNSUPPORTED_KERAS_INITIALIZER_NAMES: readonly string[] = [
  'Initializer',
  'initializer',
  'STFT',
  'stft',
  'STFTInitializer',
];

const REGISTRY = new Registry<FromConfig>({
  kind: 'initializer',
  registerFunction: 'registerInitializer',
  value: ['factory', 'a function (config) => Initializer'],
  reserved: UNSUPPORTED_KERAS_INITIALIZER_NAMES,
});
for (const [className, snakeName, fromConfig] of CLASSES) {
  const aliases = Object.keys(ALIASES).filter((alias) => ALIASES[alias] === className);
  REGISTRY.builtin([className, snakeName, ...aliases], fromConfig);
}

/**
 * Every name {@link getInitializer} accepts, sorted: Keras's class names, their snake_case forms and Keras's
 * aliases. Matching is case-sensitive, as in Keras (`'Glorot_Uniform'` is unknown).
 *
 * @example
 * ```ts
 * INITIALIZER_NAMES.includes('he_normal'); // true
 * ```
 */
export const INITIALIZER_NAMES: readonly string[] = Object.freeze(REGISTRY.builtinNames().sort());

/**
 * Registers a custom initializer class so that `getInitializer` (and so a model file) resolves
 * `className` — as a name or as a serialized `{class_name, config}` (or Keras's `registered_name`) — by
 * calling `factory(config)`. The class should serialize under the same name, i.e. its `className` is
 * `className`. Built-in names cannot be taken; registering again replaces the earlier factory.
 *
 * @example
 * ```ts
 * class Halves extends Initializer { readonly className = 'Halves'; call(shape: readonly number[], dtype: FloatDType = 'float32') { return fill(shape, 0.5, dtype); } }
 * registerInitializer('Halves', () => new Halves());
 * ```
 */
export function registerInitializer(className: string, factory: (config: Config) => Initializer): void {
  REGISTRY.register(className, factory);
}

/** Removes a registration made with {@link registerInitializer}; true if there was one. */
export function unregisterInitializer(className: string): boolean {
  return REGISTRY.unregister(className);
}

/** Keras's form for a function: its `config` is the function's name, a string, where the shared type expects an object. */
function functionForm(name: string): SerializedKerasObject {
  return { module: 'builtins', class_name: 'function', config: name as unknown as Config, registered_name: 'function' };
}

/**
 * Wraps a plain function as an initializer (what {@link getInitializer} returns for a function).
 *
 * @example
 * ```ts
 * const init = new FunctionInitializer((shape, dtype) => fill(shape, 0.1, dtype));
 * ```
 */
export class FunctionInitializer extends Initializer {
  readonly className: string = 'function';
  readonly fn: InitializerFunction;

  constructor(fn: InitializerFunction) {
    super();
    if (typeof fn !== 'function') throw new InvalidArgumentError('fn', fn, 'a function (shape, dtype) => Tensor');
    this.fn = fn;
  }

  call(shape: readonly number[], dtype?: FloatDType): Tensor {
    const resolved = checkCallArgs(shape, dtype) as FloatDType;
    const out = this.fn(shape, resolved);
    // A wrong result would otherwise surface much later, as a shape error far from its cause.
    if (!isTensor(out) || !shapesEqual(out.shape, shape)) {
      const got = isTensor(out) ? `a tensor of shape ${formatShape(out.shape)}` : typeof out;
      throw new ShapeError(`initializer function ${this.fn.name || '(anonymous)'} returned ${got}; expected a tensor of shape ${formatShape(shape)}`);
    }
    return out;
  }

  /** Keras serializes a function as `{module: 'builtins', class_name: 'function', config: <its name>}`. */
  override serialize(): SerializedKerasObject {
    return functionForm(this.fn.name || 'anonymous');
  }

  override clone(): Initializer {
    return this;
  }
}

/**
 * Uses a tensor's values as the initial value (Keras's `get(tensor)`): the requested shape must equal the
 * tensor's, and the values are cast to the requested dtype.
 *
 * @example
 * ```ts
 * getInitializer(tensor([[1, 0], [0, 1]])).call([2, 2], 'float64');
 * ```
 */
export class TensorInitializer extends Initializer {
  readonly className: string = 'function';
  readonly value: Tensor;

  constructor(value: Tensor) {
    super();
    this.value = value;
  }

  call(shape: readonly number[], dtype?: FloatDType): Tensor {
    const resolved = checkCallArgs(shape, dtype) as FloatDType;
    if (!shapesEqual(shape, this.value.shape)) {
      throw new ShapeError(
        `expected \`shape\` to be ${formatShape(this.value.shape)} for a tensor used as initializer; received ${formatShape(shape)}`,
      );
    }
    return tensor(this.value.dataSync(), shape, resolved);
  }

  /** Keras wraps a tensor in a local function named `initialize_fn`, and serializes it as that function. */
  override serialize(): SerializedKerasObject {
    return functionForm('initialize_fn');
  }

  override clone(): Initializer {
    return this;
  }
}

/** Anything {@link getInitializer} understands. */
export type InitializerIdentifier =
  | string
  | Initializer
  | InitializerFunction
  | Tensor
  | { class_name: string; config?: Config; module?: string | null; registered_name?: string | null }
  | (new () => Initializer);

/**
 * Rebuilds an initializer from Keras's serialized form `{class_name, config}` (Keras's `deserialize`).
 * `class_name` may be any name in {@link INITIALIZER_NAMES}.
 *
 * @example
 * ```ts
 * deserializeInitializer({ class_name: 'HeUniform', config: { seed: 7, input_axes: [0, 1], output_axes: [0, 1, 3] } });
 * ```
 */
export function deserializeInitializer(
  serialized: { class_name: string; config?: Config | null; registered_name?: string | null },
  argument = 'initializer',
): Initializer {
  return REGISTRY.require(serialized.class_name, `${argument}.class_name`, serialized.registered_name)(serialized.config ?? {});
}

/**
 * Resolves an initializer identifier as Keras's `initializers.get`: a name (`'glorot_uniform'`,
 * `'GlorotUniform'`, `'normal'`, ...; see {@link INITIALIZER_NAMES}), an {@link Initializer} (returned as is),
 * a serialized `{class_name, config}`, an Initializer subclass (instantiated with defaults), a function
 * `(shape, dtype) => Tensor`, or a tensor of fixed initial values.
 *
 * @param argument the option name to report in errors, e.g. `'depthwiseInitializer'`.
 * @throws UnknownNameError for an unknown name, listing the valid ones; InvalidArgumentError for anything else.
 *
 * @example
 * ```ts
 * getInitializer('he_normal');
 * getInitializer({ class_name: 'Constant', config: { value: 0.5 } });
 * getInitializer((shape, dtype) => fill(shape, 0.1, dtype), 'biasInitializer');
 * ```
 */
export function getInitializer(identifier: InitializerIdentifier, argument = 'initializer'): Initializer {
  if (identifier instanceof Initializer) return identifier;
  if (typeof identifier === 'string') {
    return REGISTRY.require(identifier, argument)({});
  }
  if (isTensor(identifier)) return new TensorInitializer(identifier);
  if (typeof identifier === 'function') {
    if (identifier.prototype instanceof Initializer) return new (identifier as new () => Initializer)();
    return new FunctionInitializer(identifier as InitializerFunction);
  }
  if (isSerializedKerasObject(identifier)) return deserializeInitializer(identifier, argument);
  if (typeof identifier === 'object' && identifier !== null && typeof (identifier as { class_name?: unknown }).class_name === 'string') {
    // `{class_name}` without a config, which Keras also accepts.
    return deserializeInitializer({ class_name: (identifier as { class_name: string }).class_name }, argument);
  }
  throw new InvalidArgumentError(
    argument,
    identifier,
    'an initializer name, an Initializer, a {class_name, config} object, a function (shape, dtype) => Tensor, or a tensor',
  );
}

/**
 * Keras's serialized form of an initializer (`keras.initializers.serialize`).
 *
 * @example
 * ```ts
 * serializeInitializer(new GlorotUniform()); // {module: 'keras.initializers', class_name: 'GlorotUniform', ...}
 * ```
 */
export function serializeInitializer(initializer: Initializer): SerializedKerasObject {
  return initializer.serialize();
}
