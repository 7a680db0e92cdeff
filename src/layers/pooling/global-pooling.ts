/**
 * Keras's `BaseGlobalPooling` of any rank: one value per channel over every spatial position, the mean or
 * the maximum; `GlobalAveragePooling1D` ... `GlobalMaxPooling3D` are declarations. `GlobalAveragePooling1D`
 * also takes Keras's `mask` call argument.
 */

import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { ShapeError } from '../../errors.js';
import type { SpatialRank } from '../../kernels/conv/params.js';
import type { DataFormat } from '../../ops/conv-args.js';
import { div, mul } from '../../ops/elementwise.js';
import { max, mean, sum } from '../../ops/reduce.js';
import { cast, reshape } from '../../ops/shape-ops.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';
import { activityConfig, assertRank, requireOptions, spatialAxesOf, spatialLayout } from '../reshaping/common.js';

/** Options of the global pooling layers: Keras's arguments in camelCase. */
export interface GlobalPoolingOptions extends LayerOptions {
  /** Defaults to `imageDataFormat()` (keras.json, else 'channels_last'). */
  dataFormat?: DataFormat | null;
  /** Keep the spatial axes with size 1 (`[N, 1, 1, C]`) instead of returning `[N, C]`. Default false. */
  keepdims?: boolean;
}

function globalPoolingSpec(className: string, rank: SpatialRank, mode: 'max' | 'avg') {
  const options = defineOptions<GlobalPoolingOptions>()(className, { dataFormat: option.dataFormat(), keepdims: option.boolean(false) });
  return { className, rank, mode, options };
}

type GlobalPoolingSpec = ReturnType<typeof globalPoolingSpec>;

/** The global pooling layer of any rank (Keras's `BaseGlobalPooling`). */
export abstract class GlobalPooling extends Layer {
  readonly rank: SpatialRank;
  readonly dataFormat: DataFormat;
  readonly keepdims: boolean;
  private readonly spec: GlobalPoolingSpec;

  protected constructor(options: GlobalPoolingOptions, spec: GlobalPoolingSpec) {
    requireOptions(options, spec.className);
    const args = spec.options.resolve(options);
    super(options, spec.className);
    this.spec = spec;
    this.rank = spec.rank;
    this.dataFormat = args.dataFormat;
    this.keepdims = args.keepdims;
    if (this.batchInputShape) this.assertInputCompatible(this.batchInputShape);
  }

  protected get axes(): number[] {
    return spatialAxesOf(this.rank, this.dataFormat);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    assertRank(this.name, inputShape, this.rank + 2, spatialLayout(this.rank, this.dataFormat));
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    const axes = new Set(this.axes);
    if (this.keepdims) return inputShape.map((d, i) => (axes.has(i) ? 1 : d));
    return inputShape.filter((_, i) => !axes.has(i));
  }

  protected call(x: Tensor, options: CallOptions): Tensor {
    if (this.spec.mode === 'max') return max(x, { axis: this.axes, keepDims: this.keepdims });
    const mask = options.mask ?? null;
    if (mask === null || this.rank !== 1) return mean(x, { axis: this.axes, keepDims: this.keepdims });
    const axis = this.axes[0];
    if (mask.rank !== 2 || mask.shape[0] !== x.shape[0] || mask.shape[1] !== x.shape[axis]) {
      throw new ShapeError(`Layer '${this.name}': the mask must have shape [batch, steps] = [${x.shape[0]}, ${x.shape[axis]}]; received ${formatShape(mask.shape)}`);
    }
    // Keras: sum(x * mask) / sum(mask) over the steps.
    const m = reshape(cast(mask, x.dtype), this.dataFormat === 'channels_last' ? [x.shape[0], x.shape[1], 1] : [x.shape[0], 1, x.shape[2]]);
    return div(sum(mul(x, m), { axis, keepDims: this.keepdims }), sum(m, { axis, keepDims: this.keepdims }));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...activityConfig(this), ...this.spec.options.toConfig({ dataFormat: this.dataFormat, keepdims: this.keepdims }) };
  }
}

const GAP1 = globalPoolingSpec('GlobalAveragePooling1D', 1, 'avg');
const GAP2 = globalPoolingSpec('GlobalAveragePooling2D', 2, 'avg');
const GAP3 = globalPoolingSpec('GlobalAveragePooling3D', 3, 'avg');
const GMP1 = globalPoolingSpec('GlobalMaxPooling1D', 1, 'max');
const GMP2 = globalPoolingSpec('GlobalMaxPooling2D', 2, 'max');
const GMP3 = globalPoolingSpec('GlobalMaxPooling3D', 3, 'max');

/**
 * The mean over the steps of a sequence (Keras's `GlobalAveragePooling1D`, alias `GlobalAvgPool1D`). With
 * `{ mask }` (`[batch, steps]`, non-zero for valid steps) only the valid steps are averaged.
 *
 * @example
 * ```ts
 * const pooled = new GlobalAveragePooling1D().apply(embedded, { mask: embedding.computeMask(ids) });
 * ```
 */
