/**
 * The TypeScript matrix-product kernel. Loop orders are chosen so the innermost loop walks memory
 * contiguously: i-k-j (a row of B scaled into a row of the output) when B is used as stored, and i-j-k
 * (dot products of two contiguous rows) when B is used transposed. A SIMD GEMM will fill the same slot;
 * like every kernel this one allocates nothing and checks nothing beyond what `params.ts` resolved.
 */

import type { FloatArray } from '../../engine/dtype.js';
import type { MatmulParams } from './params.js';

/** One output matrix: out[o .. o + m*n) = op(A at aOff) @ op(B at bOff). */
function matmulOne(p: MatmulParams, a: FloatArray, aOff: number, b: FloatArray, bOff: number, out: FloatArray, o: number): void {
  const { m, k, n, transposeA, transposeB } = p;
  // Element (i, q) of op(A): stored [m, k] row-major, or [k, m] when transposed.
  const aRow = transposeA ? 1 : k;
  const aCol = transposeA ? m : 1;
  if (!transposeB) {
    for (let i = 0; i < m; i++) {
      const row = o + i * n;
      out.fill(0, row, row + n);
      for (let q = 0; q < k; q++) {
        const aiq = a[aOff + i * aRow + q * aCol];
        const bRow = bOff + q * n;
        for (let j = 0; j < n; j++) out[row + j] += aiq * b[bRow + j];
      }
    }
    return;
  }
  // B stored [n, k]: row j of the storage is column j of op(B), contiguous in q.
  for (let i = 0; i < m; i++) {
    const row = o + i * n;
    const aBase = aOff + i * aRow;
    for (let j = 0; j < n; j++) {
      const bRow = bOff + j * k;
      let acc = 0;
      for (let q = 0; q < k; q++) acc += a[aBase + q * aCol] * b[bRow + q];
      out[row + j] = acc;
    }
  }
}

/**
 * Batched product: output matrix `t` (row-major `[m, n]` at offset `t * m * n`) is op(A) @ op(B) of the
 * operand matrices at `p.aOffsets[t]` and `p.bOffsets[t]`. Overwrites `out`.
 *
 * @example
 * ```ts
 * const p = resolveMatmulParams([2, 3], [3, 2], { transposeA: false, transposeB: false });
 * matmulForward(p, a, b, out); // out: Float32Array(4)
 * ```
 */
export function matmulForward(p: MatmulParams, a: FloatArray, b: FloatArray, out: FloatArray): void {
  const size = p.m * p.n;
  for (let t = 0; t < p.aOffsets.length; t++) matmulOne(p, a, p.aOffsets[t], b, p.bOffsets[t], out, t * size);
}
