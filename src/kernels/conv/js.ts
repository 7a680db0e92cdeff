/**
 * Plain-TypeScript convolution kernels of any rank: grouped, and so depthwise (one input channel per
 * group) and, through `backwardInput`, transposed. The one set of loops every TypeScript convolution runs
 * on; the 2D slots (`depthwiseConv2d`, `conv2d`) of the TypeScript backend call these too.
 *
 * Every function takes resolved {@link ConvParams} and caller-allocated arrays and fully overwrites its
 * output; nothing here allocates a buffer. The loop nest is `walk.ts`'s (padding never materialised, no
 * bounds checks inside); each pass supplies the arithmetic for a run of taps (channels-last) or a row of
 * outputs (channels-first, where each plane is a correlation with one scalar weight per tap, so no
 * transposes are needed). Float32 outputs accumulate in place, so they are rounded to float32 as they go,
 * as a float32 SIMD kernel would.
 *
 * Layouts: input/output `[N, ...spatial, C]` or `[N, C, ...spatial]` per `dataFormat`; kernel Keras's
 * `[...k, C / groups, F]` row-major, so for one tap and one input channel the weights of all F filters are
 * contiguous and the channels-last inner loop walks kernel and output side by side.
 */
import type { FloatArray } from '../../engine/dtype.js';
import { checkLength } from '../buffer-check.js';
import type { ConvParams } from './params.js';
import { convSizes } from './params.js';
import {
  isPointwise,
  pointwiseBackwardInputNchw,
  pointwiseBackwardInputNhwc,
  pointwiseBackwardKernelNchw,
  pointwiseBackwardKernelNhwc,
  pointwiseForwardNchw,
  pointwiseForwardNhwc,
} from './pointwise.js';
import type { Geometry3, TapRun } from './walk.js';
import { forEachPlaneRowNchw, forEachTapRunNhwc, geometry3 } from './walk.js';

const KERNEL = 'conv';

/**
 * Forward pass: `out[n, o, f] = bias[f] + Σ_{taps, ci} x[n, o * s - padBefore + tap * d, g * C/G + ci] *
 * kernel[tap, ci, f]` with `g = floor(f / (F/G))`; out-of-range input reads as zero.
 *
 * @param bias Length `outChannels`, or `null`.
 * @param out Preallocated, fully overwritten. Must not alias `x`.
 */
export function convForward(p: ConvParams, x: FloatArray, kernel: FloatArray, bias: FloatArray | null, out: FloatArray): void {
  const sizes = convSizes(p);
  checkLength(KERNEL, 'x', x, sizes.input);
  checkLength(KERNEL, 'kernel', kernel, sizes.kernel);
  if (bias !== null) checkLength(KERNEL, 'bias', bias, sizes.bias);
  checkLength(KERNEL, 'out', out, sizes.output);
  const g = geometry3(p);
  if (p.dataFormat === 'channels_first') {
    if (isPointwise(p)) return pointwiseForwardNchw(p, x, kernel, bias, out);
    const SW = g.strides[2];
    const outPlane = sizes.output / (p.batch * p.outChannels);
    const init = (oPlane: number, f: number) => out.fill(bias === null ? 0 : bias[f], oPlane, oPlane + outPlane);
    forEachPlaneRowNchw(g, init, (oRow, xRow, ki, ox0, ox1) => {
      const o = out, xs = x; // locals, not context slots, in the hot loop
      const w = kernel[ki];
      for (let ox = ox0, xi = xRow + ox0 * SW; ox < ox1; ox++, xi += SW) o[oRow + ox] += w * xs[xi];
    });
    return;
  }
  // Every output pixel starts from the bias; the taps then add in.
  const F = p.outChannels;
  for (let o = 0; o < sizes.output; o += F) {
    if (bias === null) out.fill(0, o, o + F);
    else for (let j = 0; j < F; j++) out[o + j] = bias[j];
  }
  if (isPointwise(p)) pointwiseForwardNhwc(p, x, kernel, out);
  else forEachTapRunNhwc(g, forwardRun(g, x, kernel, out));
}

