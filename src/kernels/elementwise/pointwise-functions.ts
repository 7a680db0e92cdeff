/**
 * Unary elementwise functions as a table of (value, derivative) pairs, named. One generic op applies any
 * entry and records `dy * f'(x)`, so a new function (an activation, say) needs no gradient code of its
 * own. The name and `params` identify the function to a backend that computes it some other way (a GPU
 * shader); `f` and `df` are the definition the CPU kernels run.
 */

import { erf } from './erf.js';

export interface PointwiseFn {
  readonly name: string;
  /** The constants a parameterised function was built with (leaky_relu's slope, clip's bounds). */
  readonly params?: readonly number[];
  /** The function's value at x. */
  readonly f: (x: number) => number;
  /** Its derivative at x, given also y = f(x) (cheaper for sigmoid, tanh, exp...). */
  readonly df: (x: number, y: number) => number;
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

function stableSigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^x) without overflow. */
export function softplusValue(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** The basic table. Parameterised functions (leaky_relu's slope, elu's alpha) are built by factories. */
export const POINTWISE = {
  exp: { name: 'exp', f: Math.exp, df: (_x, y) => y },
  log: { name: 'log', f: Math.log, df: (x) => 1 / x },
  log1p: { name: 'log1p', f: Math.log1p, df: (x) => 1 / (1 + x) },
  sqrt: { name: 'sqrt', f: Math.sqrt, df: (_x, y) => 0.5 / y },
  square: { name: 'square', f: (x) => x * x, df: (x) => 2 * x },
  abs: { name: 'abs', f: Math.abs, df: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0) },
  sign: { name: 'sign', f: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), df: () => 0 },
  tanh: { name: 'tanh', f: Math.tanh, df: (_x, y) => 1 - y * y },
  sigmoid: { name: 'sigmoid', f: stableSigmoid, df: (_x, y) => y * (1 - y) },
  // NaN passes through, as Keras's maximum(x, 0) gives it.
  relu: { name: 'relu', f: (x) => (x < 0 ? 0 : x), df: (x) => (x > 0 ? 1 : 0) },
  softplus: { name: 'softplus', f: softplusValue, df: (x) => stableSigmoid(x) },
  softsign: { name: 'softsign', f: (x) => x / (1 + Math.abs(x)), df: (x) => 1 / (1 + Math.abs(x)) ** 2 },
  erf: { name: 'erf', f: erf, df: (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) },
  geluTanh: {
    name: 'gelu',
    f: (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x ** 3))),
    df: (x) => {
      const inner = SQRT_2_OVER_PI * (x + 0.044715 * x ** 3);
      const t = Math.tanh(inner);
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
    },
  },
} satisfies Record<string, PointwiseFn>;

/** Clamps to [lo, hi]; the derivative is 1 strictly inside and at the bounds, 0 outside. */
export function clipFunction(lo: number, hi: number): PointwiseFn {
  return {
    name: 'clip',
    params: [lo, hi],
    f: (v) => (v < lo ? lo : v > hi ? hi : v),
    df: (v) => (v < lo || v > hi ? 0 : 1),
  };
}
