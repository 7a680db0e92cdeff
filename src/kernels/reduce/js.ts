/** Reductions over any set of axes on typed arrays: sum, max, min. */

import type { DataArray } from '../../engine/dtype.js';
import { stridesOf } from '../../engine/shape.js';

type Combine = (acc: number, value: number) => number;

/** The sum's combine; `reduceBand` recognises it and runs an inlined loop (a call per element costs ~10 ns). */
const ADD: Combine = (acc, v) => acc + v;

/** The reductions, by the name a backend is asked for; max and min propagate NaN, as NumPy does. */
const REDUCTIONS = {
  sum: { initial: 0, combine: ADD },
  max: { initial: -Infinity, combine: (acc: number, v: number) => (v > acc || Number.isNaN(v) ? v : acc) },
  min: { initial: Infinity, combine: (acc: number, v: number) => (v < acc || Number.isNaN(v) ? v : acc) },
} satisfies Record<string, { initial: number; combine: Combine }>;

export type ReduceOp = keyof typeof REDUCTIONS;

/** The input's shape and the axes reduced (normalized, non-negative). */
export interface ReduceParams {
  readonly shape: readonly number[];
  readonly axes: readonly number[];
}

/**
 * Reduces the given axes into `out` (the input's size with the reduced axes removed). The output index is
 * derived from the input's by zeroing the stride of each reduced axis, which covers any axis set in one
 * pass.
 */
export function reduce(op: ReduceOp, p: ReduceParams, src: DataArray, out: DataArray): void {
  const { initial, combine } = REDUCTIONS[op];
  const { shape } = p;
  const reduced = new Set(p.axes);
  const keptShape = shape.map((d, i) => (reduced.has(i) ? 1 : d));
  out.fill(initial);
  const band = reductionBand(shape, reduced);
  if (band !== null) {
    reduceBand(src, out, band, combine);
    return;
  }
  const outStrides = stridesOf(keptShape).map((s, i) => (reduced.has(i) ? 0 : s));
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let outOffset = 0;
  for (let i = 0; i < src.length; i++) {
    out[outOffset] = combine(out[outOffset], src[i]);
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      outOffset += outStrides[d];
      if (index[d] < shape[d]) break;
      outOffset -= outStrides[d] * shape[d];
      index[d] = 0;
    }
  }
}

/**
 * The input as `[outer, mid, inner]` when the reduced axes are a leading block (`outer`) and/or a trailing
 * block (`inner`) around contiguous kept axes (`mid`), ignoring size-1 axes, which move no index: e.g.
 * all but the last axis (per-channel sums over NHWC), the last axes (row sums), or N and H·W around C
 * (NCHW). Output element `m` then reduces `src[(o * mid + m) * inner + k]` over `o` and `k`. `null` otherwise.
 */
export function reductionBand(shape: readonly number[], reduced: ReadonlySet<number>): { outer: number; mid: number; inner: number } | null {
  let outer = 1;
  let mid = 1;
  let inner = 1;
  // 0: in the leading reduced block, 1: in the kept block, 2: in the trailing reduced block.
  let phase = 0;
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d];
    if (n === 1) continue;
    if (reduced.has(d)) {
      if (phase === 0) outer *= n;
      else {
        phase = 2;
        inner *= n;
      }
    } else {
      if (phase === 2) return null;
      phase = 1;
      mid *= n;
    }
  }
  return { outer, mid, inner };
}

/**
 * Reduction over a band (see {@link reductionBand}). Visits each output's inputs in the same order as the
 * general loop and stores every step into the output array (rounding to its dtype as that loop does), so
 * the results are identical, not just close.
 */
function reduceBand(src: DataArray, out: DataArray, band: { outer: number; mid: number; inner: number }, combine: Combine): void {
  const { outer, mid, inner } = band;
  if (combine === ADD) {
    addBand(src, out, outer, mid, inner);
    return;
  }
  if (inner === 1) {
    // Leading block: sweep rows into the [mid] accumulator.
    for (let o = 0, i = 0; o < outer; o++) for (let m = 0; m < mid; m++, i++) out[m] = combine(out[m], src[i]);
    return;
  }
  // Each output reduces contiguous runs of `inner` inputs (one run when nothing leads).
  for (let o = 0, i = 0; o < outer; o++) {
    for (let m = 0; m < mid; m++) {
      for (const end = i + inner; i < end; i++) out[m] = combine(out[m], src[i]);
    }
  }
}

/** `reduceBand` for sums, the same stores in the same order. */
function addBand(src: DataArray, out: DataArray, outer: number, mid: number, inner: number): void {
  if (inner === 1) {
    for (let o = 0, i = 0; o < outer; o++) for (let m = 0; m < mid; m++, i++) out[m] += src[i];
    return;
  }
  for (let o = 0, i = 0; o < outer; o++) {
    for (let m = 0; m < mid; m++) {
      for (const end = i + inner; i < end; i++) out[m] += src[i];
    }
  }
}