/** The forward arithmetic for one run of taps (channels-last); specialised for one input channel per group. */
function forwardRun(g: Geometry3, x: FloatArray, kernel: FloatArray, out: FloatArray): TapRun {
  const { C, F, groups: G, cpg, opg } = g;
  const xStep = g.dilations[2] * C;
  const kTap = cpg * F;
  if (cpg === 1 && opg === 1) {
    // Depthwise, multiplier 1: output channel c is input channel c times one weight per tap.
    return (o, xi, ki, taps) => {
      const y = out, xs = x, k = kernel; // locals, not context slots, in the hot loop
      for (let t = 0; t < taps; t++, xi += xStep, ki += kTap) for (let c = 0; c < C; c++) y[o + c] += xs[xi + c] * k[ki + c];
    };
  }
  if (cpg === 1) {
    // Depthwise: output channel c * dm + m is input channel c times kernel[tap, c, m].
    return (o, xi, ki, taps) => {
      const y = out, xs = x, k = kernel; // locals, not context slots, in the hot loop
      for (let t = 0; t < taps; t++, xi += xStep, ki += kTap) {
        for (let c = 0, j = 0; c < C; c++) {
          const xv = xs[xi + c];
          for (let m = 0; m < opg; m++, j++) y[o + j] += xv * k[ki + j];
        }
      }
    };
  }
  // Grouped: each tap is a [C/G, F] kernel block applied group by group, four input channels per pass
  // over the group's output channels.
  return (o, xi, ki, taps) => {
    const y = out, xs = x, k = kernel; // locals, not context slots, in the hot loop
    for (let t = 0; t < taps; t++, xi += xStep, ki += kTap) {
      for (let gi = 0; gi < G; gi++) {
        const og = o + gi * opg;
        let ci = 0;
        let xc = xi + gi * cpg;
        let kr = ki + gi * opg;
        for (; ci + 4 <= cpg; ci += 4, xc += 4, kr += 4 * F) {
          const x0 = xs[xc], x1 = xs[xc + 1], x2 = xs[xc + 2], x3 = xs[xc + 3];
          const k1 = kr + F, k2 = kr + 2 * F, k3 = kr + 3 * F;
          for (let co = 0; co < opg; co++) y[og + co] += x0 * k[kr + co] + x1 * k[k1 + co] + x2 * k[k2 + co] + x3 * k[k3 + co];
        }
        for (; ci < cpg; ci++, xc++, kr += F) {
          const xv = xs[xc];
          for (let co = 0; co < opg; co++) y[og + co] += xv * k[kr + co];
        }
      }
    }
  };
}

/**
 * Gradient with respect to the input (the adjoint of the bias-free forward pass in `x`); also the forward
 * pass of the transposed convolution.
 *
 * @param dx Preallocated, input-shaped, fully overwritten.
 */
export function convBackwardInput(p: ConvParams, dy: FloatArray, kernel: FloatArray, dx: FloatArray): void {
  const sizes = convSizes(p);
  checkLength(KERNEL, 'dy', dy, sizes.output);
  checkLength(KERNEL, 'kernel', kernel, sizes.kernel);
  checkLength(KERNEL, 'dx', dx, sizes.input);
  if (isPointwise(p)) {
    if (p.dataFormat === 'channels_first') pointwiseBackwardInputNchw(p, dy, kernel, dx);
    else pointwiseBackwardInputNhwc(p, dy, kernel, dx);
    return;
  }
  dx.fill(0);
  const g = geometry3(p);
  if (p.dataFormat === 'channels_first') {
    const SW = g.strides[2];
    forEachPlaneRowNchw(g, null, (oRow, xRow, ki, ox0, ox1) => {
      const out = dx, d = dy; // locals, not context slots, in the hot loop
      const w = kernel[ki];
      for (let ox = ox0, xi = xRow + ox0 * SW; ox < ox1; ox++, xi += SW) out[xi] += w * d[oRow + ox];
    });
    return;
  }
  const { C, F, groups: G, cpg, opg } = g;
  const xStep = g.dilations[2] * C;
  const kTap = cpg * F;
  // The forward nest, scattering each output pixel's gradient back through every in-bounds tap.
  forEachTapRunNhwc(g, (o, xi, ki, taps) => {
    const d = dy, k = kernel, out = dx; // locals, not context slots, in the hot loop
    for (let t = 0; t < taps; t++, xi += xStep, ki += kTap) {
      for (let gi = 0; gi < G; gi++) {
        const og = o + gi * opg;
        for (let ci = 0, xc = xi + gi * cpg, kr = ki + gi * opg; ci < cpg; ci++, xc++, kr += F) {
          let s = 0;
          for (let co = 0; co < opg; co++) s += d[og + co] * k[kr + co];
          out[xc] += s;
        }
      }
    }
  });
}

