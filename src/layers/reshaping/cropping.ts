/**
 * Keras's `Cropping1D`, `Cropping2D` and `Cropping3D`: elements removed from each end of the spatial
 * axes, one implementation for every rank (Keras's `Cropping1D` has no data format: it crops the steps of
 * `[batch, steps, features]`).
 */

import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { ShapeError } from '../../errors.js';
import type { SpatialRank } from '../../kernels/conv/params.js';
import type { DataFormat } from '../../ops/conv-args.js';
import { slice } from '../../ops/slice.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';
import type { SpatialPairs } from './common.js';
import { activityConfig, assertRank, requireOptions, spatialAxesOf, spatialLayout } from './common.js';
import type { PaddingAmounts } from './zero-padding.js';

export interface Cropping1DOptions extends LayerOptions {
  /** `n` (both ends) or `[start, end]` steps to remove from `[batch, steps, features]`; default 1. */
  cropping?: number | readonly number[];
}

export interface CroppingOptions extends LayerOptions {
  /** `n`, one integer per axis (symmetric) or one `[before, after]` pair per axis. */
  cropping?: PaddingAmounts;
  /** Defaults to `imageDataFormat()` (keras.json, else 'channels_last'). */
  dataFormat?: DataFormat | null;
}

export type Cropping2DOptions = CroppingOptions;
export type Cropping3DOptions = CroppingOptions;

const SPEC1 = { className: 'Cropping1D', rank: 1, options: defineOptions<Cropping1DOptions>()('Cropping1D', { cropping: option.spatialPairs(1, 1) }) } as const;
const SPEC2 = { className: 'Cropping2D', rank: 2, options: defineOptions<CroppingOptions>()('Cropping2D', { cropping: option.spatialPairs(2, 0), dataFormat: option.dataFormat() }) } as const;
const SPEC3 = { className: 'Cropping3D', rank: 3, options: defineOptions<CroppingOptions>()('Cropping3D', { cropping: option.spatialPairs(3, 1), dataFormat: option.dataFormat() }) } as const;

type CroppingSpec = typeof SPEC1 | typeof SPEC2 | typeof SPEC3;

/** Cropping of the spatial axes, of any rank. */
export abstract class Cropping extends Layer {
  readonly rank: SpatialRank;
  readonly cropping: SpatialPairs;
  readonly dataFormat: DataFormat;
  private readonly spec: CroppingSpec;

  protected constructor(options: CroppingOptions | Cropping1DOptions, spec: CroppingSpec) {
    requireOptions(options, spec.className);
    const args: { cropping: SpatialPairs; dataFormat?: DataFormat } = spec.options.resolve(options);
    super(options, spec.className);
    this.spec = spec;
    this.rank = spec.rank;
    this.cropping = args.cropping;
    this.dataFormat = args.dataFormat ?? 'channels_last';
    if (this.batchInputShape) this.assertInputCompatible(this.batchInputShape);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    this.computeOutputShape(inputShape);
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    assertRank(this.name, inputShape, this.rank + 2, this.rank === 1 ? '[batch, steps, features]' : spatialLayout(this.rank, this.dataFormat));
    const out = [...inputShape];
    spatialAxesOf(this.rank, this.dataFormat).forEach((axis, i) => {
      const size = inputShape[axis];
      if (size === null) return;
      const crop = this.cropping[i];
      const left = size - crop[0] - crop[1];
      // Keras's rule: the crop must leave something.
      if (left <= 0) {
        throw new ShapeError(
          `Layer '${this.name}': cropping ${formatShape(crop)} must leave at least one element of axis ${axis}, but the input shape is ${formatShape(inputShape)}`,
        );
      }
      out[axis] = left;
    });
    return out;
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    const begin = x.shape.map(() => 0);
    const size = [...x.shape];
    spatialAxesOf(this.rank, this.dataFormat).forEach((axis, i) => {
      begin[axis] = this.cropping[i][0];
      size[axis] -= this.cropping[i][0] + this.cropping[i][1];
    });
    return slice(x, begin, size);
  }

  override getConfig(): Config {
    const own = this.spec.rank === 1 ? this.spec.options.toConfig({ cropping: this.cropping }) : this.spec.options.toConfig({ cropping: this.cropping, dataFormat: this.dataFormat });
    return { ...super.getConfig(), ...activityConfig(this), ...own };
  }
}

/**
 * Cropping of the steps axis of `[batch, steps, features]` (Keras's `Cropping1D`).
 *
 * @example
 * ```ts
 * const y = new Cropping1D({ cropping: [1, 2] }).apply(zeros([1, 6, 3])); // [1, 3, 3]
 * ```
 */
export class Cropping1D extends Cropping {
  readonly className = 'Cropping1D';
  constructor(options: Cropping1DOptions = {}) {
    super(options, SPEC1);
  }
  /** Rebuilds a layer from `getConfig()` output (or a Keras 3 config). @example `Cropping1D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): Cropping1D {
    return new Cropping1D(SPEC1.options.optionsFromConfig(config));
  }
}

/**
 * Cropping of the height and width axes (Keras's `Cropping2D`).
 *
 * @example
 * ```ts
 * const y = new Cropping2D({ cropping: [[1, 1], [2, 0]] }).apply(zeros([1, 6, 6, 3])); // [1, 4, 4, 3]
 * ```
 */
export class Cropping2D extends Cropping {
  readonly className = 'Cropping2D';
  constructor(options: Cropping2DOptions = {}) {
    super(options, SPEC2);
  }
  /** Rebuilds a layer from `getConfig()` output (or a Keras 3 config). @example `Cropping2D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): Cropping2D {
    return new Cropping2D(SPEC2.options.optionsFromConfig(config));
  }
}

/**
 * Cropping of the depth, height and width axes (Keras's `Cropping3D`); by default one element off each end.
 *
 * @example
 * ```ts
 * const y = new Cropping3D({ cropping: [[1, 1], [0, 2], [1, 0]] }).apply(zeros([1, 6, 6, 6, 2])); // [1, 4, 4, 5, 2]
 * ```
 */
export class Cropping3D extends Cropping {
  readonly className = 'Cropping3D';
  constructor(options: Cropping3DOptions = {}) {
    super(options, SPEC3);
  }
  /** Rebuilds a layer from `getConfig()` output (or a Keras 3 config). @example `Cropping3D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): Cropping3D {
    return new Cropping3D(SPEC3.options.optionsFromConfig(config));
  }
}

/** Creates a `Cropping1D` layer composed with `object` (`layer_cropping_1d`). @example `layerCropping1d(input, { cropping: [1, 0] })` */
export const layerCropping1d = layerFunction((options: Cropping1DOptions) => new Cropping1D(options));
/** Creates a `Cropping2D` layer composed with `object` (`layer_cropping_2d`). @example `layerCropping2d(input, { cropping: [[1, 1], [1, 1]] })` */
export const layerCropping2d = layerFunction((options: Cropping2DOptions) => new Cropping2D(options));
/** Creates a `Cropping3D` layer composed with `object` (`layer_cropping_3d`). @example `layerCropping3d(input, { cropping: 1 })` */
export const layerCropping3d = layerFunction((options: Cropping3DOptions) => new Cropping3D(options));
