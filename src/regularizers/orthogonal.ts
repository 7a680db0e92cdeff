/** `keras.regularizers.OrthogonalRegularizer`: a penalty on the overlap between rows (or columns). */

import { sizeOf, formatShape } from '../engine/shape.js';
import type { Tensor } from '../engine/tensor.js';
import { tensorFromArray } from '../engine/tensor.js';
import { allocArray } from '../engine/dtype.js';
import { ShapeError, InvalidArgumentError } from '../errors.js';
import { abs, div, minimum, mul, reshape, sqrt, square, sum, transpose } from '../ops/index.js';
import { assertTensor } from '../ops/convert.js';
import { EPSILON } from '../config/epsilon.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';
import { Regularizer, validateFactor } from './regularizer.js';

export type OrthogonalMode = 'rows' | 'columns';

export interface OrthogonalRegularizerOptions {
  /** The penalty factor; 0.01 when omitted. */
  factor?: number;
  /** Whether rows or columns of the rank-2 input should be orthogonal; 'rows' when omitted. */
  mode?: OrthogonalMode;
}

const ORTHOGONAL_KEYS = optionKeys<OrthogonalRegularizerOptions>()(['factor', 'mode']);

export type OrthogonalRegularizerConfig = { factor: number; mode: OrthogonalMode };

/**
 * `factor * 0.5 * sum(|P - diag(P)|) / (n (n - 1) / 2)` where P holds the dot products of the L2-normalized
 * rows (or columns) of a rank-2 input, as `keras.regularizers.OrthogonalRegularizer`.
 *
 * @example
 * ```ts
 * new OrthogonalRegularizer({ factor: 0.1 }).call(tensor([[1, 0], [1, 1]])).item(); // 0.1 * 0.5 * 2 * 0.7071 / 1
 * ```
 */
export class OrthogonalRegularizer extends Regularizer {
  override readonly className = 'OrthogonalRegularizer';
  readonly factor: number;
  readonly mode: OrthogonalMode;

  constructor(options: OrthogonalRegularizerOptions = {}) {
    checkOptions(options, ORTHOGONAL_KEYS, 'OrthogonalRegularizer');
    super();
    this.factor = validateFactor(options.factor ?? 0.01, 'factor', 'OrthogonalRegularizer');
    const mode: unknown = options.mode ?? 'rows';
    if (mode !== 'rows' && mode !== 'columns') {
      throw new InvalidArgumentError('mode', mode, "'rows' or 'columns'", 'OrthogonalRegularizer');
    }
    this.mode = mode;
  }

  override call(x: Tensor): Tensor {
    assertTensor(x, 'x');
    if (x.rank !== 2) {
      throw new ShapeError(`OrthogonalRegularizer needs a rank-2 input, got shape ${formatShape(x.shape)}`);
    }
    // Columns mode is rows mode on the transpose: normalize along axis 0, then P = Aᵀ A.
    const rows = this.mode === 'rows' ? x : transpose(x);
    const [n, k] = rows.shape;
    // Keras's ops.normalize: x * min(rsqrt(sum(x²)), 1/epsilon), so an all-zero row stays zero.
    const inverseNorm = minimum(div(1, sqrt(sum(square(rows), { axis: 1, keepDims: true }))), 1 / EPSILON);
    const unit = mul(rows, inverseNorm);
    // P[i, j] = Σ_k u[i, k] u[j, k], by broadcasting since there is no matmul op.
    const product = sum(mul(reshape(unit, [n, 1, k]), reshape(unit, [1, n, k])), { axis: 2 });
    const offDiagonal = allocArray(x.dtype, sizeOf([n, n])).fill(1);
    for (let i = 0; i < n; i++) offDiagonal[i * n + i] = 0;
    const masked = mul(product, tensorFromArray(offDiagonal, [n, n], x.dtype));
    const pairs = (n * (n - 1)) / 2;
    return div(mul(this.factor * 0.5, sum(abs(masked))), pairs);
  }

  override getConfig(): OrthogonalRegularizerConfig {
    return { factor: this.factor, mode: this.mode };
  }
}

/**
 * An orthogonality penalty, as `keras.regularizers.orthogonal_regularizer`.
 *
 * @example
 * ```ts
 * const reg = orthogonalRegularizer({ factor: 0.01, mode: 'columns' });
 * ```
 */
export function orthogonalRegularizer(options: OrthogonalRegularizerOptions = {}): OrthogonalRegularizer {
  return new OrthogonalRegularizer(options);
}
