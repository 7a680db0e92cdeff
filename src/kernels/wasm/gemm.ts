/**
 * The SIMD GEMM of `assembly/gemm.ts` behind the `MatmulKernels` interface, and the GEMM call the
 * convolution slots (`conv2d.ts`) share.
 *
 * Matmul: every batch entry is one product over the rows of its output (or its column panels: the
 * manifest's `gemm` entries decide, with whether B is packed or read in place), split across threads by
 * the `ParallelRunner`. Conv2d (`conv2d.ts`): the pointwise case (1×1, stride 1, unpadded, one group, channels_last) is
 * a plain product over pixels, `out[P, F] = x[P, C]·k[C, F]`, so forward (bias and activation fused into
 * the store), input gradient (`dy·kᵀ`), kernel gradient (`xᵀ·dy`) and bias gradient (`1ᵀ·dy`) all run as
 * one GEMM each. Any other channels_last convolution with one group runs its forward pass and both
 * gradients as GEMMs over im2col rows built block by block in scratch (`conv2dNhwcF32`,
 * `conv2dBackwardKernelNhwcF32`; see `conv2d.ts` and the manifest's `conv2d` entries).
 *
 * Zero copy: a float32 argument that is a view into the module's memory (the arena recognises it, also
 * after a shared memory grew and `memory.buffer` became a new SharedArrayBuffer object) is passed by its
 * `byteOffset`; any other float32 array is copied through a scratch block for the call (an output is
 * copied back), and `stats()` counts it.
 */
import type { FloatArray } from '../../engine/dtype.js';
import { ShapeError } from '../../errors.js';
import { checkLength } from '../buffer-check.js';
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
import type { GemmShape, GemmVariant } from './manifest.js';
import { selectVariant, variantsOf } from './manifest.js';
import type { ParallelRunner } from './parallel.js';

/** The module's exports (the GEMM wrappers use the `gemm*` and `conv2d*` ones). */
export type GemmWasmExports = KernelExports;

/**
 * The thread pool's serial threshold is calibrated in depthwise multiply-adds (about 10 G/s per core);
 * the GEMM runs about 60 GFLOP/s, so one of its flops costs about a sixth of that unit of time.
 */
export const FLOP_COST = 1 / 6;

const GEMMS = variantsOf<GemmVariant>('gemm', 'gemm');

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

/** One GEMM on wasm pointers; see `gemmF32` in `assembly/gemm.ts`. Strides are in elements. */
export interface GemmCall {
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

export function isF32(...arrays: (FloatArray | null)[]): boolean {
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

/** Runs `body` with bound arguments, freeing their scratch whether or not it throws. */
export function withBound(bound: { done(): void; release(): void }, body: () => void): void {
  try {
    body();
    bound.done();
  } finally {
    bound.release();
  }
}

/** State shared by the kernels of one `create*` call: argument binding, the GEMM call, statistics. */
export function gemmContext(wasm: GemmWasmExports, arena: WasmArena, runner: ParallelRunner) {
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
