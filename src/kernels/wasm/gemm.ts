/**
 * The SIMD GEMM of `assembly/gemm.ts` behind the `MatmulKernels` and `Conv2dKernels` interfaces.
 *
 * Matmul: every batch entry is one `gemmF32` call over the rows of its output, split across threads by
 * the `ParallelRunner`. Conv2d: the pointwise case (1×1, stride 1, unpadded, one group, channels_last) is
 * a plain product over pixels, `out[P, F] = x[P, C]·k[C, F]`, so forward (bias and activation fused into
 * the store), input gradient (`dy·kᵀ`), kernel gradient (`xᵀ·dy`) and bias gradient (`1ᵀ·dy`) all run as
 * one GEMM each. Any other channels_last convolution with one group runs its forward pass and its
 * kernel gradient as GEMMs over im2col rows built block by block in scratch (`conv2dNhwcF32`,
 * `conv2dBackwardKernelNhwcF32`; MobileNet's 3×3 stride-2 first layer); its input gradient (a col2im
 * scatter), channels_first, grouped convolutions and anything float64 go to the TypeScript kernels.
 *
 * Zero copy: a float32 argument that is a view into the module's memory (the arena recognises it, also
 * after a shared memory grew and `memory.buffer` became a new SharedArrayBuffer object) is passed by its
 * `byteOffset`; any other float32 array is copied through a scratch block for the call (an output is
 * copied back), and `stats()` counts it.
 */
import type { FloatArray } from '../../engine/dtype.js';
import { ShapeError } from '../../errors.js';
import { checkLength } from '../buffer-check.js';
import type { Conv2dKernels, Conv2dParams } from '../conv2d/index.js';
import { conv2dSizes, typescriptConv2dKernels } from '../conv2d/index.js';
import { applyEpilogue } from '../epilogue.js';
import { matmulForward } from '../matmul/js.js';
import type { MatmulKernels } from '../matmul/kernels.js';
import type { MatmulParams } from '../matmul/params.js';
import type { WasmArena } from './arena.js';
import type { FusedActivation } from './bind.js';
import { ACTIVATION_CODES, argumentBinder } from './bind.js';
import * as K from './generated/constants.js';
import type { KernelExports } from './generated/exports.js';
import type { KernelContext } from './kernel-error.js';
import { shapeText } from './kernel-error.js';
import type { ConvVariant, GemmShape, GemmVariant } from './manifest.js';
import { isPointwiseNhwc, selectVariant, usesVariant, variantsOf } from './manifest.js';
import type { ParallelRunner } from './parallel.js';

export { isPointwiseNhwc } from './manifest.js';

/** The module's exports (the GEMM wrappers use the `gemm*` and `conv2d*` ones). */
export type GemmWasmExports = KernelExports;

/**
 * The thread pool's serial threshold is calibrated in depthwise multiply-adds (about 10 G/s per core);
 * the GEMM runs about 60 GFLOP/s, so one of its flops costs about a sixth of that unit of time.
 */
const FLOP_COST = 1 / 6;

const GEMMS = variantsOf<GemmVariant>('gemm', 'gemm');
const [IM2COL_FORWARD] = variantsOf<ConvVariant>('gemm', 'conv2dForward');
const [IM2COL_BACKWARD_KERNEL] = variantsOf<ConvVariant>('gemm', 'conv2dBackwardKernel');

export interface GemmKernelStats {
  /** Kernel calls computed in WebAssembly. */
  wasmCalls: number;
  /** Calls handed to the TypeScript kernels (float64 arguments, or a case the GEMM does not cover). */
  typescriptCalls: number;
  /** Array arguments passed in place (views into wasm memory). */
  zeroCopyArguments: number;
  /** Array arguments copied in or out through scratch memory (the fallback). */
  copiedArguments: number;
  copiedBytes: number;
}

export interface WasmMatmulKernels extends MatmulKernels {
  /**
   * `out = act(op(A)·op(B) * scale[n] + shift[n])` per output column (a dense layer with its bias, or a
   * folded batch norm, in one pass). `scale`/`shift` of length `p.n`, or null (1 / 0).
   */
  forwardFused(
    p: MatmulParams,
    a: FloatArray,
    b: FloatArray,
    scale: FloatArray | null,
    shift: FloatArray | null,
    out: FloatArray,
    activation: FusedActivation,
  ): void;
  stats(): GemmKernelStats;
  resetStats(): void;
}

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

/** One GEMM on wasm pointers; see `gemmF32` in `assembly/gemm.ts`. Strides are in elements. */
interface GemmCall {
  a: number;
  lda: number;
  transA: boolean;
  b: number;
  ldb: number;
  transB: boolean;
  c: number;
  ldc: number;
  m: number;
  n: number;
  k: number;
  scale: number;
  shift: number;
  act: number;
}

function newStats(): GemmKernelStats {
  return { wasmCalls: 0, typescriptCalls: 0, zeroCopyArguments: 0, copiedArguments: 0, copiedBytes: 0 };
}

function isF32(...arrays: (FloatArray | null)[]): boolean {
  return arrays.every((x) => x === null || x instanceof Float32Array);
}

