/** The one check kernels make: each buffer has the length the resolved params imply. */
import { ShapeError } from '../errors.js';
import type { FloatArray } from '../engine/dtype.js';

/**
 * O(1) guard: a wrong-length buffer would otherwise silently read `undefined` (NaN) or leave garbage.
 * @param kernel the kernel's name for the message, e.g. 'conv2d'.
 */
export function checkLength(kernel: string, argument: string, array: FloatArray, expected: number): void {
  if (array.length !== expected) {
    throw new ShapeError(`${kernel} kernel: \`${argument}\` has ${array.length} elements; expected ${expected} for these params.`);
  }
}
