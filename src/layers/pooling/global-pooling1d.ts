/** Keras's `GlobalAveragePooling1D` (with its `mask` call argument) and `GlobalMaxPooling1D`. */

import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { DataFormat } from '../../ops/conv-args.js';
import { div, mul } from '../../ops/elementwise.js';
import { max, mean, sum } from '../../ops/reduce.js';
import { cast, reshape } from '../../ops/shape-ops.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { assertRank, requireOptions, resolveDataFormat } from '../reshaping/common.js';
import { BASE_CONFIG_KEYS, configToOptions } from '../serialize.js';

/** Options of the global 1D pooling layers. */
export interface GlobalPooling1DOptions extends LayerOptions {
  /** Defaults to `imageDataFormat()`; 'channels_last' is `[batch, steps, features]`. */
  dataFormat?: DataFormat | null;
  /** Keep the steps axis with size 1. Default false. */
  keepdims?: boolean;
}

const CONFIG_KEYS: readonly string[] = [...BASE_CONFIG_KEYS, 'activity_regularizer', 'data_format', 'keepdims'];

abstract class GlobalPooling1D extends Layer {
  readonly dataFormat: DataFormat;
  readonly keepdims: boolean;

  constructor(options: GlobalPooling1DOptions, className: string) {
    requireOptions(options, className);
    const dataFormat = resolveDataFormat(options.dataFormat, className);
    const keepdims = options.keepdims ?? false;
    if (typeof keepdims !== 'boolean') throw new InvalidArgumentError('keepdims', options.keepdims, 'true or false', className);
    super(options, className);
    this.dataFormat = dataFormat;
    this.keepdims = keepdims;
  }

  protected get stepsAxis(): number {
    return this.dataFormat === 'channels_last' ? 1 : 2;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    assertRank(this.name, inputShape, 3, this.dataFormat === 'channels_last' ? '[batch, steps, features]' : '[batch, features, steps]');
    const features = inputShape[this.dataFormat === 'channels_last' ? 2 : 1];
    if (!this.keepdims) return [inputShape[0], features];
    return this.dataFormat === 'channels_last' ? [inputShape[0], 1, features] : [inputShape[0], features, 1];
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    this.computeOutputShape(inputShape);
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      ...(this.activityRegularizer ? { activity_regularizer: this.activityRegularizer.serialize() } : {}),
      data_format: this.dataFormat,
      keepdims: this.keepdims,
    };
  }
}

/**
 * The mean over the steps of a sequence (Keras's `GlobalAveragePooling1D`, alias `GlobalAvgPool1D`). With
 * `{ mask }` (`[batch, steps]`, non-zero for valid steps) only the valid steps are averaged.
 *
 * @example
 * ```ts
 * const pooled = new GlobalAveragePooling1D().apply(embedded, { mask: embedding.computeMask(ids) });
 * ```
 */
export class GlobalAveragePooling1D extends GlobalPooling1D {
  readonly className = 'GlobalAveragePooling1D';
  constructor(options: GlobalPooling1DOptions = {}) {
    super(options, 'GlobalAveragePooling1D');
  }

  protected call(x: Tensor, options: CallOptions): Tensor {
    const axis = this.stepsAxis;
    const mask = options.mask ?? null;
    if (mask === null) return mean(x, { axis, keepDims: this.keepdims });
    if (mask.rank !== 2 || mask.shape[0] !== x.shape[0] || mask.shape[1] !== x.shape[axis]) {
      throw new ShapeError(`Layer '${this.name}': the mask must have shape [batch, steps] = [${x.shape[0]}, ${x.shape[axis]}]; received ${formatShape(mask.shape)}`);
    }
    // Keras: sum(x * mask) / sum(mask) over the steps.
    const m = reshape(cast(mask, x.dtype), this.dataFormat === 'channels_last' ? [x.shape[0], x.shape[1], 1] : [x.shape[0], 1, x.shape[2]]);
    return div(sum(mul(x, m), { axis, keepDims: this.keepdims }), sum(m, { axis, keepDims: this.keepdims }));
  }

  /** Rebuilds a layer from `getConfig()` output. @example `GlobalAveragePooling1D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): GlobalAveragePooling1D {
    return new GlobalAveragePooling1D(configToOptions(config, CONFIG_KEYS, 'GlobalAveragePooling1D') as GlobalPooling1DOptions);
  }
}

/**
 * The maximum over the steps of a sequence (Keras's `GlobalMaxPooling1D`, alias `GlobalMaxPool1D`).
 *
 * @example
 * ```ts
 * new GlobalMaxPooling1D().apply(zeros([4, 10, 8])); // [4, 8]
 * ```
 */
export class GlobalMaxPooling1D extends GlobalPooling1D {
  readonly className = 'GlobalMaxPooling1D';
  constructor(options: GlobalPooling1DOptions = {}) {
    super(options, 'GlobalMaxPooling1D');
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    return max(x, { axis: this.stepsAxis, keepDims: this.keepdims });
  }

  /** Rebuilds a layer from `getConfig()` output. @example `GlobalMaxPooling1D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): GlobalMaxPooling1D {
    return new GlobalMaxPooling1D(configToOptions(config, CONFIG_KEYS, 'GlobalMaxPooling1D') as GlobalPooling1DOptions);
  }
}

/** Creates a `GlobalAveragePooling1D` layer composed with `object`. @example `layerGlobalAveragePooling1d(x)` */
export const layerGlobalAveragePooling1d = layerFunction((options: GlobalPooling1DOptions = {}) => new GlobalAveragePooling1D(options));
/** Creates a `GlobalMaxPooling1D` layer composed with `object`. @example `layerGlobalMaxPooling1d(x)` */
export const layerGlobalMaxPooling1d = layerFunction((options: GlobalPooling1DOptions = {}) => new GlobalMaxPooling1D(options));
