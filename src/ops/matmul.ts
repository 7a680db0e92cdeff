/** The matrix product op: validates and resolves geometry once, runs the kernel, records the gradient. */

import { isFloatDType, resultDType } from '../engine/dtype.js';
import { formatShape } from '../engine/shape.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor, isTensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import { getBackend } from '../kernels/backend.js';
import { resolveMatmulParams } from '../kernels/matmul/params.js';
import { sumToShape } from './broadcast.js';
import { cast } from './shape-ops.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';
import { checkBoolean } from '../utils/arguments.js';

export interface MatmulOptions {
  /** Use `a` transposed (its last two axes swapped). Default false. */
  transposeA?: boolean;
  /** Use `b` transposed (its last two axes swapped). Default false. */
  transposeB?: boolean;
}

const MATMUL_KEYS = optionKeys<MatmulOptions>()(['transposeA', 'transposeB']);

const CONTEXT = 'matmul';


/**
 * Matrix product `op(a) @ op(b)` of tensors of rank ≥ 2, where `op` optionally transposes the last two
 * axes. Leading (batch) axes broadcast as in NumPy's `matmul`, so `[B, T, K] @ [K, N]` gives `[B, T, N]`.
 * Computed in the wider float dtype of the two; differentiable in both operands.
 *
 * @example
 * ```ts
 * const y = ops.matmul(x, kernel);                        // [batch, in] @ [in, units]
 * const g = ops.matmul(x, x, { transposeA: true });       // Gram matrix xᵀx
 * ```
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  if (!isTensor(a)) throw new InvalidArgumentError('a', a, 'a Tensor', CONTEXT);
  if (!isTensor(b)) throw new InvalidArgumentError('b', b, 'a Tensor', CONTEXT);
  checkOptions(options, MATMUL_KEYS, CONTEXT);
  const transposeA = checkBoolean(options.transposeA ?? undefined, 'transposeA', CONTEXT, false);
  const transposeB = checkBoolean(options.transposeB ?? undefined, 'transposeB', CONTEXT, false);
  const dtype = resultDType(a.dtype, b.dtype);
  if (!isFloatDType(dtype)) throw new InvalidArgumentError('a', a.dtype, 'float32 or float64 tensors', CONTEXT);
  if (a.rank < 2) throw new InvalidArgumentError('a', formatShape(a.shape), 'a tensor of rank 2 or more', CONTEXT);
  if (b.rank < 2) throw new InvalidArgumentError('b', formatShape(b.shape), 'a tensor of rank 2 or more', CONTEXT);
  const p = resolveMatmulParams(a.shape, b.shape, { transposeA, transposeB }, CONTEXT);
  const x = cast(a, dtype);
  const y = cast(b, dtype);
  const out = uninitializedTensor([...p.batchShape, p.m, p.n], dtype);
  getBackend().matmul.forward(p, x.storageHandle, y.storageHandle, out.storageHandle);
  recordOp([x, y], out, (dy) => {
    // C = op(A) op(B). Each gradient is itself a product, arranged so no explicit transpose is needed;
    // broadcast batch axes are then summed back to the operand's shape.
    const g = cast(dy, dtype);
    let da: Tensor;
    let db: Tensor;
    if (!transposeA && !transposeB) {
      da = matmul(g, y, { transposeB: true }); // dC Bᵀ
      db = matmul(x, g, { transposeA: true }); // Aᵀ dC
    } else if (transposeA && !transposeB) {
      da = matmul(y, g, { transposeB: true }); // (Aᵀ B)': dA = B dCᵀ
      db = matmul(x, g); // A dC
    } else if (!transposeA && transposeB) {
      da = matmul(g, y); // dC B
      db = matmul(g, x, { transposeA: true }); // dCᵀ A
    } else {
      da = matmul(y, g, { transposeA: true, transposeB: true }); // Bᵀ dCᵀ
      db = matmul(g, x, { transposeA: true, transposeB: true }); // dCᵀ Aᵀ
    }
    return [sumToShape(da, x.shape), sumToShape(db, y.shape)];
  });
  return out;
}
