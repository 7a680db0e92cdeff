/**
 * The pooling kernels of `assembly/pool2d.ts` behind the rank-generic `PoolKernels` slot: float32 max and
 * average pooling of rank 1 (as height 1) and 2, forward and backward, in SIMD over channels. Channels-first
 * tensors are transposed to NHWC in scratch memory and back (the manifest's `nchw via nhwc` entries);
 * float64 arrays and rank 3 take the TypeScript kernels.
 * Max pooling gives the TypeScript kernels' bits; average pooling scales in float32, within an ulp of
 * them (see the assembly file).
 */
import type { FloatArray } from '../../engine/dtype.js';
import { checkLength } from '../buffer-check.js';
import type { PoolKernels, PoolParams } from '../pool/index.js';
import { poolSizes, typescriptPoolKernels } from '../pool/index.js';
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

export interface WasmPool2dKernels extends PoolKernels {
  stats(): CallStats;
  resetStats(): void;
}

/** A rank-1 or rank-2 pooling as the 2D geometry the exports take (rank 1 is height 1). */
interface Pool2dParams {
  readonly batch: number;
  readonly channels: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly poolHeight: number;
  readonly poolWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly padTop: number;
  readonly padBottom: number;
  readonly padLeft: number;
  readonly padRight: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly dataFormat: PoolParams['dataFormat'];
}

/** The 2D geometry of a rank-1 or rank-2 pooling; null for rank 3 (no WebAssembly kernel). */
function planar(p: PoolParams): Pool2dParams | null {
  if (p.rank === 3) return null;
  const at = (values: readonly number[], i: number, unit: number) => (p.rank === 1 ? (i === 0 ? unit : values[0]) : values[i]);
  return {
    batch: p.batch,
    channels: p.channels,
    inHeight: at(p.inSize, 0, 1),
    inWidth: at(p.inSize, 1, 1),
    poolHeight: at(p.poolSize, 0, 1),
    poolWidth: at(p.poolSize, 1, 1),
    strideHeight: at(p.strides, 0, 1),
    strideWidth: at(p.strides, 1, 1),
    padTop: at(p.padBefore, 0, 0),
    padBottom: at(p.padAfter, 0, 0),
    padLeft: at(p.padBefore, 1, 0),
    padRight: at(p.padAfter, 1, 0),
    outHeight: at(p.outSize, 0, 1),
    outWidth: at(p.outSize, 1, 1),
    dataFormat: p.dataFormat,
  };
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
  const ts = typescriptPoolKernels;
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

  function forward(op: 'maxForward' | 'avgForward', params: PoolParams, x: FloatArray, out: FloatArray): void {
    const sizes = poolSizes(params);
    checkLength(KERNEL, 'x', x, sizes.input);
    checkLength(KERNEL, 'out', out, sizes.output);
    const p = planar(params);
    if (p === null || !allFloat32(x, out)) {
      calls.counters.typescriptCalls++;
      ts[op](params, x, out);
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

  function backward(op: 'maxBackward' | 'avgBackward', params: PoolParams, x: FloatArray | null, dy: FloatArray, dx: FloatArray): void {
    const sizes = poolSizes(params);
    if (x !== null) checkLength(KERNEL, 'x', x, sizes.input);
    checkLength(KERNEL, 'dy', dy, sizes.output);
    checkLength(KERNEL, 'dx', dx, sizes.input);
    const p = planar(params);
    if (p === null || !allFloat32(x, dy, dx)) {
      calls.counters.typescriptCalls++;
      if (x !== null) ts.maxBackward(params, x, dy, dx);
      else ts.avgBackward(params, dy, dx);
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
