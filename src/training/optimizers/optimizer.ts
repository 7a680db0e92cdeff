/**
 * The optimizer base class, as Keras 3's `BaseOptimizer`: gradient clipping, decoupled weight decay,
 * learning-rate schedules, the iteration counter and per-variable slot state. Subclasses supply only their
 * slot names and the update of one variable.
 */

import { formatShape, shapesEqual } from '../../engine/shape.js';
import { tidy } from '../../engine/scope.js';
import { noGrad } from '../../engine/tape.js';
import { fill, Tensor } from '../../engine/tensor.js';
import { Variable } from '../../engine/variable.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { DType } from '../../engine/dtype.js';
import type { Config, ConfigValue, SerializedKerasObject } from '../../serialization/keras-object.js';
import { serializeKerasObject, toCamelCase } from '../../serialization/keras-object.js';
import type { ClipRule, UpdateRule } from '../../ops/optimizer-steps.js';
import { clipGradients, decayInPlace, updateInPlace } from '../../ops/optimizer-steps.js';
import { cast, copy } from '../../ops/shape-ops.js';
import { classNameToSnake, uniqueName } from '../../layers/naming.js';
import { checkOptions, optionKeys } from '../../utils/option-keys.js';
import type { LearningRateSchedule } from './schedules.js';
import { deserializeSchedule, isLearningRateSchedule } from './schedules.js';

/** Keras's module name for serialized optimizers. */
export const OPTIMIZERS_MODULE = 'keras.optimizers';

/** The arguments every optimizer takes, Keras's base-optimizer arguments in camelCase. */
export interface OptimizerOptions {
  /** A number >= 0 or a schedule of the step. Each class has its own default. */
  learningRate?: number | LearningRateSchedule;
  /** Decoupled weight decay: each step first does `w -= w * weightDecay * lr`. Default null (none). */
  weightDecay?: number | null;
  /** Rescale each gradient whose own L2 norm exceeds this. At most one of the three clip options. */
  clipnorm?: number | null;
  /** Clip each gradient element to `[-clipvalue, clipvalue]`. */
  clipvalue?: number | null;
  /** Rescale all gradients together when their joint L2 norm exceeds this. */
  globalClipnorm?: number | null;
  /** Default: the class name in snake_case, made unique (`adam`, `adam_1`, ...), as Keras. */
  name?: string | null;
  /**
   * Keras's remaining base arguments, accepted so a Keras config loads. Only their inactive values are
   * supported (EMA, loss scaling and gradient accumulation are not implemented): `useEma` false,
   * `lossScaleFactor` and `gradientAccumulationSteps` null. `emaMomentum` and `emaOverwriteFrequency`
   * are validated and echoed in the config, as Keras does when EMA is off.
   */
  useEma?: boolean;
  emaMomentum?: number;
  emaOverwriteFrequency?: number | null;
  lossScaleFactor?: number | null;
  gradientAccumulationSteps?: number | null;
}

/** One optimizer slot of one variable, as `getState` lists them. */
export interface OptimizerSlotState {
  /** The model variable's `path`. */
  variablePath: string;
  /** The slot's name: `momentum`, `velocity`, `velocity_hat`, `average_gradient` or `accumulator`. */
  name: string;
  value: Tensor;
}

/** What `getState` returns and `setState` accepts. */
export interface OptimizerState {
  iterations: number;
  slots: OptimizerSlotState[];
}

/** A slot an algorithm keeps per variable, created in the variable's dtype, filled with `initialValue`. */
export interface SlotSpec {
  readonly name: string;
  readonly initialValue: number;
}

/** The per-step values an update needs besides the arrays. */
export interface UpdateContext {
  /** The learning rate of this step, already cast to the variable's dtype. */
  readonly learningRate: number;
  /** `iterations + 1`: the 1-based number of this step (Adam's bias correction). */
  readonly localStep: number;
  readonly dtype: DType;
}

type FloatDTypeName = 'float32' | 'float64';

/** An optimizer slot: a persistent, non-trainable tensor in the variable's dtype, as Keras's slot variables. */
function slotVariable(variable: Variable, name: string, value: Tensor): Variable {
  return new Variable(cast(value, variable.dtype), { name, path: `${variable.path}/${name}`, trainable: false });
}

interface VariableSlots {
  readonly variable: Variable;
  /** Persistent tensors in the variable's dtype, in `slotGroups` order (the order update rules take them). */
  readonly slots: Map<string, Variable>;
}

