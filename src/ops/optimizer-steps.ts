/**
 * The optimizer's in-place steps as ops on tensors (no gradients: they run under `noGrad`), so training
 * reaches the backend's optimizer slots the way everything else reaches kernels.
 */

import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { getBackend } from '../kernels/backend.js';
import type { ClipRule, UpdateRule } from '../kernels/optimizer/index.js';

export type { ClipRule, UpdateRule } from '../kernels/optimizer/index.js';

/** Clipped copies of `grads` (each in its own dtype), by Keras's `_clip_gradients` rule. */
export function clipGradients(rule: ClipRule, grads: readonly Tensor[]): Tensor[] {
  const clipped = grads.map((g) => uninitializedTensor(g.shape, g.dtype));
  getBackend().optimizer.clip(
    rule,
    grads.map((g) => g.storageHandle),
    clipped.map((c) => c.storageHandle),
  );
  return clipped;
}

/** `w -= w * weightDecay * learningRate`, in place on a tensor the caller owns. */
export function decayInPlace(w: Tensor, weightDecay: number, learningRate: number): void {
  getBackend().optimizer.decay(w.storageHandle, weightDecay, learningRate);
}

/** One update step of `rule`, in place on `w` and `slots` (tensors the caller owns). */
export function updateInPlace(rule: UpdateRule, w: Tensor, g: Tensor, slots: readonly Tensor[]): void {
  getBackend().optimizer.update(
    rule,
    w.storageHandle,
    g.storageHandle,
    slots.map((s) => s.storageHandle),
  );
}
