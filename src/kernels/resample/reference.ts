/**
 * Naive float64 reference for the resample kernels, for tests only (not re-exported). Written from the
 * definition rather than from the taps: a dense `[out, in]` weight matrix per axis, each entry the kernel
 * evaluated at the distance between the output's sample point and the input index (or the box overlap),
 * columns normalised; the backward pass gathers where `js.ts` scatters.
 */
import type { ResampleMethod } from './params.js';

function kernelValue(method: ResampleMethod, x: number): number {
  const a = Math.abs(x);
  switch (method) {
    case 'bilinear':
      return Math.max(0, 1 - a);
    case 'bicubic':
      return a >= 2 ? 0 : a >= 1 ? -0.5 * a ** 3 + 2.5 * a ** 2 - 4 * a + 2 : 1.5 * a ** 3 - 2.5 * a ** 2 + 1;
    case 'lanczos3':
    case 'lanczos5': {
      const r = method === 'lanczos3' ? 3 : 5;
      if (a > r) return 0;
      return a <= 1e-3 ? 1 : (r * Math.sin(Math.PI * a) * Math.sin((Math.PI * a) / r)) / (Math.PI * a) ** 2;
    }
    default:
      throw new Error(`no kernel function for ${method}`);
  }
}

/** The dense `[outSize][inSize]` weights of one axis. */
export function referenceAxisMatrix(inSize: number, outSize: number, method: ResampleMethod, antialias: boolean): number[][] {
  const m: number[][] = [];
  for (let o = 0; o < outSize; o++) {
    const row = new Array<number>(inSize).fill(0);
    if (inSize === outSize) row[o] = 1;
    else if (method === 'nearest') row[Math.min(inSize - 1, Math.floor(((o + 0.5) * inSize) / outSize))] = 1;
    else {
      const inv = inSize / outSize;
      const sample = (o + 0.5) * inv - 0.5;
      const ks = antialias ? Math.max(inv, 1) : 1;
      for (let i = 0; i < inSize; i++) {
        row[i] = method === 'area' ? Math.max(0, Math.min(o * inv + inv, i + 1) - Math.max(o * inv, i)) : kernelValue(method, (sample - i) / ks);
      }
      const total = row.reduce((s, v) => s + v, 0);
      for (let i = 0; i < inSize; i++) row[i] = Math.abs(total) > 1000 * 2 ** -23 ? row[i] / total : 0;
    }
    m.push(row);
  }
  return m;
}

/** Forward pass on `[N, H, W, C]` (channels last); returns a new array. */
export function referenceResample(x: ArrayLike<number>, shape: readonly number[], out: readonly [number, number], method: ResampleMethod, antialias: boolean): Float64Array {
  const [N, H, W, C] = shape;
  const my = referenceAxisMatrix(H, out[0], method, antialias);
  const mx = referenceAxisMatrix(W, out[1], method, antialias);
  const y = new Float64Array(N * out[0] * out[1] * C);
  for (let n = 0; n < N; n++) for (let oy = 0; oy < out[0]; oy++) for (let ox = 0; ox < out[1]; ox++) for (let c = 0; c < C; c++) {
    let s = 0;
    for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) s += my[oy][i] * mx[ox][j] * x[((n * H + i) * W + j) * C + c];
    y[((n * out[0] + oy) * out[1] + ox) * C + c] = s;
  }
  return y;
}

/** Input gradient on `[N, H, W, C]`, gathered over every output pixel. */
export function referenceResampleBackward(dy: ArrayLike<number>, shape: readonly number[], out: readonly [number, number], method: ResampleMethod, antialias: boolean): Float64Array {
  const [N, H, W, C] = shape;
  const my = referenceAxisMatrix(H, out[0], method, antialias);
  const mx = referenceAxisMatrix(W, out[1], method, antialias);
  const dx = new Float64Array(N * H * W * C);
  for (let n = 0; n < N; n++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let c = 0; c < C; c++) {
    let s = 0;
    for (let oy = 0; oy < out[0]; oy++) for (let ox = 0; ox < out[1]; ox++) s += my[oy][i] * mx[ox][j] * dy[((n * out[0] + oy) * out[1] + ox) * C + c];
    dx[((n * H + i) * W + j) * C + c] = s;
  }
  return dx;
}
