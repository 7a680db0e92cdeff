/** VarianceScaling and its presets: Glorot (Xavier), He and LeCun, uniform and normal. */

import type { FloatDType } from '../engine/dtype.js';
import { sampleNormal, sampleTruncatedNormal, sampleUniform } from '../engine/random.js';
import type { Tensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import type { Config } from '../serialization/keras-object.js';
import { computeFans } from './fans.js';
import { checkCallArgs } from './initializer.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';
import { axesToConfig, finiteNumber, optionsFromConfig, parseAxes, seedToConfig, snakeKeys } from './options.js';
import type { SeedOptions } from './random.js';
import { RandomInitializer } from './random.js';

export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';
export type VarianceScalingDistribution = 'truncated_normal' | 'untruncated_normal' | 'uniform';

export const FAN_MODES: readonly FanMode[] = ['fan_in', 'fan_out', 'fan_avg'];
export const DISTRIBUTIONS: readonly VarianceScalingDistribution[] = ['uniform', 'truncated_normal', 'untruncated_normal'];

/**
 * std of a standard normal truncated to (-2, 2): Keras divides by it so the *truncated* samples have the
 * target standard deviation sqrt(scale / n).
 */
export const TRUNCATED_NORMAL_STD = 0.87962566103423978;

export interface FanAxesOptions extends SeedOptions {
  /**
   * Keras 3.15 `input_axes`: the axes whose sizes multiply to fan_in. Used only together with `outputAxes`
   * (Keras ignores one without the other). For a depthwise kernel `[kh, kw, C, dm]`, `[0, 1]`.
   */
  inputAxes?: readonly number[] | null;
  /** Keras 3.15 `output_axes`: the axes whose sizes multiply to fan_out; for a depthwise kernel `[0, 1, 3]`. */
  outputAxes?: readonly number[] | null;
}

export interface VarianceScalingOptions extends FanAxesOptions {
  /** Positive scaling factor, default 1. */
  scale?: number;
  /** Which fan divides `scale`: default `'fan_in'`. */
  mode?: FanMode;
  /** Default `'truncated_normal'`; case-insensitive, and `'normal'` means `'truncated_normal'` (as in Keras). */
  distribution?: VarianceScalingDistribution | 'normal';
}

interface ResolvedVarianceScaling {
  scale: number;
  mode: FanMode;
  distribution: VarianceScalingDistribution;
  inputAxes: readonly number[] | null;
  outputAxes: readonly number[] | null;
}

const VARIANCE_SCALING_KEYS = optionKeys<VarianceScalingOptions>()(['scale', 'mode', 'distribution', 'seed', 'inputAxes', 'outputAxes']);
const PRESET_KEYS = optionKeys<FanAxesOptions>()(['seed', 'inputAxes', 'outputAxes']);

function resolveOptions(options: VarianceScalingOptions, context: string): ResolvedVarianceScaling {
  const scale = finiteNumber(options.scale, 'scale', context, 1);
  if (scale <= 0) throw new InvalidArgumentError('scale', options.scale, 'a positive number', context);
  const mode = options.mode ?? 'fan_in';
  if (!(FAN_MODES as readonly unknown[]).includes(mode)) {
    // Keras compares `mode` case-sensitively (only `distribution` is lower-cased).
    throw new InvalidArgumentError('mode', mode, `one of ${FAN_MODES.map((m) => `'${m}'`).join(', ')}`, context);
  }
  const rawDistribution: unknown = options.distribution ?? 'truncated_normal';
  let distribution = typeof rawDistribution === 'string' ? rawDistribution.toLowerCase() : rawDistribution;
  if (distribution === 'normal') distribution = 'truncated_normal';
  if (!(DISTRIBUTIONS as readonly unknown[]).includes(distribution)) {
    throw new InvalidArgumentError(
      'distribution',
      rawDistribution,
      `one of ${DISTRIBUTIONS.map((d) => `'${d}'`).join(', ')} (or 'normal', meaning 'truncated_normal')`,
      context,
    );
  }
  return {
    scale,
    mode,
    distribution: distribution as VarianceScalingDistribution,
    inputAxes: parseAxes(options.inputAxes, 'inputAxes', context),
    outputAxes: parseAxes(options.outputAxes, 'outputAxes', context),
  };
}

/**
 * Samples whose variance is `scale / n`, n being the weight's fan-in, fan-out or their mean (Keras
 * `VarianceScaling`). `uniform`: U(-limit, limit) with limit = sqrt(3·scale/n); `truncated_normal`:
 * stddev sqrt(scale/n)/0.8796… truncated at ±2 stddev; `untruncated_normal`: N(0, sqrt(scale/n)).
 * n is floored at 1. Fans come from {@link computeFans}, optionally over `inputAxes` / `outputAxes`.
 *
 * @example
 * ```ts
 * const init = new VarianceScaling({ scale: 2, mode: 'fan_in', distribution: 'uniform', seed: 1,
 *   inputAxes: [0, 1], outputAxes: [0, 1, 3] });
 * init.call([3, 3, 64, 1]); // limit sqrt(6 / 9) instead of sqrt(6 / 576)
 * ```
 */
export class VarianceScaling extends RandomInitializer {
  readonly className: string = 'VarianceScaling';
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: VarianceScalingDistribution;
  readonly inputAxes: readonly number[] | null;
  readonly outputAxes: readonly number[] | null;

  /** @param context the class name used in error messages (subclasses pass their own). */
  constructor(options: VarianceScalingOptions = {}, context = 'VarianceScaling') {
    checkOptions(options, VARIANCE_SCALING_KEYS, context);
    const resolved = resolveOptions(options, context);
    super(options.seed, context);
    this.scale = resolved.scale;
    this.mode = resolved.mode;
    this.distribution = resolved.distribution;
    this.inputAxes = resolved.inputAxes;
    this.outputAxes = resolved.outputAxes;
  }

  /** The parameters a call with `shape` uses: fans, `scale / n`, and the uniform limit or normal stddev. */
  parametersFor(shape: readonly number[]): { fanIn: number; fanOut: number; scaleOverN: number; limit: number; stddev: number } {
    const { fanIn, fanOut } = computeFans(shape, this.inputAxes, this.outputAxes);
    let n: number;
    if (this.mode === 'fan_in') n = Math.max(1, fanIn);
    else if (this.mode === 'fan_out') n = Math.max(1, fanOut);
    else n = Math.max(1, (fanIn + fanOut) / 2);
    const scaleOverN = this.scale / n;
    const stddev = this.distribution === 'truncated_normal' ? Math.sqrt(scaleOverN) / TRUNCATED_NORMAL_STD : Math.sqrt(scaleOverN);
    return { fanIn, fanOut, scaleOverN, limit: Math.sqrt(3 * scaleOverN), stddev };
  }

  call(shape: readonly number[], dtype?: FloatDType): Tensor {
    const resolved = checkCallArgs(shape, dtype) as FloatDType;
    const { limit, stddev } = this.parametersFor(shape);
    switch (this.distribution) {
      case 'truncated_normal':
        return sampleTruncatedNormal(shape, { mean: 0, stddev, dtype: resolved, seed: this.seed });
      case 'untruncated_normal':
        return sampleNormal(shape, { mean: 0, stddev, dtype: resolved, seed: this.seed });
      case 'uniform':
        return sampleUniform(shape, { minval: -limit, maxval: limit, dtype: resolved, seed: this.seed });
      default:
        return this.distribution satisfies never;
    }
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      scale: this.scale,
      mode: this.mode,
      distribution: this.distribution,
      input_axes: axesToConfig(this.inputAxes),
      output_axes: axesToConfig(this.outputAxes),
    };
  }

  static fromConfig(config: Config): VarianceScaling {
    return new VarianceScaling(optionsFromConfig(config, snakeKeys(VARIANCE_SCALING_KEYS), 'VarianceScaling') as VarianceScalingOptions);
  }
}

