/**
 * The depthwise kernels of `assembly/depthwise-conv2d.ts` behind the `DepthwiseConv2dKernels` interface.
 *
 * Selection: every call picks its kernel variant from the manifest (`manifest-depthwise.ts`) by geometry
 * and passes the variant's path code in the params block; the kernel only dispatches on it. The params
 * block layout (`P_*`), the scratch sizes (`forwardScratchBytes`, ... exports) and the activation codes
 * come from assembly/ through the generated boundary, so nothing here restates the kernels' numbers.
 *
 * Zero copy: a float32 argument that is a view into the module's memory (`arena.contains(array)`, as
 * `WasmStorage.view()` returns) is passed to WebAssembly by its `byteOffset`. Any other float32 array is
 * copied into a scratch block for the call (and an output copied back): that is the fallback, and
 * `stats()` counts it. float64 arrays go to the TypeScript kernels (the wasm kernels are float32 only).
 *
 * Every export runs through a `ParallelRunner` (work split by output rows, input rows or channel groups,
 * see the assembly docs), so the same code serves one thread or a pool.
 *
 * Two reductions keep the number of wasm kernels small without slow paths:
 * - Depth multiplier `dm > 1` is a depth-multiplier-1 convolution over `C * dm` channels of the input with
 *   each channel repeated `dm` times (`expandChannels`, one SIMD pass); the input gradient of the repeated
 *   channels is summed back (`reduceChannels`). The Keras kernel layout `[KH, KW, C, dm]` already is the
 *   layout of that `C * dm`-channel kernel.
 * - The stride-1 input gradient is a forward convolution of `dy` with the kernel rotated by 180 degrees
 *   (padding `(K - 1) * dilation - pad`), so it runs on the register-blocked forward kernels; other strides
 *   use the gather kernel.
 * Channels-first tensors are transposed to NHWC in scratch memory (4x4 SIMD tiles, split across threads),
 * computed there, and transposed back: two memory-bound passes (+20-27% on a 3x3 forward, measured)
 * buy every NHWC fast path, depth multiplier and gradient for channels-first, where native NCHW kernels
 * would need their own blocking for each of them.
 */
import type { FloatArray } from '../../engine/dtype.js';
import { ShapeError } from '../../errors.js';
import { checkLength } from '../buffer-check.js';
import type { DepthwiseConv2dParams } from '../depthwise-conv2d/params.js';
import { depthwiseConv2dSizes } from '../depthwise-conv2d/params.js';
import {
  depthwiseConv2dBackwardBias,
  depthwiseConv2dBackwardInput,
  depthwiseConv2dBackwardKernel,
  depthwiseConv2dForward,
} from '../depthwise-conv2d/js.js';
import { applyEpilogue } from '../epilogue.js';
import type { DepthwiseConv2dKernels } from '../depthwise-conv2d/index.js';
import type { WasmArena } from './arena.js';
import type { FusedActivation } from './bind.js';
import { ACTIVATION_CODES, argumentBinder } from './bind.js';
import { depthwiseContext, nhwcGeometry, transposedGeometry, writeParams } from './depthwise-geometry.js';
import { PARAM_WORDS } from './generated/constants.js';
import type { KernelExports } from './generated/exports.js';
import type { KernelContext } from './kernel-error.js';
import type { DepthwiseGeometry, DepthwiseVariant } from './manifest.js';
import { selectVariant, usesVariant, variantsOf } from './manifest.js';
import type { ParallelRunner } from './parallel.js';
import { serialRunner } from './parallel.js';

export type { FusedActivation } from './bind.js';

/** The name the checks and errors use. */
const KERNEL = 'depthwiseConv2d wasm';

export interface WasmKernelStats {
  /** Kernel calls computed in WebAssembly. */
  wasmCalls: number;
  /** Calls handed to the TypeScript kernels (float64 arguments). */
  typescriptCalls: number;
  /** Array arguments passed in place (views into wasm memory). */
  zeroCopyArguments: number;
  /** Array arguments copied in or out through scratch memory (the fallback). */
  copiedArguments: number;
  copiedBytes: number;
  /** Channels-first calls (each transposes its tensors through scratch memory). */
  transposedCalls: number;
}

