/**
 * Keras's `ZeroPadding1D`, `ZeroPadding2D` and `ZeroPadding3D`: zeros added around the spatial axes, one
 * implementation for every rank.
 */

import type { Tensor } from '../../engine/tensor.js';
import type { SpatialRank } from '../../kernels/conv/params.js';
import type { DataFormat } from '../../ops/conv-args.js';
import { pad } from '../../ops/slice.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';
import type { SpatialPairs } from './common.js';
import { activityConfig, assertRank, requireOptions, spatialAxesOf, spatialLayout } from './common.js';

/** The amounts: `n`, one integer per axis (symmetric), or `[before, after]` per axis (1D: one pair). */
export type PaddingAmounts = number | readonly (number | readonly number[])[];

export interface ZeroPaddingOptions extends LayerOptions {
  /** `n`, one integer per axis (symmetric) or one `[before, after]` pair per axis (1D: `[left, right]`); default 1. */
  padding?: PaddingAmounts;
  /** Defaults to `imageDataFormat()` (keras.json, else 'channels_last'). */
  dataFormat?: DataFormat | null;
}

function zeroPaddingSpec(className: string, rank: SpatialRank) {
  const options = defineOptions<ZeroPaddingOptions>()(className, { padding: option.spatialPairs(rank, 1), dataFormat: option.dataFormat() });
  return { className, rank, options };
}

type ZeroPaddingSpec = ReturnType<typeof zeroPaddingSpec>;

/**
 * Zero padding of the spatial axes, of any rank. Keras 3 accepts a negative integer here and fails on the
 * first call; we refuse it up front.
 */
export abstract class ZeroPadding extends Layer {
  readonly rank: SpatialRank;
  readonly padding: SpatialPairs;
  readonly dataFormat: DataFormat;
  private readonly spec: ZeroPaddingSpec;

  protected constructor(options: ZeroPaddingOptions, spec: ZeroPaddingSpec) {
    requireOptions(options, spec.className);
    const args = spec.options.resolve(options);
    super(options, spec.className);
    this.spec = spec;
    this.rank = spec.rank;
    this.padding = args.padding;
    this.dataFormat = args.dataFormat;
    if (this.batchInputShape) this.assertInputCompatible(this.batchInputShape);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    assertRank(this.name, inputShape, this.rank + 2, spatialLayout(this.rank, this.dataFormat));
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    const out = [...inputShape];
    spatialAxesOf(this.rank, this.dataFormat).forEach((axis, i) => {
      const size = inputShape[axis];
      out[axis] = size === null ? null : size + this.padding[i][0] + this.padding[i][1];
    });
    return out;
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    const pads: [number, number][] = x.shape.map(() => [0, 0]);
    spatialAxesOf(this.rank, this.dataFormat).forEach((axis, i) => (pads[axis] = [this.padding[i][0], this.padding[i][1]]));
    return pad(x, pads);
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...activityConfig(this), ...this.spec.options.toConfig({ padding: this.padding, dataFormat: this.dataFormat }) };
  }
}

const SPEC1 = zeroPaddingSpec('ZeroPadding1D', 1);
const SPEC2 = zeroPaddingSpec('ZeroPadding2D', 2);
const SPEC3 = zeroPaddingSpec('ZeroPadding3D', 3);

export type ZeroPadding1DOptions = ZeroPaddingOptions;
export type ZeroPadding2DOptions = ZeroPaddingOptions;
export type ZeroPadding3DOptions = ZeroPaddingOptions;

/**
 * Zero padding of the steps axis of `[batch, steps, features]` (Keras's `ZeroPadding1D`).
 *
 * @example
 * ```ts
 * const y = new ZeroPadding1D({ padding: [2, 1] }).apply(zeros([1, 5, 3])); // [1, 8, 3]
 * ```
 */
export class ZeroPadding1D extends ZeroPadding {
  readonly className = 'ZeroPadding1D';
  constructor(options: ZeroPadding1DOptions = {}) {
    super(options, SPEC1);
  }
  /** Rebuilds a layer from `getConfig()` output (or a Keras 3 config). @example `ZeroPadding1D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): ZeroPadding1D {
    return new ZeroPadding1D(SPEC1.options.optionsFromConfig(config));
  }
}

/**
 * Zero padding of the height and width axes (Keras's `ZeroPadding2D`).
 *
 * @example
 * ```ts
 * const y = new ZeroPadding2D({ padding: [[1, 2], [0, 3]] }).apply(zeros([1, 4, 4, 3])); // [1, 7, 7, 3]
 * ```
 */
export class ZeroPadding2D extends ZeroPadding {
  readonly className = 'ZeroPadding2D';
  constructor(options: ZeroPadding2DOptions = {}) {
    super(options, SPEC2);
  }
  /** Rebuilds a layer from `getConfig()` output (or a Keras 3 config). @example `ZeroPadding2D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): ZeroPadding2D {
    return new ZeroPadding2D(SPEC2.options.optionsFromConfig(config));
  }
}

/**
 * Zero padding of the depth, height and width axes (Keras's `ZeroPadding3D`).
 *
 * @example
 * ```ts
 * const y = new ZeroPadding3D({ padding: [1, 2, 0] }).apply(zeros([1, 4, 4, 4, 2])); // [1, 6, 8, 4, 2]
 * ```
 */
export class ZeroPadding3D extends ZeroPadding {
  readonly className = 'ZeroPadding3D';
  constructor(options: ZeroPadding3DOptions = {}) {
    super(options, SPEC3);
  }
  /** Rebuilds a layer from `getConfig()` output (or a Keras 3 config). @example `ZeroPadding3D.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): ZeroPadding3D {
    return new ZeroPadding3D(SPEC3.options.optionsFromConfig(config));
  }
}

/** Creates a `ZeroPadding1D` layer composed with `object` (`layer_zero_padding_1d`). @example `layerZeroPadding1d(input, { padding: [1, 2] })` */
export const layerZeroPadding1d = layerFunction((options: ZeroPadding1DOptions) => new ZeroPadding1D(options));
/** Creates a `ZeroPadding2D` layer composed with `object` (`layer_zero_padding_2d`). @example `layerZeroPadding2d(input, { padding: 1 })` */
export const layerZeroPadding2d = layerFunction((options: ZeroPadding2DOptions) => new ZeroPadding2D(options));
/** Creates a `ZeroPadding3D` layer composed with `object` (`layer_zero_padding_3d`). @example `layerZeroPadding3d(input, { padding: 1 })` */
export const layerZeroPadding3d = layerFunction((options: ZeroPadding3DOptions) => new ZeroPadding3D(options));
