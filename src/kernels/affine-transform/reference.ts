/**
 * Naive float64 reference of the affine resampling, for tests only. Written from the definition of
 * map_coordinates rather than from `js.ts`: each input pixel's weight for an output pixel is the product
 * of per-axis interpolation weights of the source coordinate, with index fixing by mode; the backward
 * pass gathers (for every input pixel, over every output pixel) where `js.ts` scatters.
 */
import type { AffineInterpolation, FillMode } from './params.js';
import { fixIndex, roundHalfAway } from './params.js';

/** The per-axis (index, weight) nodes of a coordinate. */
function nodes(v: number, interpolation: AffineInterpolation): [number, number][] {
  if (interpolation === 'nearest') return [[roundHalfAway(v), 1]];
  const f = Math.floor(v);
  return [
    [f, 1 - (v - f)],
    [f + 1, v - f],
  ];
}

/** Weight of input pixel (iy, ix) in output pixel (y, x), and the weight that falls outside ('constant'). */
function weightOf(t: readonly number[], y: number, x: number, H: number, W: number, interpolation: AffineInterpolation, mode: FillMode): { w: Map<number, number>; outside: number } {
  const sx = t[0] * x + t[1] * y + t[2];
  const sy = t[3] * x + t[4] * y + t[5];
  const w = new Map<number, number>();
  let outside = 0;
  for (const [iy, wy] of nodes(sy, interpolation)) {
    for (const [ix, wx] of nodes(sx, interpolation)) {
      const valid = mode !== 'constant' || (iy >= 0 && iy < H && ix >= 0 && ix < W);
      if (!valid) {
        outside += wy * wx;
        continue;
      }
      const key = fixIndex(iy, H, mode) * W + fixIndex(ix, W, mode);
      w.set(key, (w.get(key) ?? 0) + wy * wx);
    }
  }
  return { w, outside };
}

/** Forward on `[N, H, W, C]` with six numbers per image. */
export function referenceAffineTransform(x: ArrayLike<number>, shape: readonly number[], transforms: readonly number[], interpolation: AffineInterpolation, mode: FillMode, fillValue: number): Float64Array {
  const [N, H, W, C] = shape;
  const out = new Float64Array(N * H * W * C);
  for (let n = 0; n < N; n++) for (let y = 0; y < H; y++) for (let xo = 0; xo < W; xo++) {
    const { w, outside } = weightOf(transforms.slice(n * 6, n * 6 + 6), y, xo, H, W, interpolation, mode);
    for (let c = 0; c < C; c++) {
      let s = outside * fillValue;
      for (const [k, wk] of w) s += wk * x[(n * H * W + k) * C + c];
      out[((n * H + y) * W + xo) * C + c] = s;
    }
  }
  return out;
}

/** Input gradient on `[N, H, W, C]`, gathered. */
export function referenceAffineTransformBackward(dy: ArrayLike<number>, shape: readonly number[], transforms: readonly number[], interpolation: AffineInterpolation, mode: FillMode): Float64Array {
  const [N, H, W, C] = shape;
  const dx = new Float64Array(N * H * W * C);
  for (let n = 0; n < N; n++) {
    const weights = [];
    for (let y = 0; y < H; y++) for (let xo = 0; xo < W; xo++) weights.push(weightOf(transforms.slice(n * 6, n * 6 + 6), y, xo, H, W, interpolation, mode).w);
    for (let k = 0; k < H * W; k++) for (let c = 0; c < C; c++) {
      let s = 0;
      weights.forEach((w, o) => (s += (w.get(k) ?? 0) * dy[(n * H * W + o) * C + c]));
      dx[(n * H * W + k) * C + c] = s;
    }
  }
  return dx;
}