export interface WasmDepthwiseConv2dKernels extends DepthwiseConv2dKernels {
  /** `out = activation(conv(x, kernel) + bias)` in one pass. */
  forwardFused(
    p: DepthwiseConv2dParams,
    x: FloatArray,
    kernel: FloatArray,
    bias: FloatArray | null,
    out: FloatArray,
    activation: FusedActivation,
  ): void;
  /**
   * `out = activation(conv(x, kernel) * scale[o] + shift[o])` in one pass, per output channel `o` (length
   * `outChannels`; `null` means 1 and 0). Folds an inference batch normalisation (and a bias) into the
   * convolution: `scale = gamma / sqrt(var + eps)`, `shift = beta + (bias - mean) * scale`.
   */
  forwardScaleShift(
    p: DepthwiseConv2dParams,
    x: FloatArray,
    kernel: FloatArray,
    scale: FloatArray | null,
    shift: FloatArray | null,
    out: FloatArray,
    activation: FusedActivation,
  ): void;
  stats(): WasmKernelStats;
  resetStats(): void;
}

const FORWARD = variantsOf<DepthwiseVariant>('depthwise', 'forward');
const BACKWARD_INPUT = variantsOf<DepthwiseVariant>('depthwise', 'backwardInput');
const BACKWARD_KERNEL = variantsOf<DepthwiseVariant>('depthwise', 'backwardKernel');
const BACKWARD_BIAS = variantsOf<DepthwiseVariant>('depthwise', 'backwardBias');
const LAYOUT = variantsOf<DepthwiseVariant>('depthwise', 'layout');

function layoutPass(exportName: DepthwiseVariant['export']): DepthwiseVariant {
  const found = LAYOUT.find((v) => v.export === exportName);
  if (found === undefined) throw new Error(`kernel manifest: no layout entry runs \`${exportName}\``);
  return found;
}
const TO_NHWC = layoutPass('nchwToNhwc');
const TO_NCHW = layoutPass('nhwcToNchw');
const EXPAND = layoutPass('expandChannels');
const REDUCE = layoutPass('reduceChannels');

/**
 * Builds the kernels over an instantiated module (its exports checked by `bindKernelExports`) and its
 * arena. `runner` splits each call across threads (default: this thread only).
 *
 * @example
 * ```ts
 * const { exports } = loadDepthwiseWasmModuleSync()!;
 * const kernels = createWasmDepthwiseConv2dKernels(exports, new WasmArena(exports.memory, exports.heapBase()));
 * kernels.forward(params, x, kernel, bias, out);
 * ```
 */
