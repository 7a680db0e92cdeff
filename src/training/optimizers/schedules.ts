/**
 * Learning-rate schedules, as `keras.optimizers.schedules`: a function of the optimizer's step count that an
 * optimizer evaluates once per `applyGradients`, at its `iterations` before the increment.
 */

import { InvalidArgumentError, UnknownNameError } from '../../errors.js';
import type { Config, SerializedKerasObject } from '../../serialization/keras-object.js';
import { serializeKerasObject, toCamelCase } from '../../serialization/keras-object.js';
import { checkOptions, optionKeys } from '../../utils/option-keys.js';
import { checkBoolean } from '../../utils/arguments.js';

/** Keras's module name for serialized schedules. */
export const SCHEDULES_MODULE = 'keras.optimizers.schedules';

/**
 * A learning rate that depends on the step: what `learningRate` accepts besides a number. Implement it to
 * write your own (only the built-in ones can be deserialized by name).
 *
 * @example
 * ```ts
 * const halving: LearningRateSchedule = {
 *   className: 'Halving',
 *   value: (step) => 0.1 * 0.5 ** step,
 *   getConfig: () => ({}),
 *   serialize: () => ({ module: 'custom', class_name: 'Halving', config: {}, registered_name: 'Halving' }),
 * };
 * ```
 */
export interface LearningRateSchedule {
  readonly className: string;
  /** The learning rate at `step` (the optimizer's iteration count, starting at 0). */
  value(step: number): number;
  /** Keras's `get_config()`: snake_case keys. */
  getConfig(): Config;
  /** Keras's `{module, class_name, config, registered_name}` form. */
  serialize(): SerializedKerasObject;
}

/**
 * Whether `value` is a learning-rate schedule (rather than a number), by shape, so user-written schedules
 * count too.
 *
 * @example
 * ```ts
 * isLearningRateSchedule(exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9 })); // true
 * ```
 */
export function isLearningRateSchedule(value: unknown): value is LearningRateSchedule {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { value?: unknown }).value === 'function' &&
    typeof (value as { getConfig?: unknown }).getConfig === 'function'
  );
}

function finiteNumber(value: unknown, argument: string, context: string, allowed = 'a finite number'): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidArgumentError(argument, value, allowed, context);
  return value;
}

function nonNegative(value: unknown, argument: string, context: string): number {
  const v = finiteNumber(value, argument, context, 'a finite number >= 0');
  if (v < 0) throw new InvalidArgumentError(argument, value, 'a finite number >= 0', context);
  return v;
}

function positive(value: unknown, argument: string, context: string): number {
  const v = finiteNumber(value, argument, context, 'a finite number > 0');
  if (v <= 0) throw new InvalidArgumentError(argument, value, 'a finite number > 0', context);
  return v;
}


function scheduleName(value: unknown, context: string): string {
  if (typeof value !== 'string' || value === '') throw new InvalidArgumentError('name', value, 'a non-empty string', context);
  return value;
}

/** Shared `serialize` so every built-in schedule writes Keras's serialized form. */
abstract class BuiltinSchedule implements LearningRateSchedule {
  abstract readonly className: string;
  abstract value(step: number): number;
  abstract getConfig(): Config;

  serialize(): SerializedKerasObject {
    return serializeKerasObject(SCHEDULES_MODULE, this.className, this.getConfig());
  }
}

export interface ExponentialDecayOptions {
  initialLearningRate: number;
  /** Steps per decay period; must be > 0. */
  decaySteps: number;
  decayRate: number;
  /** Decay in whole periods (`floor(step / decaySteps)`) rather than continuously. Default false. */
  staircase?: boolean;
  /** Default `'ExponentialDecay'`, as Keras. */
  name?: string;
}

const EXPONENTIAL_DECAY_KEYS = optionKeys<ExponentialDecayOptions>()(['initialLearningRate', 'decaySteps', 'decayRate', 'staircase', 'name']);

/**
 * `initialLearningRate * decayRate ** (step / decaySteps)` (the exponent floored when `staircase`), as
 * `keras.optimizers.schedules.ExponentialDecay`.
 *
 * @example
 * ```ts
 * const s = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5 });
 * s.value(2); // 0.05
 * ```
 */
export class ExponentialDecay extends BuiltinSchedule {
  readonly className = 'ExponentialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  readonly name: string;

  constructor(options: ExponentialDecayOptions) {
    super();
    const ctx = 'ExponentialDecay';
    checkOptions(options, EXPONENTIAL_DECAY_KEYS, ctx, { required: true });
    this.initialLearningRate = nonNegative(options.initialLearningRate, 'initialLearningRate', ctx);
    // Keras's only check: `decay_steps` must be > 0.
    this.decaySteps = positive(options.decaySteps, 'decaySteps', ctx);
    this.decayRate = positive(options.decayRate, 'decayRate', ctx);
    this.staircase = checkBoolean(options.staircase ?? false, 'staircase', ctx);
    this.name = scheduleName(options.name ?? 'ExponentialDecay', ctx);
  }