/** What `excludeFromWeightDecay` takes. */
export interface WeightDecayExclusions {
  /** These variables get no weight decay. */
  variables?: readonly Variable[];
  /** Nor does any variable whose `name` matches one of these (joined into one regular expression). */
  varNames?: readonly string[];
}

const BASE_OPTION_KEYS = optionKeys<OptimizerOptions>()([
  'learningRate',
  'weightDecay',
  'clipnorm',
  'clipvalue',
  'globalClipnorm',
  'name',
  'useEma',
  'emaMomentum',
  'emaOverwriteFrequency',
  'lossScaleFactor',
  'gradientAccumulationSteps',
]);

const EXCLUSION_KEYS = optionKeys<WeightDecayExclusions>()(['variables', 'varNames']);

// ---------------------------------------------------------------------------------------------------------
// Validation helpers, shared by the subclasses. Each names the argument, the value and what is allowed.
// ---------------------------------------------------------------------------------------------------------

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A finite number in the range `[lo, hi]` (or `[lo, hi)` when `hiOpen`). */
export function validateRange(value: unknown, argument: string, context: string, lo: number, hi: number, hiOpen = false): number {
  const allowed = `a number in [${lo}, ${hi}${hiOpen ? ')' : ']'}`;
  if (!isFiniteNumber(value) || value < lo || (hiOpen ? value >= hi : value > hi)) {
    throw new InvalidArgumentError(argument, value, allowed, context);
  }
  return value;
}

/** A finite number > 0. */
export function validatePositive(value: unknown, argument: string, context: string): number {
  if (!isFiniteNumber(value) || value <= 0) throw new InvalidArgumentError(argument, value, 'a finite number > 0', context);
  return value;
}

/** A finite number >= 0. */
export function validateNonNegative(value: unknown, argument: string, context: string): number {
  if (!isFiniteNumber(value) || value < 0) throw new InvalidArgumentError(argument, value, 'a finite number >= 0', context);
  return value;
}


function optionalPositive(value: unknown, argument: string, context: string): number | null {
  return value == null ? null : validatePositive(value, argument, context);
}

/**
 * Refuses an options object with keys outside the base options and `ownKeys` (a misspelt option would
 * otherwise be silently ignored). Subclasses call it first, so a misspelt key is reported before any value.
 */
export function checkOptimizerOptions(options: unknown, ownKeys: readonly string[], context: string): void {
  checkOptions(options, [...BASE_OPTION_KEYS, ...ownKeys], context);
}

function validateLearningRate(value: unknown, context: string): number | LearningRateSchedule {
  if (isLearningRateSchedule(value)) return value;
  if (!isFiniteNumber(value) || value < 0) {
    throw new InvalidArgumentError('learningRate', value, 'a finite number >= 0 or a LearningRateSchedule', context);
  }
  return value;
}

/** Rounds a scalar hyperparameter to the variable's dtype, as Keras's `ops.cast(x, variable.dtype)`. */
export function castScalar(value: number, dtype: DType): number {
  return dtype === 'float32' ? Math.fround(value) : value;
}

/**
 * Turns a Keras `get_config()` dict into constructor options: keys to camelCase, a serialized schedule into
 * a schedule. The constructor then validates every value (and rejects unknown keys).
 */
export function optionsFromConfig(config: unknown, className: string): Record<string, unknown> {
  if (config == null) return {};
  if (typeof config !== 'object' || Array.isArray(config)) {
    throw new InvalidArgumentError('config', config, 'an object of snake_case options', className);
  }
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    options[toCamelCase(key)] = key === 'learning_rate' && typeof value === 'object' && value !== null ? deserializeSchedule(value) : value;
  }
  return options;
}

/**
 * Base class of the optimizers, as Keras 3's `Optimizer`. A step (`applyGradients`) clips the gradients,
 * applies weight decay, runs the algorithm's update for each variable and increments `iterations`.
 *
 * @example
 * ```ts
 * const opt = optimizers.adam({ learningRate: 1e-3 });
 * const { grads } = valueAndGrads(() => loss(model), model.trainableWeights);
 * opt.applyGradients(grads.map((g, i) => [g, model.trainableWeights[i]] as const));
 * ```
 */
export abstract class Optimizer {
  /** The Keras class name, e.g. `'Adam'`. */
  abstract readonly className: string;
  readonly name: string;
  readonly weightDecay: number | null;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  readonly emaMomentum: number;
  readonly emaOverwriteFrequency: number | null;