/**
 * A VarianceScaling with fixed scale/mode/distribution; Keras's presets take only `seed`, `input_axes` and
 * `output_axes`, and their `get_config()` returns just those three.
 */
abstract class VarianceScalingPreset extends VarianceScaling {
  protected constructor(options: FanAxesOptions, preset: Omit<VarianceScalingOptions, keyof FanAxesOptions>, context: string) {
    checkOptions(options, PRESET_KEYS, context);
    super({ seed: options.seed, inputAxes: options.inputAxes, outputAxes: options.outputAxes, ...preset }, context);
  }

  override getConfig(): Config {
    return {
      seed: seedToConfig(this.initSeed),
      input_axes: axesToConfig(this.inputAxes),
      output_axes: axesToConfig(this.outputAxes),
    };
  }
}

function presetOptions(config: Config, context: string): FanAxesOptions {
  return optionsFromConfig(config, snakeKeys(PRESET_KEYS), context) as FanAxesOptions;
}

/**
 * Glorot (Xavier) uniform: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)). The default kernel
 * initializer of Keras's convolution layers.
 *
 * @example
 * ```ts
 * new GlorotUniform({ seed: 1 }).call([3, 3, 64, 1]);
 * ```
 */
export class GlorotUniform extends VarianceScalingPreset {
  override readonly className: string = 'GlorotUniform';
  constructor(options: FanAxesOptions = {}) {
    super(options, { scale: 1, mode: 'fan_avg', distribution: 'uniform' }, 'GlorotUniform');
  }
  static override fromConfig(config: Config): GlorotUniform {
    return new GlorotUniform(presetOptions(config, 'GlorotUniform'));
  }
}

