/** Shape arithmetic: sizes, row-major strides, broadcasting and axis normalisation. */

import { InvalidArgumentError, ShapeError } from '../errors.js';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function formatShape(shape: readonly (number | null)[]): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** NumPy broadcasting of two shapes. */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Resolves negative axes and checks range; returns sorted unique axes. `undefined` means all axes. */
export function normalizeAxes(axis: number | readonly number[] | undefined | null, rank: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const resolved = list.map((a) => {
    if (!Number.isInteger(a) || a < -rank || a >= rank) {
      const allowed = rank === 0 ? 'no axis (the tensor is a scalar, of rank 0)' : `integers in [${-rank}, ${rank - 1}]`;
      throw new InvalidArgumentError('axis', axis, allowed);
    }
    return a < 0 ? a + rank : a;
  });
  return [...new Set(resolved)].sort((x, y) => x - y);
}

export function assertValidShape(shape: unknown, argument = 'shape'): asserts shape is number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new InvalidArgumentError(argument, shape, 'an array of non-negative integers');
  }
  // A size beyond 2^53 cannot even be counted exactly; the allocator refuses sizes beyond memory.
  if (!Number.isSafeInteger(sizeOf(shape))) {
    throw new InvalidArgumentError(argument, shape, `a shape of at most ${Number.MAX_SAFE_INTEGER} elements`);
  }
}