  private learningRateValue: number | LearningRateSchedule;
  private iterationCount = 0;
  /** Slot arrays per variable id, in order of first use (Map keeps insertion order). */
  private slotState = new Map<number, VariableSlots>();
  private excludedIds = new Set<number>();
  private excludedPattern: RegExp | null = null;

  /**
   * @param className The Keras class name, for the default name and error messages.
   * @param ownKeys The subclass's own option keys, so unknown keys can be rejected.
   * @param defaultLearningRate The class's default learning rate.
   */
  protected constructor(className: string, options: OptimizerOptions, ownKeys: readonly string[], defaultLearningRate: number) {
    const ctx = className;
    checkOptimizerOptions(options, ownKeys, ctx);
    this.learningRateValue = validateLearningRate(options.learningRate ?? defaultLearningRate, ctx);
    this.weightDecay = options.weightDecay == null ? null : validateNonNegative(options.weightDecay, 'weightDecay', ctx);
    this.clipnorm = optionalPositive(options.clipnorm, 'clipnorm', ctx);
    this.clipvalue = optionalPositive(options.clipvalue, 'clipvalue', ctx);
    this.globalClipnorm = optionalPositive(options.globalClipnorm, 'globalClipnorm', ctx);
    const clipCount = [this.clipnorm, this.clipvalue, this.globalClipnorm].filter((c) => c !== null).length;
    if (clipCount > 1) {
      // Keras raises the same: "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set."
      throw new InvalidArgumentError(
        'clipnorm',
        { clipnorm: this.clipnorm, clipvalue: this.clipvalue, globalClipnorm: this.globalClipnorm },
        'only one of `clipnorm`, `clipvalue` and `globalClipnorm` set',
        ctx,
      );
    }
    if (options.useEma !== undefined && options.useEma !== false) {
      throw new InvalidArgumentError('useEma', options.useEma, 'false (exponential moving averages of weights are not implemented)', ctx);
    }
    this.emaMomentum = validateRange(options.emaMomentum ?? 0.99, 'emaMomentum', ctx, 0, 1);
    const freq = options.emaOverwriteFrequency;
    if (freq != null && !(Number.isInteger(freq) && freq >= 1)) {
      throw new InvalidArgumentError('emaOverwriteFrequency', freq, 'null or an integer >= 1', ctx);
    }
    this.emaOverwriteFrequency = freq ?? null;
    if (options.lossScaleFactor != null) {
      throw new InvalidArgumentError('lossScaleFactor', options.lossScaleFactor, 'null (loss scaling is not implemented)', ctx);
    }
    if (options.gradientAccumulationSteps != null) {
      throw new InvalidArgumentError(
        'gradientAccumulationSteps',
        options.gradientAccumulationSteps,
        'null (gradient accumulation is not implemented)',
        ctx,
      );
    }
    if (options.name != null && (typeof options.name !== 'string' || options.name === '')) {
      throw new InvalidArgumentError('name', options.name, 'a non-empty string', ctx);
    }
    // Named last, so a rejected construction consumes no automatic name.
    this.name = options.name ?? uniqueName(classNameToSnake(className));
  }

  /** The algorithm's slots, in Keras's creation groups: Keras builds `[[momentum, velocity], [velocity_hat]]` per call. */
  abstract slotGroups(): readonly (readonly SlotSpec[])[];

  /**
   * This step's update for one variable, as the backend runs it: the algorithm and its constants in the
   * variable's dtype (see `kernels/optimizer/rules.ts`; slots are passed in `slotGroups` order).
   */
  protected abstract updateRule(context: UpdateContext): UpdateRule;

  /** The algorithm's own config keys, appended after the base keys as Keras's `config.update`. */
  protected abstract ownConfig(): Config;

  /** How many steps have been applied. */
  get iterations(): number {
    return this.iterationCount;
  }

  /** The learning rate as configured: a number, or the schedule. `currentLearningRate()` evaluates it. */
  get learningRate(): number | LearningRateSchedule {
    return this.learningRateValue;
  }

  /**
   * Sets the learning rate (e.g. ReduceLROnPlateau). A number replaces a number; a schedule replaces
   * either. Setting a number while a schedule is in use throws, as Keras does (the schedule owns the rate).
   */
  set learningRate(value: number | LearningRateSchedule) {
    if (isLearningRateSchedule(value)) {
      this.learningRateValue = value;
      return;
    }
    if (isLearningRateSchedule(this.learningRateValue)) {
      throw new InvalidArgumentError(
        'learningRate',
        value,
        'a LearningRateSchedule: this optimizer was created with a schedule as its learning rate, so a number cannot be set; ' +
          'create the optimizer with a number learningRate to make it settable',
        this.className,
      );
    }
    this.learningRateValue = validateLearningRate(value, this.className);
  }

