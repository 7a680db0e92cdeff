/**
 * The depthwise kernels of `assembly/depthwise-conv2d.ts` behind the `DepthwiseConv2dKernels` interface.
 *
 * Zero copy: a float32 argument that is a view into the module's memory (`array.buffer === memory.buffer`,
 * as `WasmStorage.view()` returns) is passed to WebAssembly by its `byteOffset`. Any other float32 array is
 * copied into a scratch block for the call (and an output copied back): that is the fallback, and
 * `stats()` counts it. float64 arrays go to the TypeScript kernels (the wasm kernels are float32 only).
 * Channels-first tensors are transposed to NHWC in scratch memory, computed there, and transposed back.
 */
import { ShapeError } from '../../errors.js';
import type { DepthwiseConv2dKernels } from '../backend.js';
import type { FloatArray } from '../float-array.js';
import type { DepthwiseConv2dParams } from '../depthwise-conv2d/params.js';
import { depthwiseConv2dSizes } from '../depthwise-conv2d/params.js';
import {
  depthwiseConv2dBackwardBias,
  depthwiseConv2dBackwardInput,
  depthwiseConv2dBackwardKernel,
  depthwiseConv2dForward,
} from '../depthwise-conv2d/js.js';
import type { WasmArena } from './arena.js';
import type { DepthwiseWasmExports } from './loader.js';

/** Epilogue fused into the forward kernel. */
export type FusedActivation = 'linear' | 'relu' | 'relu6';
const ACTIVATION_CODES: Record<FusedActivation, number> = { linear: 0, relu: 1, relu6: 2 };

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
  stats(): WasmKernelStats;
  resetStats(): void;
}

const PARAM_WORDS = 18;

function checkLength(argument: string, array: FloatArray, expected: number): void {
  if (array.length !== expected) {
    throw new ShapeError(
      `depthwiseConv2d wasm kernel: \`${argument}\` has ${array.length} elements; expected ${expected} for these params.`,
    );
  }
}


interface Slot {
  array: Float32Array;
  /** Byte offset in wasm memory. */
  ptr: number;
  resident: boolean;
  output: boolean;
}

