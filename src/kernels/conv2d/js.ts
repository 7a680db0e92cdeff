/**
 * Plain-TypeScript grouped 2D convolution kernels.
 *
 * Every function takes resolved {@link Conv2dParams} and caller-allocated arrays and fully overwrites
 * its output; nothing here allocates, so a WebAssembly implementation can fill the same slots with views
 * into its own memory. As in the depthwise kernels, padding is never materialised: the in-bounds tap
 * range (NHWC) or output rectangle per tap (NCHW) is computed once and inner loops have no bounds checks.
 *
 * Layouts: input/output NHWC or NCHW per `dataFormat`; kernel Keras's `[kh, kw, C / groups, F]`
 * row-major, so for one tap and one input channel the weights of all F filters are contiguous and the
 * NHWC inner loop walks kernel and output side by side.
 *
 * Pointwise convolutions (1×1, stride 1, unpadded, one group) are matrix products over pixels and take
 * straight-loop fast paths in both formats; the general NHWC passes each inline their own loop nest (no
 * per-tap callback), as the depthwise kernels do.
 */
import type { FloatArray } from '../../engine/dtype.js';
import { checkLength } from '../buffer-check.js';
import { endInside, firstInside } from '../window.js';
import type { Conv2dParams } from './params.js';
import { conv2dSizes } from './params.js';


/**
 * The NCHW loop nest: for every (image, filter, input channel of its group, tap) it calls
 * `visit(oPlane, xPlane, ki, offY, offX, oy0, oy1, ox0, ox1)` with the output rectangle whose sampling
 * positions for that tap lie inside the input; one scalar weight per call, swept over whole rows.
 */
type PlaneVisit = (oPlane: number, xPlane: number, ki: number, offY: number, offX: number, oy0: number, oy1: number, ox0: number, ox1: number) => void;

function forEachTapNchw(p: Conv2dParams, perFilter: ((oPlane: number, f: number) => void) | null, visit: PlaneVisit): void {
  const { batch, inHeight, inWidth, inChannels: C, kernelHeight, kernelWidth, inChannelsPerGroup: cpg } = p;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft } = p;
  const { outHeight, outWidth, outChannels: F, outChannelsPerGroup: opg } = p;
  const inPlane = inHeight * inWidth;
  const outPlane = outHeight * outWidth;
  for (let n = 0; n < batch; n++) {
    for (let f = 0; f < F; f++) {
      const oPlane = (n * F + f) * outPlane;
      if (perFilter) perFilter(oPlane, f);
      const c0 = Math.floor(f / opg) * cpg;
      for (let ci = 0; ci < cpg; ci++) {
        const xPlane = (n * C + c0 + ci) * inPlane;
        for (let ky = 0; ky < kernelHeight; ky++) {
          const offY = ky * dilationHeight - padTop;
          const oy0 = firstInside(offY, strideHeight);
          const oy1 = endInside(offY, strideHeight, inHeight, outHeight);
          if (oy0 >= oy1) continue;
          for (let kx = 0; kx < kernelWidth; kx++) {
            const offX = kx * dilationWidth - padLeft;
            const ox0 = firstInside(offX, strideWidth);
            const ox1 = endInside(offX, strideWidth, inWidth, outWidth);
            if (ox0 >= ox1) continue;
            visit(oPlane, xPlane, ((ky * kernelWidth + kx) * cpg + ci) * F + f, offY, offX, oy0, oy1, ox0, ox1);
          }
        }
      }
    }
  }
}

/**
 * Whether the convolution is a plain matrix product over pixels: 1×1 kernel, stride 1, no padding and
 * one group (dilation is irrelevant for a 1×1 kernel). MobileNets' pointwise convolutions; the fast
 * paths below have no window arithmetic and no closures.
 */
function isPointwise(p: Conv2dParams): boolean {
  return (
    p.kernelHeight === 1 && p.kernelWidth === 1 && p.strideHeight === 1 && p.strideWidth === 1 &&
    p.padTop === 0 && p.padBottom === 0 && p.padLeft === 0 && p.padRight === 0 && p.groups === 1
  );
}

