/** The orthogonal-matrix initializer and the small QR factorisation it needs. */

import type { FloatDType } from '../engine/dtype.js';
import { allocArray } from '../engine/dtype.js';
import { sampleNormal } from '../engine/random.js';
import { formatShape } from '../engine/shape.js';
import type { Tensor } from '../engine/tensor.js';
import { tensorFromArray } from '../engine/tensor.js';
import { ShapeError } from '../errors.js';
import type { Config } from '../serialization/keras-object.js';
import { checkCallArgs } from './initializer.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';
import { finiteNumber, optionsFromConfig, snakeKeys } from './options.js';
import type { SeedOptions } from './random.js';
import { RandomInitializer } from './random.js';

/**
 * Reduced QR of a row-major `rows × cols` matrix (rows ≥ cols) by Householder reflections, in float64.
 * Returns Q (`rows × cols`, row-major, orthonormal columns) and the diagonal of R. Householder rather than
 * Gram–Schmidt because it keeps Q orthogonal to rounding error even for ill-conditioned inputs.
 *
 * @example
 * ```ts
 * const { q, rDiag } = householderQr(new Float64Array([3, 4]), 2, 1); // q = [-0.6, -0.8], rDiag = [-5]
 * ```
 */
export function householderQr(a: Float64Array, rows: number, cols: number): { q: Float64Array; rDiag: Float64Array } {
  if (rows < cols) throw new ShapeError(`householderQr needs rows >= cols, got ${rows} x ${cols}`);
  const r = Float64Array.from(a);
  const rDiag = new Float64Array(cols);
  const reflectors: Float64Array[] = [];
  for (let j = 0; j < cols; j++) {
    let norm = 0;
    for (let i = j; i < rows; i++) norm += r[i * cols + j] * r[i * cols + j];
    norm = Math.sqrt(norm);
    const x0 = r[j * cols + j];
    // alpha takes the sign opposite to x0 so that v = x - alpha·e1 does not cancel.
    const alpha = x0 >= 0 ? -norm : norm;
    const v = new Float64Array(rows - j);
    for (let i = j; i < rows; i++) v[i - j] = r[i * cols + j];
    v[0] -= alpha;
    let vNorm2 = 0;
    for (let i = 0; i < v.length; i++) vNorm2 += v[i] * v[i];
    reflectors.push(v);
    if (vNorm2 === 0) {
      // The column is already zero below the diagonal (and x0 = alpha): nothing to reflect.
      rDiag[j] = x0;
      continue;
    }
    const factor = 2 / vNorm2;
    for (let k = j; k < cols; k++) {
      let dot = 0;
      for (let i = j; i < rows; i++) dot += v[i - j] * r[i * cols + k];
      dot *= factor;
      for (let i = j; i < rows; i++) r[i * cols + k] -= dot * v[i - j];
    }
    rDiag[j] = r[j * cols + j];
  }
  // Q = H_0 H_1 ... H_{cols-1} applied to the first `cols` columns of the identity.
  const q = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) q[j * cols + j] = 1;
  for (let j = cols - 1; j >= 0; j--) {
    const v = reflectors[j];
    let vNorm2 = 0;
    for (let i = 0; i < v.length; i++) vNorm2 += v[i] * v[i];
    if (vNorm2 === 0) continue;
    const factor = 2 / vNorm2;
    for (let k = 0; k < cols; k++) {
      let dot = 0;
      for (let i = j; i < rows; i++) dot += v[i - j] * q[i * cols + k];
      dot *= factor;
      for (let i = j; i < rows; i++) q[i * cols + k] -= dot * v[i - j];
    }
  }
  return { q, rDiag };
}

export interface OrthogonalOptions extends SeedOptions {
  /** Multiplies the orthogonal matrix (default 1). */
  gain?: number;
}

const ORTHOGONAL_KEYS = optionKeys<OrthogonalOptions>()(['gain', 'seed']);

/**
 * An orthogonal matrix times `gain` (Keras `Orthogonal`; names `'orthogonal'`, `'OrthogonalInitializer'`).
 *
 * As Keras: the shape (rank ≥ 2) is viewed as a `prod(shape[:-1]) × shape[-1]` matrix; a normal matrix of
 * shape `(max(rows, cols), min(rows, cols))` is QR-factorised, Q's columns are multiplied by sign(diag(R))
 * (making the result uniformly distributed), Q is transposed if rows < cols, and reshaped to `shape`. So the
 * columns are orthonormal when rows ≥ cols and the rows otherwise: WᵀW = gain²·I or WWᵀ = gain²·I.
 *
 * @example
 * ```ts
 * new Orthogonal({ gain: 2, seed: 1 }).call([4, 3]); // Wᵀ W = 4 I
 * ```
 */
export class Orthogonal extends RandomInitializer {
  readonly className: string = 'Orthogonal';
  readonly gain: number;

  constructor(options: OrthogonalOptions = {}) {
    checkOptions(options, ORTHOGONAL_KEYS, 'Orthogonal');
    const gain = finiteNumber(options.gain, 'gain', 'Orthogonal', 1);
    super(options.seed, 'Orthogonal');
    this.gain = gain;
  }

  call(shape: readonly number[], dtype?: FloatDType): Tensor {
    const resolved = checkCallArgs(shape, dtype) as FloatDType;
    if (shape.length < 2) {
      throw new ShapeError(
        `Orthogonal: the tensor to initialize must be at least two-dimensional; received shape ${formatShape(shape)} of rank ${shape.length}`,
      );
    }
    let rows = 1;
    for (let i = 0; i < shape.length - 1; i++) rows *= shape[i];
    const cols = shape[shape.length - 1];
    const tall = Math.max(rows, cols);
    const narrow = Math.min(rows, cols);
    // Sampled in float64 whatever the output dtype, so the QR (and hence orthogonality) is float64-accurate.
    const a = sampleNormal([tall, narrow], { dtype: 'float64', seed: this.seed }).dataSync() as Float64Array;
    const { q, rDiag } = householderQr(a, tall, narrow);
    // Filled on the host, then handed to the backend: a device backend's `dataSync()` is a copy.
    const data = allocArray(resolved, rows * cols);
    for (let i = 0; i < tall; i++) {
      for (let j = 0; j < narrow; j++) {
        const value = this.gain * q[i * narrow + j] * Math.sign(rDiag[j]);
        // q is tall × narrow; when rows < cols the output is its transpose (rows × cols = narrow × tall).
        if (rows >= cols) data[i * cols + j] = value;
        else data[j * cols + i] = value;
      }
    }
    return tensorFromArray(data, shape, resolved);
  }

  override getConfig(): Config {
    return { ...super.getConfig(), gain: this.gain };
  }

  static fromConfig(config: Config): Orthogonal {
    return new Orthogonal(optionsFromConfig(config, snakeKeys(ORTHOGONAL_KEYS), 'Orthogonal') as OrthogonalOptions);
  }
}
