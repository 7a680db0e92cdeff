/**
 * Looking activations up the way `keras.activations.get` does: by Keras name (aliases included), by function,
 * or `null` for linear, and naming them back the way `keras.activations.serialize` does.
 */

import type { Tensor } from '../engine/tensor.js';
import { InvalidArgumentError, UnknownNameError } from '../errors.js';
import { Registry } from '../serialization/registry.js';
import { glu, logSoftmax, softmax, sparsemax } from './axis-activations.js';
import {
  celu,
  elu,
  exponential,
  gelu,
  hardShrink,
  hardSigmoid,
  hardSilu,
  hardTanh,
  leakyRelu,
  linear,
  logSigmoid,
  mish,
  relu,
  relu6,
  selu,
  sigmoid,
  silu,
  softShrink,
  softplus,
  softsign,
  sparsePlus,
  sparseSigmoid,
  squareplus,
  tanh,
  tanhShrink,
} from './pointwise-activations.js';

/** An activation as a plain function of one tensor. */
export type ActivationFn = (x: Tensor) => Tensor;

/**
 * An activation with the name Keras serializes it under (what a layer's `get_config()` writes as
 * `"activation"`: `'linear'` for none, `'relu'`, `'silu'` for `'swish'`, ...).
 */
export interface Activation {
  readonly name: string;
  apply(x: Tensor): Tensor;
}

/** The dict form Keras 3 accepts for an activation in configs: `{ class_name: 'function', config: 'elu' }`. */
export interface SerializedActivation {
  readonly class_name: 'function';
  readonly config: string;
  readonly module?: string;
  readonly registered_name?: string | null;
}

/** Everything {@link getActivation} accepts. */
export type ActivationIdentifier = string | ActivationFn | Activation | SerializedActivation | null | undefined;

/**
 * Keras's `threshold(x, threshold, default_value)` has no defaults: `keras.activations.get('threshold')`
 * succeeds but calling the result with x alone raises a TypeError. We keep both halves of that behaviour.
 */
function thresholdWithoutArguments(): Tensor {
  throw new InvalidArgumentError(
    'threshold',
    undefined,
    "a number: Keras's threshold(x, threshold, default_value) has no defaults, so 'threshold' by name cannot " +
      'be applied; pass (x) => threshold(x, t, value) instead',
  );
}

/** The built-ins under their Keras function names (which is also what serialization writes). */
const BUILTINS: Readonly<Record<string, ActivationFn>> = {
  celu: (x) => celu(x),
  elu: (x) => elu(x),
  exponential,
  gelu: (x) => gelu(x),
  glu: (x) => glu(x),
  hard_shrink: (x) => hardShrink(x),
  hard_sigmoid: hardSigmoid,
  hard_silu: hardSilu,
  hard_tanh: hardTanh,
  leaky_relu: (x) => leakyRelu(x),
  linear,
  log_sigmoid: logSigmoid,
  log_softmax: (x) => logSoftmax(x),
  mish,
  relu,
  relu6,
  selu,
  sigmoid,
  silu,
  soft_shrink: (x) => softShrink(x),
  softmax: (x) => softmax(x),
  softplus,
  softsign,
  sparse_plus: sparsePlus,
  sparse_sigmoid: sparseSigmoid,
  sparsemax: (x) => sparsemax(x),
  squareplus: (x) => squareplus(x),
  tanh,
  tanh_shrink: tanhShrink,
  threshold: thresholdWithoutArguments,
};

/** Extra names Keras accepts, mapped to the function (and serialized name) they stand for. */
const ALIASES: Readonly<Record<string, string>> = { swish: 'silu', hard_swish: 'hard_silu' };

function makeActivation(name: string, fn: ActivationFn): Activation {
  return Object.freeze({ name, apply: (x: Tensor) => fn(x) });
}

/**
 * One shared instance per built-in (so `getActivation('swish') === getActivation('silu')`), and the user's
 * registrations. A saved file names an activation only by string, so a custom one resolves only through
 * a registration: loading never runs code the user did not hand over.
 */
const REGISTRY = new Registry<Activation>({
  kind: 'activation',
  registerFunction: 'registerActivation',
  nameArgument: 'name',
  value: ['fn', 'a function (x: Tensor) => Tensor'],
  isValue: (value) => isActivation(value),
});
for (const [name, fn] of Object.entries(BUILTINS)) {
  const aliases = Object.keys(ALIASES).filter((alias) => ALIASES[alias] === name);
  REGISTRY.builtin([name, ...aliases], makeActivation(name, fn));
}

/** Every name `getActivation` accepts, aliases included, sorted (the keys of Keras's ALL_OBJECTS_DICT). */
export const ACTIVATION_NAMES: readonly string[] = Object.freeze(REGISTRY.builtinNames().sort());

/**
 * Our exported functions, recognised when passed directly, so `getActivation(relu6)` serializes as
 * `'relu6'` (as Keras's serialize does for its built-ins) rather than under the JavaScript name.
 */
