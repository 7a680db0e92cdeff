/**
 * The rank-generic `conv` slot in WebAssembly (`ConvolutionKernels<ConvParams>`): ops send it the
 * convolutions of three spatial axes (Conv3D, Conv3DTranspose, ConvLSTM3D). A float32 convolution with
 * one group, of any rank (lifted to three axes), runs on the 2D slot's im2col GEMM exports, whose
 * geometry block carries depth words (the manifest's `conv` entries):
 *
 * - forward: `out[P, F] = cols[P, kd·kh·kw·C] · kernel + bias`, the im2col rows built 64 pixels at a
 *   time in per-thread scratch, so no column matrix is ever materialised (memory is bounded by the
 *   GEMM's blocks, whatever the volume);
 * - input gradient: at stride 1 the forward convolution of `dy` with the kernel rotated and transposed
 *   per tap, at other strides a gather of the `dy` pixels each input pixel fed (also the transposed
 *   convolution's forward);
 * - kernel gradient: `dkᵀ = dyᵀ · cols`, split by blocks of patch columns.
 *
 * Channels_first tensors are transposed to channels-last and back around the GEMM (the depthwise
 * kernels' layout passes, any number of spatial elements). Grouped convolutions, float64 arguments and
 * the bias gradient run the TypeScript loops.
 */
import { checkLength } from '../buffer-check.js';
import type { ConvParams } from '../conv/params.js';
import { convSizes } from '../conv/params.js';
import { typescriptConvKernels } from '../conv/index.js';
import type { ConvolutionKernels } from '../convolution-kernels.js';
import type { WasmArena } from './arena.js';
import type { Im2colGeometry } from './conv2d-geometry.js';
import { convContext, convGeometry, writeGeometry } from './conv2d-geometry.js';
import type { GemmKernelStats, GemmWasmExports } from './gemm.js';
import { FLOP_COST, gemmContext, isF32, withBound } from './gemm.js';
import * as K from './generated/constants.js';
import type { KernelContext } from './kernel-error.js';
import type { ConvNdVariant } from './manifest.js';
import { selectVariant, usesVariant, variantsOf } from './manifest.js';
import type { ParallelRunner } from './parallel.js';

const [FORWARD] = variantsOf<ConvNdVariant>('conv', 'convForward');
const BACKWARD_INPUT = variantsOf<ConvNdVariant>('conv', 'convBackwardInput');
const [BACKWARD_KERNEL] = variantsOf<ConvNdVariant>('conv', 'convBackwardKernel');

export interface WasmConvKernels extends ConvolutionKernels<ConvParams> {
  stats(): GemmKernelStats;
  resetStats(): void;
}

const product = (values: readonly number[]): number => values.reduce((a, b) => a * b, 1);

/**
 * The rank-generic convolution in WebAssembly where the file comment says, else the TypeScript loops.
 *
 * @example
 * ```ts
 * const conv = createWasmConvKernels(exports, arena, serialRunner(exports, arena));
 * const p = resolveConvParams([2, 16, 32, 32, 32], [3, 3, 3, 32, 32], { strides: [1, 1, 1], dilationRate: [1, 1, 1], padding: 'same', dataFormat: 'channels_last' });
 * conv.forward(p, x, kernel, bias, out);
 * ```
 */
