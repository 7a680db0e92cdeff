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
 */
import type { FloatArray } from '../float-array.js';
import { checkLength } from '../buffer-check.js';
import { endInside, firstInside } from '../window.js';
import type { Conv2dParams } from './params.js';
import { conv2dSizes } from './params.js';


/**
 * The NHWC loop nest shared by forward, input gradient and kernel gradient: for every output pixel and
 * every in-bounds tap it calls `visit(o, xi, ki)` with the offsets of the output pixel's channels, the
 * input pixel's channels and the tap's `[C/groups, F]` kernel block. Hoisting this keeps the three
 * passes from drifting apart; `visit` is monomorphic per pass, so V8 inlines it.
 */
function forEachTapNhwc(p: Conv2dParams, visit: (o: number, xi: number, ki: number) => void): void {
  const { batch, inHeight, inWidth, inChannels: C, kernelHeight, kernelWidth } = p;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft } = p;
  const { outHeight, outWidth, outChannels: F } = p;
  const xRow = inWidth * C;
  const xStepX = dilationWidth * C;
  const kTap = p.inChannelsPerGroup * F;
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
          for (let kx = kx0; kx < kx1; kx++, xi += xStepX, ki += kTap) visit(o, xi, ki);
        }
      }
    }
  }
}

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

/** Whether the convolution is a plain matrix product over pixels: 1×1, stride 1, no padding. */
function isPointwise(p: Conv2dParams): boolean {
  return (
    p.kernelHeight === 1 && p.kernelWidth === 1 && p.strideHeight === 1 && p.strideWidth === 1 &&
    p.padTop === 0 && p.padBottom === 0 && p.padLeft === 0 && p.padRight === 0
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
  const { outChannels: F, groups: G, inChannelsPerGroup: cpg, outChannelsPerGroup: opg } = p;
  if (p.dataFormat === 'channels_first') {
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
  const pixels = p.batch * p.outHeight * p.outWidth;
  for (let i = 0, o = 0; i < pixels; i++, o += F) {
    if (bias === null) out.fill(0, o, o + F);
    else for (let j = 0; j < F; j++) out[o + j] = bias[j];
  }
  // Four input channels per pass over the output row: a quarter of the read-modify-writes of `out`,
  // which dominate this loop (the four products are summed in double precision, then rounded once).
  const tap = (o: number, xi: number, ki: number): void => {
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
  };
  if (isPointwise(p)) {
    // MobileNets' pointwise convolutions: a [pixels, C] × [C, F] product, no window arithmetic at all.
    const C = p.inChannels;
    for (let i = 0; i < pixels; i++) tap(i * F, i * C, 0);
  } else {
    forEachTapNhwc(p, tap);
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
  dx.fill(0);
  const { outChannels: F, groups: G, inChannelsPerGroup: cpg, outChannelsPerGroup: opg } = p;
  if (p.dataFormat === 'channels_first') {
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
  forEachTapNhwc(p, (o, xi, ki) => {
    for (let g = 0; g < G; g++) {
      const og = o + g * opg;
      for (let ci = 0, xc = xi + g * cpg, kr = ki + g * opg; ci < cpg; ci++, xc++, kr += F) {
        let s = 0;
        for (let co = 0; co < opg; co++) s += dy[og + co] * kernel[kr + co];
        dx[xc] += s;
      }
    }
  });
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
  const { outChannels: F, groups: G, inChannelsPerGroup: cpg, outChannelsPerGroup: opg } = p;
  if (p.dataFormat === 'channels_first') {
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
  forEachTapNhwc(p, (o, xi, ki) => {
    for (let g = 0; g < G; g++) {
      const og = o + g * opg;
      for (let ci = 0, xc = xi + g * cpg, kr = ki + g * opg; ci < cpg; ci++, xc++, kr += F) {
        const xv = x[xc];
        for (let co = 0; co < opg; co++) dkernel[kr + co] += xv * dy[og + co];
      }
    }
  });
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
