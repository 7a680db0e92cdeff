/**
 * The grouped 2D convolution's WebAssembly slots (`Conv2dKernels`):
 *
 * - channels_last with one group: the pointwise case as plain products over pixels (the manifest's
 *   `gemm` entries: forward, `dy·kᵀ`, `xᵀ·dy`, `1ᵀ·dy`), any other window as GEMMs over im2col rows
 *   (its `conv2d` entries): the forward pass, the input gradient (at stride 1 the forward convolution of
 *   `dy` with the kernel rotated and transposed per tap, at other strides a gather of the `dy` pixels
 *   each input pixel fed; also the transposed convolution's forward) and the kernel gradient;
 * - one input channel per group (`groups = C`): the depthwise kernels, every slot and both formats;
 * - other grouped convolutions, channels_first with one group and float64: the TypeScript kernels.
 */
import type { FloatArray } from '../../engine/dtype.js';
import { checkLength } from '../buffer-check.js';
import type { Conv2dKernels, Conv2dParams } from '../conv2d/index.js';
import { conv2dSizes, typescriptConv2dKernels } from '../conv2d/index.js';
import { applyEpilogue } from '../epilogue.js';
import type { WasmArena } from './arena.js';
import type { FusedActivation } from './bind.js';
import { ACTIVATION_CODES } from './bind.js';
import type { Im2colGeometry } from './conv2d-geometry.js';
import { conv2dContext, depthwiseParamsOf, forwardGeometry, gatherGeometry, rotatedGeometry, writeGeometry } from './conv2d-geometry.js';
import { createWasmDepthwiseConv2dKernels } from './depthwise-conv2d.js';
import type { GemmKernelStats, GemmWasmExports } from './gemm.js';
import { FLOP_COST, gemmContext, isF32, withBound } from './gemm.js';
import * as K from './generated/constants.js';
import type { KernelContext } from './kernel-error.js';
import type { ConvVariant } from './manifest.js';
import { isIm2colNhwc, isPointwiseNhwc, selectVariant, usesVariant, variantsOf } from './manifest.js';
import type { ParallelRunner } from './parallel.js';

export { isPointwiseNhwc } from './manifest.js';

const [IM2COL_FORWARD] = variantsOf<ConvVariant>('conv2d', 'conv2dForward');
const BACKWARD_INPUT = variantsOf<ConvVariant>('conv2d', 'conv2dBackwardInput');
const [IM2COL_BACKWARD_KERNEL] = variantsOf<ConvVariant>('conv2d', 'conv2dBackwardKernel');
const [DEPTHWISE] = variantsOf<ConvVariant>('conv2d', 'conv2dDepthwise');

export interface WasmConv2dKernels extends Conv2dKernels {
  /**
   * `out = act(conv(x, kernel) * scale[f] + shift[f])` in one pass (a bias, or an inference batch norm
   * folded with it, as `scale`/`shift`; null means 1 / 0). Channels_last float32 with one group runs in
   * the GEMM (pointwise directly, anything else over im2col rows); other cases compute `conv` with the
   * TypeScript kernel and apply the epilogue after.
   */
  forwardFused(
    p: Conv2dParams,
    x: FloatArray,
    kernel: FloatArray,
    scale: FloatArray | null,
    shift: FloatArray | null,
    out: FloatArray,
    activation: FusedActivation,
  ): void;
  stats(): GemmKernelStats;
  resetStats(): void;
}

/**
 * The grouped 2D convolution in WebAssembly where the file comment says, else the TypeScript kernel.
 *
 * @example
 * ```ts
 * const conv = createWasmConv2dKernels(exports, arena, serialRunner(exports, arena));
 * conv.forwardFused(params, x, kernel, bnScale, bnShift, out, 'relu6');
 * ```
 */