/**
 * Forward pass: `out[n, oy, ox, f] = bias[f] + Σ_{ky,kx,ci} x[n, oy*sh - padTop + ky*dh,
 * ox*sw - padLeft + kx*dw, g*C/G + ci] * kernel[ky, kx, ci, f]` with `g = floor(f / (F/G))`;
 * out-of-range input reads as zero. Accumulates in the output array, so float32 outputs are rounded
 * to float32 after every group of up to four input channels.
 *
 * @param bias Length `outChannels`, or `null`.
 * @param out Preallocated, fully overwritten. Must not alias `x`.
 */
export function conv2dForward(p: Conv2dParams, x: FloatArray, kernel: FloatArray, bias: FloatArray | null, out: FloatArray): void {
  const sizes = conv2dSizes(p);
  checkLength('conv2d', 'x', x, sizes.input);
  checkLength('conv2d', 'kernel', kernel, sizes.kernel);
  if (bias !== null) checkLength('conv2d', 'bias', bias, sizes.bias);
  checkLength('conv2d', 'out', out, sizes.output);
  if (p.dataFormat === 'channels_first') {
    if (isPointwise(p)) {
      pointwiseForwardNchw(p, x, kernel, bias, out);
      return;
    }
    const { strideHeight: sh, strideWidth: sw, inWidth, outWidth } = p;
    const outPlane = p.outHeight * outWidth;
    const init = (oPlane: number, f: number) => out.fill(bias === null ? 0 : bias[f], oPlane, oPlane + outPlane);
    forEachTapNchw(p, init, (oPlane, xPlane, ki, offY, offX, oy0, oy1, ox0, ox1) => {
      const w = kernel[ki];
      for (let oy = oy0; oy < oy1; oy++) {
        const oRow = oPlane + oy * outWidth;
        let xi = xPlane + (oy * sh + offY) * inWidth + ox0 * sw + offX;
        for (let ox = ox0; ox < ox1; ox++, xi += sw) out[oRow + ox] += w * x[xi];
      }
    });
    return;
  }
  // Every output pixel starts from the bias; the taps then add in.
  const F = p.outChannels;
  const pixels = p.batch * p.outHeight * p.outWidth;
  for (let i = 0, o = 0; i < pixels; i++, o += F) {
    if (bias === null) out.fill(0, o, o + F);
    else for (let j = 0; j < F; j++) out[o + j] = bias[j];
  }
  if (isPointwise(p)) pointwiseForwardNhwc(p, x, kernel, out);
  else forwardNhwc(p, x, kernel, out);
}

// Pointwise NHWC forward, out[P, F] += x[P, C]·k[C, F]: four input channels per pass over the output
// row, a quarter of the read-modify-writes of `out` (the four products are summed in double precision,
// then rounded once).
function pointwiseForwardNhwc(p: Conv2dParams, x: FloatArray, kernel: FloatArray, out: FloatArray): void {
  const { inChannels: C, outChannels: F } = p;
  const pixels = p.batch * p.outHeight * p.outWidth;
  for (let i = 0, o = 0, xi = 0; i < pixels; i++, o += F, xi += C) {
    let c = 0;
    let kr = 0;
    for (; c + 4 <= C; c += 4, kr += 4 * F) {
      const x0 = x[xi + c];
      const x1 = x[xi + c + 1];
      const x2 = x[xi + c + 2];
      const x3 = x[xi + c + 3];
      const k1 = kr + F;
      const k2 = kr + 2 * F;
      const k3 = kr + 3 * F;
      for (let f = 0; f < F; f++) {
        out[o + f] += x0 * kernel[kr + f] + x1 * kernel[k1 + f] + x2 * kernel[k2 + f] + x3 * kernel[k3 + f];
      }
    }
    for (; c < C; c++, kr += F) {
      const xv = x[xi + c];
      for (let f = 0; f < F; f++) out[o + f] += xv * kernel[kr + f];
    }
  }
}

