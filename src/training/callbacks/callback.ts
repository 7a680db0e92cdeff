/**
 * The callback protocol the fit loop drives: the hooks of `keras.callbacks.Callback`, and the small part
 * of a model that callbacks may touch.
 */

import type { Tensor } from '../../engine/tensor.js';

/** Metric values by name for one batch or epoch (`loss`, `val_loss`, `accuracy`, ...). */
export type Logs = Record<string, number>;

/** What callbacks may touch on the model being trained. */
export interface CallbackModel {
  /** Set to true to end `fit` after the current batch or epoch, as Keras's `model.stop_training`. */
  stopTraining: boolean;
  /** A snapshot of the weights (tensors are immutable, so holding them keeps that state). */
  getWeights(): Tensor[];
  setWeights(weights: readonly Tensor[]): void;
  /** `learningRate`'s setter takes a number; `currentLearningRate()` reads the value in effect now. */
  readonly optimizer: { learningRate: unknown; currentLearningRate(): number } | null;
}

/** What `fit` tells every callback before training, as Keras's `callback.params`. */
export interface TrainingParams {
  epochs: number;
  /** Batches per epoch, or null when the data's length is unknown. */
  steps: number | null;
  verbose: 0 | 1 | 2;
  /**
   * The keys `fit`'s epoch logs will carry (the compiled loss and metrics, then their `val_` forms when
   * validating), known before the first epoch; absent outside `fit`. Callbacks may add keys of their own.
   */
  logKeys?: readonly string[];
}

/**
 * Base class of every callback: each hook does nothing until a subclass overrides it.
 *
 * @example
 * ```ts
 * class PrintLoss extends Callback {
 *   override onEpochEnd(epoch: number, logs?: Logs): void {
 *     console.log(epoch, logs?.loss);
 *   }
 * }
 * ```
 */
export abstract class Callback {
  model: CallbackModel | null = null;
  params: TrainingParams | null = null;

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  setParams(params: TrainingParams): void {
    this.params = params;
  }

  /** The model, or a clear error when a hook that needs one runs before `setModel`. */
  protected requireModel(): CallbackModel {
    if (this.model === null) throw new Error(`${this.constructor.name}: no model set; call setModel() (fit does) before training hooks.`);
    return this.model;
  }

  /* eslint-disable @typescript-eslint/no-unused-vars -- the base hooks take the arguments subclasses use */
  onTrainBegin(logs?: Logs): void {}
  onTrainEnd(logs?: Logs): void {}
  onEpochBegin(epoch: number, logs?: Logs): void {}
  onEpochEnd(epoch: number, logs?: Logs): void {}
  onTrainBatchBegin(batch: number, logs?: Logs): void {}
  onTrainBatchEnd(batch: number, logs?: Logs): void {}
  onTestBegin(logs?: Logs): void {}
  onTestEnd(logs?: Logs): void {}
  onTestBatchBegin(batch: number, logs?: Logs): void {}
  onTestBatchEnd(batch: number, logs?: Logs): void {}
  onPredictBegin(logs?: Logs): void {}
  onPredictEnd(logs?: Logs): void {}
  onPredictBatchBegin(batch: number, logs?: Logs): void {}
  onPredictBatchEnd(batch: number, logs?: Logs): void {}
  /* eslint-enable @typescript-eslint/no-unused-vars */
}

/** Where callbacks print: anything with `write`, e.g. `process.stdout`. `isTTY` enables the live bar. */
export interface Writer {
  write(s: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * process.stdout, looked up at call time so tests and users may swap it; where there is none (a browser),
 * a writer that sends each finished line to `console.log`.
 */
export function defaultWriter(): Writer {
  const stdout = (globalThis as { process?: { stdout?: Writer } }).process?.stdout;
  return stdout ?? consoleWriter;
}

/** Lines to `console.log`; a `\r` (the live bar redrawing) starts the line over. */
const consoleWriter: Writer = (() => {
  let pending = '';
  return {
    write(s: string): boolean {
      const parts = (pending + s).split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) console.log(line.slice(line.lastIndexOf('\r') + 1));
      pending = pending.slice(pending.lastIndexOf('\r') + 1);
      return true;
    },
  };
})();

/** Keras's `io_utils.print_msg`: the message and a line break. */
export function printMessage(writer: Writer, message: string): void {
  writer.write(`${message}\n`);
}

/** Keras reports missing monitors with `warnings.warn`; we use console.warn (stderr), which tests can mock. */
export function warn(message: string): void {
  console.warn(message);
}
