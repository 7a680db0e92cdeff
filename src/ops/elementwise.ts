/**
 * Elementwise binary arithmetic with NumPy broadcasting. Each op is one loop plus its gradient rule;
 * comparison ops return 1/0 in the operands' dtype, which is what masks in gradient rules need.
 */

import type { DType } from '../engine/dtype.js';
import { broadcastShapes } from '../engine/shape.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { getBackend } from '../kernels/backend.js';
import type { BinaryOp } from '../kernels/elementwise/index.js';
import { broadcastTo, sumToShape } from './broadcast.js';
import type { TensorOrNumber } from './convert.js';
import { asTensor, binaryDType } from './convert.js';
import { log } from './pointwise.js';
import { cast, stopGradient } from './shape-ops.js';

/** Computes `op` over the broadcast shape of `a` and `b` (of `dtype`) into a new tensor. */
export function binaryOp(op: BinaryOp, a: Tensor, b: Tensor, dtype: DType): Tensor {
  const outShape = broadcastShapes(a.shape, b.shape);
  const out = uninitializedTensor(outShape, dtype);
  getBackend().elementwise.binary(op, { aShape: a.shape, bShape: b.shape, outShape }, a.storageHandle, b.storageHandle, out.storageHandle);
  return out;
}

function operands(a: TensorOrNumber, b: TensorOrNumber): [Tensor, Tensor, DType] {
  const dtype = binaryDType(a, b);
  return [cast(asTensor(a, dtype, 'a'), dtype), cast(asTensor(b, dtype, 'b'), dtype), dtype];
}

/** a + b with broadcasting. @example `add(x, 1)` */
export function add(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  const [x, y, dtype] = operands(a, b);
  const out = binaryOp('add', x, y, dtype);
  recordOp([x, y], out, (dy) => [sumToShape(dy, x.shape), sumToShape(dy, y.shape)]);
  return out;
}

/** a - b with broadcasting. @example `sub(x, y)` */
export function sub(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  const [x, y, dtype] = operands(a, b);
  const out = binaryOp('sub', x, y, dtype);
  recordOp([x, y], out, (dy) => [sumToShape(dy, x.shape), sumToShape(neg(dy), y.shape)]);
  return out;
}

/** a * b with broadcasting. @example `mul(x, 2)` */
export function mul(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  const [x, y, dtype] = operands(a, b);
  const out = binaryOp('mul', x, y, dtype);
  recordOp([x, y], out, (dy) => [sumToShape(mul(dy, y), x.shape), sumToShape(mul(dy, x), y.shape)]);
  return out;
}

/** a / b with broadcasting. @example `div(x, 4)` */
export function div(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  const [x, y, dtype] = operands(a, b);
  const out = binaryOp('div', x, y, dtype);
  recordOp([x, y], out, (dy) => [
    sumToShape(div(dy, y), x.shape),
    sumToShape(neg(div(mul(dy, out), y)), y.shape),
  ]);
  return out;
}

/** a ** b with broadcasting. @example `pow(x, 2)` */
export function pow(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  const [x, y, dtype] = operands(a, b);
  const out = binaryOp('pow', x, y, dtype);
  recordOp([x, y], out, (dy) => [
    sumToShape(mul(dy, mul(y, pow(x, sub(y, 1)))), x.shape),
    // d/db a^b = a^b ln a; defined as 0 where a == 0 so that 0^b does not poison the gradient with NaN.
    sumToShape(mul(dy, where(equal(x, 0), 0, mul(out, log(x)))), y.shape),
  ]);
  return out;
}

/** The gradient of a selection: `pickA` marks where `a` was chosen, `pickB` the complement. */
function selectGradient(x: Tensor, y: Tensor, dtype: DType, pickA: BinaryOp, pickB: BinaryOp) {
  return (dy: Tensor) => {
    const maskA = binaryOp(pickA, x, y, dtype);
    const maskB = binaryOp(pickB, x, y, dtype);
    return [sumToShape(mul(dy, maskA), x.shape), sumToShape(mul(dy, maskB), y.shape)];
  };
}

/** Elementwise maximum; on ties the gradient goes to `a`. @example `maximum(x, 0)` */
export function maximum(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  const [x, y, dtype] = operands(a, b);
  const out = binaryOp('maximum', x, y, dtype);
  recordOp([x, y], out, selectGradient(x, y, dtype, 'greaterEqual', 'less'));
  return out;
}

/** Elementwise minimum; on ties the gradient goes to `a`. @example `minimum(x, 6)` */
export function minimum(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  const [x, y, dtype] = operands(a, b);
  const out = binaryOp('minimum', x, y, dtype);
  recordOp([x, y], out, selectGradient(x, y, dtype, 'lessEqual', 'greater'));
  return out;
}

function comparison(op: BinaryOp) {
  return (a: TensorOrNumber, b: TensorOrNumber): Tensor => {
    const [x, y, dtype] = operands(a, b);
    return binaryOp(op, x, y, dtype);
  };
}

/** 1 where a == b, else 0 (no gradient). */
export const equal = comparison('equal');
/** 1 where a != b (NaN included), else 0 (no gradient). */
export const notEqual = comparison('notEqual');
/** 1 where a > b, else 0 (no gradient). */
export const greater = comparison('greater');
/** 1 where a >= b, else 0 (no gradient). */
export const greaterEqual = comparison('greaterEqual');
/** 1 where a < b, else 0 (no gradient). */
export const less = comparison('less');
/** 1 where a <= b, else 0 (no gradient). */
export const lessEqual = comparison('lessEqual');

/** -x. */
export function neg(x: Tensor): Tensor {
  return mul(x, -1);
}

/** Picks `a` where `condition` is non-zero, else `b`; the gradient flows to the picked side only. @example `where(greater(x, 0), x, 0)` */
export function where(condition: Tensor, a: TensorOrNumber, b: TensorOrNumber): Tensor {
  const [x, y, dtype] = operands(a, b);
  const shape = broadcastShapes(condition.shape, broadcastShapes(x.shape, y.shape));
  const m = broadcastTo(stopGradient(condition), shape);
  const xs = broadcastTo(stopGradient(x), shape);
  const ys = broadcastTo(stopGradient(y), shape);
  const out = uninitializedTensor(shape, dtype);
  getBackend().elementwise.select(m.storageHandle, xs.storageHandle, ys.storageHandle, out.storageHandle);
  recordOp([x, y], out, (dy) => {
    const mask = cast(notEqual(m, 0), dtype);
    return [sumToShape(mul(dy, mask), x.shape), sumToShape(sub(dy, mul(dy, mask)), y.shape)];
  });
  return out;
}
