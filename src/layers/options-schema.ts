/**
 * One declaration of a layer's own options serves four purposes: validating the constructor's options
 * (unknown keys included), resolving defaults, writing Keras's config, and reading a config back. The
 * options interface keeps the documentation; `defineOptions<O>()` checks at compile time that the schema
 * names exactly its keys, so the type, the strict key check, the config and `fromConfig` cannot drift.
 */

import type { ActivationIdentifier } from '../activations/index.js';
import { getActivation } from '../activations/index.js';
import type { Activation } from '../activations/index.js';
import type { Constraint } from '../constraints/index.js';
import { getConstraint } from '../constraints/index.js';
import { InvalidArgumentError } from '../errors.js';
import type { Initializer } from '../initializers/index.js';
import { getInitializer } from '../initializers/index.js';
import type { Regularizer } from '../regularizers/index.js';
import { getRegularizer } from '../regularizers/index.js';
import type { Config, ConfigValue } from '../serialization/keras-object.js';
import { toSnakeCase } from '../serialization/keras-object.js';
import { checkSizeInteger, isSizeInteger, MAX_SIZE_ARGUMENT, sizeIntegerWords } from '../utils/arguments.js';
import { checkOptionKeys } from '../utils/option-keys.js';
import type { LayerOptions } from './layer.js';
import { configToOptions } from './serialize.js';
import type { DataFormat, LayerPadding } from '../ops/conv-args.js';
import { normalizeLayerPadding, normalizeOutputPadding, normalizeTuple } from '../ops/conv-args.js';
import { normalizeSpatialPairs, resolveDataFormat } from './reshaping/common.js';
import type { SpatialPairs } from './reshaping/common.js';

/** A resolved augmentation factor: what the user gave (written back to the config) and the sorted range. */
export interface FactorRange {
  readonly given: number | readonly [number, number];
  readonly lower: number;
  readonly upper: number;
}

/** How one option is resolved, written to Keras's config and read back. */
export interface OptionSpec<R> {
  /** The resolved value of the user's value (`undefined` when absent), or an error naming `argument`. */
  resolve(value: unknown, argument: string, context: string): R;
  /** Its Keras config value; absent when the option has no place in the config. */
  toConfig?(value: R): ConfigValue;
  /** The option a config value stands for (default: the config value as it is). */
  fromConfig?(value: ConfigValue): unknown;
}

/** A schema for the own options of `O` (every key of `O`, and only those). */
export type OptionsSchema<O> = { readonly [K in keyof O]-?: OptionSpec<unknown> };

/** The resolved options a schema produces. */
export type ResolvedOptions<S> = { -readonly [K in keyof S]: S[K] extends OptionSpec<infer R> ? R : never };

/** The options every layer takes (handled by the Layer base), and the config keys it writes. */
const BASE_OPTION_KEYS: readonly (keyof LayerOptions)[] = ['name', 'trainable', 'dtype', 'inputShape', 'batchInputShape', 'batchSize', 'weights', 'activityRegularizer'];
const BASE_CONFIG_KEYS: readonly string[] = ['name', 'trainable', 'dtype', 'batch_input_shape', 'activity_regularizer'];

/** Any schema; `defineOptions` / `defineOwnOptions` check at compile time that it fits its options type. */
type AnySchema = { readonly [key: string]: OptionSpec<unknown> };

/** A layer's declared options: validation, defaults and the config round trip. */
export class LayerOptionsSpec<O, S extends AnySchema> {
  readonly className: string;
  readonly schema: S;
  /** Every option key the constructor accepts, own and base. */
  readonly optionKeys: readonly string[];
  /** Every config key `fromConfig` accepts. */
  readonly configKeys: readonly string[];

  /** @param withBase whether the layer also takes the base `LayerOptions` (all but InputLayer do). */
  constructor(className: string, schema: S, withBase = true) {
    this.className = className;
    this.schema = schema;
    const own = Object.keys(schema);
    this.optionKeys = withBase ? [...own, ...BASE_OPTION_KEYS] : own;
    this.configKeys = [...(withBase ? BASE_CONFIG_KEYS : []), ...own.filter((k) => schema[k as keyof S].toConfig !== undefined).map(toSnakeCase)];
  }