  /** The learning rate of the next step: the schedule evaluated at `iterations`, or the number. */
  currentLearningRate(): number {
    const lr = this.learningRateValue;
    return isLearningRateSchedule(lr) ? lr.value(this.iterationCount) : lr;
  }

  /**
   * Excludes variables from weight decay, as Keras's `exclude_from_weight_decay`: the given variables, and
   * every variable whose `name` matches any of `varNames` (joined into one regular expression, as Keras).
   * Each call replaces the previous exclusions.
   *
   * @example
   * ```ts
   * optimizers.adamw().excludeFromWeightDecay({ varNames: ['bias'] });
   * ```
   */
  excludeFromWeightDecay(options: WeightDecayExclusions = {}): void {
    checkOptions(options, EXCLUSION_KEYS, `${this.className}.excludeFromWeightDecay`);
    const { variables = [], varNames = [] } = options;
    for (const v of variables) {
      if (!(v instanceof Variable)) throw new InvalidArgumentError('variables', v, 'Variables', this.className);
    }
    for (const n of varNames) {
      if (typeof n !== 'string' || n === '') throw new InvalidArgumentError('varNames', n, 'non-empty strings', this.className);
    }
    this.excludedIds = new Set(variables.map((v) => v.id));
    this.excludedPattern = varNames.length > 0 ? new RegExp([...new Set(varNames)].join('|')) : null;
  }

  private usesWeightDecay(variable: Variable): boolean {
    if (this.excludedIds.has(variable.id)) return false;
    return this.excludedPattern === null || !this.excludedPattern.test(variable.name);
  }

