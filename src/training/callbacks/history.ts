/** The History callback: what `fit` returns. */

import type { Logs } from './callback.js';
import { Callback } from './callback.js';

/**
 * Records each epoch's logs, as Keras's `History` (added to every `fit` by the CallbackList).
 *
 * As in Keras, `epoch` restarts at each `onTrainBegin` while `history` keeps accumulating if the same
 * instance is passed to several `fit` calls.
 *
 * @example
 * ```ts
 * const history = new History();
 * // after fit(..., { callbacks: [history] }):
 * history.history.loss; // [0.69, 0.52, ...]
 * ```
 */
export class History extends Callback {
  epoch: number[] = [];
  history: Record<string, number[]> = {};

  override onTrainBegin(): void {
    this.epoch = [];
  }

  override onEpochEnd(epoch: number, logs?: Logs): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs ?? {})) {
      (this.history[key] ??= []).push(value);
    }
  }
}
