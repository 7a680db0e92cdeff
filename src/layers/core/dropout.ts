/** Keras's `Dropout`: in training, zero a random fraction `rate` of the inputs and scale the rest up. */

import { SeedGenerator } from '../../engine/random.js';
import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { tensorFromArray, zeros } from '../../engine/tensor.js';
import { allocArray } from '../../engine/dtype.js';
import { ShapeError } from '../../errors.js';
import type { Config } from '../../serialization/keras-object.js';
import { div, where } from '../../ops/elementwise.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { activityRegularizerConfig, Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';

/** The options of `layerDropout`: Keras's arguments in camelCase. */
export interface DropoutOptions extends LayerOptions {
  /** Fraction of the inputs to drop, in [0, 1]. */
  rate: number;
  /**
   * Shape of the keep/drop mask, broadcast over the input (e.g. `[null, 1, 1, null]` drops whole feature
   * maps); `null` entries take the input's size. Default: the input's shape.
   */
  noiseShape?: readonly (number | null)[] | null;
  /** Integer seed of the layer's generator; without one it draws a seed from `setRandomSeed`'s source. */
  seed?: number | null;
}

const CLASS_NAME = 'Dropout';

// Declared in Keras's config order: rate, seed, noise_shape.
const OPTIONS = defineOptions<DropoutOptions>()(CLASS_NAME, {
  rate: option.rate(),
  seed: option.seed(),
  noiseShape: option.shape(),
});

/**
 * Inverted dropout (Keras's `Dropout`). Only when applied with `{ training: true }`: each element (or each
 * `noiseShape` cell) is kept with probability `1 - rate` and divided by `1 - rate`, so the expected output
 * equals the input; otherwise it is the identity. Masks come from the layer's own seeded generator, so a
 * run is reproducible under `setRandomSeed` or with `seed`, while successive calls draw different masks.
 *
 * @example
 * ```ts
 * const drop = new Dropout({ rate: 0.5, seed: 1 });
 * drop.apply(ones([2, 4]), { training: true }); // entries 0 or 2
 * drop.apply(ones([2, 4])); // unchanged
 * ```
 */
export class Dropout extends Layer {
  readonly className = CLASS_NAME;
  readonly rate: number;
  readonly noiseShape: readonly (number | null)[] | null;
  readonly seed: number | null;
  /** Keras creates the generator only for a positive rate; it advances once per training call. */
  readonly seedGenerator: SeedGenerator | null;

  constructor(options: DropoutOptions) {
    const args = OPTIONS.resolve(options);
    super(options, CLASS_NAME);
    this.rate = args.rate;
    this.noiseShape = args.noiseShape;
    this.seed = args.seed;
    this.seedGenerator = args.rate > 0 ? new SeedGenerator(args.seed) : null;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    return [...inputShape];
  }

  /** The mask's shape for this input: `null` entries filled in; each entry must be 1 or the input's size. */
  private concreteNoiseShape(shape: readonly number[]): number[] {
    if (this.noiseShape === null) return [...shape];
    const noise = this.noiseShape.map((d, i) => d ?? shape[i]);
    if (noise.length !== shape.length || noise.some((d, i) => d !== 1 && d !== shape[i])) {
      throw new ShapeError(`Layer '${this.name}': noise_shape ${formatShape(this.noiseShape)} cannot be broadcast to the input shape ${formatShape(shape)}`);
    }
    return noise;
  }

  protected call(x: Tensor, options: CallOptions): Tensor {
    if (options.training !== true || this.seedGenerator === null) return x;
    const noise = this.concreteNoiseShape(x.shape);
    // As Keras (jax backend): rate 1 gives zeros without drawing.
    if (this.rate === 1) return zeros(x.shape, x.dtype);
    const keep = 1 - this.rate;
    const rng = this.seedGenerator.nextRandom();
    const mask = allocArray(x.dtype, noise.reduce((n, d) => n * d, 1));
    for (let i = 0; i < mask.length; i++) mask[i] = rng.nextDouble() < keep ? 1 : 0;
    // `where` (not a multiply by a scaled mask) so the kept values are exactly x / keep, as in Keras.
    return where(tensorFromArray(mask, noise, x.dtype), div(x, keep), 0);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = Dropout.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): Dropout {
    return new Dropout(OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...activityRegularizerConfig(this), ...OPTIONS.toConfig(this) };
  }
}

/**
 * Creates a `Dropout` layer and composes it with `object` (Keras's `layer_dropout`).
 *
 * @example
 * ```ts
 * const model = kerasModelSequential({ inputShape: [16] });
 * layerDropout(model, { rate: 0.25 });
 * ```
 */
export const layerDropout = layerFunction((options: DropoutOptions) => new Dropout(options));
