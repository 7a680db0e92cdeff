/**
 * `min(max(x, 0), maxValue)`: ReLU and ReLU6, the activations of every MobileNet block, as one op with
 * straight loops (the generic pointwise op calls a value and a derivative closure per element, which made
 * ReLU6 close to half of a MobileNet training step). Values and derivatives are those of the pointwise
 * table: 0 for x ≤ 0, derivative 1 strictly inside (0, maxValue) and 0 at both ends. NaN gives 0 (the
 * ReLU layer's and the relu activation's rule) or, with `nan: 'propagate'`, NaN and -0 pass through
 * unchanged (Keras's relu6 activation, `minimum(maximum(x, 0), 6)`).
 */

import { isFloatDType } from '../engine/dtype.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import { getBackend } from '../kernels/backend.js';
import type { FloatArray } from '../engine/dtype.js';
import { cast } from './shape-ops.js';

/**
 * ReLU with an optional ceiling (`null`: none; 6: ReLU6), differentiable in `x`.
 *
 * @example
 * ```ts
 * const y = ops.clippedRelu(x, 6); // relu6
 * ```
 */
export function clippedRelu(x: Tensor, maxValue: number | null = null, nan: 'zero' | 'propagate' = 'zero'): Tensor {
  if (!isFloatDType(x.dtype)) throw new InvalidArgumentError('x', x.dtype, 'a float32 or float64 tensor', 'clippedRelu');
  if (maxValue !== null && !(maxValue >= 0)) throw new InvalidArgumentError('maxValue', maxValue, 'null or a number ≥ 0', 'clippedRelu');
  const cap = maxValue ?? Infinity;
  const src = x.dataSync();
  const out = uninitializedTensor(x.shape, x.dtype);
  const dst = out.dataSync();
  getBackend().activation.clippedReluForward(src as FloatArray, dst as FloatArray, cap, nan === 'propagate');
  recordOp([x], out, (dy) => {
    const dx = uninitializedTensor(x.shape, x.dtype);
    getBackend().activation.clippedReluBackward(src as FloatArray, cast(dy, x.dtype).dataSync() as FloatArray, dx.dataSync() as FloatArray, cap);
    return [dx];
  });
  return out;
}
