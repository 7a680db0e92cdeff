/**
 * The batch-norm training kernels of `assembly/batch-norm.ts` behind `BatchNormKernels`: float32 tensors
 * that live in wasm memory run in SIMD, channels-last (`inner === 1`) split across threads by groups of 4
 * channels, any other layout (`inner > 1`: channels-first images) by channels, each channel's runs four
 * lanes at a time. Anything else (float64, arrays on the JavaScript heap) and the inference-mode kernels
 * take the TypeScript loops.
 *
 * The float64 statistics arrays belong to the caller (JavaScript heap, O(channels)); they are copied
 * through one scratch block per call, which costs nothing next to the passes over the activations.
 */
import type { FloatArray } from '../../engine/dtype.js';
import { batchNormSizes } from '../batch-norm/params.js';
import type { BatchNormParams } from '../batch-norm/params.js';
import { checkLength } from '../buffer-check.js';
import type { BatchNormKernels } from '../batch-norm/index.js';
import { typescriptBatchNormKernels } from '../typescript-backend.js';
import type { WasmArena } from './arena.js';
import type { KernelExports } from './generated/exports.js';
import type { KernelContext } from './kernel-error.js';
import type { BatchNormVariant } from './manifest.js';
import { selectVariant, variantsOf } from './manifest.js';
import type { ParallelRunner } from './parallel.js';

const NAME = 'batchNorm';
const FORWARD = variantsOf<BatchNormVariant>('batchNorm', 'forward');
const BACKWARD = variantsOf<BatchNormVariant>('batchNorm', 'backward');

function context(pass: string, p: BatchNormParams): KernelContext {
  return {
    op: `batchNorm ${pass}`,
    describe: () => (p.inner === 1 ? `x [${p.outer},${p.channels}] (channels last)` : `x [${p.outer},${p.channels},${p.inner}] (channel axis 1)`),
  };
}

/**
 * Batch-norm kernels that run channels-last float32 training passes in WebAssembly.
 *
 * @example
 * ```ts
 * const batchNorm = createWasmBatchNormKernels(exports, arena, serialRunner(exports, arena));
 * batchNorm.trainingForward(params, x, gamma, beta, 1e-3, y, mean, variance, invstd);
 * ```
 */
