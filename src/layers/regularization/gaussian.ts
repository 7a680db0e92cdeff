/** Keras's `GaussianNoise` and `GaussianDropout`: multiplicative or additive normal noise in training. */

import { SeedGenerator, sampleNormal } from '../../engine/random.js';
import type { Tensor } from '../../engine/tensor.js';
import { add, mul } from '../../ops/elementwise.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { activityRegularizerConfig, Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';

/** The options of `layerGaussianNoise`. */
export interface GaussianNoiseOptions extends LayerOptions {
  /** Standard deviation of the added noise, ≥ 0. */
  stddev: number;
  seed?: number | null;
}

/** The options of `layerGaussianDropout`. */
export interface GaussianDropoutOptions extends LayerOptions {
  /** Drop probability in [0, 1]; the noise is `N(1, rate / (1 - rate))`. */
  rate: number;
  seed?: number | null;
}

const NOISE = defineOptions<GaussianNoiseOptions>()('GaussianNoise', { stddev: option.requiredNumber({ min: 0 }), seed: option.seed() });
const DROPOUT = defineOptions<GaussianDropoutOptions>()('GaussianDropout', { rate: option.rate(), seed: option.seed() });

/**
 * Adds zero-centred normal noise of `stddev` in training (Keras's `GaussianNoise`); identity at inference.
 *
 * @example
 * ```ts
 * new GaussianNoise({ stddev: 0.1, seed: 1 }).apply(x, { training: true });
 * ```
 */
export class GaussianNoise extends Layer {
  readonly className = 'GaussianNoise';
  readonly stddev: number;
  readonly seed: number | null;
  readonly seedGenerator: SeedGenerator;

  constructor(options: GaussianNoiseOptions) {
    const args = NOISE.resolve(options);
    super(options, 'GaussianNoise');
    this.stddev = args.stddev;
    this.seed = args.seed;
    this.seedGenerator = new SeedGenerator(args.seed);
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    return [...inputShape];
  }

  protected call(x: Tensor, options: CallOptions): Tensor {
    if (options.training !== true || this.stddev === 0) return x;
    return add(x, sampleNormal(x.shape, { stddev: this.stddev, dtype: x.dtype as 'float32' | 'float64', seed: this.seedGenerator }));
  }

  /** Rebuilds a layer from `getConfig()` output. @example `GaussianNoise.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): GaussianNoise {
    return new GaussianNoise(NOISE.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...activityRegularizerConfig(this), ...NOISE.toConfig(this) };
  }
}

/**
 * Multiplies by normal noise of mean 1 and standard deviation `sqrt(rate / (1 - rate))` in training
 * (Keras's `GaussianDropout`); identity at inference and for rates of 0 or 1.
 *
 * @example
 * ```ts
 * new GaussianDropout({ rate: 0.2 }).apply(x, { training: true });
 * ```
 */
export class GaussianDropout extends Layer {
  readonly className = 'GaussianDropout';
  readonly rate: number;
  readonly seed: number | null;
  readonly seedGenerator: SeedGenerator;

  constructor(options: GaussianDropoutOptions) {
    const args = DROPOUT.resolve(options);
    super(options, 'GaussianDropout');
    this.rate = args.rate;
    this.seed = args.seed;
    this.seedGenerator = new SeedGenerator(args.seed);
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    return [...inputShape];
  }

  protected call(x: Tensor, options: CallOptions): Tensor {
    if (options.training !== true || !(this.rate > 0 && this.rate < 1)) return x;
    const stddev = Math.sqrt(this.rate / (1 - this.rate));
    return mul(x, sampleNormal(x.shape, { mean: 1, stddev, dtype: x.dtype as 'float32' | 'float64', seed: this.seedGenerator }));
  }

  /** Rebuilds a layer from `getConfig()` output. @example `GaussianDropout.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): GaussianDropout {
    return new GaussianDropout(DROPOUT.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...activityRegularizerConfig(this), ...DROPOUT.toConfig(this) };
  }
}

/** Creates a `GaussianNoise` layer composed with `object`. @example `layerGaussianNoise(model, { stddev: 0.1 })` */
export const layerGaussianNoise = layerFunction((options: GaussianNoiseOptions) => new GaussianNoise(options));
/** Creates a `GaussianDropout` layer composed with `object`. @example `layerGaussianDropout(model, { rate: 0.2 })` */
export const layerGaussianDropout = layerFunction((options: GaussianDropoutOptions) => new GaussianDropout(options));
