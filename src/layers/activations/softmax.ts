/** Keras's `Softmax` layer, with its `mask` call argument. */

import { softmax } from '../../activations/index.js';
import { formatShape, normalizeAxes } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { ShapeError } from '../../errors.js';
import { exp, log } from '../../ops/pointwise.js';
import { greater, sub, where } from '../../ops/elementwise.js';
import { max, sum } from '../../ops/reduce.js';
import { stopGradient } from '../../ops/shape-ops.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { activityRegularizerConfig, Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';

/** The options of `layerActivationSoftmax`. */
export interface SoftmaxOptions extends LayerOptions {
  /** The axis, or axes, normalised over. Default -1. */
  axis?: number | readonly number[];
}

const OPTIONS = defineOptions<SoftmaxOptions>()('Softmax', { axis: option.axes(-1, { minLength: 1 }) });

/** Keras replaces masked logits by this before the softmax (float16 aside), so they get ~0 weight. */
const LARGE_NEGATIVE = -1e9;

/**
 * Softmax over `axis` (Keras's `Softmax`). With `{ mask }` in the call options (broadcastable to the
 * input; non-zero, or > 0.5, keeps a position) masked positions are replaced by -1e9 first, as Keras does.
 *
 * @example
 * ```ts
 * const probs = new Softmax().apply(logits, { mask: validPositions });
 * ```
 */
export class Softmax extends Layer {
  readonly className = 'Softmax';
  readonly axis: number | readonly number[];

  constructor(options: SoftmaxOptions = {}) {
    const args = OPTIONS.resolve(options);
    super(options, 'Softmax');
    this.axis = args.axis as number | readonly number[];
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    for (const a of typeof this.axis === 'number' ? [this.axis] : this.axis) {
      if (a < -inputShape.length || a >= inputShape.length) {
        throw new ShapeError(`Layer '${this.name}': axis ${a} is out of range for input of shape ${formatShape(inputShape)}`);
      }
    }
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    return [...inputShape];
  }

  /** Softmax passes the mask on unchanged (Keras's `supports_masking`). */
  override computeMask(_inputs: Tensor, mask: Tensor | null = null): Tensor | null {
    return mask;
  }

  protected call(x: Tensor, options: CallOptions): Tensor {
    let logits = x;
    const mask = options.mask ?? null;
    if (mask !== null) {
      const fits = mask.rank <= x.rank && mask.shape.every((d, i) => d === 1 || d === x.shape[x.rank - mask.rank + i]);
      if (!fits) {
        throw new ShapeError(`Layer '${this.name}': the mask must be broadcastable to the input; received input shape ${formatShape(x.shape)}, mask shape ${formatShape(mask.shape)}`);
      }
      logits = where(greater(mask, 0.5), x, LARGE_NEGATIVE);
    }
    const axes = typeof this.axis === 'number' ? [this.axis] : this.axis;
    if (axes.length === 1) return softmax(logits, axes[0]);
    // Several axes: exp(x - logsumexp(x)), as Keras computes it.
    const all = normalizeAxes(axes, x.rank);
    const m = stopGradient(max(logits, { axis: all, keepDims: true }));
    const lse = log(sum(exp(sub(logits, m)), { axis: all, keepDims: true }));
    return exp(sub(sub(logits, m), lse));
  }

  /** Rebuilds a layer from `getConfig()` output. @example `Softmax.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): Softmax {
    return new Softmax(OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      ...activityRegularizerConfig(this),
      ...OPTIONS.toConfig(this),
    };
  }
}

/**
 * Creates a `Softmax` layer and composes it with `object` (Keras's `layer_activation_softmax`).
 *
 * @example
 * ```ts
 * const probs = layerActivationSoftmax(logits, { axis: -1 });
 * ```
 */
export const layerActivationSoftmax = layerFunction((options: SoftmaxOptions = {}) => new Softmax(options));