/**
 * Gradient with respect to the kernel: `dkernel[tap, ci, f] = Σ_{n, o} x[n, o * s - padBefore + tap * d,
 * g * C/G + ci] * dy[n, o, f]` over the taps that land inside the input.
 *
 * @param dkernel Preallocated `[...k, C/G, F]`, fully overwritten.
 */
export function convBackwardKernel(p: ConvParams, x: FloatArray, dy: FloatArray, dkernel: FloatArray): void {
  const sizes = convSizes(p);
  checkLength(KERNEL, 'x', x, sizes.input);
  checkLength(KERNEL, 'dy', dy, sizes.output);
  checkLength(KERNEL, 'dkernel', dkernel, sizes.kernel);
  dkernel.fill(0);
  if (isPointwise(p)) {
    if (p.dataFormat === 'channels_first') pointwiseBackwardKernelNchw(p, x, dy, dkernel);
    else pointwiseBackwardKernelNhwc(p, x, dy, dkernel);
    return;
  }
  const g = geometry3(p);
  if (p.dataFormat === 'channels_first') {
    const SW = g.strides[2];
    forEachPlaneRowNchw(g, null, (oRow, xRow, ki, ox0, ox1) => {
      const xs = x, d = dy; // locals, not context slots, in the hot loop
      let s = 0;
      for (let ox = ox0, xi = xRow + ox0 * SW; ox < ox1; ox++, xi += SW) s += xs[xi] * d[oRow + ox];
      dkernel[ki] += s;
    });
    return;
  }
  const { C, F, groups: G, cpg, opg } = g;
  const xStep = g.dilations[2] * C;
  const kTap = cpg * F;
  // The forward nest, adding each output pixel's outer product with the input pixel under every tap.
  forEachTapRunNhwc(g, (o, xi, ki, taps) => {
    const xs = x, d = dy, dk = dkernel; // locals, not context slots, in the hot loop
    for (let t = 0; t < taps; t++, xi += xStep, ki += kTap) {
      for (let gi = 0; gi < G; gi++) {
        const og = o + gi * opg;
        for (let ci = 0, xc = xi + gi * cpg, kr = ki + gi * opg; ci < cpg; ci++, xc++, kr += F) {
          const xv = xs[xc];
          for (let co = 0; co < opg; co++) dk[kr + co] += xv * d[og + co];
        }
      }
    }
  });
}

/**
 * Gradient with respect to the bias: `dbias[f] = Σ_{n, o} dy[n, o, f]`.
 *
 * @param dbias Preallocated, length `outChannels`, fully overwritten.
 */
export function convBackwardBias(p: ConvParams, dy: FloatArray, dbias: FloatArray): void {
  const sizes = convSizes(p);
  checkLength(KERNEL, 'dy', dy, sizes.output);
  checkLength(KERNEL, 'dbias', dbias, sizes.bias);
  dbias.fill(0);
  const F = p.outChannels;
  const pixels = sizes.output / (p.batch * F);
  if (p.dataFormat === 'channels_last') {
    for (let o = 0; o < sizes.output; o += F) for (let j = 0; j < F; j++) dbias[j] += dy[o + j];
  } else {
    for (let n = 0, o = 0; n < p.batch; n++) {
      for (let j = 0; j < F; j++) for (let i = 0; i < pixels; i++, o++) dbias[j] += dy[o];
    }
  }
}
