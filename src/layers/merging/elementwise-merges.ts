/**
 * Keras's elementwise merge layers beside `Add`: `Subtract`, `Multiply`, `Average`, `Maximum` and
 * `Minimum`. Each is the `Merge` base (shape broadcasting, rank alignment) plus one reduction, applied
 * left to right as Keras does, so float rounding follows the input order.
 */

import type { Tensor } from '../../engine/tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import { add, div, maximum, minimum, mul, sub } from '../../ops/elementwise.js';
import type { Config } from '../../serialization/keras-object.js';
import type { LayerOptions, SymbolicShape } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions } from '../options-schema.js';
import { Merge } from './base-merge.js';

/** The options of the elementwise merge layers: only the base layer arguments. */
export type MergeOptions = LayerOptions;

const fold = (inputs: readonly Tensor[], f: (a: Tensor, b: Tensor) => Tensor): Tensor => inputs.slice(1).reduce(f, inputs[0]);
// Only the base options: each class's schema is empty, so its constructor refuses any other key.
const SUBTRACT = defineOptions<MergeOptions>()('Subtract', {});
const MULTIPLY = defineOptions<MergeOptions>()('Multiply', {});
const AVERAGE = defineOptions<MergeOptions>()('Average', {});
const MAXIMUM = defineOptions<MergeOptions>()('Maximum', {});
const MINIMUM = defineOptions<MergeOptions>()('Minimum', {});

/**
 * `inputs[0] - inputs[1]` (Keras's `Subtract`, exactly two inputs).
 *
 * @example
 * ```ts
 * const d = new Subtract().apply([a, b]);
 * ```
 */
export class Subtract extends Merge {
  readonly className = 'Subtract';
  constructor(options: MergeOptions = {}) {
    SUBTRACT.resolve(options);
    super(options, 'Subtract');
  }
  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    if (shapes.length !== 2) {
      throw new InvalidArgumentError('inputs', `${shapes.length} tensors`, 'exactly 2 input tensors (A Subtract layer should be called on exactly 2 inputs)', `layer '${this.name}'`);
    }
    super.checkInputShapes(shapes);
  }
  protected mergeFunction(inputs: readonly Tensor[]): Tensor {
    return sub(inputs[0], inputs[1]);
  }
  /** Rebuilds a layer from `getConfig()` output. @example `Subtract.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): Subtract {
    return new Subtract(SUBTRACT.optionsFromConfig(config));
  }
}

/**
 * The elementwise product of the inputs (Keras's `Multiply`).
 *
 * @example
 * ```ts
 * const gated = new Multiply().apply([features, gates]);
 * ```
 */
export class Multiply extends Merge {
  readonly className = 'Multiply';
  constructor(options: MergeOptions = {}) {
    MULTIPLY.resolve(options);
    super(options, 'Multiply');
  }
  protected mergeFunction(inputs: readonly Tensor[]): Tensor {
    return fold(inputs, mul);
  }
  /** Rebuilds a layer from `getConfig()` output. @example `Multiply.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): Multiply {
    return new Multiply(MULTIPLY.optionsFromConfig(config));
  }
}

/**
 * The elementwise mean of the inputs (Keras's `Average`: their sum divided by their count).
 *
 * @example
 * ```ts
 * const ensemble = new Average().apply([p1, p2, p3]);
 * ```
 */
export class Average extends Merge {
  readonly className = 'Average';
  constructor(options: MergeOptions = {}) {
    AVERAGE.resolve(options);
    super(options, 'Average');
  }
  protected mergeFunction(inputs: readonly Tensor[]): Tensor {
    return div(fold(inputs, add), inputs.length);
  }
  /** Rebuilds a layer from `getConfig()` output. @example `Average.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): Average {
    return new Average(AVERAGE.optionsFromConfig(config));
  }
}

/**
 * The elementwise maximum of the inputs (Keras's `Maximum`); on ties the gradient goes to the earlier input.
 *
 * @example
 * ```ts
 * const m = new Maximum().apply([a, b]);
 * ```
 */
export class Maximum extends Merge {
  readonly className = 'Maximum';
  constructor(options: MergeOptions = {}) {
    MAXIMUM.resolve(options);
    super(options, 'Maximum');
  }
  protected mergeFunction(inputs: readonly Tensor[]): Tensor {
    return fold(inputs, maximum);
  }
  /** Rebuilds a layer from `getConfig()` output. @example `Maximum.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): Maximum {
    return new Maximum(MAXIMUM.optionsFromConfig(config));
  }
}

/**
 * The elementwise minimum of the inputs (Keras's `Minimum`); on ties the gradient goes to the earlier input.
 *
 * @example
 * ```ts
 * const m = new Minimum().apply([a, b]);
 * ```
 */
export class Minimum extends Merge {
  readonly className = 'Minimum';
  constructor(options: MergeOptions = {}) {
    MINIMUM.resolve(options);
    super(options, 'Minimum');
  }
  protected mergeFunction(inputs: readonly Tensor[]): Tensor {
    return fold(inputs, minimum);
  }
  /** Rebuilds a layer from `getConfig()` output. @example `Minimum.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): Minimum {
    return new Minimum(MINIMUM.optionsFromConfig(config));
  }
}

/** Creates a `Subtract` layer composed with `object` (Keras's `layer_subtract`). @example `layerSubtract([a, b])` */
export const layerSubtract = layerFunction((options: MergeOptions) => new Subtract(options));
/** Creates a `Multiply` layer composed with `object` (Keras's `layer_multiply`). @example `layerMultiply([a, b])` */
export const layerMultiply = layerFunction((options: MergeOptions) => new Multiply(options));
/** Creates an `Average` layer composed with `object` (Keras's `layer_average`). @example `layerAverage([a, b])` */
export const layerAverage = layerFunction((options: MergeOptions) => new Average(options));
/** Creates a `Maximum` layer composed with `object` (Keras's `layer_maximum`). @example `layerMaximum([a, b])` */
export const layerMaximum = layerFunction((options: MergeOptions) => new Maximum(options));
/** Creates a `Minimum` layer composed with `object` (Keras's `layer_minimum`). @example `layerMinimum([a, b])` */
export const layerMinimum = layerFunction((options: MergeOptions) => new Minimum(options));
