/**
 * Keras's `BasePooling` of any rank (1, 2 or 3 spatial axes): the window options, the output-shape rule
 * and the config; `MaxPooling1D` ... `AveragePooling3D` are declarations (class name, rank, reduction).
 */

import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { ShapeError } from '../../errors.js';
import type { SpatialRank } from '../../kernels/conv/params.js';
import { convOutputLength } from '../../kernels/window.js';
import type { DataFormat, IntOrTuple, Padding } from '../../ops/conv-args.js';
import { avgPool, maxPool } from '../../ops/pool.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { defineOptions, option } from '../options-schema.js';
import type { ResolvedOptions } from '../options-schema.js';
import { activityConfig, assertRank, requireOptions, spatialAxesOf, spatialLayout } from '../reshaping/common.js';

/** Options of the pooling layers: Keras's arguments in camelCase. */
export interface PoolingOptions extends LayerOptions {
  /** Window size: one integer for every spatial axis, or one per axis. Required for average pooling; max pooling defaults to 2. */
  poolSize?: IntOrTuple;
  /** Default (or null): the pool size. */
  strides?: IntOrTuple | null;
  /** 'valid' (default) or 'same', any case; 'same' puts the odd pixel of padding at the end of each axis. */
  padding?: string;
  /** Defaults to `imageDataFormat()` (keras.json, else 'channels_last'). */
  dataFormat?: DataFormat | null;
}

/** The declared options of a pooling class; `defaultPoolSize` null makes `poolSize` required (average pooling). */
export function poolingSpec(className: string, rank: SpatialRank, mode: 'max' | 'avg') {
  const options = defineOptions<PoolingOptions>()(className, {
    poolSize: mode === 'max' ? option.tuple(rank, { default: 2 }) : option.tuple(rank, { required: true }),
    padding: option.padding(['valid', 'same'] as const, 'valid'),
    strides: option.tupleOrNull(rank),
    dataFormat: option.dataFormat(),
  });
  return { className, rank, mode, options };
}

export type PoolingSpec = ReturnType<typeof poolingSpec>;
type PoolingArgs = ResolvedOptions<PoolingSpec['options']['schema']>;

/**
 * The pooling layer of any rank (Keras's `BasePooling`). Keras 3 accepts strides of 0 and any padding
 * string at construction and fails on the first call; we refuse both here.
 */
export abstract class Pooling extends Layer {
  readonly rank: SpatialRank;
  readonly poolSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: Padding;
  readonly dataFormat: DataFormat;
  private readonly spec: PoolingSpec;
  private readonly args: PoolingArgs;
  /** Keras's pooling keeps `padding` as given ('SAME' stays 'SAME' in the config) and lower-cases it for use. */
  private readonly givenPadding: string;

  protected constructor(options: PoolingOptions, spec: PoolingSpec) {
    requireOptions(options, spec.className);
    const args = spec.options.resolve(options);
    super(options, spec.className);
    this.spec = spec;
    this.args = args;
    this.rank = spec.rank;
    this.poolSize = args.poolSize;
    this.strides = args.strides ?? args.poolSize;
    this.padding = args.padding;
    this.givenPadding = typeof options.padding === 'string' ? options.padding : args.padding;
    this.dataFormat = args.dataFormat;
    if (this.batchInputShape) this.assertInputCompatible(this.batchInputShape);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    this.computeOutputShape(inputShape);
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    assertRank(this.name, inputShape, this.rank + 2, spatialLayout(this.rank, this.dataFormat));
    const out = [...inputShape];
    spatialAxesOf(this.rank, this.dataFormat).forEach((axis, i) => {
      const size = inputShape[axis];
      if (size === null) return;
      const length = convOutputLength(size, this.poolSize[i], this.strides[i], 1, this.padding);
      if (length <= 0) {
        throw new ShapeError(
          `Layer '${this.name}': input shape ${formatShape(inputShape)} is too small for pool size ${formatShape(this.poolSize)} ` +
            `with padding 'valid' (output size ${length}); use padding 'same' or a smaller pool size`,
        );
      }
      out[axis] = length;
    });
    return out;
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    const options = { poolSize: this.poolSize, strides: this.strides, padding: this.padding, dataFormat: this.dataFormat };
    return this.spec.mode === 'max' ? maxPool(x, options) : avgPool(x, options);
  }

  override getConfig(): Config {
    // Keras writes the strides it resolved (the pool size when none was given) and the padding as given.
    const own = this.spec.options.toConfig({ ...this.args, strides: this.strides });
    return { ...super.getConfig(), ...activityConfig(this), ...own, padding: this.givenPadding };
  }
}
