/** Keras's `Identity` layer: returns its input unchanged (a placeholder in a graph). */

import type { Tensor } from '../../engine/tensor.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { activityRegularizerConfig, Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions } from '../options-schema.js';

/** The options of `layerIdentity`: only the base layer arguments. */
export type IdentityOptions = LayerOptions;

const OPTIONS = defineOptions<IdentityOptions>()('Identity', {});

/**
 * The identity (Keras's `Identity`); it passes a mask through unchanged.
 *
 * @example
 * ```ts
 * new Identity().apply(x); // x
 * ```
 */
export class Identity extends Layer {
  readonly className = 'Identity';
  constructor(options: IdentityOptions = {}) {
    OPTIONS.resolve(options);
    super(options, 'Identity');
  }
  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    return [...inputShape];
  }
  override computeMask(_inputs: Tensor, mask: Tensor | null = null): Tensor | null {
    return mask;
  }
  protected call(x: Tensor, _options: CallOptions): Tensor {
    return x;
  }
  /** Rebuilds a layer from `getConfig()` output. @example `Identity.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): Identity {
    return new Identity(OPTIONS.optionsFromConfig(config));
  }
  override getConfig(): Config {
    return { ...super.getConfig(), ...activityRegularizerConfig(this) };
  }
}

/** Creates an `Identity` layer composed with `object` (Keras's `layer_identity`). @example `layerIdentity(x)` */
export const layerIdentity = layerFunction((options: IdentityOptions = {}) => new Identity(options));