  /** Validates `options` (an object, known keys only) and resolves every own option, before the layer exists. */
  resolve(options: unknown): ResolvedOptions<S> {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new InvalidArgumentError('options', options, `an object of ${this.className} options`, this.className);
    }
    checkOptionKeys(options, this.optionKeys, this.className);
    const given = options as Record<string, unknown>;
    const resolved: Record<string, unknown> = {};
    for (const key of Object.keys(this.schema)) {
      resolved[key] = this.schema[key as keyof S].resolve(given[key], key, this.className);
    }
    return resolved as ResolvedOptions<S>;
  }

  /** The own options' Keras config entries, in declaration order. */
  toConfig(resolved: ResolvedOptions<S>): Config {
    const config: Config = {};
    for (const key of Object.keys(this.schema)) {
      const spec = this.schema[key as keyof S] as OptionSpec<unknown>;
      if (spec.toConfig) config[toSnakeCase(key)] = spec.toConfig((resolved as Record<string, unknown>)[key]);
    }
    return config;
  }

  /** Constructor options from a Keras config (snake_case keys; unknown keys refused, as Python refuses kwargs). */
  optionsFromConfig(config: Config): O {
    const options = configToOptions(config, this.configKeys, this.className);
    for (const key of Object.keys(this.schema)) {
      const spec = this.schema[key as keyof S] as OptionSpec<unknown>;
      if (key in options && spec.fromConfig) options[key] = spec.fromConfig(options[key] as ConfigValue);
    }
    return options as O;
  }
}

/**
 * Declares the own options of a layer whose options interface is `O`: a compile error unless the schema
 * names every own key of `O` (those beyond `LayerOptions`) and nothing else.
 *
 * @example
 * ```ts
 * const OPTIONS = defineOptions<DenseOptions>()('Dense', { units: option.size({ required: true }), ... });
 * ```
 */
export function defineOptions<O extends LayerOptions>() {
  return <S extends OptionsSchema<Omit<O, keyof LayerOptions>>>(className: string, schema: S & Record<Exclude<keyof S, keyof Omit<O, keyof LayerOptions>>, never>) =>
    new LayerOptionsSpec<O, S>(className, schema);
}

/**
 * Declares every option of a layer that does not take the base `LayerOptions` (InputLayer, whose options
 * are Keras's `Input` arguments): a compile error unless the schema names exactly the keys of `O`.
 *
 * @example
 * ```ts
 * const OPTIONS = defineOwnOptions<InputOptions>()('InputLayer', { shape: option.shape(), ... });
 * ```
 */
export function defineOwnOptions<O extends object>() {
  return <S extends OptionsSchema<O>>(className: string, schema: S & Record<Exclude<keyof S, keyof O>, never>) =>
    new LayerOptionsSpec<O, S>(className, schema, false);
}

const identity = (value: unknown): ConfigValue => value as ConfigValue;

/** "a finite number in [min, max]", or ">= min" / "<= max" when the other side is unbounded: one wording. */
function numberWords(min: number, max: number, exclusiveMin = false, exclusiveMax = false): string {
  if (min === -Infinity && max === Infinity) return 'a finite number';
  if (max === Infinity) return `a finite number ${exclusiveMin ? '>' : '>='} ${min}`;
  if (min === -Infinity) return `a finite number ${exclusiveMax ? '<' : '<='} ${max}`;
  return `a finite number in ${exclusiveMin ? '(' : '['}${min}, ${max}${exclusiveMax ? ')' : ']'}`;
}

/** An array of sizes, `null` entries for unknown ones (`nullEntries`); what the shape options share. */
function isShapeList(value: unknown, nullEntries: boolean): value is readonly (number | null)[] {
  return Array.isArray(value) && value.every((d) => (nullEntries && d === null) || isSizeInteger(d));
}