export function createWasmBatchNormKernels(wasm: KernelExports, arena: WasmArena, runner: ParallelRunner): BatchNormKernels {
  const ts = typescriptBatchNormKernels;
  const resident = (p: BatchNormParams, ...arrays: (FloatArray | null)[]): boolean => {
    arena.buffer(); // records the current buffer object, so views made over it are recognised
    return arrays.every((a) => a === null || (a instanceof Float32Array && arena.contains(a)));
  };
  const groups = (p: BatchNormParams): number => Math.ceil(p.channels / 4);
  const checkStats = (p: BatchNormParams, stats: Record<string, Float64Array>): void => {
    for (const [name, a] of Object.entries(stats)) checkLength(NAME, name, a, p.channels);
  };
  /** Runs `body` with `count` float64 arrays of `channels` values in wasm memory; returns their offsets. */
  const withStats = (C: number, count: number, body: (ptrs: number[], view: () => Float64Array) => void): void => {
    const block = arena.alloc(Math.max(1, C * count * 8), false);
    try {
      const ptrs = Array.from({ length: count }, (_, i) => block + i * C * 8);
      body(ptrs, () => new Float64Array(arena.buffer(), block, C * count));
    } finally {
      arena.release(block);
    }
  };

  const forward = (
    p: BatchNormParams,
    x: FloatArray,
    gamma: FloatArray | null,
    beta: FloatArray | null,
    epsilon: number,
    y: FloatArray | null,
    mean: Float64Array,
    variance: Float64Array,
    invstd: Float64Array,
  ): void => {
    const { input } = batchNormSizes(p);
    checkLength(NAME, 'x', x, input);
    if (y !== null) checkLength(NAME, 'y', y, input);
    if (gamma !== null) checkLength(NAME, 'gamma', gamma, p.channels);
    if (beta !== null) checkLength(NAME, 'beta', beta, p.channels);
    checkStats(p, { mean, variance, invstd });
    const C = p.channels;
    const variant = selectVariant(FORWARD, { rows: p.outer, channels: C, inner: p.inner, direction: 'forward' }, 'batchNorm forward');
    withStats(C, 3, ([m, v, s], view) => {
      const ctx = context(y === null ? 'moments' : 'trainingForward', p);
      const [g, b, yp] = [gamma?.byteOffset ?? 0, beta?.byteOffset ?? 0, y?.byteOffset ?? 0];
      const passes = y === null ? 2 : 3;
      if (variant.export === 'batchNormForwardNCHW') {
        runner.run(wasm.batchNormForwardNCHW, [x.byteOffset, p.outer, C, p.inner, epsilon, m, v, s, g, b, yp], C, {
          costPerUnit: p.outer * p.inner * passes,
          context: ctx,
        });
      } else {
        runner.run(wasm.batchNormForwardNHWC, [x.byteOffset, p.outer, C, epsilon, m, v, s, g, b, yp], groups(p), {
          costPerUnit: p.outer * 4 * passes,
          scratchBytes: wasm.batchNormForwardScratchBytes(C),
          context: ctx,
        });
      }
      const out = view();
      mean.set(out.subarray(0, C));
      variance.set(out.subarray(C, 2 * C));
      invstd.set(out.subarray(2 * C, 3 * C));
    });
  };

  return {
    ...ts,
    moments(p, x, epsilon, mean, variance, invstd): void {
      if (!resident(p, x) || p.count === 0) return ts.moments(p, x, epsilon, mean, variance, invstd);
      forward(p, x, null, null, epsilon, null, mean, variance, invstd);
    },
    trainingForward(p, x, gamma, beta, epsilon, y, mean, variance, invstd): void {
      if (!resident(p, x, gamma, beta, y) || p.count === 0) return ts.trainingForward(p, x, gamma, beta, epsilon, y, mean, variance, invstd);
      forward(p, x, gamma, beta, epsilon, y, mean, variance, invstd);
    },
    trainingBackward(p, x, dy, gamma, mean, invstd, dx, dgamma, dbeta): void {
      if (!resident(p, x, dy, gamma, dx) || p.count === 0) return ts.trainingBackward(p, x, dy, gamma, mean, invstd, dx, dgamma, dbeta);
      const { input } = batchNormSizes(p);
      checkLength(NAME, 'x', x, input);
      checkLength(NAME, 'dy', dy, input);
      checkLength(NAME, 'dx', dx, input);
      if (gamma !== null) checkLength(NAME, 'gamma', gamma, p.channels);
      checkStats(p, { mean, invstd, dgamma, dbeta });
      const C = p.channels;
      const variant = selectVariant(BACKWARD, { rows: p.outer, channels: C, inner: p.inner, direction: 'backward' }, 'batchNorm backward');
      withStats(C, 4, ([m, s, dg, db], view) => {
        const stats = view();
        stats.set(mean, 0);
        stats.set(invstd, C);
        const g = gamma?.byteOffset ?? 0;
        const ctx = context('trainingBackward', p);
        if (variant.export === 'batchNormBackwardNCHW') {
          runner.run(wasm.batchNormBackwardNCHW, [x.byteOffset, dy.byteOffset, p.outer, C, p.inner, m, s, g, dx.byteOffset, dg, db], C, {
            costPerUnit: p.outer * p.inner * 4,
            context: ctx,
          });
        } else {
          runner.run(wasm.batchNormBackwardNHWC, [x.byteOffset, dy.byteOffset, p.outer, C, m, s, g, dx.byteOffset, dg, db], groups(p), {
            costPerUnit: p.outer * 4 * 4,
            scratchBytes: wasm.batchNormBackwardScratchBytes(C),
            context: ctx,
          });
        }
        const out = view();
        dgamma.set(out.subarray(2 * C, 3 * C));
        dbeta.set(out.subarray(3 * C, 4 * C));
      });
    },
  };
}
