/**
 * The weights a model config declares, counted before any layer is built. Loading builds a model in two
 * passes: the first constructs each layer (which allocates nothing) and follows the shapes through the
 * graph, asking each layer for the weight shapes its `build` would create, and refuses the file at the
 * first layer where the total passes the budget or what the file's weight data holds; only then does the
 * second pass build. So a config declaring `filters: 2**22`, a Dense of 2^28 weights or thousands of large
 * layers is refused in milliseconds, with the figure in the message, instead of after gigabytes were
 * allocated and initialized.
 */

import { bytesPerElement } from '../engine/dtype.js';
import type { Layer, SymbolicShape } from '../layers/layer.js';
import type { LoadBudget } from './budget.js';
import { elementCount, formatBytes } from './budget.js';
import { ModelFileError } from './errors.js';

/** How many weight values the file's weight data holds, and where (for messages). */
export interface StoredWeights {
  elements: number;
  where: string;
}

/** A shape a layer computed, if it is one: a list of non-negative integers or null (unknown). */
export function validShape(shape: unknown): SymbolicShape | null {
  if (!Array.isArray(shape) || shape.length > 16) return null;
  return shape.every((d) => d === null || (Number.isInteger(d) && d >= 0)) ? (shape as SymbolicShape) : null;
}

/**
 * The output shape `layer` computes for `inputs` without building, or null when it refuses them (applying
 * it will then fail with its own message) or computes something that is not a shape.
 */
export function outputShapeOf(layer: Layer, inputs: SymbolicShape | readonly SymbolicShape[]): SymbolicShape | null {
  try {
    if (inputs.length > 0 && Array.isArray(inputs[0])) {
      // Layers taking a list (merge layers) compute their shape from all of them.
      const several = (layer as { computeOutputShapes?: (shapes: readonly SymbolicShape[]) => unknown }).computeOutputShapes;
      return typeof several === 'function' ? validShape(several.call(layer, inputs as readonly SymbolicShape[])) : null;
    }
    return validShape(layer.computeOutputShape(inputs as SymbolicShape));
  } catch {
    return null;
  }
}

/**
 * Counts declared weights layer by layer and refuses, at the first layer that crosses it, a total over the
 * budget or over what the file stores: a config of 20,000 layers claiming weights a 40 kB file cannot hold
 * is refused after a handful of layers, not after all 20,000 were constructed.
 *
 * @example
 * ```ts
 * const ledger = new WeightLedger(LoadBudget.DEFAULT, 'model.keras', { elements: 415, where: 'model.weights.h5' });
 * ledger.declare(dense, [null, 784]); // throws when the total passes 2 GiB or 415 values
 * ```
 */
export class WeightLedger {
  private elements = 0;
  private bytes = 0;
  private readonly counted = new Set<Layer>();

  constructor(
    private readonly budget: LoadBudget,
    private readonly file: string,
    private readonly stored: StoredWeights | null,
  ) {}

  /**
   * Counts `layer`'s weights for `inputShape` (its first call's input), once per layer, and refuses the
   * file when the total is now over the budget or over what it stores. A layer that refuses the shape is
   * left uncounted: applying it will fail with the layer's own message, before it builds.
   */
  declare(layer: Layer, inputShape: SymbolicShape): void {
    if (this.counted.has(layer) || layer.built) return;
    try {
      layer.computeOutputShape(inputShape);
    } catch {
      return;
    }
    let shapes: (readonly number[])[];
    try {
      shapes = layer.weightShapesFor(inputShape);
    } catch (error) {
      throw new ModelFileError(this.file, `layer '${layer.name}' (${layer.className}) cannot size its weights for input shape [${inputShape.join(', ')}]: ${(error as Error).message}`, { cause: error });
    }
    let elements = 0;
    for (const shape of shapes) {
      const n = elementCount(shape);
      if (Number.isNaN(n)) throw new ModelFileError(this.file, `layer '${layer.name}' (${layer.className}) would create a weight of shape [${shape.join(', ')}], which is not a shape`);
      elements += n;
    }
    const bytes = elements * bytesPerElement(layer.dtype);
    this.counted.add(layer);
    this.elements += elements;
    this.bytes += bytes;
    const by = `layer '${layer.name}' (${layer.className}) alone ${formatBytes(bytes)}`;
    this.budget.checkWeightBytes(this.file, 'the config', this.bytes, `${count(this.elements)} values; ${by}`, true);
    if (this.stored !== null && this.elements > this.stored.elements) {
      throw new ModelFileError(this.file, `the config declares at least ${count(this.elements)} weight values (${formatBytes(this.bytes)}; ${by}) but ${this.stored.where} stores only ${count(this.stored.elements)}`);
    }
  }
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
