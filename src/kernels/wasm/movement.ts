/**
 * The movement kernels of `assembly/movement.ts` (zero padding, block copies, repeat) and the axis sum of
 * `assembly/reduce.ts` behind `MovementKernels` / `ReduceKernels`, for float32 arrays: ZeroPadding2D and
 * the gradient of a crop (`pad`), Cropping2D, slices and concatenation (`copyBlock`), nearest upsampling
 * (`repeat`) and its gradient (a sum over the repeated copies). Each call is first folded: axes that are
 * whole on both sides merge into their neighbour, so an NHWC crop of H and W is rows of `W'·C` floats;
 * what still needs more than four axes, int32 and float64 arrays, and other reductions take the
 * TypeScript kernels. Copies and sums compute exactly what the TypeScript kernels do (a float32 sum adds
 * in the same order and rounds after every add there too), so results are their bits.
 */
import type { DataArray } from '../../engine/dtype.js';
import { stridesOf } from '../../engine/shape.js';
import type { CopyBlockParams, MovementKernels, Paddings, RepeatParams } from '../movement/index.js';
import { typescriptMovementKernels } from '../movement/index.js';
import type { ReduceKernels, ReduceOp, ReduceParams } from '../reduce/index.js';
import { typescriptReduceKernels } from '../reduce/index.js';
import type { WasmArena } from './arena.js';
import type { CallStats } from './calls.js';
import { allFloat32, kernelCalls } from './calls.js';
import * as K from './generated/constants.js';
import type { KernelExports } from './generated/exports.js';
import type { KernelContext } from './kernel-error.js';
import { shapeText } from './kernel-error.js';
import type { MovementVariant, ReduceVariant } from './manifest.js';
import { selectVariant, usesVariant, variantsOf } from './manifest.js';
import type { ParallelRunner } from './parallel.js';

export interface WasmMovementKernels extends MovementKernels {
  stats(): CallStats;
  resetStats(): void;
}

export interface WasmReduceKernels extends ReduceKernels {
  stats(): CallStats;
  resetStats(): void;
}

const [PAD] = variantsOf<MovementVariant>('movement', 'pad');
const [COPY] = variantsOf<MovementVariant>('movement', 'copyBlock');
const [REPEAT] = variantsOf<MovementVariant>('movement', 'repeat');
const SUMS = variantsOf<ReduceVariant>('reduce', 'sum');

/** One axis of a padded copy after folding: source extent, zeros before, output extent. */
interface PadAxis {
  size: number;
  before: number;
  out: number;
}

/** Each unpadded axis folded into the one before it (its rows are contiguous on both sides), leading 1s to four. */
export function foldPadAxes(shape: readonly number[], paddings: Paddings): PadAxis[] {
  const axes: PadAxis[] = [];
  shape.forEach((size, d) => {
    const [before, after] = paddings[d];
    const last = axes[axes.length - 1];
    if (last !== undefined && before === 0 && after === 0) {
      last.size *= size;
      last.before *= size;
      last.out *= size;
    } else {
      axes.push({ size, before, out: before + size + after });
    }
  });
  while (axes.length < 4) axes.unshift({ size: 1, before: 0, out: 1 });
  return axes;
}

/** One axis of a block copy after folding: extent and the strides (floats) on both sides. */
interface BlockAxis {
  size: number;
  src: number;
  dst: number;
}

/**
 * The block's axes with size-1 axes dropped (but the last) and each axis merged into the one before it
 * where the two are contiguous on both sides, leading 1s to four; the last axis has stride 1.
 */
export function foldBlockAxes(p: CopyBlockParams): { axes: BlockAxis[]; srcOffset: number; dstOffset: number } {
  const srcStrides = stridesOf(p.srcShape);
  const dstStrides = stridesOf(p.dstShape);
  const rank = p.size.length;
  const srcOffset = p.srcStart.reduce((o, b, d) => o + b * srcStrides[d], 0);
  const dstOffset = p.dstStart.reduce((o, b, d) => o + b * dstStrides[d], 0);
  const axes: BlockAxis[] = [];
  for (let d = rank - 1; d >= 0; d--) {
    const axis = { size: p.size[d], src: srcStrides[d], dst: dstStrides[d] };
    const inner = axes[0];
    if (inner !== undefined && axis.size === 1) continue;
    if (inner !== undefined && axis.src === inner.size * inner.src && axis.dst === inner.size * inner.dst) {
      inner.size *= axis.size;
      continue;
    }
    axes.unshift(axis);
  }
  while (axes.length < 4) axes.unshift({ size: 1, src: 0, dst: 0 });
  return { axes, srcOffset, dstOffset };
}

/** `[A, R, B]`: the reduced axes (size-1 axes ignored) as one contiguous block, or null. */
export function sumView(p: ReduceParams): { A: number; R: number; B: number } | null {
  const reduced = new Set(p.axes);
  let A = 1;
  let R = 1;
  let B = 1;
  let phase = 0; // 0: kept axes before the block, 1: in the block, 2: kept axes after it
  for (let d = 0; d < p.shape.length; d++) {
    const n = p.shape[d];
    if (n === 1) continue;
    if (reduced.has(d)) {
      if (phase === 2) return null;
      phase = 1;
      R *= n;
    } else if (phase === 0) A *= n;
    else {
      phase = 2;
      B *= n;
    }
  }
  return { A, R, B };
}

