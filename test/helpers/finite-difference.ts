/** Finite-difference gradient checks for autograd tests. */
import { valueAndGrads } from '../../src/ops/autograd.js';
import type { Tensor } from '../../src/engine/tensor.js';
import type { Tolerance } from './close.js';
import { assertAllClose, mulberry32 } from './close.js';

/**
 * Central-difference gradient of the scalar `f` with respect to every element of `x`, a float64 tensor.
 * Perturbs `x`'s storage in place through `dataSync()` and restores each element afterwards, so `f` must
 * read `x` afresh on every call (build its graph inside `f`). Only the listed `indices` are computed when
 * given (the others stay 0).
 */
export function numericGradient(f: () => number, x: Tensor, eps = 1e-6, indices?: readonly number[]): Float64Array {
  if (x.dtype !== 'float64') throw new Error(`numericGradient needs a float64 tensor, got ${x.dtype}`);
  const data = x.dataSync();
  const out = new Float64Array(x.size);
  const which = indices ?? Array.from({ length: x.size }, (_, i) => i);
  for (const i of which) {
    const original = data[i];
    try {
      data[i] = original + eps;
      const plus = f();
      data[i] = original - eps;
      const minus = f();
      out[i] = (plus - minus) / (2 * eps);
    } finally {
      data[i] = original;
    }
  }
  return out;
}

export interface GradientCheckOptions extends Tolerance {
  /** Finite-difference step; default 1e-6. */
  eps?: number;
  /** Tensors larger than this are checked on a seeded random sample of this many elements; default 64. */
  maxElements?: number;
  /** Prefix for failure messages. */
  message?: string;
}

/**
 * Asserts that `valueAndGrads(f, params)` matches central differences of `f` for every element of every
 * param (or a sampled subset for big params). Params must be float64. `f` must return a scalar tensor.
 */
export function checkGradients(f: () => Tensor, params: readonly Tensor[], options: GradientCheckOptions): void {
  const { rtol, atol, eps = 1e-6, maxElements = 64, message } = options;
  const { grads } = valueAndGrads(f, params);
  const scalarF = () => f().item();
  const rng = mulberry32(1234);
  params.forEach((p, k) => {
    const analytic = grads[k];
    if (analytic.dtype !== p.dtype) throw new Error(`gradient ${k} has dtype ${analytic.dtype}, param has ${p.dtype}`);
    if (analytic.shape.join() !== p.shape.join()) {
      throw new Error(`gradient ${k} has shape [${analytic.shape.join()}], param has [${p.shape.join()}]`);
    }
    let indices: number[] | undefined;
    if (p.size > maxElements) {
      const chosen = new Set<number>();
      while (chosen.size < maxElements) chosen.add(Math.floor(rng() * p.size));
      indices = [...chosen].sort((a, b) => a - b);
    }
    const numeric = numericGradient(scalarF, p, eps, indices);
    const all = analytic.dataSync();
    const pick = indices ?? Array.from({ length: p.size }, (_, i) => i);
    assertAllClose(
      pick.map((i) => all[i]),
      pick.map((i) => numeric[i]),
      { rtol, atol },
      `${message ? `${message}: ` : ''}gradient of param ${k} (shape [${p.shape.join(', ')}])`,
    );
  });
}