/** The option builders: each rule once, with one wording. */
export const option = {
  /** A size-like integer (`units`, `filters`): in `[min, 2^24]`; required unless a default is given. */
  size(settings: { required: true; min?: number } | { default: number; min?: number }): OptionSpec<number> {
    const min = settings.min ?? 1;
    return {
      resolve: (value, argument, context) => {
        if (value === undefined || value === null) {
          if ('default' in settings) return settings.default;
          throw new InvalidArgumentError(argument, value, `${sizeIntegerWords(min)} (it is required)`, context);
        }
        return checkSizeInteger(value, argument, min, context);
      },
      toConfig: identity,
    };
  },
  /** `true` or `false`. */
  boolean(fallback: boolean): OptionSpec<boolean> {
    return {
      resolve: (value, argument, context) => {
        if (value === undefined || value === null) return fallback;
        if (typeof value !== 'boolean') throw new InvalidArgumentError(argument, value, 'true or false', context);
        return value;
      },
      toConfig: identity,
    };
  },
  /**
   * A number in `[min, max]` (each bound inclusive unless `exclusiveMax`); absent takes the default, and so
   * does null unless `nullIsDefault` is false (Keras's ReLU refuses `None`).
   */
  number(settings: { default: number; min?: number; max?: number; exclusiveMax?: boolean; nullIsDefault?: boolean }): OptionSpec<number> {
    const { min = -Infinity, max = Infinity, exclusiveMax = false, nullIsDefault = true } = settings;
    const words = numberWords(min, max, false, exclusiveMax);
    return {
      resolve: (value, argument, context) => {
        if (value === undefined || (value === null && nullIsDefault)) return settings.default;
        if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (exclusiveMax && value === max)) {
          throw new InvalidArgumentError(argument, value, words, context);
        }
        return value;
      },
      toConfig: identity,
    };
  },
  /** One of a fixed set of strings. */
  oneOf<T extends string>(allowed: readonly T[], fallback: T): OptionSpec<T> {
    return {
      resolve: (value, argument, context) => {
        if (value === undefined || value === null) return fallback;
        if (!(allowed as readonly unknown[]).includes(value)) {
          throw new InvalidArgumentError(argument, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, context);
        }
        return value as T;
      },
      toConfig: identity,
    };
  },
  /** A Keras activation (name, function or null for linear); written as its Keras name. */
  activation(fallback: ActivationIdentifier = null): OptionSpec<Activation> {
    return { resolve: (value, argument) => getActivation((value ?? fallback) as ActivationIdentifier, argument), toConfig: (a) => a.name };
  },
  /** A Keras activation that must be given (`null` for linear counts as given), as Keras's `Activation` layer. */
  requiredActivation(): OptionSpec<Activation> {
    return {
      resolve: (value, argument, context) => {
        if (value === undefined) throw new InvalidArgumentError(argument, value, 'an activation name, a function, or null for linear (it is required)', context);
        return getActivation(value as ActivationIdentifier, argument);
      },
      toConfig: (a) => a.name,
    };
  },
  /** A Keras initializer; written in Keras's serialized form. */
  initializer(fallback: string): OptionSpec<Initializer> {
    return { resolve: (value, argument) => getInitializer((value ?? fallback) as never, argument), toConfig: (i) => i.serialize() };
  },
  /** A Keras regularizer or null. */
  regularizer(): OptionSpec<Regularizer | null> {
    return { resolve: (value, argument) => getRegularizer(value, argument), toConfig: (r) => (r === null ? null : r.serialize()) };
  },
  /** A Keras constraint or null. */
  constraint(): OptionSpec<Constraint | null> {
    return { resolve: (value, argument) => getConstraint(value, argument), toConfig: (c) => (c === null ? null : c.serialize()) };
  },
  /** A number (any finite value unless bounded) or null. */
  numberOrNull(settings: { default: number | null; min?: number; max?: number }): OptionSpec<number | null> {
    const { min = -Infinity, max = Infinity } = settings;
    return {
      resolve: (value, argument, context) => {
        if (value === undefined) return settings.default;
        if (value === null) return null;
        if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
          throw new InvalidArgumentError(argument, value, `${numberWords(min, max)}, or null`, context);
        }
        return value;
      },
      toConfig: identity,
    };
  },
  /** One integer axis (negative counts from the end); the rank is checked when the layer is built. */
  axis(fallback: number): OptionSpec<number> {
    return {
      resolve: (value, argument, context) => {
        if (value === undefined || value === null) return fallback;
        if (!Number.isInteger(value) || Math.abs(value as number) > 64) throw new InvalidArgumentError(argument, value, 'an integer axis', context);
        return value as number;
      },
      toConfig: identity,
    };
  },
  /**
   * An axis or a list of distinct axes, kept as given (Keras writes back what it was given); `allowNull`
   * lets `null` stand for "no axis" (Normalization's scalar statistics).
   */
  axes(fallback: number | readonly number[] | null, settings: { allowNull?: boolean; minLength?: number } = {}): OptionSpec<number | readonly number[] | null> {
    const minLength = settings.minLength ?? 0;
    const words = `an integer axis or an array of ${minLength > 0 ? 'at least one ' : ''}distinct integer axes${settings.allowNull ? ', or null' : ''}`;
    return {
      resolve: (value, argument, context) => {
        if (value === undefined) return fallback;
        if (value === null) {
          if (settings.allowNull) return null;
          return fallback;
        }
        if (Number.isInteger(value) && Math.abs(value as number) <= 64) return value as number;
        if (
          Array.isArray(value) &&
          value.length >= minLength &&
          value.every((a) => Number.isInteger(a) && Math.abs(a) <= 64) &&
          new Set(value).size === value.length
        ) {
          return Object.freeze([...(value as number[])]);
        }
        throw new InvalidArgumentError(argument, value, words, context);
      },
      toConfig: (v) => (Array.isArray(v) ? [...(v as number[])] : (v as number | null)),
    };
  },
  /** A seed: a safe integer or null (Keras writes it back as given). */
  seed(): OptionSpec<number | null> {
    return {
      resolve: (value, argument, context) => {
        if (value === undefined || value === null) return null;
        if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new InvalidArgumentError(argument, value, 'an integer or null', context);
        return value;
      },
      toConfig: identity,
    };
  },
  /** A fraction `rate` in [0, 1] (dropout-like layers); required. */
  rate(): OptionSpec<number> {
    return {
      resolve: (value, argument, context) => {
        if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new InvalidArgumentError(argument, value, 'a number in [0, 1] (it is required)', context);
        return value;
      },
      toConfig: identity,
    };
  },
  /**
   * An integer for every spatial axis or one per axis (`kernelSize`, `strides`, `dilationRate`, `poolSize`),
   * each in `[min, 2^24]`; written to the config as the array.
   */
  tuple(rank: number, settings: { required: true; min?: number } | { default: number; min?: number }): OptionSpec<readonly number[]> {
    const min = settings.min ?? 1;
    return {
      resolve: (value, argument, context) => {
        if (value === undefined || value === null) {
          if ('default' in settings) return Object.freeze(new Array<number>(rank).fill(settings.default));
          throw new InvalidArgumentError(argument, value, `${sizeIntegerWords(min)} or an array of ${rank} such integers (it is required)`, context);
        }
        return Object.freeze(normalizeTuple(value, rank, argument, min, context));
      },
      toConfig: (t) => [...t],
    };
  },
  /** Like {@link option.tuple}, or null (a pooling layer's strides: null stands for the pool size). */
  tupleOrNull(rank: number, min = 1): OptionSpec<readonly number[] | null> {
    return {
      resolve: (value, argument, context) => (value === undefined || value === null ? null : Object.freeze(normalizeTuple(value, rank, argument, min, context))),
      toConfig: (t) => (t === null ? null : [...t]),
    };
  },
  /** Keras's padding names in any case (written lowercased); `allowed` says which the layer takes. */
  padding<T extends LayerPadding>(allowed: readonly T[], fallback: T): OptionSpec<T> {
    return { resolve: (value, _argument, context) => normalizeLayerPadding(value ?? fallback, allowed, context), toConfig: identity };
  },
  /**
   * A transposed convolution's `outputPadding`: null, or a non-negative integer (or one per axis); the
   * check against the strides is the layer's, once both are known.
   */
  outputPadding(rank: number): OptionSpec<readonly number[] | null> {
    return {
      resolve: (value, _argument, context) => {
        const op = normalizeOutputPadding(value, new Array<number>(rank).fill(Infinity), context);
        return op === null ? null : Object.freeze(op);
      },
      toConfig: (t) => (t === null ? null : [...t]),
    };
  },
  /**
   * `[before, after]` amounts per spatial axis (ZeroPadding's `padding`, Cropping's `cropping`): `n`, one
   * integer per axis (symmetric), or one pair per axis; written as the pairs.
   */
  spatialPairs(rank: number, fallback: number): OptionSpec<SpatialPairs> {
    return {
      resolve: (value, argument, context) => normalizeSpatialPairs(value ?? fallback, rank, argument, context),
      // Keras writes a 1D layer's pair flat (`[before, after]`) and nests the pairs of 2D and 3D layers.
      toConfig: (pairs) => (rank === 1 ? [...pairs[0]] : pairs.map((p) => [...p])),
    };
  },
  /** `'channels_last'` or `'channels_first'`; absent or null takes `imageDataFormat()` (keras.json). */
  dataFormat(): OptionSpec<DataFormat> {
    return { resolve: (value, _argument, context) => resolveDataFormat(value, context), toConfig: identity };
  },
  /**
   * Keras's augmentation `factor`: a number `f` (the range `[-|f|, |f|]`, clipped to the bounds) or a
   * pair `[lower, upper]` (sorted), every number within `bounds` (`lowerOpen` excludes the lower bound,
   * as RandomZoom's (-1, 1]). Resolves to the sorted pair; `keepGiven` writes the config as given
   * (RandomZoom, RandomTranslation) rather than as the resolved pair (RandomRotation, RandomFlip...).
   */
  factor(settings: { bounds: readonly [number, number]; lowerOpen?: boolean; required?: boolean; fallback?: number; clipToBounds?: boolean }): OptionSpec<FactorRange> {
    const [lo, hi] = settings.bounds;
    const words = `a number or an array of two numbers in ${settings.lowerOpen ? '(' : '['}${lo}, ${hi}]`;
    const inRange = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && (settings.lowerOpen ? v > lo : v >= lo) && v <= hi;
    return {
      resolve: (value, argument, context) => {
        if (value === undefined || value === null) {
          if (settings.fallback !== undefined) value = settings.fallback;
          else throw new InvalidArgumentError(argument, value, `${words} (it is required)`, context);
        }
        if (typeof value === 'number') {
          if (!inRange(value)) throw new InvalidArgumentError(argument, value, words, context);
          const f = Math.abs(value);
          const lower = settings.clipToBounds ? Math.max(-f, lo) : -f;
          return { given: value, lower, upper: f };
        }
        if (Array.isArray(value) && value.length === 2 && value.every(inRange)) {
          const [a, b] = value as number[];
          return { given: Object.freeze([a, b] as const), lower: Math.min(a, b), upper: Math.max(a, b) };
        }
        throw new InvalidArgumentError(argument, value, words, context);
      },
      toConfig: (f) => (typeof f.given === 'number' ? f.given : [...f.given]),
      fromConfig: (v) => v,
    };
  },
  /** A pair of finite numbers `[a, b]` (value ranges); `sorted` orders it as Keras's RandomBrightness does. */
  numberPair(fallback: readonly [number, number], settings: { sorted?: boolean; distinct?: boolean } = {}): OptionSpec<readonly [number, number]> {
    return {
      resolve: (value, argument, context) => {
        if (value === undefined || value === null) return fallback;
        if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'number' && Number.isFinite(v)) || (settings.distinct && value[0] === value[1])) {
          throw new InvalidArgumentError(argument, value, `an array of two${settings.distinct ? ' different' : ''} finite numbers`, context);
        }
        const pair = [value[0] as number, value[1] as number];
        if (settings.sorted) pair.sort((a, b) => a - b);
        return Object.freeze(pair) as readonly [number, number];
      },
      toConfig: (p) => [...p],
    };
  },
  /** A finite number, required (no default). */
  requiredNumber(settings: { min?: number; max?: number; exclusiveMin?: boolean } = {}): OptionSpec<number> {
    const { min = -Infinity, max = Infinity, exclusiveMin = false } = settings;
    const words = `${numberWords(min, max, exclusiveMin)} (it is required)`;
    return {
      resolve: (value, argument, context) => {
        if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (exclusiveMin && value === min)) {
          throw new InvalidArgumentError(argument, value, words, context);
        }
        return value;
      },
      toConfig: identity,
    };
  },
  /**
   * A shape: an array of sizes in [1, 2^24], with `null` entries for unknown ones unless `nullEntries` is
   * false; absent or null resolves to null (no shape). Frozen; written back as an array (or null).
   */
  shape(settings: { nullEntries?: boolean } = {}): OptionSpec<readonly (number | null)[] | null> {
    const nullEntries = settings.nullEntries ?? true;
    const words = `an array of integers in [1, ${MAX_SIZE_ARGUMENT}]${nullEntries ? ' or null entries' : ''}, or null`;
    return {
      resolve: (value, argument, context) => {
        if (value === undefined || value === null) return null;
        if (!isShapeList(value, nullEntries)) throw new InvalidArgumentError(argument, value, words, context);
        return Object.freeze([...value]);
      },
      toConfig: (v) => (v === null ? null : [...v]),
    };
  },
  /**
   * An option the Layer base constructor validates under the same name (`name`, `dtype`, `batchSize` of
   * InputLayer, which hands them on): listed so its key is known; resolves to the value as given.
   */
  checkedByLayerBase(): OptionSpec<unknown> {
    return { resolve: (value) => value };
  },
  /** A flag Keras accepts that this library supports only as `false` (or null), written as false. */
  falseOnly(why: string): OptionSpec<false> {
    return {
      resolve: (value, argument, context) => {
        if (value !== undefined && value !== null && value !== false) throw new InvalidArgumentError(argument, value, `false (${why})`, context);
        return false;
      },
      toConfig: () => false,
    };
  },
  /** An option Keras accepts that this library supports only as `null` (e.g. quantization), written as null. */
  nullOnly(why: string): OptionSpec<null> {
    return {
      resolve: (value, argument, context) => {
        if (value !== undefined && value !== null) throw new InvalidArgumentError(argument, value, `null (${why})`, context);
        return null;
      },
      toConfig: () => null,
    };
  },
} as const;