export function createWasmConvKernels(wasm: GemmWasmExports, arena: WasmArena, runner: ParallelRunner): WasmConvKernels {
  const ctx = gemmContext(wasm, arena, runner);
  const ts = typescriptConvKernels;
  const geometry = arena.alloc(K.GEOMETRY_WORDS * 4);
  const KERNEL = 'conv wasm';

  /** `out[rows, filters] = cols · kernel + shift` over the im2col rows `g` describes (`batch` images). */
  function im2colGemm(g: Im2colGeometry, batch: number, x: number, k: number, out: number, filters: number, shift: number, context: KernelContext): void {
    writeGeometry(arena.buffer(), geometry, g);
    const rows = batch * g.outDepth * g.outHeight * g.outWidth;
    const patch = g.kernelDepth * g.kernelHeight * g.kernelWidth * g.inChannels;
    runner.run(wasm.conv2dNhwcF32, [x, k, out, geometry, rows, filters, 0, shift, K.ACT_NONE], rows, {
      costPerUnit: FLOP_COST * (2 * filters * patch + patch),
      scratchBytes: wasm.conv2dScratchBytes(rows, filters, patch),
      context,
    });
  }

  /** Temporaries in wasm memory, released together. */
  function temps() {
    const blocks: number[] = [];
    return {
      alloc(floats: number): number {
        const ptr = arena.alloc(4 * Math.max(floats, 1), false);
        blocks.push(ptr);
        return ptr;
      },
      release(): void {
        for (const ptr of blocks.splice(0)) arena.release(ptr);
      },
    };
  }
  type Temps = ReturnType<typeof temps>;

  /** `[N, C, S] ↔ [N, S, C]` with the depthwise kernels' 4×4 SIMD tiles. */
  function transpose(toLast: boolean, src: number, dst: number, batch: number, channels: number, spatial: number, context: KernelContext): void {
    const args: [number, number, number, number, number] = [src, dst, batch, channels, spatial];
    const options = { costPerUnit: 8 * channels, context };
    const units = batch * Math.ceil(spatial / 4);
    if (toLast) runner.run(wasm.nchwToNhwc, args, units, options);
    else runner.run(wasm.nhwcToNchw, args, units, options);
  }

  /** A channels-last pointer to `ptr` (`channels` per pixel): itself, or its transpose in a temporary. */
  function channelsLast(p: ConvParams, ptr: number, channels: number, spatial: readonly number[], t: Temps, context: KernelContext): number {
    if (p.dataFormat === 'channels_last') return ptr;
    const pixels = product(spatial);
    const dst = t.alloc(p.batch * pixels * channels);
    transpose(true, ptr, dst, p.batch, channels, pixels, context);
    return dst;
  }

  /** Runs `body` on a channels-last output pointer, transposing it into `ptr` after when channels-first. */
  function intoOutput(p: ConvParams, ptr: number, channels: number, spatial: readonly number[], t: Temps, context: KernelContext, body: (out: number) => void): void {
    if (p.dataFormat === 'channels_last') {
      body(ptr);
      return;
    }
    const pixels = product(spatial);
    const tmp = t.alloc(p.batch * pixels * channels);
    body(tmp);
    transpose(false, tmp, ptr, p.batch, channels, pixels, context);
  }

  function withTemps(bound: { done(): void; release(): void }, body: (t: Temps) => void): void {
    const t = temps();
    try {
      withBound(bound, () => body(t));
    } finally {
      t.release();
    }
  }

  return {
    forward(p, x, kernel, bias, out): void {
      const sizes = convSizes(p);
      checkLength(KERNEL, 'x', x, sizes.input);
      checkLength(KERNEL, 'kernel', kernel, sizes.kernel);
      if (bias !== null) checkLength(KERNEL, 'bias', bias, sizes.bias);
      checkLength(KERNEL, 'out', out, sizes.output);
      if (!isF32(x, kernel, bias, out) || !usesVariant(FORWARD, p)) {
        ctx.counters.typescriptCalls++;
        ts.forward(p, x, kernel, bias, out);
        return;
      }
      ctx.counters.wasmCalls++;
      const bound = ctx.bind('conv', [x as Float32Array, kernel as Float32Array, bias as Float32Array | null], [out as Float32Array]);
      const [xp, kp, bp, op] = bound.ptrs;
      const context = convContext('forward', p);
      withTemps(bound, (t) => {
        const xl = channelsLast(p, xp, p.inChannels, p.inSize, t, context);
        intoOutput(p, op, p.outChannels, p.outSize, t, context, (ol) => im2colGemm(convGeometry(p, 'forward'), p.batch, xl, kp, ol, p.outChannels, bp, context));
      });
    },

    backwardInput(p, dy, kernel, dx): void {
      const sizes = convSizes(p);
      checkLength(KERNEL, 'dy', dy, sizes.output);
      checkLength(KERNEL, 'kernel', kernel, sizes.kernel);
      checkLength(KERNEL, 'dx', dx, sizes.input);
      if (!isF32(dy, kernel, dx) || !BACKWARD_INPUT.some((v) => v.selects(p))) {
        ctx.counters.typescriptCalls++;
        ts.backwardInput(p, dy, kernel, dx);
        return;
      }
      const variant = selectVariant(BACKWARD_INPUT, p, 'conv backwardInput');
      ctx.counters.wasmCalls++;
      const bound = ctx.bind('conv', [dy as Float32Array, kernel as Float32Array], [dx as Float32Array]);
      const [gp, kp, dxp] = bound.ptrs;
      const context = convContext('backwardInput', p);
      const taps = product(p.kernelSize);
      const rotate = variant.code === K.IM2COL_WINDOWS;
      withTemps(bound, (t) => {
        // The kernel [taps, C, F] as [taps, F, C], rotated by 180 degrees at stride 1.
        const transposed = t.alloc(taps * p.inChannels * p.outChannels);
        wasm.conv2dTransposeKernel(kp, transposed, taps, p.inChannels, p.outChannels, rotate ? 1 : 0);
        const gl = channelsLast(p, gp, p.outChannels, p.outSize, t, context);
        intoOutput(p, dxp, p.inChannels, p.inSize, t, context, (dxl) =>
          im2colGemm(convGeometry(p, rotate ? 'rotated' : 'gather'), p.batch, gl, transposed, dxl, p.inChannels, 0, context),
        );
      });
    },

    backwardKernel(p, x, dy, dkernel): void {
      const sizes = convSizes(p);
      checkLength(KERNEL, 'x', x, sizes.input);
      checkLength(KERNEL, 'dy', dy, sizes.output);
      checkLength(KERNEL, 'dkernel', dkernel, sizes.kernel);
      if (!isF32(x, dy, dkernel) || !usesVariant(BACKWARD_KERNEL, p)) {
        ctx.counters.typescriptCalls++;
        ts.backwardKernel(p, x, dy, dkernel);
        return;
      }
      ctx.counters.wasmCalls++;
      const bound = ctx.bind('conv', [x as Float32Array, dy as Float32Array], [dkernel as Float32Array]);
      const [xp, gp, kp] = bound.ptrs;
      const context = convContext('backwardKernel', p);
      const F = p.outChannels;
      const pixels = p.batch * product(p.outSize);
      const patch = product(p.kernelSize) * p.inChannels;
      withTemps(bound, (t) => {
        const xl = channelsLast(p, xp, p.inChannels, p.inSize, t, context);
        const gl = channelsLast(p, gp, F, p.outSize, t, context);
        writeGeometry(arena.buffer(), geometry, convGeometry(p, 'forward'));
        // Units of KERNEL_ROWS_PER_UNIT patch columns (see the export): each builds only its columns' im2col rows.
        runner.run(wasm.conv2dBackwardKernelNhwcF32, [xl, gl, kp, geometry, pixels, F], Math.ceil(patch / K.KERNEL_ROWS_PER_UNIT), {
          costPerUnit: FLOP_COST * K.KERNEL_ROWS_PER_UNIT * (2 * F * pixels + pixels),
          scratchBytes: wasm.conv2dBackwardKernelScratchBytes(pixels, F, patch),
          context,
        });
      });
    },

    backwardBias(p, dy, dbias): void {
      // A reduction over pixels: O(output), small next to the other passes.
      ts.backwardBias(p, dy, dbias);
    },

    stats: ctx.stats,
    resetStats: ctx.resetStats,
  };
}