/**
 * The movement kernels (pad, copyBlock, repeat in WebAssembly for float32; the rest TypeScript) and the
 * float32 axis sum, over the module's exports and arena.
 *
 * @example
 * ```ts
 * const { movement, reduce } = createWasmMovementKernels(exports, arena, serialRunner(exports, arena));
 * movement.pad([1, 4, 4, 3], [[0, 0], [1, 1], [1, 1], [0, 0]], x, out);
 * ```
 */
export function createWasmMovementKernels(wasm: KernelExports, arena: WasmArena, runner: ParallelRunner): { movement: WasmMovementKernels; reduce: WasmReduceKernels } {
  const moves = kernelCalls(arena, 'movement wasm');
  const sums = kernelCalls(arena, 'reduce wasm');
  const ts = typescriptMovementKernels;
  const ctx = (op: string, shape: readonly number[]): KernelContext => ({ op, describe: () => `x ${shapeText(shape)}` });

  const movement: WasmMovementKernels = {
    ...ts,
    pad(shape: readonly number[], paddings: Paddings, x: DataArray, out: DataArray): void {
      const axes = shape.length > 0 && x.length > 0 ? foldPadAxes(shape, paddings) : null;
      const zerosOnly = paddings.every(([b, a]) => b >= 0 && a >= 0);
      if (axes === null || !allFloat32(x, out) || !usesVariant(PAD, { axes: axes.length, zerosOnly })) {
        moves.counters.typescriptCalls++;
        ts.pad(shape, paddings, x, out);
        return;
      }
      const [a0, a1, a2, a3] = axes;
      moves.run([x as Float32Array], [out as Float32Array], ([xp, op]) => {
        const args: [number, number, number, number, number, number, number, number, number, number, number, number, number, number] = [
          xp, op, a0.size, a1.size, a2.size, a3.size, a0.before, a1.before, a2.before, a3.before, a0.out, a1.out, a2.out, a3.out,
        ];
        runner.run(wasm.padF32, args, a0.out * a1.out * a2.out, { costPerUnit: a3.out / 8, context: ctx('pad', shape) });
      });
    },
    copyBlock(p: CopyBlockParams, src: DataArray, dst: DataArray): void {
      const folded = p.size.length > 0 && !p.size.some((d) => d === 0) ? foldBlockAxes(p) : null;
      if (folded === null || !allFloat32(src, dst) || !usesVariant(COPY, { axes: folded.axes.length, zerosOnly: true })) {
        moves.counters.typescriptCalls++;
        ts.copyBlock(p, src, dst);
        return;
      }
      const [a0, a1, a2, a3] = folded.axes;
      moves.run([src as Float32Array], [dst as Float32Array], ([sp, dp]) => {
        const args: [number, number, number, number, number, number, number, number, number, number, number, number] = [
          sp + 4 * folded.srcOffset, dp + 4 * folded.dstOffset, a0.size, a1.size, a2.size, a3.size, a0.src, a1.src, a2.src, a0.dst, a1.dst, a2.dst,
        ];
        runner.run(wasm.copyBlockF32, args, a0.size * a1.size * a2.size, { costPerUnit: a3.size / 8, context: ctx('copyBlock', p.srcShape) });
      });
    },
    repeat(p: RepeatParams, x: DataArray, out: DataArray): void {
      if (!allFloat32(x, out) || x.length === 0) {
        moves.counters.typescriptCalls++;
        ts.repeat(p, x, out);
        return;
      }
      selectVariant([REPEAT], { axes: 1, zerosOnly: true }, 'movement repeat');
      moves.run([x as Float32Array], [out as Float32Array], ([xp, op]) => {
        runner.run(wasm.repeatF32, [xp, op, p.inner, p.repeats], p.outer * p.length, {
          costPerUnit: Math.max(1, (p.inner * p.repeats) / 8),
          context: ctx('repeat', [p.outer, p.length, p.inner]),
        });
      });
    },
    stats: moves.stats,
    resetStats: moves.resetStats,
  };

  const reduce: WasmReduceKernels = {
    reduce(op: ReduceOp, p: ReduceParams, x: DataArray, out: DataArray): void {
      const view = op === 'sum' && p.axes.length > 0 && x.length > 0 && allFloat32(x, out) ? sumView(p) : null;
      if (view === null) {
        sums.counters.typescriptCalls++;
        typescriptReduceKernels.reduce(op, p, x, out);
        return;
      }
      const { A, R, B } = view;
      selectVariant(SUMS, { columns: B }, 'reduce sum');
      sums.run([x as Float32Array], [out as Float32Array], ([xp, op0]) => {
        runner.run(wasm.sumAxisF32, [xp, op0, A, R, B], A * Math.ceil(B / K.MOVE_BLOCK), {
          costPerUnit: (R * Math.min(B, K.MOVE_BLOCK)) / 4,
          context: ctx('reduce sum', p.shape),
        });
      });
    },
    stats: sums.stats,
    resetStats: sums.resetStats,
  };

  return { movement, reduce };
}
