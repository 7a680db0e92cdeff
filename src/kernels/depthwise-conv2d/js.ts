/**
 * Plain-TypeScript depthwise 2D convolution kernels.
 *
 * Every function takes resolved {@link DepthwiseConv2dParams} and caller-allocated arrays and fully
 * overwrites its output; nothing here allocates a buffer, so a WebAssembly implementation can fill the
 * same interface with views into its own memory. Arithmetic accumulates directly into the output
 * array, so results are rounded to the output's precision at every step, as a float32 SIMD kernel
 * would do.
 *
 * Padding is never materialised and there are no per-tap bounds checks: for each output row/column
 * (or, channels-first, each kernel tap) the range of taps (or output pixels) that land inside the input
 * is computed once, and the inner loops run over exactly that range.
 *
 * Layouts: input/output are NHWC or NCHW per `dataFormat`; the kernel is always Keras's
 * `[kh, kw, C, dm]`, flattened row-major; bias and output channels are indexed `c * dm + m`.
 */
import type { FloatArray } from '../../engine/dtype.js';
import { checkLength } from '../buffer-check.js';
import { endInside, firstInside } from '../window.js';
import type { DepthwiseConv2dParams } from './params.js';
import { depthwiseConv2dSizes } from './params.js';


/**
 * Forward pass: `out[n, oy, ox, c*dm+m] = bias[c*dm+m] + Σ_{ky,kx} x[n, oy*sh - padTop + ky*dh,
 * ox*sw - padLeft + kx*dw, c] * kernel[ky, kx, c, m]`, with out-of-range input reading as zero.
 *
 * @param bias Length `outChannels`, or `null` for no bias.
 * @param out Preallocated, fully overwritten. Must not alias `x`.
 */
export function depthwiseConv2dForward(
  p: DepthwiseConv2dParams,
  x: FloatArray,
  kernel: FloatArray,
  bias: FloatArray | null,
  out: FloatArray,
): void {
  const sizes = depthwiseConv2dSizes(p);
  checkLength('depthwiseConv2d', 'x', x, sizes.input);
  checkLength('depthwiseConv2d', 'kernel', kernel, sizes.kernel);
  if (bias !== null) checkLength('depthwiseConv2d', 'bias', bias, sizes.bias);
  checkLength('depthwiseConv2d', 'out', out, sizes.output);
  if (p.dataFormat === 'channels_last') forwardNhwc(p, x, kernel, bias, out);
  else forwardNchw(p, x, kernel, bias, out);
}

// Per output pixel, the kernel slice of one tap ([c, m] flattened) lines up with the output pixel's
// channels, so the innermost loop walks both contiguously.
function forwardNhwc(
  p: DepthwiseConv2dParams,
  x: FloatArray,
  kernel: FloatArray,
  bias: FloatArray | null,
  out: FloatArray,
): void {
  const { batch, inHeight, inWidth, inChannels: C, kernelHeight, kernelWidth, depthMultiplier: dm } = p;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft } = p;
  const { outHeight, outWidth, outChannels: OC } = p;
  const xRowStride = inWidth * C;
  const xPixStepX = dilationWidth * C;
  const kTapStepX = OC;
  const kRowStride = kernelWidth * OC;

  for (let n = 0; n < batch; n++) {
    const xImage = n * inHeight * xRowStride;
    for (let oy = 0; oy < outHeight; oy++) {
      const iy0 = oy * strideHeight - padTop;
      const ky0 = firstInside(iy0, dilationHeight);
      const ky1 = endInside(iy0, dilationHeight, inHeight, kernelHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const ix0 = ox * strideWidth - padLeft;
        const kx0 = firstInside(ix0, dilationWidth);
        const kx1 = endInside(ix0, dilationWidth, inWidth, kernelWidth);
        const o = ((n * outHeight + oy) * outWidth + ox) * OC;

        if (bias === null) for (let j = 0; j < OC; j++) out[o + j] = 0;
        else for (let j = 0; j < OC; j++) out[o + j] = bias[j];

        for (let ky = ky0; ky < ky1; ky++) {
          let xi = xImage + (iy0 + ky * dilationHeight) * xRowStride + (ix0 + kx0 * dilationWidth) * C;
          let ki = ky * kRowStride + kx0 * kTapStepX;
          for (let kx = kx0; kx < kx1; kx++, xi += xPixStepX, ki += kTapStepX) {
            if (dm === 1) {
              for (let c = 0; c < C; c++) out[o + c] += x[xi + c] * kernel[ki + c];
            } else {
              for (let c = 0, j = 0; c < C; c++) {
                const xv = x[xi + c];
                for (let m = 0; m < dm; m++, j++) out[o + j] += xv * kernel[ki + j];
              }
            }
          }
        }
      }
    }
  }
}