  /**
   * Applies one step to each `[gradient, variable]` pair, as Keras's `apply_gradients`: clip the gradients,
   * decay the variables (`w -= w * weightDecay * lr`), run the update, then `iterations += 1`. The learning
   * rate is the schedule at `iterations` before the increment. An empty list is a no-op, as in Keras.
   *
   * @throws InvalidArgumentError for non-float tensors or a variable listed twice; ShapeError when a
   *   gradient's shape differs from its variable's. Nothing is changed when it throws.
   */
  applyGradients(pairs: ReadonlyArray<readonly [grad: Tensor, variable: Variable]>): void {
    if (!Array.isArray(pairs)) throw new InvalidArgumentError('pairs', pairs, 'an array of [gradient, variable] pairs', this.className);
    if (pairs.length === 0) return;
    const seen = new Set<number>();
    for (const pair of pairs) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new InvalidArgumentError('pairs', pair, 'an array of [gradient, variable] pairs', this.className);
      }
      const [grad, variable] = pair;
      if (!(variable instanceof Variable)) throw new InvalidArgumentError('variable', variable, 'a Variable', this.className);
      if (!(grad instanceof Tensor)) throw new InvalidArgumentError('gradient', grad, `a Tensor for variable '${variable.path}'`, this.className);
      if (variable.dtype === 'int32') throw new InvalidArgumentError('variable', variable.path, 'a float32 or float64 variable', this.className);
      if (grad.dtype === 'int32') throw new InvalidArgumentError('gradient', grad.dtype, `a float gradient for '${variable.path}'`, this.className);
      if (!shapesEqual(grad.shape, variable.shape)) {
        throw new ShapeError(
          `${this.className}: gradient of shape ${formatShape(grad.shape)} does not match variable '${variable.path}' of shape ${formatShape(variable.shape)}`,
        );
      }
      if (seen.has(variable.id)) throw new InvalidArgumentError('pairs', variable.path, 'each variable at most once per step', this.className);
      seen.add(variable.id);
    }
    // The step's copies and replaced values are freed when it ends.
    noGrad(() => tidy(() => this.step(pairs)));
  }

  /**
   * Keras's `optimizer.apply(grads, trainable_variables)`: one step with `grads[i]` for `variables[i]`
   * (the same as {@link applyGradients} on the pairs).
   *
   * @example
   * ```ts
   * const { grads } = valueAndGrads(loss, model.trainableWeights);
   * optimizer.apply(grads, model.trainableWeights);
   * ```
   */
  apply(grads: readonly Tensor[], variables: readonly Variable[]): void {
    if (!Array.isArray(grads)) throw new InvalidArgumentError('grads', grads, 'an array of gradient Tensors', this.className);
    if (!Array.isArray(variables) || variables.length !== grads.length) {
      throw new InvalidArgumentError('variables', variables, `an array of ${grads.length} Variables, one per gradient`, this.className);
    }
    this.applyGradients(grads.map((g, i) => [g, variables[i]] as const));
  }

  private step(pairs: ReadonlyArray<readonly [Tensor, Variable]>): void {
    const lr = this.currentLearningRate();
    const grads = this.clipped(pairs.map(([g]) => g));
    const localStep = this.iterationCount + 1;
    pairs.forEach(([, variable], i) => {
      const dtype = variable.dtype as FloatDTypeName;
      const w = copy(variable);
      const lrCast = castScalar(lr, dtype);
      if (this.weightDecay !== null && this.usesWeightDecay(variable)) {
        // Keras: variable.assign(variable - variable * wd * lr), before the update, at the step's rate.
        decayInPlace(w, castScalar(this.weightDecay, dtype), lrCast);
      }
      const rule = this.updateRule({ learningRate: lrCast, localStep, dtype });
      updateInPlace(rule, w, grads[i], [...this.slotsFor(variable).values()]);
      variable.assign(w);
    });
    this.iterationCount += 1;
  }

  /** Keras's `_clip_gradients`; clipped copies keep each gradient's dtype, the inputs are not touched. */
  private clipped(grads: Tensor[]): Tensor[] {
    let rule: ClipRule | null = null;
    if (this.clipnorm !== null) rule = { kind: 'norm', clipnorm: this.clipnorm };
    else if (this.globalClipnorm !== null) rule = { kind: 'globalNorm', clipnorm: this.globalClipnorm };
    else if (this.clipvalue !== null) rule = { kind: 'value', clipvalue: this.clipvalue };
    return rule === null ? grads : clipGradients(rule, grads);
  }

  /**
   * Frees the slots of `variables` now and forgets them (`Model.dispose`); a variable trained again later
   * starts from fresh slots. The slots of other variables are untouched.
   *
   * @example
   * ```ts
   * optimizer.releaseSlots(model.weights);
   * ```
   */
  releaseSlots(variables: readonly Variable[]): void {
    for (const variable of variables) {
      const entry = this.slotState.get(variable.id);
      if (entry === undefined) continue;
      this.slotState.delete(variable.id);
      for (const slot of entry.slots.values()) slot.dispose();
    }
  }

  private slotsFor(variable: Variable): ReadonlyMap<string, Variable> {
    let entry = this.slotState.get(variable.id);
    if (entry === undefined) {
      const slots = new Map<string, Variable>();
      for (const group of this.slotGroups()) {
        for (const spec of group) slots.set(spec.name, slotVariable(variable, spec.name, fill(variable.shape, spec.initialValue, variable.dtype)));
      }
      entry = { variable, slots };
      this.slotState.set(variable.id, entry);
    }
    return entry.slots;
  }

  /**
   * The state needed to resume training: `iterations` and a copy of every slot. Slots are ordered as Keras
   * orders `optimizer.variables` (minus `iteration` and `learning_rate`): for each creation group, each
   * variable in order of first use, each slot of the group — e.g. Adam with amsgrad lists
   * `k/momentum, k/velocity, b/momentum, b/velocity, k/velocity_hat, b/velocity_hat`.
   *
   * @example
   * ```ts
   * const state = opt.getState();
   * fresh.setState(state, model.trainableWeights); // continues exactly where `opt` was
   * ```
   */
  getState(): OptimizerState {
    const slots: OptimizerSlotState[] = [];
    for (const group of this.slotGroups()) {
      for (const { variable, slots: arrays } of this.slotState.values()) {
        for (const spec of group) {
          slots.push({ variablePath: variable.path, name: spec.name, value: copy(arrays.get(spec.name) as Variable) });
        }
      }
    }
    return { iterations: this.iterationCount, slots };
  }

  /**
   * Restores `getState()`'s result, matching slots to `variables` by `path`. Values are copied and cast to
   * each variable's dtype. It replaces all slot state; variables first used later start fresh.
   *
   * @throws InvalidArgumentError for an unknown path or slot name, a duplicate, or a variable missing some
   *   of its slots; ShapeError for a value of the wrong shape. Nothing changes when it throws.
   */
  setState(state: OptimizerState, variables: readonly Variable[]): void {
    const ctx = `${this.className}.setState`;
    if (typeof state !== 'object' || state === null || !Array.isArray(state.slots)) {
      throw new InvalidArgumentError('state', state, 'an object {iterations, slots} as getState() returns', ctx);
    }
    if (!Number.isInteger(state.iterations) || state.iterations < 0) {
      throw new InvalidArgumentError('iterations', state.iterations, 'an integer >= 0', ctx);
    }
    const byPath = new Map<string, Variable>();
    for (const v of variables) {
      if (!(v instanceof Variable)) throw new InvalidArgumentError('variables', v, 'Variables', ctx);
      if (byPath.has(v.path) && byPath.get(v.path) !== v) throw new InvalidArgumentError('variables', v.path, 'variables with distinct paths', ctx);
      byPath.set(v.path, v);
    }
    const specs = this.slotGroups().flat();
    const names = specs.map((s) => s.name);
    const restored = new Map<number, VariableSlots>();
    for (const slot of state.slots) {
      const variable = byPath.get(slot.variablePath);
      if (variable === undefined) {
        throw new InvalidArgumentError('variablePath', slot.variablePath, `the path of one of the ${variables.length} given variables`, ctx);
      }
      if (!names.includes(slot.name)) {
        throw new InvalidArgumentError('name', slot.name, names.length ? `one of ${names.map((n) => `'${n}'`).join(', ')}` : 'no slots (this optimizer keeps none)', ctx);
      }
      if (!(slot.value instanceof Tensor) || slot.value.dtype === 'int32') {
        throw new InvalidArgumentError('value', slot.value, `a float Tensor for slot '${slot.name}' of '${slot.variablePath}'`, ctx);
      }
      if (!shapesEqual(slot.value.shape, variable.shape)) {
        throw new ShapeError(
          `${ctx}: slot '${slot.name}' of '${variable.path}' has shape ${formatShape(slot.value.shape)}, the variable ${formatShape(variable.shape)}`,
        );
      }
      let entry = restored.get(variable.id);
      if (entry === undefined) {
        entry = { variable, slots: new Map() };
        restored.set(variable.id, entry);
      }
      if (entry.slots.has(slot.name)) throw new InvalidArgumentError('slots', `${slot.variablePath}/${slot.name}`, 'each slot once', ctx);
      entry.slots.set(slot.name, slotVariable(variable, slot.name, slot.value));
    }
    for (const { variable, slots } of restored.values()) {
      const missing = names.filter((n) => !slots.has(n));
      if (missing.length > 0) throw new InvalidArgumentError('slots', variable.path, `all of its slots (missing ${missing.join(', ')})`, ctx);
      // Keep the slot order of slotGroups regardless of the order the state listed them in.
      const ordered = new Map(names.map((n) => [n, slots.get(n) as Variable] as const));
      restored.set(variable.id, { variable, slots: ordered });
    }
    for (const { slots } of this.slotState.values()) for (const slot of slots.values()) slot.dispose();
    this.slotState = restored;
    this.iterationCount = state.iterations;
  }

  /**
   * Keras 3.15's `get_config()`: snake_case, the base keys in Keras's order then the algorithm's.
   *
   * @example
   * ```ts
   * optimizers.sgd({ learningRate: 0.1 }).getConfig().learning_rate; // 0.1
   * ```
   */
  getConfig(): Config {
    const lr = this.learningRateValue;
    const learningRate: ConfigValue = isLearningRateSchedule(lr) ? lr.serialize() : lr;
    return {
      name: this.name,
      learning_rate: learningRate,
      weight_decay: this.weightDecay,
      clipnorm: this.clipnorm,
      global_clipnorm: this.globalClipnorm,
      clipvalue: this.clipvalue,
      use_ema: false,
      ema_momentum: this.emaMomentum,
      ema_overwrite_frequency: this.emaOverwriteFrequency,
      loss_scale_factor: null,
      gradient_accumulation_steps: null,
      ...this.ownConfig(),
    };
  }

  /**
   * Keras's `keras.optimizers.serialize(optimizer)` form.
   *
   * @example
   * ```ts
   * optimizers.adam().serialize().class_name; // 'Adam'
   * ```
   */
  serialize(): SerializedKerasObject {
    return serializeKerasObject(OPTIMIZERS_MODULE, this.className, this.getConfig());
  }
}