/** The op and shapes of a matmul call, for the error a trap becomes. */
function matmulContext(p: MatmulParams): KernelContext {
  return {
    op: 'matmul',
    describe: () =>
      `a ${shapeText([...p.batchShape, p.m, p.k])}${p.transposeA ? ' (transposed)' : ''}, b ${shapeText([...p.batchShape, p.k, p.n])}${p.transposeB ? ' (transposed)' : ''}`,
  };
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

/** Runs `body` with bound arguments, freeing their scratch whether or not it throws. */
function withBound(bound: { done(): void; release(): void }, body: () => void): void {
  try {
    body();
    bound.done();
  } finally {
    bound.release();
  }
}

/** State shared by the kernels of one `create*` call: argument binding, the GEMM call, statistics. */
function gemmContext(wasm: GemmWasmExports, arena: WasmArena, runner: ParallelRunner) {
  const counters = newStats();

  const bind = argumentBinder(arena, counters);

  /** One product through the GEMM variant the manifest selects (B packed or read in place; split by rows or column panels). */
  function gemm(g: GemmCall, context: KernelContext): void {
    const shape: GemmShape = { m: g.m, n: g.n, k: g.k, transA: g.transA, transB: g.transB };
    const variant = selectVariant(GEMMS, shape, 'gemm');
    const direct = variant.direct ? 1 : 0;
    const args: [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number] = [
      g.a, g.lda, g.transA ? 1 : 0, g.b, g.ldb, g.transB ? 1 : 0, g.c, g.ldc, g.m, g.n, g.k, g.scale, g.shift, g.act, 0, direct,
    ];
    const scratchBytes = wasm.gemmScratchBytes(g.n, g.k, direct);
    if (variant.export === 'gemmF32Cols') {
      runner.run(wasm.gemmF32Cols, args, Math.ceil(g.n / K.GEMM_NR), { costPerUnit: FLOP_COST * (16 * g.m * g.k + 8 * g.m), scratchBytes, context });
    } else {
      runner.run(wasm.gemmF32, args, g.m, { costPerUnit: FLOP_COST * (2 * g.n * g.k + g.n), scratchBytes, context });
    }
  }

  return {
    counters,
    bind,
    gemm,
    stats(): GemmKernelStats {
      return { ...counters };
    },
    resetStats(): void {
      Object.assign(counters, newStats());
    },
  };
}

/**
 * The matrix product in WebAssembly: float32 operands run in the SIMD GEMM, float64 ones in the
 * TypeScript kernel.
 *
 * @example
 * ```ts
 * const matmul = createWasmMatmulKernels(exports, arena, serialRunner(exports, arena));
 * matmul.forward(resolveMatmulParams([64, 128], [128, 10], { transposeA: false, transposeB: false }), a, b, out);
 * ```
 */
export function createWasmMatmulKernels(wasm: GemmWasmExports, arena: WasmArena, runner: ParallelRunner): WasmMatmulKernels {
  const ctx = gemmContext(wasm, arena, runner);

  function forwardFused(
    p: MatmulParams,
    a: FloatArray,
    b: FloatArray,
    scale: FloatArray | null,
    shift: FloatArray | null,
    out: FloatArray,
    activation: FusedActivation,
  ): void {
    const { m, k, n, aOffsets, bOffsets } = p;
    const count = aOffsets.length;
    checkLength('matmul wasm', 'out', out, count * m * n);
    let aEnd = 0;
    let bEnd = 0;
    for (let t = 0; t < count; t++) {
      aEnd = Math.max(aEnd, aOffsets[t] + m * k);
      bEnd = Math.max(bEnd, bOffsets[t] + k * n);
    }
    if (a.length < aEnd) throw new ShapeError(`matmul wasm kernel: \`a\` has ${a.length} elements; these params read ${aEnd}.`);
    if (b.length < bEnd) throw new ShapeError(`matmul wasm kernel: \`b\` has ${b.length} elements; these params read ${bEnd}.`);
    if (scale !== null) checkLength('matmul wasm', 'scale', scale, n);
    if (shift !== null) checkLength('matmul wasm', 'shift', shift, n);
    if (!(a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array && isF32(scale, shift))) {
      ctx.counters.typescriptCalls++;
      matmulForward(p, a, b, out);
      applyEpilogue(out, { channels: n, channelsLast: true, spatial: 1 }, { scale, shift, activation });
      return;
    }
    ctx.counters.wasmCalls++;
    const bound = ctx.bind('matmul', [a, b, scale as Float32Array | null, shift as Float32Array | null], [out]);
    const [ap, bp, sp, hp, op] = bound.ptrs;
    const act = ACTIVATION_CODES[activation];
    const context = matmulContext(p);
    withBound(bound, () => {
      for (let t = 0; t < count; t++) {
      ctx.gemm({
        a: ap + 4 * aOffsets[t],
        lda: p.transposeA ? m : k,
        transA: p.transposeA,
        b: bp + 4 * bOffsets[t],
        ldb: p.transposeB ? k : n,
        transB: p.transposeB,
        c: op + 4 * t * m * n,
        ldc: n,
        m,
        n,
        k,
        scale: sp,
        shift: hp,
        act,
      }, context);
      }
    });
  }

  return {
    forward(p, a, b, out): void {
      forwardFused(p, a, b, null, null, out, 'linear');
    },
    forwardFused,
    stats: ctx.stats,
    resetStats: ctx.resetStats,
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
