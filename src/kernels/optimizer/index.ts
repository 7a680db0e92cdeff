/**
 * The optimizer family: Keras 3's gradient clipping, decoupled weight decay and the update rules of the
 * optimizers, each one in-place pass over a variable's values and slots. Hyper-parameters arrive already
 * rounded to the variable's dtype (float32 rounding of constants is part of Keras's arithmetic), so these
 * loops are the whole numerical definition of a step.
 */
import type { FloatArray } from '../../engine/dtype.js';
import { clipGradients, decay, update } from './js.js';
import type { ClipRule, UpdateRule } from './rules.js';

export type { ClipRule, UpdateRule } from './rules.js';

export interface OptimizerKernels {
  /** Clipped copies of `grads` into `out` (same lengths and dtypes). */
  clip(rule: ClipRule, grads: readonly FloatArray[], out: readonly FloatArray[]): void;
  /** `w -= w * weightDecay * learningRate` in place, in that order (Keras's decoupled weight decay). */
  decay(w: FloatArray, weightDecay: number, learningRate: number): void;
  /** One step of `rule` on `w` and its `slots` (in the rule's slot order), in place. */
  update(rule: UpdateRule, w: FloatArray, g: FloatArray, slots: readonly FloatArray[]): void;
}

/**
 * The TypeScript implementations.
 *
 * @example
 * ```ts
 * typescriptOptimizerKernels.update({ kind: 'sgd', learningRate: 0.1, momentum: 0, nesterov: false }, w, g, []);
 * ```
 */
export const typescriptOptimizerKernels: OptimizerKernels = { clip: clipGradients, decay, update };