  value(step: number): number {
    let p = step / this.decaySteps;
    if (this.staircase) p = Math.floor(p);
    return this.initialLearningRate * this.decayRate ** p;
  }

  getConfig(): Config {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      decay_rate: this.decayRate,
      staircase: this.staircase,
      name: this.name,
    };
  }
}

export interface PiecewiseConstantDecayOptions {
  /** Non-decreasing step boundaries; one fewer than `values`. */
  boundaries: readonly number[];
  values: readonly number[];
  /** Default `'PiecewiseConstant'`, as Keras. */
  name?: string;
}

const PIECEWISE_CONSTANT_DECAY_KEYS = optionKeys<PiecewiseConstantDecayOptions>()(['boundaries', 'values', 'name']);

/**
 * `values[0]` while `step <= boundaries[0]`, `values[i]` for `boundaries[i-1] < step <= boundaries[i]`, and
 * the last value after the last boundary, as `keras.optimizers.schedules.PiecewiseConstantDecay`.
 *
 * @example
 * ```ts
 * const s = new PiecewiseConstantDecay({ boundaries: [100], values: [0.1, 0.01] });
 * s.value(100); // 0.1
 * s.value(101); // 0.01
 * ```
 */
export class PiecewiseConstantDecay extends BuiltinSchedule {
  readonly className = 'PiecewiseConstantDecay';
  readonly boundaries: readonly number[];
  readonly values: readonly number[];
  readonly name: string;

  constructor(options: PiecewiseConstantDecayOptions) {
    super();
    const ctx = 'PiecewiseConstantDecay';
    checkOptions(options, PIECEWISE_CONSTANT_DECAY_KEYS, ctx, { required: true });
    const { boundaries, values } = options;
    if (!Array.isArray(boundaries) || boundaries.some((b) => typeof b !== 'number' || !Number.isFinite(b))) {
      throw new InvalidArgumentError('boundaries', boundaries, 'an array of finite numbers', ctx);
    }
    for (let i = 1; i < boundaries.length; i++) {
      if (boundaries[i] < boundaries[i - 1]) throw new InvalidArgumentError('boundaries', boundaries, 'non-decreasing numbers', ctx);
    }
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
      throw new InvalidArgumentError('values', values, 'an array of finite numbers >= 0', ctx);
    }
    if (boundaries.length !== values.length - 1) {
      throw new InvalidArgumentError('values', values, `one more value than boundaries (${boundaries.length + 1})`, ctx);
    }
    this.boundaries = Object.freeze([...boundaries]);
    this.values = Object.freeze([...values]);
    this.name = scheduleName(options.name ?? 'PiecewiseConstant', ctx);
  }

  value(step: number): number {
    const b = this.boundaries;
    const v = this.values;
    if (b.length === 0) return v[0];
    // Keras sums indicator * value over the ranges; with sorted boundaries exactly one indicator is set.
    if (step <= b[0]) return v[0];
    if (step > b[b.length - 1]) return v[v.length - 1];
    for (let i = 0; i < b.length - 1; i++) {
      if (step > b[i] && step <= b[i + 1]) return v[i + 1];
    }
    return 0;
  }

  getConfig(): Config {
    return { boundaries: [...this.boundaries], values: [...this.values], name: this.name };
  }
}

export interface CosineDecayOptions {
  initialLearningRate: number;
  /** Steps of the cosine decay (after any warm-up); must be > 0. */
  decaySteps: number;
  /** The floor, as a fraction of the decayed-from rate. Default 0. */
  alpha?: number;
  /** Default `'CosineDecay'`, as Keras. */
  name?: string;
  /** With warm-up: the rate reached linearly from `initialLearningRate` after `warmupSteps`. Default null. */
  warmupTarget?: number | null;
  /** Default 0. */
  warmupSteps?: number;
}

const COSINE_DECAY_KEYS = optionKeys<CosineDecayOptions>()(['initialLearningRate', 'decaySteps', 'alpha', 'name', 'warmupTarget', 'warmupSteps']);

/**
 * Cosine decay with optional linear warm-up, as `keras.optimizers.schedules.CosineDecay`: without warm-up,
 * `lr0 * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decaySteps) / decaySteps)) + alpha)`.
 *
 * @example
 * ```ts
 * const s = new CosineDecay({ initialLearningRate: 0.1, decaySteps: 100 });
 * s.value(50); // 0.05
 * ```
 */
