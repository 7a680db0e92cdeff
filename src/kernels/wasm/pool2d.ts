/**
 * The pooling kernels of `assembly/pool2d.ts` behind `Pool2dKernels`: float32 max and average pooling,
 * forward and backward, in SIMD over channels. Channels-first tensors are transposed to NHWC in scratch
 * memory and back (the manifest's `nchw via nhwc` entries); float64 arrays take the TypeScript kernels.
 * Max pooling gives the TypeScript kernels' bits; average pooling scales in float32, within an ulp of
 * them (see the assembly file).
 */
import type { FloatArray } from '../../engine/dtype.js';
import { checkLength } from '../buffer-check.js';
import type { Pool2dKernels, Pool2dParams } from '../pool2d/index.js';
import { pool2dSizes, typescriptPool2dKernels } from '../pool2d/index.js';
import type { WasmArena } from './arena.js';
import type { CallStats } from './calls.js';
import { allFloat32, kernelCalls, transposeImages } from './calls.js';
import * as K from './generated/constants.js';
import type { KernelExports } from './generated/exports.js';
import type { KernelContext } from './kernel-error.js';
import { shapeText } from './kernel-error.js';
import type { Pool2dVariant, PoolOp } from './manifest.js';
import { selectVariant, variantsOf } from './manifest.js';
import type { ParallelRunner } from './parallel.js';

const KERNEL = 'pool2d wasm';

export interface WasmPool2dKernels extends Pool2dKernels {
  stats(): CallStats;
  resetStats(): void;
}

function context(op: PoolOp, p: Pool2dParams): KernelContext {
  return {
    op: `pool2d ${op}`,
    describe: () =>
      `x ${shapeText([p.batch, p.inHeight, p.inWidth, p.channels])} (${p.dataFormat}), pool ${shapeText([p.poolHeight, p.poolWidth])}, ` +
      `strides ${shapeText([p.strideHeight, p.strideWidth])}, padding ${shapeText([p.padTop, p.padBottom, p.padLeft, p.padRight])}`,
  };
}

/** The geometry arguments every pooling export takes after its arrays. */
function geometry(p: Pool2dParams): [number, number, number, number, number, number, number, number, number, number, number, number] {
  return [p.batch, p.inHeight, p.inWidth, p.channels, p.poolHeight, p.poolWidth, p.strideHeight, p.strideWidth, p.padTop, p.padLeft, p.outHeight, p.outWidth];
}

/**
 * Pooling kernels over the module's exports and arena; `runner` splits each call across threads.
 *
 * @example
 * ```ts
 * const pool = createWasmPool2dKernels(exports, arena, serialRunner(exports, arena));
 * pool.maxForward(params, x, out);
 * ```
 */
export function createWasmPool2dKernels(wasm: KernelExports, arena: WasmArena, runner: ParallelRunner): WasmPool2dKernels {
  const calls = kernelCalls(arena, KERNEL);
  const ts = typescriptPool2dKernels;
  const variants = (op: PoolOp): Pool2dVariant[] => variantsOf<Pool2dVariant>('pool2d', op);
  const byOp: Record<PoolOp, Pool2dVariant[]> = {
    maxForward: variants('maxForward'),
    avgForward: variants('avgForward'),
    maxBackward: variants('maxBackward'),
    avgBackward: variants('avgBackward'),
  };

  /** The NHWC pointer of an `[N, C, H, W]`-or-NHWC tensor: itself, or a transposed temporary. */
  function nhwc(p: Pool2dParams, ptr: number, height: number, width: number, temp: (floats: number) => number, ctx: KernelContext): number {
    if (p.dataFormat === 'channels_last') return ptr;
    const t = temp(p.batch * p.channels * height * width);
    transposeImages(wasm, runner, true, ptr, t, p.batch, p.channels, height * width, ctx);
    return t;
  }

  function forward(op: 'maxForward' | 'avgForward', p: Pool2dParams, x: FloatArray, out: FloatArray): void {
    const sizes = pool2dSizes(p);
    checkLength(KERNEL, 'x', x, sizes.input);
    checkLength(KERNEL, 'out', out, sizes.output);
    if (!allFloat32(x, out)) {
      calls.counters.typescriptCalls++;
      ts[op](p, x, out);
      return;
    }
    selectVariant(byOp[op], p, `pool2d ${op}`);
    const ctx = context(op, p);
    calls.run([x as Float32Array], [out as Float32Array], ([xp, op0], temp) => {
      const first = p.dataFormat === 'channels_first';
      if (first) calls.counters.transposedCalls++;
      const xn = nhwc(p, xp, p.inHeight, p.inWidth, temp, ctx);
      const on = first ? temp(sizes.output) : op0;
      const fn = op === 'maxForward' ? wasm.maxPoolForwardNhwc : wasm.avgPoolForwardNhwc;
      runner.run(fn, [xn, on, ...geometry(p)], p.batch * p.outHeight, {
        costPerUnit: p.outWidth * p.channels * p.poolHeight * p.poolWidth,
        context: ctx,
      });
      if (first) transposeImages(wasm, runner, false, on, op0, p.batch, p.channels, p.outHeight * p.outWidth, ctx);
    });
  }

  function backward(op: 'maxBackward' | 'avgBackward', p: Pool2dParams, x: FloatArray | null, dy: FloatArray, dx: FloatArray): void {
    const sizes = pool2dSizes(p);
    if (x !== null) checkLength(KERNEL, 'x', x, sizes.input);
    checkLength(KERNEL, 'dy', dy, sizes.output);
    checkLength(KERNEL, 'dx', dx, sizes.input);
    if (!allFloat32(x, dy, dx)) {
      calls.counters.typescriptCalls++;
      if (x !== null) ts.maxBackward(p, x, dy, dx);
      else ts.avgBackward(p, dy, dx);
      return;
    }
    selectVariant(byOp[op], p, `pool2d ${op}`);
    const ctx = context(op, p);
    const inputs = (x === null ? [dy] : [x, dy]) as Float32Array[];
    calls.run(inputs, [dx as Float32Array], (ptrs, temp) => {
      const first = p.dataFormat === 'channels_first';
      if (first) calls.counters.transposedCalls++;
      const dxp = ptrs[ptrs.length - 1];
      const gp = nhwc(p, ptrs[ptrs.length - 2], p.outHeight, p.outWidth, temp, ctx);
      const dn = first ? temp(sizes.input) : dxp;
      const units = p.batch * Math.ceil(p.channels / K.POOL_CHANNEL_BLOCK);
      const options = { costPerUnit: p.outHeight * p.outWidth * Math.min(p.channels, K.POOL_CHANNEL_BLOCK) * p.poolHeight * p.poolWidth, context: ctx };
      if (x === null) runner.run(wasm.avgPoolBackwardNhwc, [gp, dn, ...geometry(p)], units, options);
      else runner.run(wasm.maxPoolBackwardNhwc, [nhwc(p, ptrs[0], p.inHeight, p.inWidth, temp, ctx), gp, dn, ...geometry(p)], units, options);
      if (first) transposeImages(wasm, runner, false, dn, dxp, p.batch, p.channels, p.inHeight * p.inWidth, ctx);
    });
  }

  return {
    maxForward: (p, x, out) => forward('maxForward', p, x, out),
    avgForward: (p, x, out) => forward('avgForward', p, x, out),
    maxBackward: (p, x, dy, dx) => backward('maxBackward', p, x, dy, dx),
    avgBackward: (p, dy, dx) => backward('avgBackward', p, null, dy, dx),
    stats: calls.stats,
    resetStats: calls.resetStats,
  };
}
