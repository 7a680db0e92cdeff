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
  /** The layers in order of execution (a Sequential model's InputLayer excluded, as in Keras). */
  abstract get layers(): Layer[];

  /** The model's symbolic input, once it is known. */
  abstract get input(): SymbolicTensor | null;

  /** The model's symbolic output, once it is known. */
  abstract get output(): SymbolicTensor | null;

  /** Rows of the summary table: one per layer, with its output shape. */
  protected abstract summaryRows(): SummaryRow[];

  override get weights(): Variable[] {
    const trainable = this.layers.flatMap((l) => l.weights.filter((w) => w.trainable));
    const rest = this.layers.flatMap((l) => l.weights.filter((w) => !w.trainable));
    return uniqueVariables([...trainable, ...rest]);
  }

  override get trainableWeights(): Variable[] {
    return this.trainable ? uniqueVariables(this.layers.flatMap((l) => l.trainableWeights)) : [];
  }

  override get nonTrainableWeights(): Variable[] {
    if (!this.trainable) return this.weights;
    return uniqueVariables(this.layers.flatMap((l) => l.nonTrainableWeights));
  }

  override get losses(): Tensor[] {
    return this.layers.flatMap((l) => l.losses);
  }

  override applyConstraints(): void {
    for (const layer of this.layers) layer.applyConstraints();
  }

  override countParams(): number {
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

function uniqueVariables(list: Variable[]): Variable[] {
  return [...new Set(list)];
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