/**
 * Glorot (Xavier) normal: truncated normal with realised std sqrt(2 / (fan_in + fan_out)).
 *
 * @example
 * ```ts
 * new GlorotNormal({ seed: 1 }).call([16, 8]);
 * ```
 */
export class GlorotNormal extends VarianceScalingPreset {
  override readonly className: string = 'GlorotNormal';
  constructor(options: FanAxesOptions = {}) {
    super(options, { scale: 1, mode: 'fan_avg', distribution: 'truncated_normal' }, 'GlorotNormal');
  }
  static override fromConfig(config: Config): GlorotNormal {
    return new GlorotNormal(presetOptions(config, 'GlorotNormal'));
  }
}

/**
 * He uniform: U(-limit, limit), limit = sqrt(6 / fan_in).
 *
 * @example
 * ```ts
 * new HeUniform({ seed: 1, inputAxes: [0, 1], outputAxes: [0, 1, 3] }).call([3, 3, 32, 1]);
 * ```
 */
export class HeUniform extends VarianceScalingPreset {
  override readonly className: string = 'HeUniform';
  constructor(options: FanAxesOptions = {}) {
    super(options, { scale: 2, mode: 'fan_in', distribution: 'uniform' }, 'HeUniform');
  }
  static override fromConfig(config: Config): HeUniform {
    return new HeUniform(presetOptions(config, 'HeUniform'));
  }
}

/**
 * He normal: truncated normal with realised std sqrt(2 / fan_in).
 *
 * @example
 * ```ts
 * new HeNormal({ seed: 3 }).call([3, 3, 8, 1]);
 * ```
 */
export class HeNormal extends VarianceScalingPreset {
  override readonly className: string = 'HeNormal';
  constructor(options: FanAxesOptions = {}) {
    super(options, { scale: 2, mode: 'fan_in', distribution: 'truncated_normal' }, 'HeNormal');
  }
  static override fromConfig(config: Config): HeNormal {
    return new HeNormal(presetOptions(config, 'HeNormal'));
  }
}

/**
 * LeCun uniform: U(-limit, limit), limit = sqrt(3 / fan_in).
 *
 * @example
 * ```ts
 * new LecunUniform({ seed: 1 }).call([10, 10]);
 * ```
 */
export class LecunUniform extends VarianceScalingPreset {
  override readonly className: string = 'LecunUniform';
  constructor(options: FanAxesOptions = {}) {
    super(options, { scale: 1, mode: 'fan_in', distribution: 'uniform' }, 'LecunUniform');
  }
  static override fromConfig(config: Config): LecunUniform {
    return new LecunUniform(presetOptions(config, 'LecunUniform'));
  }
}

/**
 * LeCun normal: truncated normal with realised std sqrt(1 / fan_in).
 *
 * @example
 * ```ts
 * new LecunNormal({ seed: 1 }).call([10, 10]);
 * ```
 */
export class LecunNormal extends VarianceScalingPreset {
  override readonly className: string = 'LecunNormal';
  constructor(options: FanAxesOptions = {}) {
    super(options, { scale: 1, mode: 'fan_in', distribution: 'truncated_normal' }, 'LecunNormal');
  }
  static override fromConfig(config: Config): LecunNormal {
    return new LecunNormal(presetOptions(config, 'LecunNormal'));
  }
}
