/**
 * The grouped 2D convolution's WebAssembly slots (`Conv2dKernels`): the channels_last one-group cases run
 * in the SIMD GEMM (`gemm.ts`), the pointwise case as a plain product over pixels and any other window
 * over im2col rows (the manifest's `gemm` and `conv2d` entries); grouped, channels_first and float64
 * convolutions, and the non-pointwise input gradient, are the TypeScript kernels.
 */
import type { FloatArray } from '../../engine/dtype.js';
import { checkLength } from '../buffer-check.js';
import type { Conv2dKernels, Conv2dParams } from '../conv2d/index.js';
import { conv2dSizes, typescriptConv2dKernels } from '../conv2d/index.js';
import { applyEpilogue } from '../epilogue.js';
import type { WasmArena } from './arena.js';
import type { FusedActivation } from './bind.js';
import { ACTIVATION_CODES } from './bind.js';
import type { GemmKernelStats, GemmWasmExports } from './gemm.js';
import { FLOP_COST, gemmContext, isF32, withBound } from './gemm.js';
import * as K from './generated/constants.js';
import type { KernelContext } from './kernel-error.js';
import { shapeText } from './kernel-error.js';
import type { ConvVariant } from './manifest.js';
import { isPointwiseNhwc, usesVariant, variantsOf } from './manifest.js';
import type { ParallelRunner } from './parallel.js';

export { isPointwiseNhwc } from './manifest.js';

const [IM2COL_FORWARD] = variantsOf<ConvVariant>('gemm', 'conv2dForward');
const [IM2COL_BACKWARD_KERNEL] = variantsOf<ConvVariant>('gemm', 'conv2dBackwardKernel');

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

/** The op and params of a conv2d call, for the error a trap becomes. */
function conv2dContext(pass: string, p: Conv2dParams): KernelContext {
  return {
    op: `conv2d ${pass}`,
    describe: () =>
      `x ${shapeText([p.batch, p.inHeight, p.inWidth, p.inChannels])} (${p.dataFormat}), kernel ${shapeText([p.kernelHeight, p.kernelWidth, p.inChannelsPerGroup, p.outChannels])}, ` +
      `strides ${shapeText([p.strideHeight, p.strideWidth])}, dilation ${shapeText([p.dilationHeight, p.dilationWidth])}, ` +
      `padding ${shapeText([p.padTop, p.padBottom, p.padLeft, p.padRight])}, groups ${p.groups}`,
  };
}