export class GlobalAveragePooling1D extends GlobalPooling {
  readonly className = 'GlobalAveragePooling1D';
  constructor(options: GlobalPoolingOptions = {}) {
    super(options, GAP1);
  }
  /** Rebuilds a layer from `getConfig()` output. @example `GlobalAveragePooling1D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): GlobalAveragePooling1D {
    return new GlobalAveragePooling1D(GAP1.options.optionsFromConfig(config));
  }
}

/**
 * Global average pooling (Keras's `GlobalAveragePooling2D`, alias `GlobalAvgPool2D`): the mean over height
 * and width.
 *
 * @example
 * ```ts
 * const y = new GlobalAveragePooling2D().apply(zeros([2, 7, 7, 16])); // shape [2, 16]
 * ```
 */
export class GlobalAveragePooling2D extends GlobalPooling {
  readonly className = 'GlobalAveragePooling2D';
  constructor(options: GlobalPoolingOptions = {}) {
    super(options, GAP2);
  }
  /** Rebuilds a layer from `getConfig()` output. @example `GlobalAveragePooling2D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): GlobalAveragePooling2D {
    return new GlobalAveragePooling2D(GAP2.options.optionsFromConfig(config));
  }
}

/**
 * Global average pooling of volumes (Keras's `GlobalAveragePooling3D`, alias `GlobalAvgPool3D`): the mean
 * over depth, height and width.
 *
 * @example
 * ```ts
 * const y = new GlobalAveragePooling3D().apply(zeros([2, 4, 7, 7, 16])); // shape [2, 16]
 * ```
 */
export class GlobalAveragePooling3D extends GlobalPooling {
  readonly className = 'GlobalAveragePooling3D';
  constructor(options: GlobalPoolingOptions = {}) {
    super(options, GAP3);
  }
  /** Rebuilds a layer from `getConfig()` output. @example `GlobalAveragePooling3D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): GlobalAveragePooling3D {
    return new GlobalAveragePooling3D(GAP3.options.optionsFromConfig(config));
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
export class GlobalMaxPooling1D extends GlobalPooling {
  readonly className = 'GlobalMaxPooling1D';
  constructor(options: GlobalPoolingOptions = {}) {
    super(options, GMP1);
  }
  /** Rebuilds a layer from `getConfig()` output. @example `GlobalMaxPooling1D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): GlobalMaxPooling1D {
    return new GlobalMaxPooling1D(GMP1.options.optionsFromConfig(config));
  }
}

/**
 * Global max pooling (Keras's `GlobalMaxPooling2D`, alias `GlobalMaxPool2D`): the maximum over height and
 * width. Tied maxima share the gradient equally, as `jnp.max` does.
 *
 * @example
 * ```ts
 * const y = new GlobalMaxPooling2D({ keepdims: true }).apply(zeros([2, 7, 7, 16])); // shape [2, 1, 1, 16]
 * ```
 */
export class GlobalMaxPooling2D extends GlobalPooling {
  readonly className = 'GlobalMaxPooling2D';
  constructor(options: GlobalPoolingOptions = {}) {
    super(options, GMP2);
  }
  /** Rebuilds a layer from `getConfig()` output. @example `GlobalMaxPooling2D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): GlobalMaxPooling2D {
    return new GlobalMaxPooling2D(GMP2.options.optionsFromConfig(config));
  }
}

/**
 * Global max pooling of volumes (Keras's `GlobalMaxPooling3D`, alias `GlobalMaxPool3D`).
 *
 * @example
 * ```ts
 * const y = new GlobalMaxPooling3D().apply(zeros([2, 4, 7, 7, 16])); // shape [2, 16]
 * ```
 */
export class GlobalMaxPooling3D extends GlobalPooling {
  readonly className = 'GlobalMaxPooling3D';
  constructor(options: GlobalPoolingOptions = {}) {
    super(options, GMP3);
  }
  /** Rebuilds a layer from `getConfig()` output. @example `GlobalMaxPooling3D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): GlobalMaxPooling3D {
    return new GlobalMaxPooling3D(GMP3.options.optionsFromConfig(config));
  }
}

/** Creates a `GlobalAveragePooling1D` layer composed with `object`. @example `layerGlobalAveragePooling1d(x)` */
export const layerGlobalAveragePooling1d = layerFunction((options: GlobalPoolingOptions = {}) => new GlobalAveragePooling1D(options));
/** Creates a `GlobalAveragePooling2D` layer composed with `object` (`layer_global_average_pooling_2d`). @example `layerGlobalAveragePooling2d(x)` */
export const layerGlobalAveragePooling2d = layerFunction((options: GlobalPoolingOptions = {}) => new GlobalAveragePooling2D(options));
/** Creates a `GlobalAveragePooling3D` layer composed with `object` (`layer_global_average_pooling_3d`). @example `layerGlobalAveragePooling3d(x)` */
export const layerGlobalAveragePooling3d = layerFunction((options: GlobalPoolingOptions = {}) => new GlobalAveragePooling3D(options));
/** Creates a `GlobalMaxPooling1D` layer composed with `object`. @example `layerGlobalMaxPooling1d(x)` */
export const layerGlobalMaxPooling1d = layerFunction((options: GlobalPoolingOptions = {}) => new GlobalMaxPooling1D(options));
/** Creates a `GlobalMaxPooling2D` layer composed with `object` (`layer_global_max_pooling_2d`). @example `layerGlobalMaxPooling2d(x, { keepdims: true })` */
export const layerGlobalMaxPooling2d = layerFunction((options: GlobalPoolingOptions = {}) => new GlobalMaxPooling2D(options));
/** Creates a `GlobalMaxPooling3D` layer composed with `object` (`layer_global_max_pooling_3d`). @example `layerGlobalMaxPooling3d(x)` */
export const layerGlobalMaxPooling3d = layerFunction((options: GlobalPoolingOptions = {}) => new GlobalMaxPooling3D(options));
