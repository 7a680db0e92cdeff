/**
 * Geometry of a (batched) matrix product, resolved and validated once so that kernels contain no checks:
 * the matrix sizes, the broadcast batch shape, and for every output matrix the offsets of its operands.
 */

import { broadcastShapes, formatShape, sizeOf, stridesOf } from '../../engine/shape.js';
import { assertInvariant, ShapeError } from '../../errors.js';

export interface MatmulParams {
  /** Rows of op(A) and of the output. */
  readonly m: number;
  /** Columns of op(A) = rows of op(B): the contracted length. */
  readonly k: number;
  /** Columns of op(B) and of the output. */
  readonly n: number;
  /** A is stored [k, m] and used transposed. */
  readonly transposeA: boolean;
  /** B is stored [n, k] and used transposed. */
  readonly transposeB: boolean;
  /** The broadcast leading (batch) dimensions of the output. */
  readonly batchShape: readonly number[];
  /** Element offset of each batch's A matrix (repeats where A is broadcast). */
  readonly aOffsets: Int32Array;
  /** Element offset of each batch's B matrix. */
  readonly bOffsets: Int32Array;
}

/** Offsets of an operand's matrices for every output batch index, broadcasting size-1 and missing dims. */
function batchOffsets(lead: readonly number[], batchShape: readonly number[], matrixSize: number): Int32Array {
  const count = sizeOf(batchShape);
  const padded = [...new Array<number>(batchShape.length - lead.length).fill(1), ...lead];
  const strides = stridesOf(padded).map((s, d) => (padded[d] === 1 ? 0 : s * matrixSize));
  const offsets = new Int32Array(count);
  const index = new Array<number>(batchShape.length).fill(0);
  let offset = 0;
  for (let b = 0; b < count; b++) {
    offsets[b] = offset;
    for (let d = batchShape.length - 1; d >= 0; d--) {
      index[d]++;
      offset += strides[d];
      if (index[d] < batchShape[d]) break;
      offset -= strides[d] * batchShape[d];
      index[d] = 0;
    }
  }
  return offsets;
}

/**
 * Resolves `op(A) @ op(B)` for operands of rank ≥ 2 whose leading dimensions broadcast (NumPy's matmul).
 * The op validates the operands' ranks (asserted here) and the shapes are checked against each other here.
 *
 * @throws ShapeError when the contracted lengths differ or the batch dimensions do not broadcast.
 * @example
 * ```ts
 * const p = resolveMatmulParams([2, 3, 4], [4, 5], { transposeA: false, transposeB: false });
 * p.batchShape; // [2]; p.m, p.k, p.n === 3, 4, 5
 * ```
 */
export function resolveMatmulParams(
  aShape: readonly number[],
  bShape: readonly number[],
  options: { transposeA: boolean; transposeB: boolean },
  context = 'matmul',
): MatmulParams {
  assertInvariant(aShape.length >= 2 && bShape.length >= 2, () => `${context}: operands of shapes ${formatShape(aShape)} and ${formatShape(bShape)}`);
  const { transposeA, transposeB } = options;
  const [ar, ac] = aShape.slice(-2);
  const [br, bc] = bShape.slice(-2);
  const [m, k] = transposeA ? [ac, ar] : [ar, ac];
  const [kb, n] = transposeB ? [bc, br] : [br, bc];
  if (k !== kb) {
    throw new ShapeError(
      `${context}: inner dimensions do not match: a ${formatShape(aShape)}${transposeA ? ' (transposed)' : ''} has ${k} columns, ` +
        `b ${formatShape(bShape)}${transposeB ? ' (transposed)' : ''} has ${kb} rows`,
    );
  }
  const aLead = aShape.slice(0, -2);
  const bLead = bShape.slice(0, -2);
  let batchShape: number[];
  try {
    batchShape = broadcastShapes(aLead, bLead);
  } catch {
    throw new ShapeError(`${context}: batch dimensions of a ${formatShape(aShape)} and b ${formatShape(bShape)} cannot be broadcast together`);
  }
  return {
    m,
    k,
    n,
    transposeA,
    transposeB,
    batchShape,
    aOffsets: batchOffsets(aLead, batchShape, m * k),
    bOffsets: batchOffsets(bLead, batchShape, k * n),
  };
}
