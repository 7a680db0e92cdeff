/**
 * Row gather and its gradient, the scatter-add of rows, on typed arrays. An index outside the table reads
 * NaN (jax's `take` fills out-of-bounds reads with NaN) and scatters nothing. Nothing is allocated.
 */
import type { DataArray } from '../../engine/dtype.js';
import type { FloatArray } from '../../engine/dtype.js';
import { checkLength } from '../buffer-check.js';
import type { GatherParams } from './params.js';
import { rowOf } from './params.js';

/**
 * `out[k] = table[indices[k]]`, row by row.
 * @param out Preallocated `[count, rowSize]`, fully overwritten.
 */
export function gatherForward(p: GatherParams, table: FloatArray, indices: DataArray, out: FloatArray): void {
  checkLength('gather', 'table', table, p.rows * p.rowSize);
  if (indices.length !== p.count) checkLength('gather', 'indices', indices as FloatArray, p.count);
  checkLength('gather', 'out', out, p.count * p.rowSize);
  for (let k = 0; k < p.count; k++) {
    const r = rowOf(indices[k], p.rows);
    const o = k * p.rowSize;
    if (r < 0) out.fill(NaN, o, o + p.rowSize);
    else out.set(table.subarray(r * p.rowSize, (r + 1) * p.rowSize), o);
  }
}

/**
 * `dTable[indices[k]] += dy[k]`: the gradient of the gather with respect to the table.
 * @param dTable Preallocated `[rows, rowSize]`, fully overwritten.
 */
export function gatherBackward(p: GatherParams, indices: DataArray, dy: FloatArray, dTable: FloatArray): void {
  checkLength('gather', 'dy', dy, p.count * p.rowSize);
  checkLength('gather', 'dTable', dTable, p.rows * p.rowSize);
  dTable.fill(0);
  for (let k = 0; k < p.count; k++) {
    const r = rowOf(indices[k], p.rows);
    if (r < 0) continue;
    const d = r * p.rowSize;
    const s = k * p.rowSize;
    for (let j = 0; j < p.rowSize; j++) dTable[d + j] += dy[s + j];
  }
}
