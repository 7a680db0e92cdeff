/**
 * Keras 3's elementwise activations as (value, derivative) table entries for `mapPointwise`.
 *
 * Each derivative is the closed form, and at kinks it takes the value JAX's autodiff gives for Keras's own
 * formula (the jax backend is the reference the fixtures come from): e.g. relu'(0) = 0 but leaky_relu'(0) = 1
 * (`where(x >= 0, ...)`), relu6'(6) = 0, hard_tanh'(±1) = 1 (`where(x > 1, ...)`), and sparse_sigmoid'(±1) =
 * 1/4, because `clip` is max-then-min and JAX splits a max/min tie's gradient half and half.
 */

import type { Tensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import type { PointwiseFn } from '../ops/pointwise.js';
import { mapPointwise, POINTWISE, softplusValue } from '../ops/pointwise.js';
import { clippedRelu } from '../ops/clipped-relu.js';
import { erfc } from '../kernels/elementwise/erf.js';

/** Logistic sigmoid without overflow for either sign. */
function sigmoidValue(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function relu6Value(x: number): number {
  return x < 0 ? 0 : x > 6 ? 6 : x;
}

/** relu6(x + 3) / 6: Keras's (and JAX's) hard_sigmoid, so its kinks sit at ±3. */
function hardSigmoidValue(x: number): number {
  return relu6Value(x + 3) / 6;
}

function hardSigmoidSlope(x: number): number {
  // relu6's custom derivative is 0 at both ends of [0, 6], so hard_sigmoid's is 0 at ±3.
  return x > -3 && x < 3 ? 1 / 6 : 0;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
// jax.nn.selu's constants (Klambauer et al. 2017), to the precision JAX writes them.
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * The parameter-free entries. Names are Keras's serialized names.
 *
 * @example
 * ```ts
 * mapPointwise(x, ACTIVATION_POINTWISE.hard_silu);
 * ```
 */
export const ACTIVATION_POINTWISE = {
  relu: POINTWISE.relu,
  relu6: { name: 'relu6', f: relu6Value, df: (x) => (x > 0 && x < 6 ? 1 : 0) },
  sigmoid: POINTWISE.sigmoid,
  tanh: POINTWISE.tanh,
  exponential: { name: 'exponential', f: Math.exp, df: (_x, y) => y },
  softplus: POINTWISE.softplus,
  softsign: POINTWISE.softsign,
  selu: {
    name: 'selu',
    f: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
    df: (x) => SELU_SCALE * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x)),
  },
  silu: {
    name: 'silu',
    f: (x) => x * sigmoidValue(x),
    df: (x) => {
      const s = sigmoidValue(x);
      return s + x * s * (1 - s);
    },
  },
  hard_sigmoid: { name: 'hard_sigmoid', f: hardSigmoidValue, df: hardSigmoidSlope },
  hard_silu: {
    name: 'hard_silu',
    f: (x) => x * hardSigmoidValue(x),
    df: (x) => hardSigmoidValue(x) + x * hardSigmoidSlope(x),
  },
  hard_tanh: {
    name: 'hard_tanh',
    f: (x) => (x > 1 ? 1 : x < -1 ? -1 : x),
    df: (x) => (x > 1 || x < -1 ? 0 : 1),
  },
  log_sigmoid: {
    name: 'log_sigmoid',
    // -softplus(-x): log(sigmoid(x)) would round to log(0) = -Infinity for x below about -745.
    f: (x) => -softplusValue(-x),
    df: (x) => sigmoidValue(-x),
  },
  mish: {
    name: 'mish',
    f: (x) => x * Math.tanh(softplusValue(x)),
    df: (x) => {
      const t = Math.tanh(softplusValue(x));
      return t + x * (1 - t * t) * sigmoidValue(x);
    },
  },
  tanh_shrink: {
    name: 'tanh_shrink',
    f: (x) => x - Math.tanh(x),
    df: (x) => {
      const t = Math.tanh(x);
      return t * t;
    },
  },
  sparse_plus: {
    name: 'sparse_plus',
    f: (x) => (x <= -1 ? 0 : x >= 1 ? x : 0.25 * (x + 1) * (x + 1)),
    df: (x) => (x <= -1 ? 0 : x >= 1 ? 1 : 0.5 * (x + 1)),
  },
  sparse_sigmoid: {
    name: 'sparse_sigmoid',
    f: (x) => (x <= -1 ? 0 : x >= 1 ? 1 : 0.5 * (x + 1)),
    // 0.5 * clip(x + 1, 0, 2): at x = ±1 clip's max/min ties, and JAX gives each side of a tie half.
    df: (x) => (x < -1 || x > 1 ? 0 : x === -1 || x === 1 ? 0.25 : 0.5),
  },
} satisfies Record<string, PointwiseFn>;

/**
 * Keras's leaky_relu: `x` where x >= 0, else `negativeSlope * x` (slope 1 at 0, as `where(x >= 0)` gives).
 *
 * @example
 * ```ts
 * mapPointwise(x, leakyReluFn(0.1));
 * ```
 */
export function leakyReluFn(negativeSlope = 0.2): PointwiseFn {
  assertFinite('negative_slope', negativeSlope);
  return {
    name: 'leaky_relu',
    f: (x) => (x >= 0 ? x : negativeSlope * x),
    df: (x) => (x >= 0 ? 1 : negativeSlope),
  };
}

/** ELU: `x` for x > 0, else `alpha * (e^x - 1)`; slope `alpha` at 0, from the negative branch. */
export function eluFn(alpha = 1): PointwiseFn {
  assertFinite('alpha', alpha);
  return {
    name: 'elu',
    f: (x) => (x > 0 ? x : alpha * Math.expm1(x)),
    df: (x) => (x > 0 ? 1 : alpha * Math.exp(x)),
  };
}

/** CELU: `max(x, 0) + alpha * (e^(min(x, 0) / alpha) - 1)`. Its slope at 0 is 1 for every alpha. */
export function celuFn(alpha = 1): PointwiseFn {
  if (!Number.isFinite(alpha) || alpha === 0) throw new InvalidArgumentError('alpha', alpha, 'a finite non-zero number');
  return {
    name: 'celu',
    f: (x) => (x > 0 ? x : alpha * Math.expm1(x / alpha)),
    df: (x) => (x > 0 ? 1 : Math.exp(x / alpha)),
  };
}

/**
 * GELU. Exact (Keras's default): `x · Φ(x)`, written as `x/2 · erfc(-x/√2)` so it stays accurate in the far
 * negative tail where `1 + erf` cancels. Approximate: the tanh form.
 */
export function geluFn(approximate = false): PointwiseFn {
  if (approximate) return POINTWISE.geluTanh;
  return {
    name: 'gelu',
    f: (x) => 0.5 * x * erfc(-x / Math.SQRT2),
    df: (x) => 0.5 * erfc(-x / Math.SQRT2) + x * Math.exp(-0.5 * x * x) * INV_SQRT_2PI,
  };
}

/** hard_shrink: `x` where |x| > threshold, else 0 (slope 0 at ±threshold). */
export function hardShrinkFn(threshold = 0.5): PointwiseFn {
  assertFinite('threshold', threshold);
  return {
    name: 'hard_shrink',
    f: (x) => (Math.abs(x) > threshold ? x : 0),
    df: (x) => (Math.abs(x) > threshold ? 1 : 0),
  };
}

/** soft_shrink: moves x toward 0 by `threshold`, 0 inside [-threshold, threshold] (slope 0 at the ends). */
export function softShrinkFn(threshold = 0.5): PointwiseFn {
  assertFinite('threshold', threshold);
  return {
    name: 'soft_shrink',
    f: (x) => (x > threshold ? x - threshold : x < -threshold ? x + threshold : 0),
    df: (x) => (x > threshold || x < -threshold ? 1 : 0),
  };
}

/** squareplus: `(x + sqrt(x² + b)) / 2`, a smooth relu. */
export function squareplusFn(b = 4): PointwiseFn {
  if (!Number.isFinite(b) || b < 0) throw new InvalidArgumentError('b', b, 'a finite number >= 0');
  return {
    name: 'squareplus',
    f: (x) => 0.5 * (x + Math.sqrt(x * x + b)),
    df: (x) => 0.5 * (1 + x / Math.sqrt(x * x + b)),
  };
}

/** threshold: `x` where x > threshold, else `defaultValue` (slope 0 at the threshold). */
export function thresholdFn(threshold: number, defaultValue: number): PointwiseFn {
  assertFinite('threshold', threshold);
  if (typeof defaultValue !== 'number' || Number.isNaN(defaultValue)) {
    throw new InvalidArgumentError('default_value', defaultValue, 'a number');
  }
  return {
    name: 'threshold',
    f: (x) => (x > threshold ? x : defaultValue),
    df: (x) => (x > threshold ? 1 : 0),
  };
}

function assertFinite(argument: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidArgumentError(argument, value, 'a finite number');
  }
}

