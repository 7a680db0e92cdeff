/**
 * Naive float64 reference for pooling of any rank, for tests only (not re-exported). Written straight from
 * the definitions and sharing no code with `js.ts`: windows walked over padded positions with a bounds
 * check per tap, the layout handled by index functions rather than by reinterpreting channels-first, and
 * the backward passes *gathers* (each input element collects from the windows containing it).
 */
import type { PoolParams } from './params.js';

function positions(shape: readonly number[]): number[][] {
  let all: number[][] = [[]];
  for (const n of shape) all = all.flatMap((prefix) => Array.from({ length: n }, (_, i) => [...prefix, i]));
  return all;
}

function index(p: PoolParams, spatial: readonly number[], n: number, pos: readonly number[], c: number): number {
  const shape = p.dataFormat === 'channels_last' ? [p.batch, ...spatial, p.channels] : [p.batch, p.channels, ...spatial];
  const at = p.dataFormat === 'channels_last' ? [n, ...pos, c] : [n, c, ...pos];
  return at.reduce((acc, i, d) => acc * shape[d] + i, 0);
}

/** The in-bounds taps of window `out`, in row-major window order. */
function windowTaps(p: PoolParams, out: readonly number[]): number[][] {
  return positions(p.poolSize)
    .map((tap) => tap.map((t, d) => out[d] * p.strides[d] - p.padBefore[d] + t))
    .filter((pos) => pos.every((v, d) => v >= 0 && v < p.inSize[d]));
}

/** Position of the first maximum among the taps (NaN counts as the maximum). */
function argmax(p: PoolParams, x: ArrayLike<number>, n: number, c: number, out: readonly number[]): number[] {
  const taps = windowTaps(p, out);
  const value = (t: readonly number[]) => x[index(p, p.inSize, n, t, c)];
  const nan = taps.find((t) => Number.isNaN(value(t)));
  if (nan) return nan;
  let best = taps[0];
  for (const t of taps) if (value(t) > value(best)) best = t;
  return best;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Max or average pooling forward; returns a new output-shaped Float64Array. */
export function referencePool(p: PoolParams, mode: 'max' | 'avg', x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(p.batch * size(p.outSize) * p.channels);
  for (let n = 0; n < p.batch; n++) {
    for (const o of positions(p.outSize)) {
      for (let c = 0; c < p.channels; c++) {
        const values = windowTaps(p, o).map((t) => x[index(p, p.inSize, n, t, c)]);
        out[index(p, p.outSize, n, o, c)] =
          mode === 'avg' ? values.reduce((a, b) => a + b, 0) / values.length : values.some(Number.isNaN) ? NaN : Math.max(...values);
      }
    }
  }
  return out;
}

/**
 * Backward pass as a gather: `dx[n, i, c]` sums, over every window containing `i`, `dy / count` (average)
 * or `dy` when `i` is that window's first maximum (max).
 */
export function referencePoolBackward(p: PoolParams, mode: 'max' | 'avg', x: ArrayLike<number>, dy: ArrayLike<number>): Float64Array {
  const dx = new Float64Array(p.batch * size(p.inSize) * p.channels);
  const outs = positions(p.outSize);
  for (let n = 0; n < p.batch; n++) {
    for (let c = 0; c < p.channels; c++) {
      for (const i of positions(p.inSize)) {
        let sum = 0;
        for (const o of outs) {
          const taps = windowTaps(p, o);
          if (!taps.some((t) => t.every((v, d) => v === i[d]))) continue;
          const g = dy[index(p, p.outSize, n, o, c)];
          if (mode === 'avg') sum += g / taps.length;
          else if (argmax(p, x, n, c, o).every((v, d) => v === i[d])) sum += g;
        }
        dx[index(p, p.inSize, n, i, c)] = sum;
      }
    }
  }
  return dx;
}