export function createWasmDepthwiseConv2dKernels(wasm: DepthwiseWasmExports, arena: WasmArena): WasmDepthwiseConv2dKernels {
  const paramsPtr = arena.alloc(PARAM_WORDS * 4);
  const counters: WasmKernelStats = {
    wasmCalls: 0,
    typescriptCalls: 0,
    zeroCopyArguments: 0,
    copiedArguments: 0,
    copiedBytes: 0,
    transposedCalls: 0,
  };
  const memory = wasm.memory;

  function writeParams(p: DepthwiseConv2dParams): void {
    const words = new Int32Array(memory.buffer, paramsPtr, PARAM_WORDS);
    words.set([
      p.batch, p.inHeight, p.inWidth, p.inChannels, p.kernelHeight, p.kernelWidth, p.depthMultiplier,
      p.strideHeight, p.strideWidth, p.dilationHeight, p.dilationWidth,
      p.padTop, p.padBottom, p.padLeft, p.padRight, p.outHeight, p.outWidth, p.outChannels,
    ]);
  }

  /**
   * Resolves every argument to a pointer: residents first (growth would detach them), then scratch
   * blocks for the rest, copying inputs in. Returns the pointers and a function that copies outputs back
   * and frees the scratch.
   */
  function bind(inputs: readonly Float32Array[], outputs: readonly Float32Array[]): { ptrs: number[]; done(): void } {
    const slots: Slot[] = [
      ...inputs.map((array) => ({ array, ptr: 0, resident: array.buffer === memory.buffer, output: false })),
      ...outputs.map((array) => ({ array, ptr: 0, resident: array.buffer === memory.buffer, output: true })),
    ];
    const scratch: number[] = [];
    for (const slot of slots) {
      if (slot.resident) {
        slot.ptr = slot.array.byteOffset;
        counters.zeroCopyArguments++;
      }
    }
    for (const slot of slots) {
      if (slot.resident) continue;
      slot.ptr = arena.alloc(slot.array.byteLength, false);
      scratch.push(slot.ptr);
      counters.copiedArguments++;
      counters.copiedBytes += slot.array.byteLength;
      if (!slot.output) new Float32Array(memory.buffer, slot.ptr, slot.array.length).set(slot.array);
    }
    return {
      ptrs: slots.map((s) => s.ptr),
      done(): void {
        for (const slot of slots) {
          if (slot.output && !slot.resident) slot.array.set(new Float32Array(memory.buffer, slot.ptr, slot.array.length));
        }
        for (const ptr of scratch) arena.release(ptr);
      },
    };
  }

  /** Runs an NHWC computation on channels-first pointers by transposing through scratch memory. */
  function viaNhwc(
    p: DepthwiseConv2dParams,
    inputs: readonly { ptr: number; channels: number; spatial: number }[],
    output: { ptr: number; channels: number; spatial: number; nchw: boolean },
    run: (inputPtrs: number[], outputPtr: number) => void,
  ): void {
    counters.transposedCalls++;
    const temps: number[] = [];
    const inPtrs = inputs.map(({ ptr, channels, spatial }) => {
      const t = arena.alloc(p.batch * channels * spatial * 4, false);
      temps.push(t);
      wasm.nchwToNhwc(ptr, t, p.batch, channels, spatial);
      return t;
    });
    let outPtr = output.ptr;
    if (output.nchw) {
      outPtr = arena.alloc(p.batch * output.channels * output.spatial * 4, false);
      temps.push(outPtr);
    }
    run(inPtrs, outPtr);
    if (output.nchw) wasm.nhwcToNchw(outPtr, output.ptr, p.batch, output.channels, output.spatial);
    for (const t of temps) arena.release(t);
  }

  function forwardFused(
    p: DepthwiseConv2dParams,
    x: FloatArray,
    kernel: FloatArray,
    bias: FloatArray | null,
    out: FloatArray,
    activation: FusedActivation,
  ): void {
    const sizes = depthwiseConv2dSizes(p);
    checkLength('x', x, sizes.input);
    checkLength('kernel', kernel, sizes.kernel);
    if (bias !== null) checkLength('bias', bias, sizes.bias);
    checkLength('out', out, sizes.output);
    if (
      !(x instanceof Float32Array) ||
      !(kernel instanceof Float32Array) ||
      !(out instanceof Float32Array) ||
      (bias !== null && !(bias instanceof Float32Array))
    ) {
      counters.typescriptCalls++;
      depthwiseConv2dForward(p, x, kernel, bias, out);
      applyActivation(out, activation);
      return;
    }
    counters.wasmCalls++;
    const inputs = bias === null ? [x, kernel] : [x, kernel, bias];
    const bound = bind(inputs, [out]);
    const [xp, kp] = bound.ptrs;
    const bp = bias === null ? 0 : bound.ptrs[2];
    const op = bound.ptrs[bound.ptrs.length - 1];
    writeParams(p);
    const act = ACTIVATION_CODES[activation];
    if (p.dataFormat === 'channels_last') {
      wasm.forwardNhwc(paramsPtr, xp, kp, bp, op, act);
    } else {
      viaNhwc(
        p,
        [{ ptr: xp, channels: p.inChannels, spatial: p.inHeight * p.inWidth }],
        { ptr: op, channels: p.outChannels, spatial: p.outHeight * p.outWidth, nchw: true },
        ([xt], ot) => wasm.forwardNhwc(paramsPtr, xt, kp, bp, ot, act),
      );
    }
    bound.done();
  }

  return {
    forward(p, x, kernel, bias, out): void {
      forwardFused(p, x, kernel, bias, out, 'linear');
    },
    forwardFused,

    backwardInput(p, dy, kernel, dx): void {
      const sizes = depthwiseConv2dSizes(p);
      checkLength('dy', dy, sizes.output);
      checkLength('kernel', kernel, sizes.kernel);
      checkLength('dx', dx, sizes.input);
      if (!(dy instanceof Float32Array) || !(kernel instanceof Float32Array) || !(dx instanceof Float32Array)) {
        counters.typescriptCalls++;
        depthwiseConv2dBackwardInput(p, dy, kernel, dx);
        return;
      }
      counters.wasmCalls++;
      const bound = bind([dy, kernel], [dx]);
      const [gp, kp, dxp] = bound.ptrs;
      const scratch = arena.alloc(8 * (p.kernelHeight + p.kernelWidth), false);
      writeParams(p);
      if (p.dataFormat === 'channels_last') {
        wasm.backwardInputNhwc(paramsPtr, gp, kp, dxp, scratch);
      } else {
        viaNhwc(
          p,
          [{ ptr: gp, channels: p.outChannels, spatial: p.outHeight * p.outWidth }],
          { ptr: dxp, channels: p.inChannels, spatial: p.inHeight * p.inWidth, nchw: true },
          ([gt], ot) => wasm.backwardInputNhwc(paramsPtr, gt, kp, ot, scratch),
        );
      }
      arena.release(scratch);
      bound.done();
    },

    backwardKernel(p, x, dy, dkernel): void {
      const sizes = depthwiseConv2dSizes(p);
      checkLength('x', x, sizes.input);
      checkLength('dy', dy, sizes.output);
      checkLength('dkernel', dkernel, sizes.kernel);
      if (!(x instanceof Float32Array) || !(dy instanceof Float32Array) || !(dkernel instanceof Float32Array)) {
        counters.typescriptCalls++;
        depthwiseConv2dBackwardKernel(p, x, dy, dkernel);
        return;
      }
      counters.wasmCalls++;
      const bound = bind([x, dy], [dkernel]);
      const [xp, gp, kp] = bound.ptrs;
      writeParams(p);
      if (p.dataFormat === 'channels_last') {
        wasm.backwardKernelNhwc(paramsPtr, xp, gp, kp);
      } else {
        viaNhwc(
          p,
          [
            { ptr: xp, channels: p.inChannels, spatial: p.inHeight * p.inWidth },
            { ptr: gp, channels: p.outChannels, spatial: p.outHeight * p.outWidth },
          ],
          { ptr: kp, channels: 0, spatial: 0, nchw: false },
          ([xt, gt], ot) => wasm.backwardKernelNhwc(paramsPtr, xt, gt, ot),
        );
      }
      bound.done();
    },

    backwardBias(p, dy, dbias): void {
      const sizes = depthwiseConv2dSizes(p);
      checkLength('dy', dy, sizes.output);
      checkLength('dbias', dbias, sizes.bias);
      if (!(dy instanceof Float32Array) || !(dbias instanceof Float32Array) || p.dataFormat !== 'channels_last') {
        // Channels-first bias gradients are plane sums; the TypeScript kernel is already a linear scan.
        counters.typescriptCalls++;
        depthwiseConv2dBackwardBias(p, dy, dbias);
        return;
      }
      counters.wasmCalls++;
      const bound = bind([dy], [dbias]);
      writeParams(p);
      wasm.backwardBiasNhwc(paramsPtr, bound.ptrs[0], bound.ptrs[1]);
      bound.done();
    },

    stats(): WasmKernelStats {
      return { ...counters };
    },
    resetStats(): void {
      for (const key of Object.keys(counters) as (keyof WasmKernelStats)[]) counters[key] = 0;
    },
  };
}

function applyActivation(out: FloatArray, activation: FusedActivation): void {
  if (activation === 'linear') return;
  const cap = activation === 'relu6' ? 6 : Infinity;
  for (let i = 0; i < out.length; i++) out[i] = Math.min(Math.max(out[i], 0), cap);
}