/** Keras's `linear`: the input itself, unchanged (any dtype). */
export const linear = (x: Tensor): Tensor => x;
/** max(x, 0); slope 0 at 0. */
export const relu = (x: Tensor): Tensor => clippedRelu(x, null);
/** min(max(x, 0), 6). */
export const relu6 = (x: Tensor): Tensor => clippedRelu(x, 6);
/** Logistic sigmoid. */
export const sigmoid = (x: Tensor): Tensor => mapPointwise(x, ACTIVATION_POINTWISE.sigmoid);
/** Hyperbolic tangent. */
export const tanh = (x: Tensor): Tensor => mapPointwise(x, ACTIVATION_POINTWISE.tanh);
/** e^x. */
export const exponential = (x: Tensor): Tensor => mapPointwise(x, ACTIVATION_POINTWISE.exponential);
/** log(1 + e^x), computed without overflow. */
export const softplus = (x: Tensor): Tensor => mapPointwise(x, ACTIVATION_POINTWISE.softplus);
/** x / (1 + |x|). */
export const softsign = (x: Tensor): Tensor => mapPointwise(x, ACTIVATION_POINTWISE.softsign);
/** Scaled ELU with Keras's fixed alpha and scale. */
export const selu = (x: Tensor): Tensor => mapPointwise(x, ACTIVATION_POINTWISE.selu);
/** x · sigmoid(x), also called swish. */
export const silu = (x: Tensor): Tensor => mapPointwise(x, ACTIVATION_POINTWISE.silu);
/** relu6(x + 3) / 6. */
export const hardSigmoid = (x: Tensor): Tensor => mapPointwise(x, ACTIVATION_POINTWISE.hard_sigmoid);
/** x · hard_sigmoid(x), also called hard_swish. */
export const hardSilu = (x: Tensor): Tensor => mapPointwise(x, ACTIVATION_POINTWISE.hard_silu);
/** clip(x, -1, 1). */
export const hardTanh = (x: Tensor): Tensor => mapPointwise(x, ACTIVATION_POINTWISE.hard_tanh);
/** log(sigmoid(x)), computed stably. */
export const logSigmoid = (x: Tensor): Tensor => mapPointwise(x, ACTIVATION_POINTWISE.log_sigmoid);
/** x · tanh(softplus(x)). */
export const mish = (x: Tensor): Tensor => mapPointwise(x, ACTIVATION_POINTWISE.mish);
/** x - tanh(x). */
export const tanhShrink = (x: Tensor): Tensor => mapPointwise(x, ACTIVATION_POINTWISE.tanh_shrink);
/** 0 below -1, (x + 1)² / 4 on [-1, 1], x above 1. */
export const sparsePlus = (x: Tensor): Tensor => mapPointwise(x, ACTIVATION_POINTWISE.sparse_plus);
/** (clip(x, -1, 1) + 1) / 2. */
export const sparseSigmoid = (x: Tensor): Tensor => mapPointwise(x, ACTIVATION_POINTWISE.sparse_sigmoid);

