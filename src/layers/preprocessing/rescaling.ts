/** Keras's `Rescaling`: `x · scale + offset`, in training and inference alike. */

import type { Tensor } from '../../engine/tensor.js';
import { tensor } from '../../engine/tensor.js';
import { imageDataFormat } from '../../config/keras-config.js';
import { InvalidArgumentError } from '../../errors.js';
import { add, mul } from '../../ops/elementwise.js';
import { reshape } from '../../ops/shape-ops.js';
import type { Config, ConfigValue } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { activityRegularizerConfig, Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions } from '../options-schema.js';
import type { OptionSpec } from '../options-schema.js';

/** A number, or one number per channel. */
export type ScaleValue = number | readonly number[];

/** The options of `layerRescaling`. */
export interface RescalingOptions extends LayerOptions {
  /** The factor, or one factor per channel (broadcast over the last axis, or axis 1 of channels-first images). */
  scale: ScaleValue;
  /** Added after scaling; a number or one per channel. Default 0. */
  offset?: ScaleValue;
}

function scaleOption(required: boolean): OptionSpec<ScaleValue> {
  return {
    resolve: (value, argument, context) => {
      if ((value === undefined || value === null) && !required) return 0;
      // Keras writes numpy arrays as {class_name: '__numpy__', config: {value}}; read those back too.
      const v = typeof value === 'object' && value !== null && !Array.isArray(value) && (value as Config).class_name === '__numpy__' ? ((value as Config).config as Config).value : value;
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      if (Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === 'number' && Number.isFinite(e))) return Object.freeze([...(v as number[])]);
      throw new InvalidArgumentError(argument, value, `a finite number or an array of finite numbers${required ? ' (it is required)' : ''}`, context);
    },
    toConfig: (v) => (typeof v === 'number' ? v : ([...v] as ConfigValue)),
  };
}

const OPTIONS = defineOptions<RescalingOptions>()('Rescaling', { scale: scaleOption(true), offset: scaleOption(false) });

/**
 * Rescales inputs (Keras's `Rescaling`): `x · scale + offset`, e.g. `scale: 1 / 255` for [0, 1] images or
 * `scale: 1 / 127.5, offset: -1` for [-1, 1]. Per-channel arrays broadcast over channels; with the global
 * image data format 'channels_first' they are laid along axis 1, as Keras does.
 *
 * @example
 * ```ts
 * layerRescaling(model, { scale: 1 / 255 });
 * ```
 */
export class Rescaling extends Layer {
  readonly className = 'Rescaling';
  readonly scale: ScaleValue;
  readonly offset: ScaleValue;

  constructor(options: RescalingOptions) {
    const args = OPTIONS.resolve(options);
    super(options, 'Rescaling');
    this.scale = args.scale;
    this.offset = args.offset;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    return [...inputShape];
  }

  private asTensor(v: ScaleValue, x: Tensor): Tensor | number {
    if (typeof v === 'number') return v;
    const t = tensor([...v], [v.length], x.dtype);
    return imageDataFormat() === 'channels_first' ? reshape(t, [v.length, 1, 1]) : t;
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    return add(mul(x, this.asTensor(this.scale, x)), this.asTensor(this.offset, x));
  }

  /** Rebuilds a layer from `getConfig()` output. @example `Rescaling.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): Rescaling {
    return new Rescaling(OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...activityRegularizerConfig(this), ...OPTIONS.toConfig(this) };
  }
}

/** Creates a `Rescaling` layer composed with `object` (Keras's `layer_rescaling`). @example `layerRescaling(model, { scale: 1 / 255 })` */
export const layerRescaling = layerFunction((options: RescalingOptions) => new Rescaling(options));
