/** Typed-array helpers the kernel tests share: NaN-filled outputs, random inputs, dot products, tolerances. */
import type { FloatArray } from '../../src/engine/dtype.js';
import type { Tolerance } from './close.js';
import { randomArray } from './close.js';

export type Dtype = 'float32' | 'float64';

/** NaN-filled, so any element a kernel forgets to write shows up as a mismatch. */
export function alloc(dtype: Dtype, n: number): FloatArray {
  return (dtype === 'float32' ? new Float32Array(n) : new Float64Array(n)).fill(Number.NaN);
}

export function random(dtype: Dtype, n: number, rng: () => number): FloatArray {
  const values = randomArray(n, rng);
  return dtype === 'float32' ? Float32Array.from(values) : values;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Σ|aᵢbᵢ|: the scale rounding errors of `dot(a, b)` are relative to. */
export function sumAbsProducts(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] * b[i]);
  return s;
}

/** float32 kernels accumulate in float32, so the absolute tolerance grows with the sum length. */
export function tolerance(dtype: Dtype, terms: number): Tolerance {
  return dtype === 'float64' ? { rtol: 1e-12, atol: 1e-12 * terms } : { rtol: 1e-5, atol: 2e-7 * Math.max(4, terms) };
}