/** Leaky relu with Keras's default slope 0.2. */
export const leakyRelu = (x: Tensor, negativeSlope = 0.2): Tensor => mapPointwise(x, leakyReluFn(negativeSlope));
/** ELU with `alpha` (default 1). */
export const elu = (x: Tensor, alpha = 1): Tensor => mapPointwise(x, eluFn(alpha));
/** CELU with `alpha` (default 1). */
export const celu = (x: Tensor, alpha = 1): Tensor => mapPointwise(x, celuFn(alpha));
/** GELU, exact by default as in `keras.activations.gelu`. */
export const gelu = (x: Tensor, approximate = false): Tensor => mapPointwise(x, geluFn(approximate));
/** Zeroes |x| <= threshold (default 0.5). */
export const hardShrink = (x: Tensor, threshold = 0.5): Tensor => mapPointwise(x, hardShrinkFn(threshold));
/** Shrinks x toward 0 by threshold (default 0.5). */
export const softShrink = (x: Tensor, threshold = 0.5): Tensor => mapPointwise(x, softShrinkFn(threshold));
/** (x + sqrt(x² + b)) / 2 with b defaulting to 4. */
export const squareplus = (x: Tensor, b = 4): Tensor => mapPointwise(x, squareplusFn(b));

/**
 * Keeps x where x > threshold, else writes `defaultValue`. Both arguments are required, as in Keras.
 *
 * @example
 * ```ts
 * threshold(tensor([0.5, 2]), 1, -1).dataSync(); // Float32Array [-1, 2]
 * ```
 */
export function threshold(x: Tensor, threshold: number, defaultValue: number): Tensor {
  return mapPointwise(x, thresholdFn(threshold, defaultValue));
}
