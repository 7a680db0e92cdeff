/**
 * Naive float64 reference for the grouped convolution of any rank, for tests only (not re-exported). The
 * one reference every convolution kernel is checked against: depthwise is `groups = C` (its
 * `[...k, C, dm]` kernel is this function's `[...k, 1, C * dm]` one), transposed is `backwardInput`.
 *
 * The most obvious loops, straight from the definitions and sharing no code with `js.ts` (no 3D lift,
 * no hoisted bounds): explicit bounds checks on every tap, float64 sums, fresh output arrays, positions as
 * tuples. The backward passes are *gathers* (each gradient element sums the terms that touch it) while
 * `js.ts` scatters, so the two cannot share a mistake by construction.
 */
import type { ConvParams } from './params.js';

/** Every index tuple of `shape`, row-major. */
function positions(shape: readonly number[]): number[][] {
  let all: number[][] = [[]];
  for (const n of shape) all = all.flatMap((prefix) => Array.from({ length: n }, (_, i) => [...prefix, i]));
  return all;
}

/** Row-major offset of `index` in `shape`. */
function offset(shape: readonly number[], index: readonly number[]): number {
  return index.reduce((acc, i, d) => acc * shape[d] + i, 0);
}

function tensorIndex(p: ConvParams, spatial: readonly number[], n: number, pos: readonly number[], c: number, channels: number): number {
  return p.dataFormat === 'channels_last' ? offset([p.batch, ...spatial, channels], [n, ...pos, c]) : offset([p.batch, channels, ...spatial], [n, c, ...pos]);
}

const xIndex = (p: ConvParams, n: number, pos: readonly number[], c: number) => tensorIndex(p, p.inSize, n, pos, c, p.inChannels);
const yIndex = (p: ConvParams, n: number, pos: readonly number[], f: number) => tensorIndex(p, p.outSize, n, pos, f, p.outChannels);
const kIndex = (p: ConvParams, tap: readonly number[], ci: number, f: number) => offset([...p.kernelSize, p.inChannelsPerGroup, p.outChannels], [...tap, ci, f]);

/** The input position tap `tap` of output position `out` reads; it may lie in the padding. */
function inputPosition(p: ConvParams, out: readonly number[], tap: readonly number[]): number[] {
  return out.map((o, d) => o * p.strides[d] - p.padBefore[d] + tap[d] * p.dilations[d]);
}

const inside = (p: ConvParams, pos: readonly number[]) => pos.every((v, d) => v >= 0 && v < p.inSize[d]);

/** The input channel that kernel slice `ci` of filter `f` reads. */
const inputChannel = (p: ConvParams, f: number, ci: number) => Math.floor(f / p.outChannelsPerGroup) * p.inChannelsPerGroup + ci;

/** Forward pass; returns a new output-shaped Float64Array. */
export function referenceConv(p: ConvParams, x: ArrayLike<number>, kernel: ArrayLike<number>, bias: ArrayLike<number> | null): Float64Array {
  const out = new Float64Array(p.batch * p.outSize.reduce((a, b) => a * b, 1) * p.outChannels);
  const taps = positions(p.kernelSize);
  for (let n = 0; n < p.batch; n++) {
    for (const o of positions(p.outSize)) {
      for (let f = 0; f < p.outChannels; f++) {
        let sum = bias === null ? 0 : bias[f];
        for (const tap of taps) {
          const i = inputPosition(p, o, tap);
          if (!inside(p, i)) continue;
          for (let ci = 0; ci < p.inChannelsPerGroup; ci++) sum += x[xIndex(p, n, i, inputChannel(p, f, ci))] * kernel[kIndex(p, tap, ci, f)];
        }
        out[yIndex(p, n, o, f)] = sum;
      }
    }
  }
  return out;
}

/**
 * Input gradient as a gather: `dx[n, i, c]` sums `dy[n, o, f] * kernel[tap, ci, f]` over the filters of
 * `c`'s group and every output position and tap whose sampling position is exactly `i`.
 */
export function referenceConvBackwardInput(p: ConvParams, dy: ArrayLike<number>, kernel: ArrayLike<number>): Float64Array {
  const dx = new Float64Array(p.batch * p.inSize.reduce((a, b) => a * b, 1) * p.inChannels);
  const taps = positions(p.kernelSize);
  for (let n = 0; n < p.batch; n++) {
    for (const i of positions(p.inSize)) {
      for (let c = 0; c < p.inChannels; c++) {
        const g = Math.floor(c / p.inChannelsPerGroup);
        const ci = c % p.inChannelsPerGroup;
        let sum = 0;
        for (const tap of taps) {
          // Solve i = o * s - padBefore + tap * d for o; only exact, in-range solutions contribute.
          const t = i.map((v, d) => v + p.padBefore[d] - tap[d] * p.dilations[d]);
          if (!t.every((v, d) => v >= 0 && v % p.strides[d] === 0 && v / p.strides[d] < p.outSize[d])) continue;
          const o = t.map((v, d) => v / p.strides[d]);
          for (let j = 0; j < p.outChannelsPerGroup; j++) {
            const f = g * p.outChannelsPerGroup + j;
            sum += dy[yIndex(p, n, o, f)] * kernel[kIndex(p, tap, ci, f)];
          }
        }
        dx[xIndex(p, n, i, c)] = sum;
      }
    }
  }
  return dx;
}

/** Kernel gradient: `dkernel[tap, ci, f] = Σ_{n, o} x[n, i(o, tap), g * C/G + ci] * dy[n, o, f]`. */
export function referenceConvBackwardKernel(p: ConvParams, x: ArrayLike<number>, dy: ArrayLike<number>): Float64Array {
  const dk = new Float64Array(p.kernelSize.reduce((a, b) => a * b, 1) * p.inChannelsPerGroup * p.outChannels);
  const outs = positions(p.outSize);
  for (const tap of positions(p.kernelSize)) {
    for (let ci = 0; ci < p.inChannelsPerGroup; ci++) {
      for (let f = 0; f < p.outChannels; f++) {
        const c = inputChannel(p, f, ci);
        let sum = 0;
        for (let n = 0; n < p.batch; n++) {
          for (const o of outs) {
            const i = inputPosition(p, o, tap);
            if (inside(p, i)) sum += x[xIndex(p, n, i, c)] * dy[yIndex(p, n, o, f)];
          }
        }
        dk[kIndex(p, tap, ci, f)] = sum;
      }
    }
  }
  return dk;
}

/** Bias gradient: `dbias[f] = Σ_{n, o} dy[n, o, f]`. */
export function referenceConvBackwardBias(p: ConvParams, dy: ArrayLike<number>): Float64Array {
  const db = new Float64Array(p.outChannels);
  const outs = positions(p.outSize);
  for (let f = 0; f < p.outChannels; f++) {
    let sum = 0;
    for (let n = 0; n < p.batch; n++) for (const o of outs) sum += dy[yIndex(p, n, o, f)];
    db[f] = sum;
  }
  return db;
}
