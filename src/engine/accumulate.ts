/** Gradient accumulation for autograd: a fresh sum, never written into a tensor someone else holds. */

import { allocArray } from './dtype.js';
import { tensorFromArray } from './tensor.js';
import type { Tensor } from './tensor.js';

export function accumulate(a: Tensor, b: Tensor): Tensor {
  const x = a.dataSync();
  const y = b.dataSync();
  const out = allocArray(a.dtype, x.length);
  for (let i = 0; i < out.length; i++) out[i] = x[i] + y[i];
  return tensorFromArray(out, a.shape, a.dtype);
}
