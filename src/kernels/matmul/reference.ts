/**
 * Naive float64 reference for the matrix product, for tests only (not re-exported): the textbook triple
 * loop over explicit batch indices, sharing no code with `js.ts` (not even its offset tables), so that a
 * mistake in the broadcast offsets or the transposed indexing cannot hide in both.
 */

/**
 * `op(A) @ op(B)` with NumPy broadcasting of the leading dimensions; returns the output shape and values.
 *
 * @example
 * ```ts
 * referenceMatmul([1, 2, 3, 4], [2, 2], [1, 0, 0, 1], [2, 2], false, false).values; // [1, 2, 3, 4]
 * ```
 */
export function referenceMatmul(
  a: ArrayLike<number>,
  aShape: readonly number[],
  b: ArrayLike<number>,
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
): { shape: number[]; values: Float64Array } {
  const [ar, ac] = aShape.slice(-2);
  const [br, bc] = bShape.slice(-2);
  const m = transposeA ? ac : ar;
  const k = transposeA ? ar : ac;
  const n = transposeB ? br : bc;
  const aLead = aShape.slice(0, -2);
  const bLead = bShape.slice(0, -2);
  const rank = Math.max(aLead.length, bLead.length);
  const dim = (lead: readonly number[], d: number) => lead[d - (rank - lead.length)] ?? 1;
  const batch: number[] = [];
  for (let d = 0; d < rank; d++) batch.push(Math.max(dim(aLead, d), dim(bLead, d)));
  const count = batch.reduce((x, y) => x * y, 1);
  const values = new Float64Array(count * m * n);
  /** Flat matrix index into an operand for output batch index `idx` (size-1 dims stay at 0). */
  const matrixIndex = (lead: readonly number[], idx: readonly number[]) => {
    let flat = 0;
    for (let d = 0; d < lead.length; d++) {
      const i = lead[d] === 1 ? 0 : idx[d + rank - lead.length];
      flat = flat * lead[d] + i;
    }
    return flat;
  };
  for (let t = 0; t < count; t++) {
    const idx: number[] = [];
    let rest = t;
    for (let d = rank - 1; d >= 0; d--) {
      idx.unshift(rest % batch[d]);
      rest = Math.floor(rest / batch[d]);
    }
    const aBase = matrixIndex(aLead, idx) * m * k;
    const bBase = matrixIndex(bLead, idx) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) {
          const av = transposeA ? a[aBase + q * m + i] : a[aBase + i * k + q];
          const bv = transposeB ? b[bBase + j * k + q] : b[bBase + q * n + j];
          s += av * bv;
        }
        values[(t * m + i) * n + j] = s;
      }
    }
  }
  return { shape: [...batch, m, n], values };
}
