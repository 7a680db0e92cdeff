/**
 * Pointwise convolutions (every kernel axis 1, stride 1, unpadded, one group) are matrix products over
 * pixels, whatever the rank: these straight loops have no window arithmetic and no closures (MobileNets'
 * pointwise layers, SeparableConv's second step). Four rows share each pass over the output, a quarter of
 * its read-modify-writes; the four products are summed in double precision, then rounded once.
 */
import type { FloatArray } from '../../engine/dtype.js';
import type { ConvParams } from './params.js';

const pixelsOf = (p: ConvParams) => p.batch * p.outSize.reduce((a, b) => a * b, 1);

/** Whether the convolution is a plain matrix product over pixels (dilation is irrelevant for a 1-tap kernel). */
export function isPointwise(p: ConvParams): boolean {
  return p.groups === 1 && p.kernelSize.every((k) => k === 1) && p.strides.every((s) => s === 1) && p.padBefore.every((v) => v === 0) && p.padAfter.every((v) => v === 0);
}

/** Channels-last forward, `out[P, F] += x[P, C]·k[C, F]` (out already holds the bias). */
export function pointwiseForwardNhwc(p: ConvParams, x: FloatArray, kernel: FloatArray, out: FloatArray): void {
  const { inChannels: C, outChannels: F } = p;
  const pixels = pixelsOf(p);
  for (let i = 0, o = 0, xi = 0; i < pixels; i++, o += F, xi += C) {
    let c = 0;
    let kr = 0;
    for (; c + 4 <= C; c += 4, kr += 4 * F) {
      const x0 = x[xi + c], x1 = x[xi + c + 1], x2 = x[xi + c + 2], x3 = x[xi + c + 3];
      const k1 = kr + F, k2 = kr + 2 * F, k3 = kr + 3 * F;
      for (let f = 0; f < F; f++) out[o + f] += x0 * kernel[kr + f] + x1 * kernel[k1 + f] + x2 * kernel[k2 + f] + x3 * kernel[k3 + f];
    }
    for (; c < C; c++, kr += F) {
      const xv = x[xi + c];
      for (let f = 0; f < F; f++) out[o + f] += xv * kernel[kr + f];
    }
  }
}

/** Channels-first forward: per image, `out[F, P] = bias + kᵀ[F, C]·x[C, P]`. */
export function pointwiseForwardNchw(p: ConvParams, x: FloatArray, kernel: FloatArray, bias: FloatArray | null, out: FloatArray): void {
  const { batch, inChannels: C, outChannels: F } = p;
  const HW = pixelsOf(p) / batch;
  for (let n = 0; n < batch; n++) {
    const xImage = n * C * HW;
    for (let f = 0; f < F; f++) {
      const o = (n * F + f) * HW;
      out.fill(bias === null ? 0 : bias[f], o, o + HW);
      let c = 0;
      for (; c + 4 <= C; c += 4) {
        const w0 = kernel[c * F + f], w1 = kernel[(c + 1) * F + f], w2 = kernel[(c + 2) * F + f], w3 = kernel[(c + 3) * F + f];
        const r0 = xImage + c * HW;
        const r1 = r0 + HW, r2 = r0 + 2 * HW, r3 = r0 + 3 * HW;
        for (let i = 0; i < HW; i++) out[o + i] += w0 * x[r0 + i] + w1 * x[r1 + i] + w2 * x[r2 + i] + w3 * x[r3 + i];
      }
      for (; c < C; c++) {
        const w = kernel[c * F + f];
        const r = xImage + c * HW;
        for (let i = 0; i < HW; i++) out[o + i] += w * x[r + i];
      }
    }
  }
}

/** Channels-last input gradient, `dx[P, C] = dy[P, F]·kᵀ`: dot products of two contiguous rows, written once. */
export function pointwiseBackwardInputNhwc(p: ConvParams, dy: FloatArray, kernel: FloatArray, dx: FloatArray): void {
  const { inChannels: C, outChannels: F } = p;
  const pixels = pixelsOf(p);
  for (let i = 0, o = 0, xi = 0; i < pixels; i++, o += F, xi += C) {
    let c = 0;
    let kr = 0;
    for (; c + 4 <= C; c += 4, kr += 4 * F) {
      const k1 = kr + F, k2 = kr + 2 * F, k3 = kr + 3 * F;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let f = 0; f < F; f++) {
        const d = dy[o + f];
        s0 += d * kernel[kr + f];
        s1 += d * kernel[k1 + f];
        s2 += d * kernel[k2 + f];
        s3 += d * kernel[k3 + f];
      }
      dx[xi + c] = s0;
      dx[xi + c + 1] = s1;
      dx[xi + c + 2] = s2;
      dx[xi + c + 3] = s3;
    }
    for (; c < C; c++, kr += F) {
      let s = 0;
      for (let f = 0; f < F; f++) s += dy[o + f] * kernel[kr + f];
      dx[xi + c] = s;
    }
  }
}