// Channels-first: each (n, c, m) output plane is an independent 2D correlation with one scalar weight
// per tap, so loop taps outside and sweep the valid output rectangle for that tap inside.
function forwardNchw(
  p: DepthwiseConv2dParams,
  x: FloatArray,
  kernel: FloatArray,
  bias: FloatArray | null,
  out: FloatArray,
): void {
  const { batch, inHeight, inWidth, inChannels: C, kernelHeight, kernelWidth, depthMultiplier: dm } = p;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft } = p;
  const { outHeight, outWidth, outChannels: OC } = p;
  const inPlane = inHeight * inWidth;
  const outPlane = outHeight * outWidth;

  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < C; c++) {
      const xPlane = (n * C + c) * inPlane;
      for (let m = 0; m < dm; m++) {
        const oc = c * dm + m;
        const oPlane = (n * OC + oc) * outPlane;
        out.fill(bias === null ? 0 : bias[oc], oPlane, oPlane + outPlane);

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
            const w = kernel[((ky * kernelWidth + kx) * C + c) * dm + m];
            for (let oy = oy0; oy < oy1; oy++) {
              const oRow = oPlane + oy * outWidth;
              let xi = xPlane + (oy * strideHeight + offY) * inWidth + ox0 * strideWidth + offX;
              for (let ox = ox0; ox < ox1; ox++, xi += strideWidth) out[oRow + ox] += w * x[xi];
            }
          }
        }
      }
    }
  }
}

/**
 * Gradient with respect to the input: scatters each `dy` element back through the taps that produced
 * it. Equivalently, the adjoint of the bias-free forward pass in `x`.
 *
 * @param dx Preallocated, fully overwritten (input-shaped).
 */
export function depthwiseConv2dBackwardInput(
  p: DepthwiseConv2dParams,
  dy: FloatArray,
  kernel: FloatArray,
  dx: FloatArray,
): void {
  const sizes = depthwiseConv2dSizes(p);
  checkLength('depthwiseConv2d', 'dy', dy, sizes.output);
  checkLength('depthwiseConv2d', 'kernel', kernel, sizes.kernel);
  checkLength('depthwiseConv2d', 'dx', dx, sizes.input);
  dx.fill(0);
  if (p.dataFormat === 'channels_last') backwardInputNhwc(p, dy, kernel, dx);
  else backwardInputNchw(p, dy, kernel, dx);
}

function backwardInputNhwc(p: DepthwiseConv2dParams, dy: FloatArray, kernel: FloatArray, dx: FloatArray): void {
  const { batch, inHeight, inWidth, inChannels: C, kernelHeight, kernelWidth, depthMultiplier: dm } = p;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft } = p;
  const { outHeight, outWidth, outChannels: OC } = p;
  const xRowStride = inWidth * C;
  const xPixStepX = dilationWidth * C;
  const kRowStride = kernelWidth * OC;

  for (let n = 0; n < batch; n++) {
    const xImage = n * inHeight * xRowStride;
    for (let oy = 0; oy < outHeight; oy++) {
      const iy0 = oy * strideHeight - padTop;
      const ky0 = firstInside(iy0, dilationHeight);
      const ky1 = endInside(iy0, dilationHeight, inHeight, kernelHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const ix0 = ox * strideWidth - padLeft;
        const kx0 = firstInside(ix0, dilationWidth);
        const kx1 = endInside(ix0, dilationWidth, inWidth, kernelWidth);
        const o = ((n * outHeight + oy) * outWidth + ox) * OC;
        for (let ky = ky0; ky < ky1; ky++) {
          let xi = xImage + (iy0 + ky * dilationHeight) * xRowStride + (ix0 + kx0 * dilationWidth) * C;
          let ki = ky * kRowStride + kx0 * OC;
          for (let kx = kx0; kx < kx1; kx++, xi += xPixStepX, ki += OC) {
            if (dm === 1) {
              for (let c = 0; c < C; c++) dx[xi + c] += dy[o + c] * kernel[ki + c];
            } else {
              for (let c = 0, j = 0; c < C; c++) {
                for (let m = 0; m < dm; m++, j++) dx[xi + c] += dy[o + j] * kernel[ki + j];
              }
            }
          }
        }
      }
    }
  }
}

function backwardInputNchw(p: DepthwiseConv2dParams, dy: FloatArray, kernel: FloatArray, dx: FloatArray): void {
  const { batch, inHeight, inWidth, inChannels: C, kernelHeight, kernelWidth, depthMultiplier: dm } = p;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft } = p;
  const { outHeight, outWidth, outChannels: OC } = p;
  const inPlane = inHeight * inWidth;
  const outPlane = outHeight * outWidth;

  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < C; c++) {
      const xPlane = (n * C + c) * inPlane;
      for (let m = 0; m < dm; m++) {
        const oPlane = (n * OC + c * dm + m) * outPlane;
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
            const w = kernel[((ky * kernelWidth + kx) * C + c) * dm + m];
            for (let oy = oy0; oy < oy1; oy++) {
              const oRow = oPlane + oy * outWidth;
              let xi = xPlane + (oy * strideHeight + offY) * inWidth + ox0 * strideWidth + offX;
              for (let ox = ox0; ox < ox1; ox++, xi += strideWidth) dx[xi] += w * dy[oRow + ox];
            }
          }
        }
      }
    }
  }
}