export function createWasmConv2dKernels(wasm: GemmWasmExports, arena: WasmArena, runner: ParallelRunner): WasmConv2dKernels {
  const ctx = gemmContext(wasm, arena, runner);
  const ts = typescriptConv2dKernels;
  const depthwise = createWasmDepthwiseConv2dKernels(wasm, arena, runner);
  const geometry = arena.alloc(K.GEOMETRY_WORDS * 4);
  const KERNEL = 'conv2d wasm';

  /** Whether the depthwise kernels serve this call (float32 only; counted as the routing entry's selection). */
  const routed = (p: Conv2dParams, ...arrays: (FloatArray | null)[]): boolean => {
    if (!isF32(...arrays) || !usesVariant(DEPTHWISE, p)) return false;
    ctx.counters.wasmCalls++;
    return true;
  };

  /** `out[rows, filters] = act(cols · kernel * scale + shift)` over the im2col rows `g` describes. */
  function im2colGemm(
    g: Im2colGeometry, x: number, k: number, out: number, rows: number, filters: number,
    scale: number, shift: number, act: number, context: KernelContext,
  ): void {
    writeGeometry(arena.buffer(), geometry, g);
    const patch = g.kernelHeight * g.kernelWidth * g.inChannels;
    runner.run(wasm.conv2dNhwcF32, [x, k, out, geometry, rows, filters, scale, shift, act], rows, {
      costPerUnit: FLOP_COST * (2 * filters * patch + patch),
      scratchBytes: wasm.conv2dScratchBytes(rows, filters, patch),
      context,
    });
  }

  function forwardFused(
    p: Conv2dParams,
    x: FloatArray,
    kernel: FloatArray,
    scale: FloatArray | null,
    shift: FloatArray | null,
    out: FloatArray,
    activation: FusedActivation,
  ): void {
    const sizes = conv2dSizes(p);
    checkLength(KERNEL, 'x', x, sizes.input);
    checkLength(KERNEL, 'kernel', kernel, sizes.kernel);
    if (scale !== null) checkLength(KERNEL, 'scale', scale, sizes.bias);
    if (shift !== null) checkLength(KERNEL, 'shift', shift, sizes.bias);
    checkLength(KERNEL, 'out', out, sizes.output);
    if (routed(p, x, kernel, scale, shift, out)) {
      depthwise.forwardScaleShift(depthwiseParamsOf(p), x, kernel, scale, shift, out, activation);
      return;
    }
    const f32 = isF32(x, kernel, out, scale, shift);
    const pointwise = f32 && isPointwiseNhwc(p);
    if (!f32 || !(pointwise || usesVariant(IM2COL_FORWARD, p))) {
      ctx.counters.typescriptCalls++;
      ts.forward(p, x, kernel, scale === null ? shift : null, out);
      const layout = { channels: p.outChannels, channelsLast: p.dataFormat === 'channels_last', spatial: p.outHeight * p.outWidth };
      applyEpilogue(out, layout, { scale, shift: scale === null ? null : shift, activation });
      return;
    }
    ctx.counters.wasmCalls++;
    const bound = ctx.bind('conv2d', [x as Float32Array, kernel as Float32Array, scale as Float32Array | null, shift as Float32Array | null], [out as Float32Array]);
    const [xp, kp, sp, hp, op] = bound.ptrs;
    const C = p.inChannels;
    const F = p.outChannels;
    const pixels = p.batch * p.outHeight * p.outWidth;
    const act = ACTIVATION_CODES[activation];
    const context = conv2dContext('forward', p);
    withBound(bound, () => {
      if (!pointwise) {
        im2colGemm(forwardGeometry(p), xp, kp, op, pixels, F, sp, hp, act, context);
        return;
      }
      ctx.gemm({
        a: xp, lda: C, transA: false,
        b: kp, ldb: F, transB: false,
        c: op, ldc: F,
        m: pixels, n: F, k: C,
        scale: sp, shift: hp, act,
      }, context);
    });
  }

  /**
   * The im2col input gradient: the kernel transposed per tap (rotated too at stride 1) into a temporary,
   * then one GEMM over rows of `dx` (see the manifest's `conv2d-dx` entries).
   */
  function backwardInputIm2col(p: Conv2dParams, variant: ConvVariant, gp: number, kp: number, dxp: number): void {
    const taps = p.kernelHeight * p.kernelWidth;
    const C = p.inChannels;
    const F = p.outChannels;
    const rotate = variant.code === K.IM2COL_WINDOWS;
    const transposed = arena.alloc(taps * C * F * 4, false);
    try {
      wasm.conv2dTransposeKernel(kp, transposed, taps, C, F, rotate ? 1 : 0);
      const g = rotate ? rotatedGeometry(p) : gatherGeometry(p);
      im2colGemm(g, gp, transposed, dxp, p.batch * p.inHeight * p.inWidth, C, 0, 0, K.ACT_NONE, conv2dContext('backwardInput', p));
    } finally {
      arena.release(transposed);
    }
  }

  return {
    forward(p, x, kernel, bias, out): void {
      forwardFused(p, x, kernel, null, bias, out, 'linear');
    },
    forwardFused,

    backwardInput(p, dy, kernel, dx): void {
      const sizes = conv2dSizes(p);
      checkLength(KERNEL, 'dy', dy, sizes.output);
      checkLength(KERNEL, 'kernel', kernel, sizes.kernel);
      checkLength(KERNEL, 'dx', dx, sizes.input);
      if (routed(p, dy, kernel, dx)) {
        depthwise.backwardInput(depthwiseParamsOf(p), dy, kernel, dx);
        return;
      }
      const pointwise = isPointwiseNhwc(p);
      if (!isF32(dy, kernel, dx) || !(pointwise || isIm2colNhwc(p))) {
        ctx.counters.typescriptCalls++;
        ts.backwardInput(p, dy, kernel, dx);
        return;
      }
      ctx.counters.wasmCalls++;
      const bound = ctx.bind('conv2d', [dy as Float32Array, kernel as Float32Array], [dx as Float32Array]);
      const [gp, kp, dxp] = bound.ptrs;
      const C = p.inChannels;
      const F = p.outChannels;
      withBound(bound, () => {
        if (!pointwise) {
          backwardInputIm2col(p, selectVariant(BACKWARD_INPUT, p, 'conv2d backwardInput'), gp, kp, dxp);
          return;
        }
        // dx[P, C] = dy[P, F]·kᵀ, the kernel's storage [C, F] being op(B) transposed.
        ctx.gemm({
          a: gp, lda: F, transA: false,
          b: kp, ldb: F, transB: true,
          c: dxp, ldc: C,
          m: p.batch * p.inHeight * p.inWidth, n: C, k: F,
          scale: 0, shift: 0, act: K.ACT_NONE,
        }, conv2dContext('backwardInput', p));
      });
    },

    backwardKernel(p, x, dy, dkernel): void {
      const sizes = conv2dSizes(p);
      checkLength(KERNEL, 'x', x, sizes.input);
      checkLength(KERNEL, 'dy', dy, sizes.output);
      checkLength(KERNEL, 'dkernel', dkernel, sizes.kernel);
      if (routed(p, x, dy, dkernel)) {
        depthwise.backwardKernel(depthwiseParamsOf(p), x, dy, dkernel);
        return;
      }
      const f32 = isF32(x, dy, dkernel);
      const pointwise = f32 && isPointwiseNhwc(p);
      if (!f32 || !(pointwise || usesVariant(IM2COL_BACKWARD_KERNEL, p))) {
        ctx.counters.typescriptCalls++;
        ts.backwardKernel(p, x, dy, dkernel);
        return;
      }
      ctx.counters.wasmCalls++;
      const bound = ctx.bind('conv2d', [x as Float32Array, dy as Float32Array], [dkernel as Float32Array]);
      const [xp, gp, kp] = bound.ptrs;
      const C = p.inChannels;
      const F = p.outChannels;
      const pixels = p.batch * p.outHeight * p.outWidth;
      const context = conv2dContext('backwardKernel', p);
      withBound(bound, () => {
        if (!pointwise) {
          writeGeometry(arena.buffer(), geometry, forwardGeometry(p));
          const patch = p.kernelHeight * p.kernelWidth * C;
          // Units of KERNEL_ROWS_PER_UNIT patch columns (see the export): each builds only its columns' im2col rows.
          runner.run(wasm.conv2dBackwardKernelNhwcF32, [xp, gp, kp, geometry, pixels, F], Math.ceil(patch / K.KERNEL_ROWS_PER_UNIT), {
            costPerUnit: FLOP_COST * K.KERNEL_ROWS_PER_UNIT * (2 * F * pixels + pixels),
            scratchBytes: wasm.conv2dBackwardKernelScratchBytes(pixels, F, patch),
            context,
          });
          return;
        }
        // dk[C, F] = xᵀ·dy: x's storage [P, C] is op(A) transposed; the pixels are the contracted length.
        ctx.gemm({
          a: xp, lda: C, transA: true,
          b: gp, ldb: F, transB: false,
          c: kp, ldc: F,
          m: C, n: F, k: pixels,
          scale: 0, shift: 0, act: K.ACT_NONE,
        }, context);
      });
    },

    backwardBias(p, dy, dbias): void {
      if (routed(p, dy, dbias)) {
        depthwise.backwardBias(depthwiseParamsOf(p), dy, dbias);
        return;
      }
      if (p.dataFormat !== 'channels_last' || !isF32(dy, dbias)) {
        ctx.counters.typescriptCalls++;
        ts.backwardBias(p, dy, dbias);
        return;
      }
      const sizes = conv2dSizes(p);
      checkLength(KERNEL, 'dy', dy, sizes.output);
      checkLength(KERNEL, 'dbias', dbias, sizes.bias);
      ctx.counters.wasmCalls++;
      const pixels = p.batch * p.outHeight * p.outWidth;
      const F = p.outChannels;
      const bound = ctx.bind('conv2d', [dy as Float32Array], [dbias as Float32Array]);
      const [gp, bp] = bound.ptrs;
      withBound(bound, () => {
        // dbias[1, F] = 1[1, P]·dy[P, F]: one GEMM row, which streams dy front to back.
        const ones = arena.alloc(4 * Math.max(pixels, 1), false);
        try {
          new Float32Array(arena.buffer(), ones, pixels).fill(1);
          ctx.gemm({
            a: ones, lda: pixels, transA: false,
            b: gp, ldb: F, transB: false,
            c: bp, ldc: F,
            m: 1, n: F, k: pixels,
            scale: 0, shift: 0, act: K.ACT_NONE,
          }, conv2dContext('backwardBias', p));
        } finally {
          arena.release(ones);
        }
      });
    },

    stats: ctx.stats,
    resetStats: ctx.resetStats,
  };
}
