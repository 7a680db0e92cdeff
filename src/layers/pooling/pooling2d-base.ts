/** What MaxPooling2D and AveragePooling2D share: Keras's `BasePooling` arguments, shapes and config. */

import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { Config } from '../../serialization/keras-object.js';
import { convOutputLength } from '../../kernels/window.js';
import type { DataFormat, IntOrTuple, Padding } from '../../ops/conv-args.js';
import { normalizePadding, normalizeTuple } from '../../ops/conv-args.js';
import { avgPool2d, maxPool2d } from '../../ops/pool2d.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { BASE_CONFIG_KEYS } from '../serialize.js';
import { assertRank, imageLayout, requireOptions, resolveDataFormat, spatialAxes } from '../reshaping/common.js';

/** Options of the 2D pooling layers: Keras's arguments in camelCase. */
export interface Pooling2DOptions extends LayerOptions {
  /** Window height and width: one integer for both, or [height, width]. */
  poolSize?: IntOrTuple;
  /** Default (or null): the pool size. */
  strides?: IntOrTuple | null;
  /** 'valid' (default) or 'same', any case; 'same' puts the odd pixel of padding at the bottom/right. */
  padding?: string;
  /** Defaults to `imageDataFormat()` (keras.json, else 'channels_last'). */
  dataFormat?: DataFormat | null;
}

export const POOLING2D_CONFIG_KEYS: readonly string[] = [...BASE_CONFIG_KEYS, 'pool_size', 'padding', 'strides', 'data_format'];

interface PoolingArgs {
  poolSize: [number, number];
  strides: [number, number];
  padding: Padding;
  dataFormat: DataFormat;
}

/**
 * Validates before the layer exists. Keras 3 accepts strides of 0 and any padding string at construction
 * and fails on the first call; we refuse both here.
 */
function resolvePoolingArgs(options: Pooling2DOptions, className: string, defaultPoolSize: number | null): PoolingArgs {
  requireOptions(options, className);
  const given = options.poolSize ?? defaultPoolSize;
  if (given === null) {
    throw new InvalidArgumentError('poolSize', options.poolSize, 'a positive integer or an array of 2 positive integers (it is required)', className);
  }
  const poolSize = normalizeTuple(given, 2, 'poolSize', 1, className) as [number, number];
  return {
    poolSize,
    strides: normalizeTuple(options.strides ?? poolSize, 2, 'strides', 1, className) as [number, number],
    padding: normalizePadding(options.padding ?? 'valid', className),
    dataFormat: resolveDataFormat(options.dataFormat, className),
  };
}

/** The shared 2D pooling layer; subclasses pick the reduction. */
export abstract class Pooling2D extends Layer {
  readonly poolSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  readonly dataFormat: DataFormat;
  protected abstract readonly mode: 'max' | 'avg';

  constructor(options: Pooling2DOptions, className: string, defaultPoolSize: number | null) {
    const args = resolvePoolingArgs(options, className, defaultPoolSize);
    super(options, className);
    this.poolSize = args.poolSize;
    this.strides = args.strides;
    this.padding = args.padding;
    this.dataFormat = args.dataFormat;
    if (this.batchInputShape) this.assertInputCompatible(this.batchInputShape);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    assertRank(this.name, inputShape, 4, imageLayout(this.dataFormat));
    this.computeOutputShape(inputShape);
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    assertRank(this.name, inputShape, 4, imageLayout(this.dataFormat));
    const out = [...inputShape];
    spatialAxes(this.dataFormat).forEach((axis, i) => {
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
    return this.mode === 'max' ? maxPool2d(x, options) : avgPool2d(x, options);
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      pool_size: [...this.poolSize],
      padding: this.padding,
      strides: [...this.strides],
      data_format: this.dataFormat,
    };
  }
}
