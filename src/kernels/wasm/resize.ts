/**
 * The bilinear resize kernels of `assembly/resize.ts` behind `ResizeKernels` (UpSampling2D's bilinear
 * interpolation): float32 forward and backward in SIMD over channels; channels-first tensors transposed
 * to NHWC in scratch memory and back (the manifest's `nchw via nhwc` entries); float64 arrays take the
 * TypeScript kernels.
 */
import type { FloatArray } from '../../engine/dtype.js';
import { checkLength } from '../buffer-check.js';
import type { ResizeKernels, ResizeParams } from '../resize/index.js';
import { resizeSizes, typescriptResizeKernels } from '../resize/index.js';
import type { WasmArena } from './arena.js';
import type { CallStats } from './calls.js';
import { allFloat32, kernelCalls, transposeImages } from './calls.js';
import * as K from './generated/constants.js';
import type { KernelExports } from './generated/exports.js';
import type { KernelContext } from './kernel-error.js';
import { shapeText } from './kernel-error.js';
import type { ResizeOp, ResizeVariant } from './manifest.js';
import { selectVariant, variantsOf } from './manifest.js';
import type { ParallelRunner } from './parallel.js';

const KERNEL = 'resize wasm';

export interface WasmResizeKernels extends ResizeKernels {
  stats(): CallStats;
  resetStats(): void;
}

function context(op: ResizeOp, p: ResizeParams): KernelContext {
  return {
    op: `resize ${op}`,
    describe: () => `x ${shapeText([p.batch, p.inHeight, p.inWidth, p.channels])} (${p.dataFormat}) to ${shapeText([p.outHeight, p.outWidth])}`,
  };
}

/**
 * Resize kernels over the module's exports and arena; `runner` splits each call across threads.
 *
 * @example
 * ```ts
 * const resize = createWasmResizeKernels(exports, arena, serialRunner(exports, arena));
 * resize.bilinearForward(params, x, out);
 * ```
 */
export function createWasmResizeKernels(wasm: KernelExports, arena: WasmArena, runner: ParallelRunner): WasmResizeKernels {
  const calls = kernelCalls(arena, KERNEL);
  const ts = typescriptResizeKernels;
  const FORWARD = variantsOf<ResizeVariant>('resize', 'bilinearForward');
  const BACKWARD = variantsOf<ResizeVariant>('resize', 'bilinearBackward');

  /**
   * Runs `kernel(src, dst)` on NHWC data: `src` (`srcH × srcW` pixels) and `dst` (`dstH × dstW`)
   * transposed around it when channels-first.
   */
  function run(
    op: ResizeOp, p: ResizeParams, src: Float32Array, dst: Float32Array, srcPixels: number, dstPixels: number,
    kernel: (s: number, d: number, ctx: KernelContext) => void,
  ): void {
    selectVariant(op === 'bilinearForward' ? FORWARD : BACKWARD, p, `resize ${op}`);
    const ctx = context(op, p);
    calls.run([src], [dst], ([sp, dp], temp) => {
      if (p.dataFormat === 'channels_last') {
        kernel(sp, dp, ctx);
        return;
      }
      calls.counters.transposedCalls++;
      const sn = temp(p.batch * p.channels * srcPixels);
      const dn = temp(p.batch * p.channels * dstPixels);
      transposeImages(wasm, runner, true, sp, sn, p.batch, p.channels, srcPixels, ctx);
      kernel(sn, dn, ctx);
      transposeImages(wasm, runner, false, dn, dp, p.batch, p.channels, dstPixels, ctx);
    });
  }

  const geometry = (p: ResizeParams): [number, number, number, number, number, number] => [p.batch, p.inHeight, p.inWidth, p.channels, p.outHeight, p.outWidth];

  return {
    bilinearForward(p: ResizeParams, x: FloatArray, out: FloatArray): void {
      const sizes = resizeSizes(p);
      checkLength(KERNEL, 'x', x, sizes.input);
      checkLength(KERNEL, 'out', out, sizes.output);
      if (!allFloat32(x, out)) {
        calls.counters.typescriptCalls++;
        ts.bilinearForward(p, x, out);
        return;
      }
      run('bilinearForward', p, x as Float32Array, out as Float32Array, p.inHeight * p.inWidth, p.outHeight * p.outWidth, (xp, op, ctx) =>
        runner.run(wasm.bilinearForwardNhwc, [xp, op, ...geometry(p)], p.batch * p.outHeight, { costPerUnit: 3 * p.outWidth * p.channels, context: ctx }),
      );
    },
    bilinearBackward(p: ResizeParams, dy: FloatArray, dx: FloatArray): void {
      const sizes = resizeSizes(p);
      checkLength(KERNEL, 'dy', dy, sizes.output);
      checkLength(KERNEL, 'dx', dx, sizes.input);
      if (!allFloat32(dy, dx)) {
        calls.counters.typescriptCalls++;
        ts.bilinearBackward(p, dy, dx);
        return;
      }
      const units = p.batch * Math.ceil(p.channels / K.POOL_CHANNEL_BLOCK);
      run('bilinearBackward', p, dy as Float32Array, dx as Float32Array, p.outHeight * p.outWidth, p.inHeight * p.inWidth, (gp, dp, ctx) =>
        runner.run(wasm.bilinearBackwardNhwc, [gp, dp, ...geometry(p)], units, {
          costPerUnit: 6 * p.outHeight * p.outWidth * Math.min(p.channels, K.POOL_CHANNEL_BLOCK),
          context: ctx,
        }),
      );
    },
    stats: calls.stats,
    resetStats: calls.resetStats,
  };
}
