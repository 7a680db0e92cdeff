/**
 * Keras's `Lambda`: a layer around a JavaScript function. Usable in code and in models; never saved or
 * loaded, since a file that could name code to run would make loading untrusted files unsafe (Keras
 * refuses it too in its default safe mode).
 */

import { noGrad } from '../../engine/tape.js';
import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { isTensor, zeros } from '../../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions } from '../options-schema.js';

/** The options of `layerLambda`. */
export interface LambdaOptions extends LayerOptions {
  /** The computation: a tensor in, a tensor out, built from `ops` so gradients flow. */
  f: (x: Tensor, options: CallOptions) => Tensor;
  /**
   * The output shape with the batch axis (`null` for unknown), or a function of the input shape. Without
   * it the shape is found by running `f` on zeros with two different sizes for each unknown dimension.
   */
  outputShape?: readonly (number | null)[] | ((inputShape: SymbolicShape) => (number | null)[]) | null;
}

type OutputShapeOption = LambdaOptions['outputShape'];

// No `toConfig`: a Lambda never has a config (see LAMBDA_NOT_SERIALIZABLE).
const OPTIONS = defineOptions<LambdaOptions>()('Lambda', {
  f: {
    resolve: (value, argument, context) => {
      if (typeof value !== 'function') throw new InvalidArgumentError(argument, value, 'a function (x) => Tensor (it is required)', context);
      return value as LambdaOptions['f'];
    },
  },
  outputShape: {
    resolve: (value, argument, context): OutputShapeOption => {
      if (value === undefined || value === null || typeof value === 'function') return value as OutputShapeOption;
      if (Array.isArray(value) && value.every((d) => d === null || (Number.isInteger(d) && d >= 0))) return Object.freeze([...(value as (number | null)[])]);
      throw new InvalidArgumentError(argument, value, 'an array of non-negative integers or null, a function of the input shape, or null', context);
    },
  },
});

/** Why a Lambda is never written to or read from a file, in one wording. */
export const LAMBDA_NOT_SERIALIZABLE =
  'a Lambda layer wraps a JavaScript function, which a model file cannot hold without letting files run code; ' +
  'rebuild the model in code, or write the computation as a layer class and register it with registerLayer()';

/**
 * Wraps a function as a layer (Keras's `Lambda`). It has no weights; `getConfig` (and so saving) throws an
 * error naming the layer, and loading a file that names `Lambda` is refused.
 *
 * @example
 * ```ts
 * const double = new Lambda({ f: (x) => ops.mul(x, 2) });
 * const model = kerasModelSequential({ inputShape: [3], layers: [double] });
 * ```
 */
export class Lambda extends Layer {
  readonly className = 'Lambda';
  readonly f: (x: Tensor, options: CallOptions) => Tensor;
  private readonly outputShapeOption: LambdaOptions['outputShape'];

  constructor(options: LambdaOptions) {
    const args = OPTIONS.resolve(options);
    super(options, 'Lambda');
    this.f = args.f;
    this.outputShapeOption = args.outputShape;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    const given = this.outputShapeOption;
    if (typeof given === 'function') return [...given(inputShape)];
    if (Array.isArray(given)) return [...(given as (number | null)[])];
    // Probe: unknown sizes as 2 and as 3; a dimension that differs between the two runs stays unknown.
    const probe = (fill: number) =>
      noGrad(() => {
        const y = this.f(zeros(inputShape.map((d) => d ?? fill), this.dtype), { training: false });
        if (!isTensor(y)) throw new ShapeError(`Lambda layer '${this.name}': its function returned ${typeof y}, not a Tensor`);
        return y.shape;
      });
    const a = probe(2);
    if (!inputShape.includes(null)) return [...a];
    const b = probe(3);
    if (a.length !== b.length) throw new ShapeError(`Lambda layer '${this.name}': the output rank depends on the input size (${formatShape(a)} vs ${formatShape(b)}); give outputShape`);
    return a.map((d, i) => (d === b[i] ? d : null));
  }

  protected call(x: Tensor, options: CallOptions): Tensor {
    const y = this.f(x, options);
    if (!isTensor(y)) throw new ShapeError(`Lambda layer '${this.name}': its function returned ${typeof y}, not a Tensor`);
    return y;
  }

  /** Throws: a Lambda's function cannot be written to a config (see {@link LAMBDA_NOT_SERIALIZABLE}). */
  override getConfig(): Config {
    throw new InvalidArgumentError('layer', `Lambda layer '${this.name}'`, `a layer that can be saved: ${LAMBDA_NOT_SERIALIZABLE}`, 'getConfig');
  }

  /** Refuses, as Keras's safe mode does: a config cannot carry the function. */
  static fromConfig(config: Config): never {
    const name = typeof config?.name === 'string' ? ` '${config.name}'` : '';
    throw new InvalidArgumentError('class_name', 'Lambda', `a layer class that loads without running code: the Lambda layer${name} cannot be loaded (${LAMBDA_NOT_SERIALIZABLE})`, 'Lambda.fromConfig');
  }
}

/**
 * Creates a `Lambda` layer and composes it with `object` (Keras's `layer_lambda`).
 *
 * @example
 * ```ts
 * const y = layerLambda(inputs, { f: (x) => ops.mul(x, x) });
 * ```
 */
export const layerLambda = layerFunction((options: LambdaOptions) => new Lambda(options));
