/** Geometry of a row gather by an index tensor (Keras's `ops.take(table, indices, axis=0)`, Embedding). */
import { assertInvariant, describeValue } from '../../errors.js';

export interface GatherParams {
  /** Rows in the table. */
  readonly rows: number;
  /** Elements per row. */
  readonly rowSize: number;
  /** How many indices (output rows). */
  readonly count: number;
}

/**
 * Resolves the geometry. The op (`take`) validates the table's rank; the shapes and count come from
 * tensors, so they are only asserted.
 *
 * @example
 * ```ts
 * const p = resolveGatherParams([10, 4], 6); // 6 rows of 4 from a 10-row table
 * ```
 */
export function resolveGatherParams(tableShape: readonly number[], count: number): GatherParams {
  assertInvariant(
    tableShape.length >= 1 && tableShape.every((d) => Number.isInteger(d) && d >= 0) && Number.isInteger(count) && count >= 0,
    () => `gather: table shape ${describeValue(tableShape)}, ${describeValue(count)} indices`,
  );
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