const FUNCTION_NAMES = new Map<ActivationFn, string>([
  [celu, 'celu'],
  [elu, 'elu'],
  [exponential, 'exponential'],
  [gelu, 'gelu'],
  [glu, 'glu'],
  [hardShrink, 'hard_shrink'],
  [hardSigmoid, 'hard_sigmoid'],
  [hardSilu, 'hard_silu'],
  [hardTanh, 'hard_tanh'],
  [leakyRelu, 'leaky_relu'],
  [linear, 'linear'],
  [logSigmoid, 'log_sigmoid'],
  [logSoftmax, 'log_softmax'],
  [mish, 'mish'],
  [relu, 'relu'],
  [relu6, 'relu6'],
  [selu, 'selu'],
  [sigmoid, 'sigmoid'],
  [silu, 'silu'],
  [softShrink, 'soft_shrink'],
  [softmax, 'softmax'],
  [softplus, 'softplus'],
  [softsign, 'softsign'],
  [sparsePlus, 'sparse_plus'],
  [sparseSigmoid, 'sparse_sigmoid'],
  [sparsemax, 'sparsemax'],
  [squareplus, 'squareplus'],
  [tanh, 'tanh'],
  [tanhShrink, 'tanh_shrink'],
]);

function isActivation(value: unknown): value is Activation {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string' &&
    typeof (value as { apply?: unknown }).apply === 'function'
  );
}

function isSerializedActivation(value: unknown): value is SerializedActivation {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { class_name?: unknown }).class_name === 'function' &&
    typeof (value as { config?: unknown }).config === 'string'
  );
}

/** Registered function → its registered name, so a layer given the function serializes that name. */
const CUSTOM_FUNCTIONS = new Map<ActivationFn, string>();

/**
 * Registers a custom activation under `name`, so that `getActivation(name)` (and so a model file whose
 * layers name it) finds it. A layer built with the registered function itself serializes as `name`, so
 * the saved file reloads wherever the same registration has been made. Built-in names cannot be taken;
 * registering a name again replaces the earlier function.
 *
 * @example
 * ```ts
 * registerActivation('cube', (x) => ops.mul(x, ops.mul(x, x)));
 * new Dense({ units: 4, activation: 'cube' });
 * ```
 */
export function registerActivation(name: string, fn: ActivationFn): void {
  if (typeof fn !== 'function') throw new InvalidArgumentError('fn', fn, 'a function (x: Tensor) => Tensor', 'registerActivation');
  REGISTRY.register(name, makeActivation(name, fn));
  for (const [registered, registeredName] of CUSTOM_FUNCTIONS) if (registeredName === name) CUSTOM_FUNCTIONS.delete(registered);
  CUSTOM_FUNCTIONS.set(fn, name);
}

/** Removes a registration made with {@link registerActivation}; true if there was one. */
export function unregisterActivation(name: string): boolean {
  for (const [fn, registered] of CUSTOM_FUNCTIONS) if (registered === name) CUSTOM_FUNCTIONS.delete(fn);
  return REGISTRY.unregister(name);
}

function byName(name: string, argument: string, identifier: unknown): Activation {
  const found = REGISTRY.get(name);
  if (!found) throw new UnknownNameError(argument, identifier, [...ACTIVATION_NAMES, ...REGISTRY.customNames()]);
  return found;
}

/**
 * Resolves an activation as `keras.activations.get` does: `null`/`undefined` → linear; a Keras name (exact,
 * case-sensitive, aliases `'swish'` and `'hard_swish'` included) → that built-in with Keras's default
 * parameters; a name given to {@link registerActivation} → that function; a function → wrapped under its
 * own name (`'custom'` if anonymous), or under the Keras or registered name if it is one of ours or registered; an {@link Activation} → itself.
 *
 * @param argument - the argument name reported in errors (a layer passes `'activation'`).
 * @throws UnknownNameError for a name Keras does not define, listing every known name.
 * @throws InvalidArgumentError for any other kind of value.
 *
 * @example
 * ```ts
 * const act = getActivation('swish');
 * act.name; // 'silu'
 * act.apply(tensor([-1, 0, 2]));
 * getActivation(null).name; // 'linear'
 * ```
 */
export function getActivation(identifier: ActivationIdentifier, argument = 'activation'): Activation {
  if (identifier === null || identifier === undefined) return byName('linear', argument, identifier);
  if (typeof identifier === 'string') return byName(identifier, argument, identifier);
  if (typeof identifier === 'function') {
    const builtin = FUNCTION_NAMES.get(identifier);
    if (builtin !== undefined) return byName(builtin, argument, identifier);
    const registered = CUSTOM_FUNCTIONS.get(identifier);
    if (registered !== undefined) return byName(registered, argument, identifier);
    return makeActivation(identifier.name || 'custom', identifier);
  }
  if (isActivation(identifier)) return identifier;
  if (isSerializedActivation(identifier)) return byName(identifier.config, argument, identifier);
  throw new InvalidArgumentError(
    argument,
    identifier,
    'an activation name, a function (x: Tensor) => Tensor, an Activation object, or null for linear',
  );
}

/**
 * The name Keras writes for an activation in a layer config (built-ins by function name, so `'swish'`
 * serializes as `'silu'`).
 *
 * @example
 * ```ts
 * serializeActivation(getActivation('hard_swish')); // 'hard_silu'
 * ```
 */
export function serializeActivation(activation: Activation): string {
  if (!isActivation(activation)) {
    throw new InvalidArgumentError('activation', activation, 'an Activation (see getActivation)');
  }
  return activation.name;
}
