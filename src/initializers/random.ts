/** RandomNormal, RandomUniform, TruncatedNormal and their shared seeding rules. */

import type { FloatDType } from '../engine/dtype.js';
import type { SeedGenerator } from '../engine/random.js';
import { makeDefaultSeed, sampleNormal, sampleTruncatedNormal, sampleUniform } from '../engine/random.js';
import type { Tensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import type { Config } from '../serialization/keras-object.js';
import { Initializer, checkCallArgs } from './initializer.js';
import type { InitializerSeed } from './options.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';
import { finiteNumber, initializerSeed, nonNegativeNumber, optionsFromConfig, seedToConfig, snakeKeys } from './options.js';

export interface SeedOptions {
  /**
   * An integer: the same values on every call (and across runs). `null`/omitted: a default seed is drawn
   * once, at construction, from the global source ({@link setRandomSeed} makes it reproducible), so this
   * instance also repeats its values. A `SeedGenerator`: different values on every call. (All as Keras 3.)
   */
  seed?: InitializerSeed;
}

/**
 * Base of the random initializers, as Keras's `RandomInitializer`: resolves the seed once, at construction.
 *
 * @example
 * ```ts
 * const init = new RandomNormal({ seed: 3 });
 * init.seed; // 3
 * ```
 */
export abstract class RandomInitializer extends Initializer {
  /** The seed every call draws with: the integer given or drawn at construction, or the generator given. */
  readonly seed: number | SeedGenerator;
  /** The seed as given (`null` when none was); what `getConfig()` reports, as Keras's `_init_seed`. */
  readonly initSeed: InitializerSeed;

  protected constructor(seed: unknown, context: string) {
    super();
    this.initSeed = initializerSeed(seed, context);
    this.seed = this.initSeed ?? makeDefaultSeed();
  }

  override getConfig(): Config {
    return { seed: seedToConfig(this.initSeed) };
  }
}

export interface RandomNormalOptions extends SeedOptions {
  /** Default 0. */
  mean?: number;
  /** Default 0.05; must be ≥ 0. */
  stddev?: number;
}

const NORMAL_KEYS = optionKeys<RandomNormalOptions>()(['mean', 'stddev', 'seed']);

/**
 * Normal samples (Keras `RandomNormal`, defaults mean 0, stddev 0.05; names `'random_normal'`, `'normal'`).
 *
 * @example
 * ```ts
 * new RandomNormal({ stddev: 0.02, seed: 1 }).call([3, 3]);
 * ```
 */
export class RandomNormal extends RandomInitializer {
  readonly className: string = 'RandomNormal';
  readonly mean: number;
  readonly stddev: number;

  constructor(options: RandomNormalOptions = {}) {
    checkOptions(options, NORMAL_KEYS, 'RandomNormal');
    const mean = finiteNumber(options.mean, 'mean', 'RandomNormal', 0);
    const stddev = nonNegativeNumber(options.stddev, 'stddev', 'RandomNormal', 0.05);
    super(options.seed, 'RandomNormal');
    this.mean = mean;
    this.stddev = stddev;
  }

  call(shape: readonly number[], dtype?: FloatDType): Tensor {
    const resolved = checkCallArgs(shape, dtype) as FloatDType;
    return sampleNormal(shape, { mean: this.mean, stddev: this.stddev, dtype: resolved, seed: this.seed });
  }

  override getConfig(): Config {
    return { ...super.getConfig(), mean: this.mean, stddev: this.stddev };
  }

  static fromConfig(config: Config): RandomNormal {
    return new RandomNormal(optionsFromConfig(config, snakeKeys(NORMAL_KEYS), 'RandomNormal') as RandomNormalOptions);
  }
}

/**
 * Normal samples re-drawn until within two `stddev` of the mean (Keras `TruncatedNormal`, defaults mean 0,
 * stddev 0.05). `stddev` is the pre-truncation value, not corrected: the realised std is ≈ 0.8796·stddev.
 *
 * @example
 * ```ts
 * new TruncatedNormal({ stddev: 0.1, seed: 1 }).call([64]); // all within (-0.2, 0.2)
 * ```
 */
export class TruncatedNormal extends RandomInitializer {
  readonly className: string = 'TruncatedNormal';
  readonly mean: number;
  readonly stddev: number;

  constructor(options: RandomNormalOptions = {}) {
    checkOptions(options, NORMAL_KEYS, 'TruncatedNormal');
    const mean = finiteNumber(options.mean, 'mean', 'TruncatedNormal', 0);
    const stddev = nonNegativeNumber(options.stddev, 'stddev', 'TruncatedNormal', 0.05);
    super(options.seed, 'TruncatedNormal');
    this.mean = mean;
    this.stddev = stddev;
  }

  call(shape: readonly number[], dtype?: FloatDType): Tensor {
    const resolved = checkCallArgs(shape, dtype) as FloatDType;
    return sampleTruncatedNormal(shape, { mean: this.mean, stddev: this.stddev, dtype: resolved, seed: this.seed });
  }

  override getConfig(): Config {
    return { ...super.getConfig(), mean: this.mean, stddev: this.stddev };
  }

  static fromConfig(config: Config): TruncatedNormal {
    return new TruncatedNormal(
      optionsFromConfig(config, snakeKeys(NORMAL_KEYS), 'TruncatedNormal') as RandomNormalOptions,
    );
  }
}

export interface RandomUniformOptions extends SeedOptions {
  /** Inclusive lower bound, default -0.05. */
  minval?: number;
  /** Exclusive upper bound, default 0.05; must be ≥ minval. */
  maxval?: number;
}

const UNIFORM_KEYS = optionKeys<RandomUniformOptions>()(['minval', 'maxval', 'seed']);

/**
 * Uniform samples in [minval, maxval) (Keras `RandomUniform`, defaults ±0.05; names `'random_uniform'`,
 * `'uniform'`).
 *
 * @example
 * ```ts
 * new RandomUniform({ minval: -1, maxval: 1, seed: 1 }).call([4]);
 * ```
 */
export class RandomUniform extends RandomInitializer {
  readonly className: string = 'RandomUniform';
  readonly minval: number;
  readonly maxval: number;

  constructor(options: RandomUniformOptions = {}) {
    checkOptions(options, UNIFORM_KEYS, 'RandomUniform');
    const minval = finiteNumber(options.minval, 'minval', 'RandomUniform', -0.05);
    const maxval = finiteNumber(options.maxval, 'maxval', 'RandomUniform', 0.05);
    if (maxval < minval) {
      throw new InvalidArgumentError('maxval', maxval, `a number >= minval (${minval})`, 'RandomUniform');
    }
    super(options.seed, 'RandomUniform');
    this.minval = minval;
    this.maxval = maxval;
  }

  call(shape: readonly number[], dtype?: FloatDType): Tensor {
    const resolved = checkCallArgs(shape, dtype) as FloatDType;
    return sampleUniform(shape, { minval: this.minval, maxval: this.maxval, dtype: resolved, seed: this.seed });
  }

  override getConfig(): Config {
    return { ...super.getConfig(), minval: this.minval, maxval: this.maxval };
  }

  static fromConfig(config: Config): RandomUniform {
    return new RandomUniform(
      optionsFromConfig(config, snakeKeys(UNIFORM_KEYS), 'RandomUniform') as RandomUniformOptions,
    );
  }
}