export class CosineDecay extends BuiltinSchedule {
  readonly className = 'CosineDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly name: string;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(options: CosineDecayOptions) {
    super();
    const ctx = 'CosineDecay';
    checkOptions(options, COSINE_DECAY_KEYS, ctx, { required: true });
    this.initialLearningRate = nonNegative(options.initialLearningRate, 'initialLearningRate', ctx);
    this.decaySteps = positive(options.decaySteps, 'decaySteps', ctx);
    const alpha = finiteNumber(options.alpha ?? 0, 'alpha', ctx, 'a number in [0, 1]');
    if (alpha < 0 || alpha > 1) throw new InvalidArgumentError('alpha', alpha, 'a number in [0, 1]', ctx);
    this.alpha = alpha;
    this.name = scheduleName(options.name ?? 'CosineDecay', ctx);
    this.warmupTarget = options.warmupTarget == null ? null : nonNegative(options.warmupTarget, 'warmupTarget', ctx);
    this.warmupSteps = nonNegative(options.warmupSteps ?? 0, 'warmupSteps', ctx);
  }

  private decay(step: number, from: number): number {
    const cosineDecayed = 0.5 * (1.0 + Math.cos(Math.PI * (step / this.decaySteps)));
    return from * ((1 - this.alpha) * cosineDecayed + this.alpha);
  }

  value(step: number): number {
    if (this.warmupTarget === null) return this.decay(Math.min(step, this.decaySteps), this.initialLearningRate);
    const s = Math.min(step, this.decaySteps + this.warmupSteps);
    if (s < this.warmupSteps) {
      return (this.warmupTarget - this.initialLearningRate) * (s / this.warmupSteps) + this.initialLearningRate;
    }
    return this.decay(s - this.warmupSteps, this.warmupTarget);
  }

  getConfig(): Config {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      alpha: this.alpha,
      name: this.name,
      warmup_target: this.warmupTarget,
      warmup_steps: this.warmupSteps,
    };
  }
}

/**
 * `new ExponentialDecay(options)`.
 *
 * @example
 * ```ts
 * const lr = schedules.exponentialDecay({ initialLearningRate: 0.01, decaySteps: 1000, decayRate: 0.9, staircase: true });
 * ```
 */
export function exponentialDecay(options: ExponentialDecayOptions): ExponentialDecay {
  return new ExponentialDecay(options);
}

/**
 * `new PiecewiseConstantDecay(options)`.
 *
 * @example
 * ```ts
 * const lr = schedules.piecewiseConstantDecay({ boundaries: [1000], values: [1e-3, 1e-4] });
 * ```
 */
export function piecewiseConstantDecay(options: PiecewiseConstantDecayOptions): PiecewiseConstantDecay {
  return new PiecewiseConstantDecay(options);
}

/**
 * `new CosineDecay(options)`.
 *
 * @example
 * ```ts
 * const lr = schedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 1000, alpha: 0.01 });
 * ```
 */
export function cosineDecay(options: CosineDecayOptions): CosineDecay {
  return new CosineDecay(options);
}

const SCHEDULE_CLASSES: Readonly<Record<string, (options: Record<string, unknown>) => LearningRateSchedule>> = {
  ExponentialDecay: (o) => new ExponentialDecay(o as unknown as ExponentialDecayOptions),
  PiecewiseConstantDecay: (o) => new PiecewiseConstantDecay(o as unknown as PiecewiseConstantDecayOptions),
  CosineDecay: (o) => new CosineDecay(o as unknown as CosineDecayOptions),
};

/** The class names `deserializeSchedule` knows. */
export const SCHEDULE_NAMES: readonly string[] = Object.freeze(Object.keys(SCHEDULE_CLASSES));

/**
 * Rebuilds a schedule from Keras's `{class_name, config}` form (class names are exact, as Keras's
 * `schedules.deserialize`); a schedule passes through unchanged.
 *
 * @throws UnknownNameError for a class this library does not implement.
 *
 * @example
 * ```ts
 * deserializeSchedule({ class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.9 } });
 * ```
 */
export function deserializeSchedule(identifier: unknown): LearningRateSchedule {
  if (isLearningRateSchedule(identifier)) return identifier;
  if (typeof identifier !== 'object' || identifier === null || typeof (identifier as { class_name?: unknown }).class_name !== 'string') {
    throw new InvalidArgumentError('learning_rate', identifier, 'a LearningRateSchedule or its serialized {class_name, config} form');
  }
  const { class_name: className, config } = identifier as { class_name: string; config?: unknown };
  const create = SCHEDULE_CLASSES[className];
  if (create === undefined || !Object.hasOwn(SCHEDULE_CLASSES, className)) {
    throw new UnknownNameError('class_name', className, SCHEDULE_NAMES, 'learning rate schedule');
  }
  if (config != null && (typeof config !== 'object' || Array.isArray(config))) {
    throw new InvalidArgumentError('config', config, 'an object of snake_case options', className);
  }
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((config ?? {}) as Record<string, unknown>)) options[toCamelCase(key)] = value;
  return create(options);
}
