/** Geometry of a row gather by an index tensor (Keras's `ops.take(table, indices, axis=0)`, Embedding). */
import { InvalidArgumentError } from '../../errors.js';

export interface GatherParams {
  /** Rows in the table. */
  readonly rows: number;
  /** Elements per row. */
  readonly rowSize: number;
  /** How many indices (output rows). */
  readonly count: number;
}

/**
 * Resolves and checks the geometry.
 *
 * @example
 * ```ts
 * const p = resolveGatherParams([10, 4], 6); // 6 rows of 4 from a 10-row table
 * ```
 */
export function resolveGatherParams(tableShape: readonly number[], count: number): GatherParams {
  if (tableShape.length < 1 || !tableShape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new InvalidArgumentError('table', tableShape, 'a tensor of rank ≥ 1', 'gather');
  }
  if (!Number.isInteger(count) || count < 0) throw new InvalidArgumentError('count', count, 'a non-negative integer', 'gather');
  const rows = tableShape[0];
  return { rows, rowSize: rows === 0 ? 0 : tableShape.slice(1).reduce((a, b) => a * b, 1), count };
}

/**
 * The table row an index value selects: floats truncate toward zero (Keras casts to int32), negative
 * indices count from the end (jax's `take`), and anything else out of range is -1 (no row).
 */
export function rowOf(value: number, rows: number): number {
  const i = Math.trunc(value);
  if (!Number.isFinite(i)) return -1;
  const r = i < 0 ? i + rows : i;
  return r >= 0 && r < rows ? r : -1;
}