// Pointwise NCHW forward: per image, out[F, HW] = bias + kᵀ[F, C]·x[C, HW], four input rows per sweep
// of the output row.
function pointwiseForwardNchw(p: Conv2dParams, x: FloatArray, kernel: FloatArray, bias: FloatArray | null, out: FloatArray): void {
  const { batch, inChannels: C, outChannels: F } = p;
  const HW = p.outHeight * p.outWidth;
  for (let n = 0; n < batch; n++) {
    const xImage = n * C * HW;
    for (let f = 0; f < F; f++) {
      const o = (n * F + f) * HW;
      out.fill(bias === null ? 0 : bias[f], o, o + HW);
      let c = 0;
      for (; c + 4 <= C; c += 4) {
        const w0 = kernel[c * F + f];
        const w1 = kernel[(c + 1) * F + f];
        const w2 = kernel[(c + 2) * F + f];
        const w3 = kernel[(c + 3) * F + f];
        const r0 = xImage + c * HW;
        const r1 = r0 + HW;
        const r2 = r1 + HW;
        const r3 = r2 + HW;
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

// General NHWC forward (out already holds the bias): for every output pixel, the in-bounds taps, each a
// [C/G, F] kernel block applied group by group, four input channels per pass over the output channels.
function forwardNhwc(p: Conv2dParams, x: FloatArray, kernel: FloatArray, out: FloatArray): void {
  const { batch, inHeight, inWidth, inChannels: C, kernelHeight, kernelWidth } = p;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft } = p;
  const { outHeight, outWidth, outChannels: F, groups: G, inChannelsPerGroup: cpg, outChannelsPerGroup: opg } = p;
  const xRow = inWidth * C;
  const xStepX = dilationWidth * C;
  const kTap = cpg * F;
  for (let n = 0; n < batch; n++) {
    const xImage = n * inHeight * xRow;
    for (let oy = 0; oy < outHeight; oy++) {
      const iy0 = oy * strideHeight - padTop;
      const ky0 = firstInside(iy0, dilationHeight);
      const ky1 = endInside(iy0, dilationHeight, inHeight, kernelHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const ix0 = ox * strideWidth - padLeft;
        const kx0 = firstInside(ix0, dilationWidth);
        const kx1 = endInside(ix0, dilationWidth, inWidth, kernelWidth);
        const o = ((n * outHeight + oy) * outWidth + ox) * F;
        for (let ky = ky0; ky < ky1; ky++) {
          let xi = xImage + (iy0 + ky * dilationHeight) * xRow + (ix0 + kx0 * dilationWidth) * C;
          let ki = (ky * kernelWidth + kx0) * kTap;
          for (let kx = kx0; kx < kx1; kx++, xi += xStepX, ki += kTap) {
            for (let g = 0; g < G; g++) {
              const og = o + g * opg;
              let ci = 0;
              let xc = xi + g * cpg;
              let kr = ki + g * opg;
              for (; ci + 4 <= cpg; ci += 4, xc += 4, kr += 4 * F) {
                const x0 = x[xc];
                const x1 = x[xc + 1];
                const x2 = x[xc + 2];
                const x3 = x[xc + 3];
                const k1 = kr + F;
                const k2 = kr + 2 * F;
                const k3 = kr + 3 * F;
                for (let co = 0; co < opg; co++) {
                  out[og + co] += x0 * kernel[kr + co] + x1 * kernel[k1 + co] + x2 * kernel[k2 + co] + x3 * kernel[k3 + co];
                }
              }
              for (; ci < cpg; ci++, xc++, kr += F) {
                const xv = x[xc];
                for (let co = 0; co < opg; co++) out[og + co] += xv * kernel[kr + co];
              }
            }
          }
        }
      }
    }
  }
}

/**
 * Gradient with respect to the input (the adjoint of the bias-free forward pass in `x`); also the
 * forward pass of the transposed convolution.
 *
 * @param dx Preallocated, input-shaped, fully overwritten.
 */
export function conv2dBackwardInput(p: Conv2dParams, dy: FloatArray, kernel: FloatArray, dx: FloatArray): void {
  const sizes = conv2dSizes(p);
  checkLength('conv2d', 'dy', dy, sizes.output);
  checkLength('conv2d', 'kernel', kernel, sizes.kernel);
  checkLength('conv2d', 'dx', dx, sizes.input);
  if (p.dataFormat === 'channels_first') {
    if (isPointwise(p)) {
      pointwiseBackwardInputNchw(p, dy, kernel, dx);
      return;
    }
    dx.fill(0);
    const { strideHeight: sh, strideWidth: sw, inWidth, outWidth } = p;
    forEachTapNchw(p, null, (oPlane, xPlane, ki, offY, offX, oy0, oy1, ox0, ox1) => {
      const w = kernel[ki];
      for (let oy = oy0; oy < oy1; oy++) {
        const oRow = oPlane + oy * outWidth;
        let xi = xPlane + (oy * sh + offY) * inWidth + ox0 * sw + offX;
        for (let ox = ox0; ox < ox1; ox++, xi += sw) dx[xi] += w * dy[oRow + ox];
      }
    });
    return;
  }
  if (isPointwise(p)) {
    pointwiseBackwardInputNhwc(p, dy, kernel, dx);
    return;
  }
  dx.fill(0);
  backwardInputNhwc(p, dy, kernel, dx);
}

// Pointwise NHWC input gradient, dx[P, C] = dy[P, F]·kᵀ: every element is a dot product of two
// contiguous rows (dy's pixel and the kernel's input channel), summed in double precision and written
// once; four input channels share each load of dy.
function pointwiseBackwardInputNhwc(p: Conv2dParams, dy: FloatArray, kernel: FloatArray, dx: FloatArray): void {
  const { inChannels: C, outChannels: F } = p;
  const pixels = p.batch * p.outHeight * p.outWidth;
  for (let i = 0, o = 0, xi = 0; i < pixels; i++, o += F, xi += C) {
    let c = 0;
    let kr = 0;
    for (; c + 4 <= C; c += 4, kr += 4 * F) {
      const k1 = kr + F;
      const k2 = kr + 2 * F;
      const k3 = kr + 3 * F;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
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

// Pointwise NCHW input gradient: per image, dx[C, HW] = k[C, F]·dy[F, HW], four dy rows per sweep of
// the dx row.
function pointwiseBackwardInputNchw(p: Conv2dParams, dy: FloatArray, kernel: FloatArray, dx: FloatArray): void {
  const { batch, inChannels: C, outChannels: F } = p;
  const HW = p.outHeight * p.outWidth;
  for (let n = 0; n < batch; n++) {
    const dyImage = n * F * HW;
    for (let c = 0; c < C; c++) {
      const xo = (n * C + c) * HW;
      const kr = c * F;
      dx.fill(0, xo, xo + HW);
      let f = 0;
      for (; f + 4 <= F; f += 4) {
        const w0 = kernel[kr + f];
        const w1 = kernel[kr + f + 1];
        const w2 = kernel[kr + f + 2];
        const w3 = kernel[kr + f + 3];
        const r0 = dyImage + f * HW;
        const r1 = r0 + HW;
        const r2 = r1 + HW;
        const r3 = r2 + HW;
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

// General NHWC input gradient (dx zeroed): the forward loop nest, scattering each output pixel's
// gradient back through every in-bounds tap.
function backwardInputNhwc(p: Conv2dParams, dy: FloatArray, kernel: FloatArray, dx: FloatArray): void {
  const { batch, inHeight, inWidth, inChannels: C, kernelHeight, kernelWidth } = p;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft } = p;
  const { outHeight, outWidth, outChannels: F, groups: G, inChannelsPerGroup: cpg, outChannelsPerGroup: opg } = p;
  const xRow = inWidth * C;
  const xStepX = dilationWidth * C;
  const kTap = cpg * F;
  for (let n = 0; n < batch; n++) {
    const xImage = n * inHeight * xRow;
    for (let oy = 0; oy < outHeight; oy++) {
      const iy0 = oy * strideHeight - padTop;
      const ky0 = firstInside(iy0, dilationHeight);
      const ky1 = endInside(iy0, dilationHeight, inHeight, kernelHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const ix0 = ox * strideWidth - padLeft;
        const kx0 = firstInside(ix0, dilationWidth);
        const kx1 = endInside(ix0, dilationWidth, inWidth, kernelWidth);
        const o = ((n * outHeight + oy) * outWidth + ox) * F;
        for (let ky = ky0; ky < ky1; ky++) {
          let xi = xImage + (iy0 + ky * dilationHeight) * xRow + (ix0 + kx0 * dilationWidth) * C;
          let ki = (ky * kernelWidth + kx0) * kTap;
          for (let kx = kx0; kx < kx1; kx++, xi += xStepX, ki += kTap) {
            for (let g = 0; g < G; g++) {
              const og = o + g * opg;
              for (let ci = 0, xc = xi + g * cpg, kr = ki + g * opg; ci < cpg; ci++, xc++, kr += F) {
                let s = 0;
                for (let co = 0; co < opg; co++) s += dy[og + co] * kernel[kr + co];
                dx[xc] += s;
              }
            }
          }
        }
      }
    }
  }
}

/**
 * Gradient with respect to the kernel: `dkernel[ky, kx, ci, f] = Σ_{n,oy,ox} x[n, iy, ix, g*C/G + ci] *
 * dy[n, oy, ox, f]` over the taps that land inside the input.
 *
 * @param dkernel Preallocated `[kh, kw, C/G, F]`, fully overwritten.
 */
export function conv2dBackwardKernel(p: Conv2dParams, x: FloatArray, dy: FloatArray, dkernel: FloatArray): void {
  const sizes = conv2dSizes(p);
  checkLength('conv2d', 'x', x, sizes.input);
  checkLength('conv2d', 'dy', dy, sizes.output);
  checkLength('conv2d', 'dkernel', dkernel, sizes.kernel);
  dkernel.fill(0);
  if (p.dataFormat === 'channels_first') {
    if (isPointwise(p)) {
      pointwiseBackwardKernelNchw(p, x, dy, dkernel);
      return;
    }
    const { strideHeight: sh, strideWidth: sw, inWidth, outWidth } = p;
    forEachTapNchw(p, null, (oPlane, xPlane, ki, offY, offX, oy0, oy1, ox0, ox1) => {
      let s = 0;
      for (let oy = oy0; oy < oy1; oy++) {
        const oRow = oPlane + oy * outWidth;
        let xi = xPlane + (oy * sh + offY) * inWidth + ox0 * sw + offX;
        for (let ox = ox0; ox < ox1; ox++, xi += sw) s += x[xi] * dy[oRow + ox];
      }
      dkernel[ki] += s;
    });
    return;
  }
  if (isPointwise(p)) pointwiseBackwardKernelNhwc(p, x, dy, dkernel);
  else backwardKernelNhwc(p, x, dy, dkernel);
}

// Pointwise NHWC kernel gradient, dk[C, F] = xᵀ[C, P]·dy[P, F]: a sum of outer products of pixel rows,
// four pixels per pass over dk (a quarter of its read-modify-writes; the four products are summed in
// double precision, then rounded once).
function pointwiseBackwardKernelNhwc(p: Conv2dParams, x: FloatArray, dy: FloatArray, dkernel: FloatArray): void {
  const { inChannels: C, outChannels: F } = p;
  const pixels = p.batch * p.outHeight * p.outWidth;
  let i = 0;
  for (; i + 4 <= pixels; i += 4) {
    const x0 = i * C;
    const x1 = x0 + C;
    const x2 = x1 + C;
    const x3 = x2 + C;
    const d0 = i * F;
    const d1 = d0 + F;
    const d2 = d1 + F;
    const d3 = d2 + F;
    for (let c = 0, kr = 0; c < C; c++, kr += F) {
      const a0 = x[x0 + c];
      const a1 = x[x1 + c];
      const a2 = x[x2 + c];
      const a3 = x[x3 + c];
      for (let f = 0; f < F; f++) {
        dkernel[kr + f] += a0 * dy[d0 + f] + a1 * dy[d1 + f] + a2 * dy[d2 + f] + a3 * dy[d3 + f];
      }
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

// Pointwise NCHW kernel gradient: per image, dk[c, f] += x[c, HW]·dy[f, HW], dot products of contiguous
// rows, four filters sharing each load of x.
function pointwiseBackwardKernelNchw(p: Conv2dParams, x: FloatArray, dy: FloatArray, dkernel: FloatArray): void {
  const { batch, inChannels: C, outChannels: F } = p;
  const HW = p.outHeight * p.outWidth;
  for (let n = 0; n < batch; n++) {
    const dyImage = n * F * HW;
    for (let c = 0; c < C; c++) {
      const xr = (n * C + c) * HW;
      const kr = c * F;
      let f = 0;
      for (; f + 4 <= F; f += 4) {
        const r0 = dyImage + f * HW;
        const r1 = r0 + HW;
        const r2 = r1 + HW;
        const r3 = r2 + HW;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
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

// General NHWC kernel gradient (dkernel zeroed): the forward loop nest, adding each output pixel's
// outer product with the input pixel under every in-bounds tap.
function backwardKernelNhwc(p: Conv2dParams, x: FloatArray, dy: FloatArray, dkernel: FloatArray): void {
  const { batch, inHeight, inWidth, inChannels: C, kernelHeight, kernelWidth } = p;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft } = p;
  const { outHeight, outWidth, outChannels: F, groups: G, inChannelsPerGroup: cpg, outChannelsPerGroup: opg } = p;
  const xRow = inWidth * C;
  const xStepX = dilationWidth * C;
  const kTap = cpg * F;
  for (let n = 0; n < batch; n++) {
    const xImage = n * inHeight * xRow;
    for (let oy = 0; oy < outHeight; oy++) {
      const iy0 = oy * strideHeight - padTop;
      const ky0 = firstInside(iy0, dilationHeight);
      const ky1 = endInside(iy0, dilationHeight, inHeight, kernelHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const ix0 = ox * strideWidth - padLeft;
        const kx0 = firstInside(ix0, dilationWidth);
        const kx1 = endInside(ix0, dilationWidth, inWidth, kernelWidth);
        const o = ((n * outHeight + oy) * outWidth + ox) * F;
        for (let ky = ky0; ky < ky1; ky++) {
          let xi = xImage + (iy0 + ky * dilationHeight) * xRow + (ix0 + kx0 * dilationWidth) * C;
          let ki = (ky * kernelWidth + kx0) * kTap;
          for (let kx = kx0; kx < kx1; kx++, xi += xStepX, ki += kTap) {
            for (let g = 0; g < G; g++) {
              const og = o + g * opg;
              for (let ci = 0, xc = xi + g * cpg, kr = ki + g * opg; ci < cpg; ci++, xc++, kr += F) {
                const xv = x[xc];
                for (let co = 0; co < opg; co++) dkernel[kr + co] += xv * dy[og + co];
              }
            }
          }
        }
      }
    }
  }
}

/**
 * Gradient with respect to the bias: `dbias[f] = Σ_{n,oy,ox} dy[n, oy, ox, f]`.
 *
 * @param dbias Preallocated, length `outChannels`, fully overwritten.
 */
export function conv2dBackwardBias(p: Conv2dParams, dy: FloatArray, dbias: FloatArray): void {
  const sizes = conv2dSizes(p);
  checkLength('conv2d', 'dy', dy, sizes.output);
  checkLength('conv2d', 'dbias', dbias, sizes.bias);
  dbias.fill(0);
  const F = p.outChannels;
  const pixels = p.outHeight * p.outWidth;
  if (p.dataFormat === 'channels_last') {
    const total = p.batch * pixels;
    for (let i = 0, o = 0; i < total; i++, o += F) for (let j = 0; j < F; j++) dbias[j] += dy[o + j];
  } else {
    for (let n = 0, o = 0; n < p.batch; n++) {
      for (let j = 0; j < F; j++) for (let i = 0; i < pixels; i++, o++) dbias[j] += dy[o];
    }
  }
}