/**
 * The grouped 2D convolution with its channels_last one-group cases in the SIMD GEMM (see the file
 * comment; the manifest's `conv2d` and `gemm` entries); every other case is the TypeScript kernel.
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
  const geometry = arena.alloc(K.GEOMETRY_WORDS * 4);
  const KERNEL = 'conv2d wasm';

  /** The geometry block is read only by the kernels, and calls do not overlap (the runner returns when done). */
  function writeGeometry(p: Conv2dParams): void {
    const words = new Int32Array(arena.buffer(), geometry, K.GEOMETRY_WORDS);
    words[K.G_IN_H] = p.inHeight;
    words[K.G_IN_W] = p.inWidth;
    words[K.G_IN_C] = p.inChannels;
    words[K.G_K_H] = p.kernelHeight;
    words[K.G_K_W] = p.kernelWidth;
    words[K.G_S_H] = p.strideHeight;
    words[K.G_S_W] = p.strideWidth;
    words[K.G_D_H] = p.dilationHeight;
    words[K.G_D_W] = p.dilationWidth;
    words[K.G_PAD_T] = p.padTop;
    words[K.G_PAD_L] = p.padLeft;
    words[K.G_OUT_H] = p.outHeight;
    words[K.G_OUT_W] = p.outWidth;
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
    const f32 = x instanceof Float32Array && kernel instanceof Float32Array && out instanceof Float32Array && isF32(scale, shift);
    const pointwise = f32 && isPointwiseNhwc(p);
    if (!f32 || !(pointwise || usesVariant(IM2COL_FORWARD, p))) {
      ctx.counters.typescriptCalls++;
      ts.forward(p, x, kernel, scale === null ? shift : null, out);
      const layout = { channels: p.outChannels, channelsLast: p.dataFormat === 'channels_last', spatial: p.outHeight * p.outWidth };
      applyEpilogue(out, layout, { scale, shift: scale === null ? null : shift, activation });
      return;
    }
    ctx.counters.wasmCalls++;
    const bound = ctx.bind('conv2d', [x, kernel, scale as Float32Array | null, shift as Float32Array | null], [out as Float32Array]);
    const [xp, kp, sp, hp, op] = bound.ptrs;
    const C = p.inChannels;
    const F = p.outChannels;
    const pixels = p.batch * p.outHeight * p.outWidth;
    const act = ACTIVATION_CODES[activation];
    const context = conv2dContext('forward', p);
    withBound(bound, () => {
      if (!pointwise) {
        writeGeometry(p);
        const patch = p.kernelHeight * p.kernelWidth * C;
        runner.run(wasm.conv2dNhwcF32, [xp, kp, op, geometry, pixels, F, sp, hp, act], pixels, {
          costPerUnit: FLOP_COST * (2 * F * patch + patch),
          scratchBytes: wasm.conv2dScratchBytes(pixels, F, patch),
          context,
        });
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

  return {
    forward(p, x, kernel, bias, out): void {
      forwardFused(p, x, kernel, null, bias, out, 'linear');
    },
    forwardFused,

    backwardInput(p, dy, kernel, dx): void {
      if (!isPointwiseNhwc(p) || !isF32(dy, kernel, dx)) {
        ctx.counters.typescriptCalls++;
        ts.backwardInput(p, dy, kernel, dx);
        return;
      }
      const sizes = conv2dSizes(p);
      checkLength(KERNEL, 'dy', dy, sizes.output);
      checkLength(KERNEL, 'kernel', kernel, sizes.kernel);
      checkLength(KERNEL, 'dx', dx, sizes.input);
      ctx.counters.wasmCalls++;
      const bound = ctx.bind('conv2d', [dy as Float32Array, kernel as Float32Array], [dx as Float32Array]);
      const [gp, kp, dxp] = bound.ptrs;
      const C = p.inChannels;
      const F = p.outChannels;
      // dx[P, C] = dy[P, F]·kᵀ, the kernel's storage [C, F] being op(B) transposed.
      withBound(bound, () =>
        ctx.gemm({
          a: gp, lda: F, transA: false,
          b: kp, ldb: F, transB: true,
          c: dxp, ldc: C,
          m: p.batch * p.inHeight * p.inWidth, n: C, k: F,
          scale: 0, shift: 0, act: K.ACT_NONE,
        }, conv2dContext('backwardInput', p)),
      );
    },

    backwardKernel(p, x, dy, dkernel): void {
      const f32 = isF32(x, dy, dkernel);
      const pointwise = f32 && isPointwiseNhwc(p);
      if (!f32 || !(pointwise || usesVariant(IM2COL_BACKWARD_KERNEL, p))) {
        ctx.counters.typescriptCalls++;
        ts.backwardKernel(p, x, dy, dkernel);
        return;
      }
      const sizes = conv2dSizes(p);
      checkLength(KERNEL, 'x', x, sizes.input);
      checkLength(KERNEL, 'dy', dy, sizes.output);
      checkLength(KERNEL, 'dkernel', dkernel, sizes.kernel);
      ctx.counters.wasmCalls++;
      const bound = ctx.bind('conv2d', [x as Float32Array, dy as Float32Array], [dkernel as Float32Array]);
      const [xp, gp, kp] = bound.ptrs;
      const C = p.inChannels;
      const F = p.outChannels;
      const pixels = p.batch * p.outHeight * p.outWidth;
      const context = conv2dContext('backwardKernel', p);
      withBound(bound, () => {
        if (!pointwise) {
          writeGeometry(p);
          const patch = p.kernelHeight * p.kernelWidth * C;
          // Units of KERNEL_ROWS_PER_UNIT patch rows (see the export): every call rebuilds the im2col blocks it reads.
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
