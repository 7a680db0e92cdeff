/**
 * Keras's `Merge` base: layers that combine a list of tensors elementwise (Add, and later Subtract,
 * Multiply, Average, Maximum, Minimum). Shapes broadcast as in Keras: the batch axes must agree, and the
 * other axes, aligned from the right, must be equal or 1 (unknown sizes stay unknown).
 */

import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import { reshape } from '../../ops/shape-ops.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import type { Config } from '../../serialization/keras-object.js';
import { activityRegularizerConfig, Layer } from '../layer.js';

type Dims = (number | null)[];

function describeShapes(shapes: readonly SymbolicShape[]): string {
  return `[${shapes.map((s) => formatShape(s)).join(', ')}]`;
}

/**
 * Keras's `_compute_elemwise_op_output_shape` on shapes without the batch axis: align from the right;
 * a 1 takes the other size, unknown stays unknown, and two different known sizes are an error.
 */
export function elementwiseShape(a: SymbolicShape, b: SymbolicShape, all: readonly SymbolicShape[]): Dims {
  if (a.length < b.length) return elementwiseShape(b, a, all);
  if (b.length === 0) return [...a];
  const lead = a.slice(0, a.length - b.length);
  const tail = a.slice(a.length - b.length).map((i, k) => {
    const j = b[k];
    if (i === null || j === null) return null;
    if (i === 1) return j;
    if (j === 1) return i;
    if (i !== j) throw new ShapeError(`Inputs have incompatible shapes. Received shapes ${formatShape(a)} and ${formatShape(b)} (all inputs: ${describeShapes(all)})`);
    return i;
  });
  return [...lead, ...tail];
}

/** Refuses fewer than two inputs: merging one tensor is almost always a mistake in the graph. */
export function requireSeveralInputs(shapes: readonly SymbolicShape[], layerName: string): void {
  if (shapes.length < 2) {
    throw new InvalidArgumentError('inputs', `${shapes.length} tensor(s)`, 'a list of at least 2 input tensors (a merge layer combines several inputs)', `layer '${layerName}'`);
  }
  for (const s of shapes) {
    if (s.length === 0) throw new ShapeError(`layer '${layerName}': merge inputs need a batch axis; received a scalar among ${describeShapes(shapes)}`);
  }
}

/** The one known batch size of all inputs, or null; two different known sizes are an error. */
export function commonBatchSize(shapes: readonly SymbolicShape[], layerName: string): number | null {
  const sizes = new Set(shapes.map((s) => s[0]).filter((d): d is number => d !== null));
  if (sizes.size > 1) {
    throw new ShapeError(`layer '${layerName}': cannot merge tensors with different batch sizes. Received tensors with shapes ${describeShapes(shapes)}`);
  }
  return sizes.size === 1 ? [...sizes][0] : null;
}

/** The elementwise merge layer base (Keras's `keras.layers.Merge`). */
export abstract class Merge extends Layer {
  constructor(options: LayerOptions, className: string) {
    super(options, className);
  }

  /** Combines inputs already brought to one rank (broadcasting does the rest). */
  protected abstract mergeFunction(inputs: readonly Tensor[]): Tensor;

  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    requireSeveralInputs(shapes, this.name);
    this.outputShapeFor(shapes);
  }

  protected override outputShapeFor(shapes: readonly SymbolicShape[]): Dims {
    const batch = commonBatchSize(shapes, this.name);
    let shape: Dims = shapes[0].slice(1);
    for (const s of shapes.slice(1)) shape = elementwiseShape(shape, s.slice(1), shapes);
    return [batch, ...shape];
  }

  /**
   * Inputs of different ranks are expanded at axis 1 until they share the highest rank, as Keras's
   * `Merge.call` does, so that (N, 3) and (N, 4, 3) add as (N, 1, 3) and (N, 4, 3).
   */
  protected override callInputs(inputs: readonly Tensor[], _options: CallOptions): Tensor {
    const rank = Math.max(...inputs.map((t) => t.rank));
    const aligned = inputs.map((t) =>
      t.rank === rank ? t : reshape(t, [t.shape[0], ...new Array<number>(rank - t.rank).fill(1), ...t.shape.slice(1)]),
    );
    return this.mergeFunction(aligned);
  }

  /** A merge layer's output shape depends on all its inputs; a single shape is not enough. */
  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    throw new InvalidArgumentError('inputShape', inputShape, 'a list of input shapes: a merge layer is computed from several inputs', `layer '${this.name}'`);
  }

  /** The output shape for a list of input shapes (batch axes included), validating them as a call would. */
  computeOutputShapes(inputShapes: readonly SymbolicShape[]): (number | null)[] {
    this.checkInputShapes(inputShapes);
    return this.outputShapeFor(inputShapes);
  }

  protected call(_x: Tensor, _options: CallOptions): Tensor {
    throw new InvalidArgumentError('inputs', 'a single tensor', 'a list of at least 2 input tensors', `layer '${this.name}'`);
  }

  /** Keras's merge layers write only the base config (with the activity regularizer when one is set). */
  override getConfig(): Config {
    return { ...super.getConfig(), ...activityRegularizerConfig(this) };
  }
}
