/** What Sequential and functional models share: layers, weights, prediction and the summary. */

import type { Tensor } from '../engine/tensor.js';
import { isTensor, tensorFromArray } from '../engine/tensor.js';
import type { Variable } from '../engine/variable.js';
import { allocArray, bytesPerElement, isFloatDType } from '../engine/dtype.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import type { CallOptions } from '../layers/layer.js';
import { Layer } from '../layers/layer.js';
import type { SymbolicShape, SymbolicTensor } from '../layers/symbolic-tensor.js';
import { formatShape } from '../engine/shape.js';
import { noGrad } from '../engine/tape.js';
import { renderSummary } from './summary.js';
import type { ParamTally, SummaryRow } from './summary.js';

export interface PredictOptions {
  /** Samples per forward pass (default 32), as Keras's `batch_size`. */
  batchSize?: number;
}

export interface SummaryOptions {
  /** Where lines go; `console.log` by default. */
  printFn?: (line: string) => void;
  /** Total width of the table (Keras's `line_length`). */
  lineLength?: number;
}

export abstract class Model extends Layer {
  /** As Keras's functional models: each layer casts its own inputs, the model does not. */
  protected override readonly autocastInputs: boolean = false;
  /** The layers in order of execution (a Sequential model's InputLayer excluded, as in Keras). */
  abstract get layers(): Layer[];

  /** The model's symbolic input, once it is known. */
  abstract get input(): SymbolicTensor | null;

  /** The model's symbolic output, once it is known. */
  abstract get output(): SymbolicTensor | null;

  /** Rows of the summary table: one per layer, with its output shape. */
  protected abstract summaryRows(): SummaryRow[];

  /** Every layer's weights, layer by layer (Keras's order; a shared layer's weights once). */
  override get weights(): Variable[] {
    return [...new Set(this.layers.flatMap((l) => l.weights))];
  }

  override get trainableWeights(): Variable[] {
    return this.weights.filter((w) => w.trainable);
  }

  override get nonTrainableWeights(): Variable[] {
    return this.weights.filter((w) => !w.trainable);
  }

  override get trainable(): boolean {
    return super.trainable;
  }

  /** Freezes or unfreezes every layer, as Keras's `model.trainable = false`. */
  override set trainable(value: boolean) {
    super.trainable = value;
    for (const layer of this.layers) layer.trainable = value;
  }

  /** Every layer's activity penalties, then every weight penalty (Keras's order). */
  override get losses(): Tensor[] {
    return [...this.layers.flatMap((l) => l.activityPenalties()), ...this.layers.flatMap((l) => l.weightPenalties())];
  }

  override applyConstraints(): void {
    for (const layer of this.layers) layer.applyConstraints();
  }

  override countParams(): number {
    if (!this.built) {
      throw new ShapeError(`model '${this.name}' is not built yet, so its parameter count is unknown; give it an input shape or call it on data first`);
    }
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /** The layer with this name. */
  getLayer(name: string): Layer {
    const layer = this.layers.find((l) => l.name === name);
    if (!layer) {
      throw new InvalidArgumentError('name', name, `the name of a layer of model '${this.name}': ${this.layers.map((l) => `'${l.name}'`).join(', ')}`);
    }
    return layer;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    let shape: (number | null)[] = [...inputShape];
    for (const layer of this.layers) shape = layer.computeOutputShape(shape);
    return shape;
  }

  /**
   * Runs the model on `x` in batches (inference mode) and returns the concatenated outputs.
   *
   * @example
   * ```ts
   * const y = model.predict(tensor(images, [100, 28, 28, 1]), { batchSize: 50 });
   * ```
   */
  predict(x: Tensor, options: PredictOptions = {}): Tensor {
    if (!isTensor(x)) throw new InvalidArgumentError('x', x, 'a Tensor', `${this.name}.predict`);
    if (!isFloatDType(x.dtype)) throw new InvalidArgumentError('x', x.dtype, 'a float32 or float64 tensor', `${this.name}.predict`);
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new InvalidArgumentError('batchSize', options.batchSize, 'a positive integer', `${this.name}.predict`);
    }
    if (x.rank === 0) throw new ShapeError(`${this.name}.predict: x must have a batch axis, got shape ${formatShape(x.shape)}`);
    const n = x.shape[0];
    const sampleSize = x.size / Math.max(n, 1);
    return noGrad(() => {
      if (n <= batchSize) return this.apply(x, { training: false });
      const parts: Tensor[] = [];
      const data = x.dataSync();
      for (let start = 0; start < n; start += batchSize) {
        const count = Math.min(batchSize, n - start);
        const slice = tensorFromArray(data.slice(start * sampleSize, (start + count) * sampleSize), [count, ...x.shape.slice(1)], x.dtype);
        parts.push(this.apply(slice, { training: false }));
      }
      return concatBatches(parts);
    });
  }

  /**
   * Prints Keras's summary table: each layer's name and class, output shape and parameter count, then the
   * totals.
   *
   * @example
   * ```ts
   * model.summary();
   * ```
   */
  summary(options: SummaryOptions = {}): void {
    const print = options.printFn ?? ((line: string) => console.log(line));
    const lines = renderSummary({
      modelName: this.name,
      rows: this.summaryRows(),
      trainable: tally(this.trainableWeights),
      nonTrainable: tally(this.nonTrainableWeights),
      lineLength: options.lineLength,
    });
    for (const line of lines) print(line);
  }

  protected abstract override call(x: Tensor, options: CallOptions): Tensor;
}

function tally(weights: readonly Variable[]): ParamTally {
  return {
    count: weights.reduce((n, w) => n + w.size, 0),
    bytes: weights.reduce((n, w) => n + w.size * bytesPerElement(w.dtype), 0),
  };
}

function concatBatches(parts: Tensor[]): Tensor {
  const first = parts[0];
  const total = parts.reduce((n, p) => n + p.shape[0], 0);
  const out = allocArray(first.dtype, parts.reduce((n, p) => n + p.size, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p.dataSync(), offset);
    offset += p.size;
  }
  return tensorFromArray(out, [total, ...first.shape.slice(1)], first.dtype);
}
