/** Numeric comparison and seeded random data for tests. */
import assert from 'node:assert/strict';

export interface Tolerance {
  /** Relative tolerance, scaled by |expected|. */
  rtol: number;
  /** Absolute tolerance. */
  atol: number;
}

/**
 * Asserts `|actual[i] - expected[i]| <= atol + rtol * |expected[i]|` for every i (numpy's `allclose`
 * rule). NaN matches only NaN. On failure reports the first mismatch, how many mismatched, and the
 * largest absolute error, so one failure message is enough to judge whether it is a bug or a tolerance.
 */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { rtol, atol }: Tolerance,
  message?: string,
): void {
  const prefix = message ? `${message}: ` : '';
  assert.equal(actual.length, expected.length, `${prefix}length ${actual.length} !== expected length ${expected.length}`);
  let first = -1;
  let mismatches = 0;
  let maxError = 0;
  let maxErrorAt = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const bothNaN = Number.isNaN(a) && Number.isNaN(e);
    const error = Math.abs(a - e);
    const ok = bothNaN || error <= atol + rtol * Math.abs(e);
    if (!bothNaN && !(error <= maxError)) {
      maxError = error;
      maxErrorAt = i;
    }
    if (!ok) {
      mismatches++;
      if (first < 0) first = i;
    }
  }
  if (first >= 0) {
    assert.fail(
      `${prefix}${mismatches}/${expected.length} elements not close (rtol=${rtol}, atol=${atol}); ` +
        `first at [${first}]: actual ${actual[first]}, expected ${expected[first]}; ` +
        `max abs error ${maxError} at [${maxErrorAt}]`,
    );
  }
}

/** A tiny seeded PRNG (mulberry32) returning uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` uniform values in [lo, hi) (default [-1, 1)) drawn from `rng`. */
export function randomArray(n: number, rng: () => number, lo = -1, hi = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rng();
  return out;
}
