/** `valueAndGrads`: the public entry to reverse-mode differentiation. */

import { isFloatDType } from '../engine/dtype.js';
import { formatShape } from '../engine/shape.js';
import { noGrad, Tape, withTape } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { fill, isTensor, zeros } from '../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { add } from './elementwise.js';

export interface ValueAndGrads {
  /** The scalar `f()` returned. */
  value: Tensor;
  /** d value / d param, one per param, each with its param's shape and dtype (zeros where unused). */
  grads: Tensor[];
}

/**
 * Evaluates the scalar function `f` and its gradient with respect to each tensor in `params` (inputs and
 * layer weights alike).
 *
 * @example
 * ```ts
 * const x = tensor([1, 2, 3]);
 * const { value, grads } = valueAndGrads(() => ops.sum(ops.mul(x, x)), [x]);
 * grads[0].dataSync(); // [2, 4, 6]
 * ```
 */
export function valueAndGrads(f: () => Tensor, params: readonly Tensor[]): ValueAndGrads {
  if (typeof f !== 'function') throw new InvalidArgumentError('f', f, 'a function returning a scalar Tensor');
  if (!Array.isArray(params) || !params.every(isTensor)) {
    throw new InvalidArgumentError('params', params, 'an array of Tensors');
  }
  for (const p of params) {
    if (!isFloatDType(p.dtype)) throw new InvalidArgumentError('params', p.dtype, 'float32 or float64 tensors');
  }
  const tape = new Tape();
  for (const p of params) tape.watch(p);
  const value = withTape(tape, f);
  if (!isTensor(value) || value.size !== 1) {
    throw new ShapeError(
      `valueAndGrads: f() must return a scalar Tensor (one element), got ${isTensor(value) ? `shape ${formatShape(value.shape)}` : String(value)}`,
    );
  }
  const grads = noGrad(() => backpropagate(tape, value));
  return {
    value,
    grads: params.map((p) => grads.get(p.id) ?? zeros(p.shape, p.dtype)),
  };
}

function backpropagate(tape: Tape, value: Tensor): Map<number, Tensor> {
  const grads = new Map<number, Tensor>([[value.id, fill(value.shape, 1, value.dtype)]]);
  for (let i = tape.nodes.length - 1; i >= 0; i--) {
    const node = tape.nodes[i];
    const dy = grads.get(node.output.id);
    if (!dy) continue;
    grads.delete(node.output.id); // read once: free it for the scope as early as possible
    const inputGrads = node.backward(dy, node.inputs.map((input) => tape.isTracked(input)));
    node.inputs.forEach((input, k) => {
      const g = inputGrads[k];
      if (!g || !tape.isTracked(input)) return;
      const previous = grads.get(input.id);
      // A fresh sum: never written into a tensor someone else holds.
      grads.set(input.id, previous ? add(previous, g) : g);
    });
  }
  return grads;
}
