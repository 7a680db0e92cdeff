/** Keras's `Concatenate`: joins a list of tensors along one axis. */

import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { Config } from '../../serialization/keras-object.js';
import { concat, normalizeConcatAxis } from '../../ops/concat.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { activityRegularizerConfig, Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';
import { requireSeveralInputs } from './base-merge.js';

export interface ConcatenateOptions extends LayerOptions {
  /** The axis to join along, counted with the batch axis; negative counts from the end. Default -1. */
  axis?: number;
}

const CLASS_NAME = 'Concatenate';

const OPTIONS = defineOptions<ConcatenateOptions>()(CLASS_NAME, { axis: option.axis(-1) });

/**
 * Concatenates a list of at least two tensors along `axis` (Keras's `Concatenate`). The inputs need the
 * same rank and equal sizes on every other axis (unknown sizes are accepted). No weights; the gradient of
 * each input is its slice of the output gradient.
 *
 * @example
 * ```ts
 * const joined = new Concatenate({ axis: -1 }).apply([zeros([2, 4, 4, 3]), zeros([2, 4, 4, 5])]); // [2, 4, 4, 8]
 * ```
 */
export class Concatenate extends Layer {
  readonly className = CLASS_NAME;
  readonly axis: number;

  constructor(options: ConcatenateOptions = {}) {
    const args = OPTIONS.resolve(options);
    super(options, CLASS_NAME);
    this.axis = args.axis;
  }

  /** Keras skips the Merge batch-size check here: joining along the batch axis is allowed. */
  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    requireSeveralInputs(shapes, this.name);
    const rank = shapes[0].length;
    if (!shapes.every((s) => s.length === rank)) {
      throw new ShapeError(
        `layer '${this.name}': a Concatenate layer requires inputs with matching shapes except for the concatenation axis. Received: input_shape=[${shapes.map((s) => formatShape(s)).join(', ')}]`,
      );
    }
    const ax = normalizeConcatAxis(this.axis, rank, `layer '${this.name}'`);
    for (let d = 0; d < rank; d++) {
      if (d === ax) continue;
      const known = new Set(shapes.map((s) => s[d]).filter((v) => v !== null));
      if (known.size > 1) {
        throw new ShapeError(
          `layer '${this.name}': a Concatenate layer requires inputs with matching shapes except for the concatenation axis (${this.axis}). Received: input_shape=[${shapes.map((s) => formatShape(s)).join(', ')}]`,
        );
      }
    }
  }

  /** Sizes add up along the axis (unknown if any is); elsewhere the first known size is kept. */
  protected override outputShapeFor(shapes: readonly SymbolicShape[]): (number | null)[] {
    const ax = normalizeConcatAxis(this.axis, shapes[0].length, `layer '${this.name}'`);
    return shapes[0].map((_, d) => {
      const dims = shapes.map((s) => s[d]);
      if (d === ax) return dims.includes(null) ? null : (dims as number[]).reduce((a, b) => a + b, 0);
      return dims.find((v) => v !== null) ?? null;
    });
  }

  protected override callInputs(inputs: readonly Tensor[], _options: CallOptions): Tensor {
    return concat(inputs, this.axis);
  }

  /** A Concatenate output depends on all its inputs; a single shape is not enough. */
  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    throw new InvalidArgumentError('inputShape', inputShape, 'a list of input shapes: Concatenate joins several inputs', `layer '${this.name}'`);
  }

  /** The output shape for a list of input shapes (batch axes included), validating them as a call would. */
  computeOutputShapes(inputShapes: readonly SymbolicShape[]): (number | null)[] {
    this.checkInputShapes(inputShapes);
    return this.outputShapeFor(inputShapes);
  }

  protected call(_x: Tensor, _options: CallOptions): Tensor {
    throw new InvalidArgumentError('inputs', 'a single tensor', 'a list of at least 2 input tensors', `layer '${this.name}'`);
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...activityRegularizerConfig(this), ...OPTIONS.toConfig(this) };
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = Concatenate.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): Concatenate {
    return new Concatenate(OPTIONS.optionsFromConfig(config));
  }
}

/**
 * Creates a `Concatenate` layer and composes it with `object` (Keras's `layer_concatenate`): an array of
 * symbolic tensors → the joined placeholder; an array of tensors → the computed result; nothing → the layer.
 *
 * @example
 * ```ts
 * const joined = layerConcatenate([branchA, branchB], { axis: -1 });
 * ```
 */
export const layerConcatenate = layerFunction((options: ConcatenateOptions) => new Concatenate(options));
