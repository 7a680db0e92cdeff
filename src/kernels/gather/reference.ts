/**
 * Naive float64 reference of the gather, for tests only: the gradient gathers, for each table row, every
 * output row that selected it (where `js.ts` scatters).
 */
import { rowOf } from './params.js';

export function referenceGather(table: ArrayLike<number>, rows: number, rowSize: number, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length * rowSize);
  for (let k = 0; k < indices.length; k++) for (let j = 0; j < rowSize; j++) {
    const r = rowOf(indices[k], rows);
    out[k * rowSize + j] = r < 0 ? NaN : table[r * rowSize + j];
  }
  return out;
}

export function referenceGatherBackward(rows: number, rowSize: number, indices: ArrayLike<number>, dy: ArrayLike<number>): Float64Array {
  const d = new Float64Array(rows * rowSize);
  for (let r = 0; r < rows; r++) for (let j = 0; j < rowSize; j++) {
    let s = 0;
    for (let k = 0; k < indices.length; k++) if (rowOf(indices[k], rows) === r) s += dy[k * rowSize + j];
    d[r * rowSize + j] = s;
  }
  return d;
}