/** Channels-first input gradient: per image, `dx[C, P] = k[C, F]·dy[F, P]`. */
export function pointwiseBackwardInputNchw(p: ConvParams, dy: FloatArray, kernel: FloatArray, dx: FloatArray): void {
  const { batch, inChannels: C, outChannels: F } = p;
  const HW = pixelsOf(p) / batch;
  for (let n = 0; n < batch; n++) {
    const dyImage = n * F * HW;
    for (let c = 0; c < C; c++) {
      const xo = (n * C + c) * HW;
      const kr = c * F;
      dx.fill(0, xo, xo + HW);
      let f = 0;
      for (; f + 4 <= F; f += 4) {
        const w0 = kernel[kr + f], w1 = kernel[kr + f + 1], w2 = kernel[kr + f + 2], w3 = kernel[kr + f + 3];
        const r0 = dyImage + f * HW;
        const r1 = r0 + HW, r2 = r0 + 2 * HW, r3 = r0 + 3 * HW;
        for (let i = 0; i < HW; i++) dx[xo + i] += w0 * dy[r0 + i] + w1 * dy[r1 + i] + w2 * dy[r2 + i] + w3 * dy[r3 + i];
      }
      for (; f < F; f++) {
        const w = kernel[kr + f];
        const r = dyImage + f * HW;
        for (let i = 0; i < HW; i++) dx[xo + i] += w * dy[r + i];
      }
    }
  }
}

/** Channels-last kernel gradient, `dk[C, F] += xᵀ[C, P]·dy[P, F]`, four pixels per pass over dk (dk zeroed). */
export function pointwiseBackwardKernelNhwc(p: ConvParams, x: FloatArray, dy: FloatArray, dkernel: FloatArray): void {
  const { inChannels: C, outChannels: F } = p;
  const pixels = pixelsOf(p);
  let i = 0;
  for (; i + 4 <= pixels; i += 4) {
    const x0 = i * C;
    const x1 = x0 + C, x2 = x0 + 2 * C, x3 = x0 + 3 * C;
    const d0 = i * F;
    const d1 = d0 + F, d2 = d0 + 2 * F, d3 = d0 + 3 * F;
    for (let c = 0, kr = 0; c < C; c++, kr += F) {
      const a0 = x[x0 + c], a1 = x[x1 + c], a2 = x[x2 + c], a3 = x[x3 + c];
      for (let f = 0; f < F; f++) dkernel[kr + f] += a0 * dy[d0 + f] + a1 * dy[d1 + f] + a2 * dy[d2 + f] + a3 * dy[d3 + f];
    }
  }
  for (; i < pixels; i++) {
    const xi = i * C;
    const d = i * F;
    for (let c = 0, kr = 0; c < C; c++, kr += F) {
      const a = x[xi + c];
      for (let f = 0; f < F; f++) dkernel[kr + f] += a * dy[d + f];
    }
  }
}

/** Channels-first kernel gradient: per image, `dk[c, f] += x[c, P]·dy[f, P]`, four filters per load of x (dk zeroed). */
export function pointwiseBackwardKernelNchw(p: ConvParams, x: FloatArray, dy: FloatArray, dkernel: FloatArray): void {
  const { batch, inChannels: C, outChannels: F } = p;
  const HW = pixelsOf(p) / batch;
  for (let n = 0; n < batch; n++) {
    const dyImage = n * F * HW;
    for (let c = 0; c < C; c++) {
      const xr = (n * C + c) * HW;
      const kr = c * F;
      let f = 0;
      for (; f + 4 <= F; f += 4) {
        const r0 = dyImage + f * HW;
        const r1 = r0 + HW, r2 = r0 + 2 * HW, r3 = r0 + 3 * HW;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let i = 0; i < HW; i++) {
          const a = x[xr + i];
          s0 += a * dy[r0 + i];
          s1 += a * dy[r1 + i];
          s2 += a * dy[r2 + i];
          s3 += a * dy[r3 + i];
        }
        dkernel[kr + f] += s0;
        dkernel[kr + f + 1] += s1;
        dkernel[kr + f + 2] += s2;
        dkernel[kr + f + 3] += s3;
      }
      for (; f < F; f++) {
        const r = dyImage + f * HW;
        let s = 0;
        for (let i = 0; i < HW; i++) s += x[xr + i] * dy[r + i];
        dkernel[kr + f] += s;
      }
    }
  }
}
