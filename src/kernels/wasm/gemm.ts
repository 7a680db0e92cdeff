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
import { ShapeError } from '../../errors.js';
import type { Conv2dKernels, Conv2dParams } from '../conv2d/index.js';
import { conv2dSizes, typescriptConv2dKernels } from '../conv2d/index.js';
import type { FloatArray } from '../float-array.js';
import { matmulForward } from '../matmul/js.js';
import type { MatmulKernels } from '../matmul/kernels.js';
import type { MatmulParams } from '../matmul/params.js';
import type { WasmArena } from './arena.js';
import { argumentBinder } from './bind.js';
import type { FusedActivation } from './depthwise-conv2d.js';
import type { ParallelRunner } from './parallel.js';

/** The exports of `assembly/gemm.ts` this wrapper calls. Pointers are byte offsets. */
export interface GemmWasmExports {
  readonly memory: WebAssembly.Memory;
  gemmF32(
    a: number, lda: number, transA: number,
    b: number, ldb: number, transB: number,
    c: number, ldc: number,
    m: number, n: number, k: number,
    scale: number, shift: number, act: number, accumulate: number,
    start: number, end: number, scratch: number,
  ): void;
  gemmF32Cols(
    a: number, lda: number, transA: number,
    b: number, ldb: number, transB: number,
    c: number, ldc: number,
    m: number, n: number, k: number,
    scale: number, shift: number, act: number, accumulate: number,
    start: number, end: number, scratch: number,
  ): void;
  gemmScratchBytes(m: number, n: number, k: number, transB: number): number;
  conv2dNhwcF32(
    x: number, kernel: number, out: number, geometry: number, pixels: number, filters: number,
    scale: number, shift: number, act: number,
    start: number, end: number, scratch: number,
  ): void;
  conv2dScratchBytes(pixels: number, filters: number, patch: number): number;
  conv2dBackwardKernelNhwcF32(
    x: number, dy: number, dkernel: number, geometry: number, pixels: number, filters: number,
    start: number, end: number, scratch: number,
  ): void;
  conv2dBackwardKernelScratchBytes(pixels: number, filters: number, patch: number): number;
}

/**
 * The thread pool's serial threshold is calibrated in depthwise multiply-adds (about 10 G/s per core);
 * the GEMM runs about 60 GFLOP/s, so one of its flops costs about a sixth of that unit of time.
 */
const FLOP_COST = 1 / 6;

/** i32 words of the geometry block `conv2dNhwcF32` reads. */
const GEOMETRY_WORDS = 13;

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

const ACTIVATION_CODES: Record<FusedActivation, number> = { linear: 0, relu: 1, relu6: 2 };

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

function checkLength(kernel: string, argument: string, array: FloatArray, expected: number): void {
  if (array.length !== expected) {
    throw new ShapeError(`${kernel} wasm kernel: \`${argument}\` has ${array.length} elements; expected ${expected} for these params.`);
  }
}

