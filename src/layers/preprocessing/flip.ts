/** Reversing one axis of a tensor, composed from slices (its gradient is the same reversal). */
import type { Tensor } from '../../engine/tensor.js';
import { concat } from '../../ops/concat.js';
import { slice } from '../../ops/slice.js';

/** `x` with `axis` reversed. */
export function flipAxis(x: Tensor, axis: number): Tensor {
  const n = x.shape[axis];
  if (n <= 1) return x;
  const parts: Tensor[] = [];
  for (let i = n - 1; i >= 0; i--) parts.push(slice(x, x.shape.map((_, d) => (d === axis ? i : 0)), x.shape.map((s, d) => (d === axis ? 1 : s))));
  return concat(parts, axis);
}
