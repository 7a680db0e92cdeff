/** Keras's `Permute` and `RepeatVector`: reordering axes, and repeating a vector along a new axis. */

import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import { broadcastTo } from '../../ops/broadcast.js';
import { reshape, transpose } from '../../ops/shape-ops.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';
import type { OptionSpec } from '../options-schema.js';

/** The options of `layerPermute`. */
export interface PermuteOptions extends LayerOptions {
  /** A permutation of `1..rank-1` (the batch axis 0 stays first), e.g. `[2, 1]` swaps steps and features. */
  dims: readonly number[];
}

/** The options of `layerRepeatVector`. */
export interface RepeatVectorOptions extends LayerOptions {
  /** How many times to repeat. */
  n: number;
}

const dimsOption: OptionSpec<readonly number[]> = {
  resolve: (value, argument, context) => {
    const ok = Array.isArray(value) && value.length > 0 && [...value].sort((a, b) => a - b).every((d, i) => d === i + 1);
    if (!ok) throw new InvalidArgumentError(argument, value, 'a permutation of 1..n (the non-batch axes, counted from 1) (it is required)', context);
    return Object.freeze([...(value as number[])]);
  },
  toConfig: (v) => [...v],
};

const PERMUTE = defineOptions<PermuteOptions>()('Permute', { dims: dimsOption });
const REPEAT = defineOptions<RepeatVectorOptions>()('RepeatVector', { n: option.size({ required: true }) });
const activity = (layer: Layer): Config => (layer.activityRegularizer ? { activity_regularizer: layer.activityRegularizer.serialize() } : {});

/**
 * Permutes the non-batch axes (Keras's `Permute`): output axis `i + 1` is input axis `dims[i]`.
 *
 * @example
 * ```ts
 * new Permute({ dims: [2, 1] }).apply(zeros([4, 10, 64])); // [4, 64, 10]
 * ```
 */
export class Permute extends Layer {
  readonly className = 'Permute';
  readonly dims: readonly number[];

  constructor(options: PermuteOptions) {
    const args = PERMUTE.resolve(options);
    super(options, 'Permute');
    this.dims = args.dims;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    if (inputShape.length !== this.dims.length + 1) {
      throw new ShapeError(`Layer '${this.name}': dims ${formatShape(this.dims)} permute ${this.dims.length} axes, but the input has shape ${formatShape(inputShape)}`);
    }
    return [inputShape[0], ...this.dims.map((d) => inputShape[d])];
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    this.computeOutputShape(inputShape);
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    return transpose(x, [0, ...this.dims]);
  }

  /** Rebuilds a layer from `getConfig()` output. @example `Permute.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): Permute {
    return new Permute(PERMUTE.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...activity(this), ...PERMUTE.toConfig(this) };
  }
}

/**
 * Repeats a `[batch, features]` input `n` times: `[batch, n, features]` (Keras's `RepeatVector`).
 *
 * @example
 * ```ts
 * new RepeatVector({ n: 3 }).apply(zeros([4, 8])); // [4, 3, 8]
 * ```
 */
export class RepeatVector extends Layer {
  readonly className = 'RepeatVector';
  readonly n: number;

  constructor(options: RepeatVectorOptions) {
    const args = REPEAT.resolve(options);
    super(options, 'RepeatVector');
    this.n = args.n;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    if (inputShape.length !== 2) throw new ShapeError(`Input of layer '${this.name}' is incompatible with the layer: expected ndim=2, found ndim=${inputShape.length}. Full shape received: ${formatShape(inputShape)}`);
    return [inputShape[0], this.n, inputShape[1]];
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    this.computeOutputShape(inputShape);
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    return broadcastTo(reshape(x, [x.shape[0], 1, x.shape[1]]), [x.shape[0], this.n, x.shape[1]]);
  }

  /** Rebuilds a layer from `getConfig()` output. @example `RepeatVector.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): RepeatVector {
    return new RepeatVector(REPEAT.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...activity(this), ...REPEAT.toConfig(this) };
  }
}

/** Creates a `Permute` layer composed with `object` (Keras's `layer_permute`). @example `layerPermute(x, { dims: [2, 1] })` */
export const layerPermute = layerFunction((options: PermuteOptions) => new Permute(options));
/** Creates a `RepeatVector` layer composed with `object` (Keras's `layer_repeat_vector`). @example `layerRepeatVector(x, { n: 3 })` */
export const layerRepeatVector = layerFunction((options: RepeatVectorOptions) => new RepeatVector(options));