/** State shared by the kernels of one `create*` call: argument binding, the GEMM call, statistics. */
function gemmContext(wasm: GemmWasmExports, arena: WasmArena, runner: ParallelRunner) {
  const counters = newStats();

  const bind = argumentBinder(arena, counters);

  /**
   * Splits by rows of C, or by 8-column panels when C has few rows for its width (m < 2n): every call
   * packs the part of B its columns need, so a row split would pack all of B once per chunk, which
   * costs more than the product when m is small (a 7×7 layer, a kernel gradient).
   */
  function gemm(g: GemmCall): void {
    const transB = g.transB ? 1 : 0;
    const args = [g.a, g.lda, g.transA ? 1 : 0, g.b, g.ldb, transB, g.c, g.ldc, g.m, g.n, g.k, g.scale, g.shift, g.act, 0];
    const scratchBytes = wasm.gemmScratchBytes(g.m, g.n, g.k, transB);
    if (g.n >= 16 && g.m < 2 * g.n) {
      runner.run('gemmF32Cols', args, Math.ceil(g.n / 8), { costPerUnit: FLOP_COST * (16 * g.m * g.k + 8 * g.m), scratchBytes });
    } else {
      runner.run('gemmF32', args, g.m, { costPerUnit: FLOP_COST * (2 * g.n * g.k + g.n), scratchBytes });
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

/** `out = act(out * scale + shift)` in TypeScript, for the delegated paths. */
function applyEpilogue(out: FloatArray, columns: number, scale: FloatArray | null, shift: FloatArray | null, activation: FusedActivation): void {
  if (scale === null && shift === null && activation === 'linear') return;
  const lo = activation === 'linear' ? -Infinity : 0;
  const hi = activation === 'relu6' ? 6 : Infinity;
  for (let i = 0; i < out.length; i++) {
    const j = i % columns;
    let v = out[i];
    if (scale !== null) v *= scale[j];
    if (shift !== null) v += shift[j];
    out[i] = Math.min(Math.max(v, lo), hi);
  }
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
    checkLength('matmul', 'out', out, count * m * n);
    let aEnd = 0;
    let bEnd = 0;
    for (let t = 0; t < count; t++) {
      aEnd = Math.max(aEnd, aOffsets[t] + m * k);
      bEnd = Math.max(bEnd, bOffsets[t] + k * n);
    }
    if (a.length < aEnd) throw new ShapeError(`matmul wasm kernel: \`a\` has ${a.length} elements; these params read ${aEnd}.`);
    if (b.length < bEnd) throw new ShapeError(`matmul wasm kernel: \`b\` has ${b.length} elements; these params read ${bEnd}.`);
    if (scale !== null) checkLength('matmul', 'scale', scale, n);
    if (shift !== null) checkLength('matmul', 'shift', shift, n);
    if (!(a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array && isF32(scale, shift))) {
      ctx.counters.typescriptCalls++;
      matmulForward(p, a, b, out);
      applyEpilogue(out, n, scale, shift, activation);
      return;
    }
    ctx.counters.wasmCalls++;
    const bound = ctx.bind('matmul', [a, b, scale as Float32Array | null, shift as Float32Array | null], [out]);
    const [ap, bp, sp, hp, op] = bound.ptrs;
    const act = ACTIVATION_CODES[activation];
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
      });
    }
    bound.done();
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
 * Whether the convolution is a product over pixels the GEMM computes directly: 1×1 kernel, stride 1,
 * no padding, one group, channels_last (dilation is irrelevant for a 1×1 kernel).
 */
export function isPointwiseNhwc(p: Conv2dParams): boolean {
  return (
    p.dataFormat === 'channels_last' &&
    p.kernelHeight === 1 && p.kernelWidth === 1 && p.strideHeight === 1 && p.strideWidth === 1 &&
    p.padTop === 0 && p.padBottom === 0 && p.padLeft === 0 && p.padRight === 0 && p.groups === 1
  );
}

/** Channels_last, one group, not pointwise: the forward pass runs over im2col rows. */
function isIm2colNhwc(p: Conv2dParams): boolean {
  return p.dataFormat === 'channels_last' && p.groups === 1 && !isPointwiseNhwc(p);
}

/**
 * The grouped 2D convolution with its pointwise case in the SIMD GEMM (see the file comment); every other
 * case is the TypeScript kernel.
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
  const geometry = arena.alloc(GEOMETRY_WORDS * 4);

  /** The geometry block is read only by the kernels, and calls do not overlap (the runner returns when done). */
  function writeGeometry(p: Conv2dParams): void {
    new Int32Array(arena.buffer(), geometry, GEOMETRY_WORDS).set([
      p.inHeight, p.inWidth, p.inChannels, p.kernelHeight, p.kernelWidth, p.strideHeight, p.strideWidth,
      p.dilationHeight, p.dilationWidth, p.padTop, p.padLeft, p.outHeight, p.outWidth,
    ]);
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
    checkLength('conv2d', 'x', x, sizes.input);
    checkLength('conv2d', 'kernel', kernel, sizes.kernel);
    if (scale !== null) checkLength('conv2d', 'scale', scale, sizes.bias);
    if (shift !== null) checkLength('conv2d', 'shift', shift, sizes.bias);
    checkLength('conv2d', 'out', out, sizes.output);
    const pointwise = isPointwiseNhwc(p);
    if (!(pointwise || isIm2colNhwc(p)) || !(x instanceof Float32Array && kernel instanceof Float32Array && out instanceof Float32Array && isF32(scale, shift))) {
      ctx.counters.typescriptCalls++;
      if (scale === null) {
        ts.forward(p, x, kernel, shift, out);
        applyEpilogue(out, p.dataFormat === 'channels_last' ? p.outChannels : out.length, null, null, activation);
      } else {
        ts.forward(p, x, kernel, null, out);
        applyChannelEpilogue(p, out, scale, shift, activation);
      }
      return;
    }
    ctx.counters.wasmCalls++;
    const bound = ctx.bind('conv2d', [x, kernel, scale as Float32Array | null, shift as Float32Array | null], [out]);
    const [xp, kp, sp, hp, op] = bound.ptrs;
    const C = p.inChannels;
    const F = p.outChannels;
    const pixels = p.batch * p.outHeight * p.outWidth;
    const act = ACTIVATION_CODES[activation];
    if (!pointwise) {
      writeGeometry(p);
      const patch = p.kernelHeight * p.kernelWidth * C;
      runner.run('conv2dNhwcF32', [xp, kp, op, geometry, pixels, F, sp, hp, act], pixels, {
        costPerUnit: FLOP_COST * (2 * F * patch + patch),
        scratchBytes: wasm.conv2dScratchBytes(pixels, F, patch),
      });
      bound.done();
      return;
    }
    ctx.gemm({
      a: xp, lda: C, transA: false,
      b: kp, ldb: F, transB: false,
      c: op, ldc: F,
      m: pixels, n: F, k: C,
      scale: sp, shift: hp, act,
    });
    bound.done();
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
      checkLength('conv2d', 'dy', dy, sizes.output);
      checkLength('conv2d', 'kernel', kernel, sizes.kernel);
      checkLength('conv2d', 'dx', dx, sizes.input);
      ctx.counters.wasmCalls++;
      const bound = ctx.bind('conv2d', [dy as Float32Array, kernel as Float32Array], [dx as Float32Array]);
      const [gp, kp, dxp] = bound.ptrs;
      const C = p.inChannels;
      const F = p.outChannels;
      // dx[P, C] = dy[P, F]·kᵀ, the kernel's storage [C, F] being op(B) transposed.
      ctx.gemm({
        a: gp, lda: F, transA: false,
        b: kp, ldb: F, transB: true,
        c: dxp, ldc: C,
        m: p.batch * p.inHeight * p.inWidth, n: C, k: F,
        scale: 0, shift: 0, act: 0,
      });
      bound.done();
    },

    backwardKernel(p, x, dy, dkernel): void {
      const pointwise = isPointwiseNhwc(p);
      if (!(pointwise || isIm2colNhwc(p)) || !isF32(x, dy, dkernel)) {
        ctx.counters.typescriptCalls++;
        ts.backwardKernel(p, x, dy, dkernel);
        return;
      }
      const sizes = conv2dSizes(p);
      checkLength('conv2d', 'x', x, sizes.input);
      checkLength('conv2d', 'dy', dy, sizes.output);
      checkLength('conv2d', 'dkernel', dkernel, sizes.kernel);
      ctx.counters.wasmCalls++;
      const bound = ctx.bind('conv2d', [x as Float32Array, dy as Float32Array], [dkernel as Float32Array]);
      const [xp, gp, kp] = bound.ptrs;
      const C = p.inChannels;
      const F = p.outChannels;
      const pixels = p.batch * p.outHeight * p.outWidth;
      if (!pointwise) {
        writeGeometry(p);
        const patch = p.kernelHeight * p.kernelWidth * C;
        // Units of 32 patch rows (see the export): every call rebuilds the im2col blocks it reads.
        runner.run('conv2dBackwardKernelNhwcF32', [xp, gp, kp, geometry, pixels, F], Math.ceil(patch / 32), {
          costPerUnit: FLOP_COST * 32 * (2 * F * pixels + pixels),
          scratchBytes: wasm.conv2dBackwardKernelScratchBytes(pixels, F, patch),
        });
        bound.done();
        return;
      }
      // dk[C, F] = xᵀ·dy: x's storage [P, C] is op(A) transposed; the pixels are the contracted length.
      ctx.gemm({
        a: xp, lda: C, transA: true,
        b: gp, ldb: F, transB: false,
        c: kp, ldc: F,
        m: C, n: F, k: pixels,
        scale: 0, shift: 0, act: 0,
      });
      bound.done();
    },

    backwardBias(p, dy, dbias): void {
      if (p.dataFormat !== 'channels_last' || !isF32(dy, dbias)) {
        ctx.counters.typescriptCalls++;
        ts.backwardBias(p, dy, dbias);
        return;
      }
      const sizes = conv2dSizes(p);
      checkLength('conv2d', 'dy', dy, sizes.output);
      checkLength('conv2d', 'dbias', dbias, sizes.bias);
      ctx.counters.wasmCalls++;
      const pixels = p.batch * p.outHeight * p.outWidth;
      const F = p.outChannels;
      const bound = ctx.bind('conv2d', [dy as Float32Array], [dbias as Float32Array]);
      const [gp, bp] = bound.ptrs;
      // dbias[1, F] = 1[1, P]·dy[P, F]: one GEMM row, which streams dy front to back.
      const ones = arena.alloc(4 * Math.max(pixels, 1), false);
      new Float32Array(arena.buffer(), ones, pixels).fill(1);
      ctx.gemm({
        a: ones, lda: pixels, transA: false,
        b: gp, ldb: F, transB: false,
        c: bp, ldc: F,
        m: 1, n: F, k: pixels,
        scale: 0, shift: 0, act: 0,
      });
      arena.release(ones);
      bound.done();
    },

    stats: ctx.stats,
    resetStats: ctx.resetStats,
  };
}

/** The epilogue over channels in either data format, for the delegated forward. */
function applyChannelEpilogue(p: Conv2dParams, out: FloatArray, scale: FloatArray, shift: FloatArray | null, activation: FusedActivation): void {
  if (p.dataFormat === 'channels_last') {
    applyEpilogue(out, p.outChannels, scale, shift, activation);
    return;
  }
  const plane = p.outHeight * p.outWidth;
  const lo = activation === 'linear' ? -Infinity : 0;
  const hi = activation === 'relu6' ? 6 : Infinity;
  for (let i = 0; i < out.length; i++) {
    const f = Math.floor(i / plane) % p.outChannels;
    out[i] = Math.min(Math.max(out[i] * scale[f] + (shift === null ? 0 : shift[f]), lo), hi);
  }
}