/**
 * Gradient with respect to the kernel: `dkernel[ky, kx, c, m] = Σ_{n,oy,ox} x[n, iy, ix, c] *
 * dy[n, oy, ox, c*dm+m]` over the taps that land inside the input.
 *
 * @param dkernel Preallocated `[kh, kw, C, dm]`, fully overwritten.
 */
export function depthwiseConv2dBackwardKernel(
  p: DepthwiseConv2dParams,
  x: FloatArray,
  dy: FloatArray,
  dkernel: FloatArray,
): void {
  const sizes = depthwiseConv2dSizes(p);
  checkLength('depthwiseConv2d', 'x', x, sizes.input);
  checkLength('depthwiseConv2d', 'dy', dy, sizes.output);
  checkLength('depthwiseConv2d', 'dkernel', dkernel, sizes.kernel);
  dkernel.fill(0);
  if (p.dataFormat === 'channels_last') backwardKernelNhwc(p, x, dy, dkernel);
  else backwardKernelNchw(p, x, dy, dkernel);
}

function backwardKernelNhwc(p: DepthwiseConv2dParams, x: FloatArray, dy: FloatArray, dk: FloatArray): void {
  const { batch, inHeight, inWidth, inChannels: C, kernelHeight, kernelWidth, depthMultiplier: dm } = p;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft } = p;
  const { outHeight, outWidth, outChannels: OC } = p;
  const xRowStride = inWidth * C;
  const xPixStepX = dilationWidth * C;
  const kRowStride = kernelWidth * OC;

  for (let n = 0; n < batch; n++) {
    const xImage = n * inHeight * xRowStride;
    for (let oy = 0; oy < outHeight; oy++) {
      const iy0 = oy * strideHeight - padTop;
      const ky0 = firstInside(iy0, dilationHeight);
      const ky1 = endInside(iy0, dilationHeight, inHeight, kernelHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const ix0 = ox * strideWidth - padLeft;
        const kx0 = firstInside(ix0, dilationWidth);
        const kx1 = endInside(ix0, dilationWidth, inWidth, kernelWidth);
        const o = ((n * outHeight + oy) * outWidth + ox) * OC;
        for (let ky = ky0; ky < ky1; ky++) {
          let xi = xImage + (iy0 + ky * dilationHeight) * xRowStride + (ix0 + kx0 * dilationWidth) * C;
          let ki = ky * kRowStride + kx0 * OC;
          for (let kx = kx0; kx < kx1; kx++, xi += xPixStepX, ki += OC) {
            if (dm === 1) {
              for (let c = 0; c < C; c++) dk[ki + c] += x[xi + c] * dy[o + c];
            } else {
              for (let c = 0, j = 0; c < C; c++) {
                const xv = x[xi + c];
                for (let m = 0; m < dm; m++, j++) dk[ki + j] += xv * dy[o + j];
              }
            }
          }
        }
      }
    }
  }
}

function backwardKernelNchw(p: DepthwiseConv2dParams, x: FloatArray, dy: FloatArray, dk: FloatArray): void {
  const { batch, inHeight, inWidth, inChannels: C, kernelHeight, kernelWidth, depthMultiplier: dm } = p;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft } = p;
  const { outHeight, outWidth, outChannels: OC } = p;
  const inPlane = inHeight * inWidth;
  const outPlane = outHeight * outWidth;

  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < C; c++) {
      const xPlane = (n * C + c) * inPlane;
      for (let m = 0; m < dm; m++) {
        const oPlane = (n * OC + c * dm + m) * outPlane;
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
            const ki = ((ky * kernelWidth + kx) * C + c) * dm + m;
            for (let oy = oy0; oy < oy1; oy++) {
              const oRow = oPlane + oy * outWidth;
              let xi = xPlane + (oy * strideHeight + offY) * inWidth + ox0 * strideWidth + offX;
              for (let ox = ox0; ox < ox1; ox++, xi += strideWidth) dk[ki] += x[xi] * dy[oRow + ox];
            }
          }
        }
      }
    }
  }
}

/**
 * Gradient with respect to the bias: `dbias[o] = Σ_{n,oy,ox} dy[n, oy, ox, o]`.
 *
 * @param dbias Preallocated, length `outChannels`, fully overwritten.
 */
export function depthwiseConv2dBackwardBias(p: DepthwiseConv2dParams, dy: FloatArray, dbias: FloatArray): void {
  const sizes = depthwiseConv2dSizes(p);
  checkLength('depthwiseConv2d', 'dy', dy, sizes.output);
  checkLength('depthwiseConv2d', 'dbias', dbias, sizes.bias);
  dbias.fill(0);
  const OC = p.outChannels;
  const pixels = p.outHeight * p.outWidth;
  if (p.dataFormat === 'channels_last') {
    const total = p.batch * pixels;
    for (let i = 0, o = 0; i < total; i++, o += OC) {
      for (let j = 0; j < OC; j++) dbias[j] += dy[o + j];
    }
  } else {
    for (let n = 0, o = 0; n < p.batch; n++) {
      for (let j = 0; j < OC; j++) {
        for (let i = 0; i < pixels; i++, o++) dbias[j] += dy[o];
      }
    }
  }
}