export function createWasmDepthwiseConv2dKernels(
  wasm: KernelExports,
  arena: WasmArena,
  runner: ParallelRunner = serialRunner(wasm, arena),
): WasmDepthwiseConv2dKernels {
  const paramsPtr = arena.alloc(PARAM_WORDS * 4);
  const counters: WasmKernelStats = {
    wasmCalls: 0,
    typescriptCalls: 0,
    zeroCopyArguments: 0,
    copiedArguments: 0,
    copiedBytes: 0,
    transposedCalls: 0,
  };
  const params = (g: DepthwiseGeometry, code: number | null): number => writeParams(wasm.memory, paramsPtr, g, code);

  const binder = argumentBinder(arena, counters);
  const bind = (inputs: readonly (Float32Array | null)[], outputs: readonly Float32Array[]) => binder(KERNEL, inputs, outputs);

  /** Temporary blocks of one call, released together. */
  function temps(): { alloc(floats: number): number; release(): void } {
    const blocks: number[] = [];
    return {
      alloc(floats: number): number {
        const ptr = arena.alloc(floats * 4, false);
        blocks.push(ptr);
        return ptr;
      },
      release(): void {
        for (const ptr of blocks.splice(0)) arena.release(ptr);
      },
    };
  }
  type Temps = ReturnType<typeof temps>;

  /** Runs `body` with temporaries and bound arguments, releasing both whether or not it throws. */
  function withTemps(bound: { done(): void; release(): void }, body: (t: Temps) => void): void {
    const t = temps();
    try {
      body(t);
      bound.done();
    } finally {
      bound.release();
      t.release();
    }
  }

  function transpose(toNhwc: boolean, src: number, dst: number, batch: number, channels: number, spatial: number, ctx: KernelContext): void {
    const args: [number, number, number, number, number] = [src, dst, batch, channels, spatial];
    const options = { costPerUnit: 8 * channels, context: ctx };
    const units = batch * Math.ceil(spatial / 4);
    if (toNhwc) runner.run(wasm.nchwToNhwc, args, units, options);
    else runner.run(wasm.nhwcToNchw, args, units, options);
  }

  /** NHWC pointer to `x` (transposed into `t` when channels-first), repeated `dm` times per channel. */
  function nhwcInput(p: DepthwiseConv2dParams, g: DepthwiseGeometry, ptr: number, t: Temps, ctx: KernelContext): number {
    const pixels = p.batch * p.inHeight * p.inWidth;
    let xp = ptr;
    if (usesVariant(TO_NHWC, g)) {
      const tx = t.alloc(pixels * p.inChannels);
      transpose(true, xp, tx, p.batch, p.inChannels, p.inHeight * p.inWidth, ctx);
      xp = tx;
    }
    if (usesVariant(EXPAND, g)) {
      const ex = t.alloc(pixels * p.outChannels);
      runner.run(wasm.expandChannels, [xp, ex, p.inChannels, p.depthMultiplier], pixels, { costPerUnit: p.outChannels, context: ctx });
      xp = ex;
    }
    return xp;
  }

  /** NHWC pointer to an output-shaped (dy-like) tensor. */
  function nhwcOutputShaped(p: DepthwiseConv2dParams, g: DepthwiseGeometry, ptr: number, t: Temps, ctx: KernelContext): number {
    if (!usesVariant(TO_NHWC, g)) return ptr;
    const spatial = p.outHeight * p.outWidth;
    const tp = t.alloc(p.batch * spatial * p.outChannels);
    transpose(true, ptr, tp, p.batch, p.outChannels, spatial, ctx);
    return tp;
  }

  /** The forward variant selected for `g`, from NHWC `x` into NHWC `out`. */
  function runForward(g: DepthwiseGeometry, x: number, k: number, scale: number, shift: number, out: number, act: number, ctx: KernelContext): void {
    const pp = params(g, selectVariant(FORWARD, g, 'depthwise forward').code);
    runner.run(wasm.forwardNhwc, [pp, x, k, scale, shift, out, act], g.batch * g.outHeight, {
      costPerUnit: g.outWidth * g.channels * g.kernelHeight * g.kernelWidth,
      scratchBytes: wasm.forwardScratchBytes(pp),
      context: ctx,
    });
  }

  function forwardScaleShift(
    p: DepthwiseConv2dParams,
    x: FloatArray,
    kernel: FloatArray,
    scale: FloatArray | null,
    shift: FloatArray | null,
    out: FloatArray,
    activation: FusedActivation,
  ): void {
    const sizes = depthwiseConv2dSizes(p);
    checkLength(KERNEL, 'x', x, sizes.input);
    checkLength(KERNEL, 'kernel', kernel, sizes.kernel);
    if (scale !== null) checkLength(KERNEL, 'scale', scale, sizes.bias);
    if (shift !== null) checkLength(KERNEL, 'shift', shift, sizes.bias);
    checkLength(KERNEL, 'out', out, sizes.output);
    if (!(activation in ACTIVATION_CODES)) {
      throw new ShapeError(`${KERNEL} kernel: unknown \`activation\` ${String(activation)}; expected linear, relu or relu6.`);
    }
    if (
      !(x instanceof Float32Array) ||
      !(kernel instanceof Float32Array) ||
      !(out instanceof Float32Array) ||
      (scale !== null && !(scale instanceof Float32Array)) ||
      (shift !== null && !(shift instanceof Float32Array))
    ) {
      counters.typescriptCalls++;
      depthwiseConv2dForward(p, x, kernel, null, out);
      const channelsLast = p.dataFormat === 'channels_last';
      applyEpilogue(out, { channels: p.outChannels, channelsLast, spatial: p.outHeight * p.outWidth }, { scale, shift, activation });
      return;
    }
    counters.wasmCalls++;
    if (p.dataFormat === 'channels_first') counters.transposedCalls++;
    const extra = [scale, shift].filter((a): a is Float32Array => a !== null);
    const bound = bind([x, kernel, ...extra], [out]);
    const [xp, kp] = bound.ptrs;
    let next = 2;
    const sp = scale === null ? 0 : bound.ptrs[next++];
    const hp = shift === null ? 0 : bound.ptrs[next++];
    const outPtr = bound.ptrs[next];
    const ctx = depthwiseContext('forward', p);
    withTemps(bound, (t) => {
      const g = nhwcGeometry(p);
      const xn = nhwcInput(p, g, xp, t, ctx);
      const spatial = p.outHeight * p.outWidth;
      const nchw = usesVariant(TO_NCHW, g);
      const op = nchw ? t.alloc(p.batch * spatial * p.outChannels) : outPtr;
      runForward(g, xn, kp, sp, hp, op, ACTIVATION_CODES[activation], ctx);
      if (nchw) transpose(false, op, outPtr, p.batch, p.outChannels, spatial, ctx);
    });
  }

  return {
    forward(p, x, kernel, bias, out): void {
      forwardScaleShift(p, x, kernel, null, bias, out, 'linear');
    },
    forwardFused(p, x, kernel, bias, out, activation): void {
      forwardScaleShift(p, x, kernel, null, bias, out, activation);
    },
    forwardScaleShift,

    backwardInput(p, dy, kernel, dx): void {
      const sizes = depthwiseConv2dSizes(p);
      checkLength(KERNEL, 'dy', dy, sizes.output);
      checkLength(KERNEL, 'kernel', kernel, sizes.kernel);
      checkLength(KERNEL, 'dx', dx, sizes.input);
      if (!(dy instanceof Float32Array) || !(kernel instanceof Float32Array) || !(dx instanceof Float32Array)) {
        counters.typescriptCalls++;
        depthwiseConv2dBackwardInput(p, dy, kernel, dx);
        return;
      }
      counters.wasmCalls++;
      if (p.dataFormat === 'channels_first') counters.transposedCalls++;
      const bound = bind([dy, kernel], [dx]);
      const [dyPtr, kPtr, dxPtr] = bound.ptrs;
      const ctx = depthwiseContext('backwardInput', p);
      withTemps(bound, (t) => {
        const g = nhwcGeometry(p);
        const gp = nhwcOutputShaped(p, g, dyPtr, t, ctx);
        const pixels = p.batch * p.inHeight * p.inWidth;
        // Where the NHWC kernel writes: dx itself, or the C*dm-channel gradient to fold, or an NHWC temp.
        const toNchw = usesVariant(TO_NCHW, g);
        const reduce = usesVariant(REDUCE, g);
        const dxNhwc = toNchw ? t.alloc(pixels * p.inChannels) : dxPtr;
        const dxWide = reduce ? t.alloc(pixels * p.outChannels) : dxNhwc;
        const taps = p.kernelHeight * p.kernelWidth;
        const variant = selectVariant(BACKWARD_INPUT, g, 'depthwise backwardInput');
        if (variant.export === 'forwardNhwc') {
          // The rotated kernel: tap t of the rotated kernel is tap taps-1-t of the original.
          const rotated = t.alloc(taps * p.outChannels);
          const src = new Float32Array(wasm.memory.buffer, kPtr, taps * p.outChannels);
          const dst = new Float32Array(wasm.memory.buffer, rotated, taps * p.outChannels);
          for (let tap = 0; tap < taps; tap++) {
            const from = (taps - 1 - tap) * p.outChannels;
            dst.set(src.subarray(from, from + p.outChannels), tap * p.outChannels);
          }
          runForward(transposedGeometry(p), gp, rotated, 0, 0, dxWide, ACTIVATION_CODES.linear, ctx);
        } else {
          const pp = params(g, variant.code);
          runner.run(wasm.backwardInputNhwc, [pp, gp, kPtr, dxWide], p.batch * p.inHeight, {
            costPerUnit: (p.inWidth * p.outChannels * taps) / (p.strideHeight * p.strideWidth),
            scratchBytes: wasm.backwardInputScratchBytes(pp),
            context: ctx,
          });
        }
        if (reduce) {
          runner.run(wasm.reduceChannels, [dxWide, dxNhwc, p.inChannels, p.depthMultiplier], pixels, { costPerUnit: p.outChannels, context: ctx });
        }
        if (toNchw) transpose(false, dxNhwc, dxPtr, p.batch, p.inChannels, p.inHeight * p.inWidth, ctx);
      });
    },

    backwardKernel(p, x, dy, dkernel): void {
      const sizes = depthwiseConv2dSizes(p);
      checkLength(KERNEL, 'x', x, sizes.input);
      checkLength(KERNEL, 'dy', dy, sizes.output);
      checkLength(KERNEL, 'dkernel', dkernel, sizes.kernel);
      if (!(x instanceof Float32Array) || !(dy instanceof Float32Array) || !(dkernel instanceof Float32Array)) {
        counters.typescriptCalls++;
        depthwiseConv2dBackwardKernel(p, x, dy, dkernel);
        return;
      }
      counters.wasmCalls++;
      if (p.dataFormat === 'channels_first') counters.transposedCalls++;
      const bound = bind([x, dy], [dkernel]);
      const [xPtr, dyPtr, dkPtr] = bound.ptrs;
      const ctx = depthwiseContext('backwardKernel', p);
      withTemps(bound, (t) => {
        const g = nhwcGeometry(p);
        const xp = nhwcInput(p, g, xPtr, t, ctx);
        const gp = nhwcOutputShaped(p, g, dyPtr, t, ctx);
        const pp = params(g, selectVariant(BACKWARD_KERNEL, g, 'depthwise backwardKernel').code);
        runner.run(wasm.backwardKernelNhwc, [pp, xp, gp, dkPtr], Math.ceil(p.outChannels / 4), {
          costPerUnit: 4 * p.batch * p.outHeight * p.outWidth * p.kernelHeight * p.kernelWidth,
          scratchBytes: wasm.backwardKernelScratchBytes(pp),
          context: ctx,
        });
      });
    },

    backwardBias(p, dy, dbias): void {
      const sizes = depthwiseConv2dSizes(p);
      checkLength(KERNEL, 'dy', dy, sizes.output);
      checkLength(KERNEL, 'dbias', dbias, sizes.bias);
      if (!(dy instanceof Float32Array) || !(dbias instanceof Float32Array)) {
        counters.typescriptCalls++;
        depthwiseConv2dBackwardBias(p, dy, dbias);
        return;
      }
      counters.wasmCalls++;
      const bound = bind([dy], [dbias]);
      const ctx = depthwiseContext('backwardBias', p);
      withTemps(bound, () => {
        const g = nhwcGeometry(p);
        const variant = selectVariant(BACKWARD_BIAS, g, 'depthwise backwardBias');
        const pp = params(g, variant.code);
        const pixels = p.batch * p.outHeight * p.outWidth;
        const args: [number, number, number] = [pp, bound.ptrs[0], bound.ptrs[1]];
        // Channels-first bias gradients are sums of contiguous planes: no transpose needed.
        if (variant.export === 'backwardBiasNhwc') {
          runner.run(wasm.backwardBiasNhwc, args, Math.ceil(p.outChannels / 4), { costPerUnit: 4 * pixels, context: ctx });
        } else {
          runner.run(wasm.backwardBiasNchw, args, p.outChannels, { costPerUnit: pixels, context: ctx });
        }
      });
    },

    stats(): WasmKernelStats {
      return { ...counters };
    },
    resetStats(): void {
      for (const key of Object.keys(counters) as (keyof WasmKernelStats)[]) counters[key] = 0;
    },
  };
}
