/**
 * The depthwise kernels of `assembly/depthwise-conv2d.ts` behind the `DepthwiseConv2dKernels` interface.
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
import { ShapeError } from '../../errors.js';
import type { DepthwiseConv2dKernels } from '../depthwise-conv2d/index.js';
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
import { argumentBinder } from './bind.js';
import type { DepthwiseWasmExports } from './loader.js';
import type { ParallelRunner } from './parallel.js';
import { serialRunner } from './parallel.js';

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

/** The exports of `assembly/depthwise-conv2d.ts` this wrapper calls (pointers are byte offsets). */
export interface DepthwiseKernelExports {
  readonly memory: WebAssembly.Memory;
  forwardNhwc(pp: number, x: number, k: number, scale: number, shift: number, out: number, act: number, start: number, end: number, scratch: number): void;
  backwardInputNhwc(pp: number, dy: number, k: number, dx: number, start: number, end: number, scratch: number): void;
  backwardKernelNhwc(pp: number, x: number, dy: number, dk: number, start: number, end: number, scratch: number): void;
  backwardBiasNhwc(pp: number, dy: number, db: number, start: number, end: number, scratch: number): void;
  backwardBiasNchw(pp: number, dy: number, db: number, start: number, end: number, scratch: number): void;
  expandChannels(src: number, dst: number, channels: number, dm: number, start: number, end: number, scratch: number): void;
  reduceChannels(src: number, dst: number, channels: number, dm: number, start: number, end: number, scratch: number): void;
  nchwToNhwc(src: number, dst: number, batch: number, channels: number, spatial: number, start: number, end: number, scratch: number): void;
  nhwcToNchw(src: number, dst: number, batch: number, channels: number, spatial: number, start: number, end: number, scratch: number): void;
}

/** Export name → parameter count (a stale build with older signatures is caught here, not by wrong results). */
const KERNEL_EXPORTS: Readonly<Record<Exclude<keyof DepthwiseKernelExports, 'memory'>, number>> = {
  forwardNhwc: 10,
  backwardInputNhwc: 7,
  backwardKernelNhwc: 7,
  backwardBiasNhwc: 6,
  backwardBiasNchw: 6,
  expandChannels: 7,
  reduceChannels: 7,
  nchwToNhwc: 8,
  nhwcToNchw: 8,
};

/** Checks that the module has the depthwise exports with this wrapper's signatures. */
export function checkDepthwiseKernelExports(exports: object): DepthwiseKernelExports {
  const table = exports as Record<string, unknown>;
  if (!(table.memory instanceof WebAssembly.Memory)) throw new Error('depthwise.wasm: the module does not export its memory');
  for (const [name, arity] of Object.entries(KERNEL_EXPORTS)) {
    const fn = table[name];
    if (typeof fn !== 'function') throw new Error(`depthwise.wasm: missing export \`${name}\` (rebuild with npm run build:wasm)`);
    if (fn.length !== arity) {
      throw new Error(`depthwise.wasm: export \`${name}\` takes ${fn.length} arguments, expected ${arity} (stale build? npm run build:wasm)`);
    }
  }
  return exports as DepthwiseKernelExports;
}

const PARAM_WORDS = 18;

function checkLength(argument: string, array: FloatArray, expected: number): void {
  if (array.length !== expected) {
    throw new ShapeError(
      `depthwiseConv2d wasm kernel: \`${argument}\` has ${array.length} elements; expected ${expected} for these params.`,
    );
  }
}

/** Geometry as the NHWC kernels see it: depth multiplier folded into the channel count. */
interface Geometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  outHeight: number;
  outWidth: number;
}

function nhwcGeometry(p: DepthwiseConv2dParams): Geometry {
  return { ...p, channels: p.outChannels };
}

/** The stride-1 input gradient as a forward convolution of dy (rotated kernel), producing dx's shape. */
function transposedGeometry(p: DepthwiseConv2dParams): Geometry {
  const spanH = (p.kernelHeight - 1) * p.dilationHeight;
  const spanW = (p.kernelWidth - 1) * p.dilationWidth;
  return {
    ...nhwcGeometry(p),
    inHeight: p.outHeight,
    inWidth: p.outWidth,
    padTop: spanH - p.padTop,
    padBottom: spanH - p.padBottom,
    padLeft: spanW - p.padLeft,
    padRight: spanW - p.padRight,
    outHeight: p.inHeight,
    outWidth: p.inWidth,
  };
}

/**
 * Scratch bytes per thread of `forwardNhwc` / `backwardKernelNhwc`: row-pointer table, a zero row, and the
 * forward's tap-interleaved copy of a 3x3 kernel, or the channel-tiled forward's layout when larger.
 */
function convScratchBytes(g: Geometry): number {
  const packed = g.kernelHeight === 3 && g.kernelWidth === 3 ? 9 * 16 * Math.ceil(g.channels / 4) : 0;
  const rowPath = Math.ceil((g.kernelHeight * 4) / 16) * 16 + g.inWidth * g.channels * 4 + packed;
  return Math.max(rowPath, tiledScratchBytes(g));
}

/** Mirrors the constants of the same names in assembly/depthwise-conv2d.ts (`forwardTiled`). */
const TILE_CHANNELS_MAX = 64;
const TILE_CHANNELS_MAX_STRIDED = 128;
const TILE_CHANNELS_MIN = 32;
const TILE_CHANNELS_MIN_STRIDED = 64;
const TILE_CHANNELS_MIN_LARGE = 4;
const TILE_CHANNELS_MIN_LARGE_STRIDED = 8;

/** Mirrors `tiledChannelsMin` in assembly/depthwise-conv2d.ts. */
function tiledChannelsMin(g: Geometry): number {
  if (g.kernelHeight * g.kernelWidth > 9) return g.strideWidth === 1 ? TILE_CHANNELS_MIN_LARGE : TILE_CHANNELS_MIN_LARGE_STRIDED;
  return g.strideWidth === 1 ? TILE_CHANNELS_MIN : TILE_CHANNELS_MIN_STRIDED;
}

/**
 * Scratch bytes of the channel-tiled forward (0 when the geometry does not take it): the tile's kernel
 * (`KH * KW` rows), a ring of `KH` padded input rows, a zero row, `KH` row tags and a `KH`-entry row table
 * (each padded to 16 bytes), for the largest tile. Mirrors the dispatch in `forwardNhwc` and
 * `tileRowPixels`.
 */
function tiledScratchBytes(g: Geometry): number {
  const tiled =
    g.dilationHeight === 1 && g.dilationWidth === 1 && g.padLeft >= 0 && g.channels >= tiledChannelsMin(g);
  if (!tiled) return 0;
  const kh = g.kernelHeight;
  const kw = g.kernelWidth;
  const rowPixels = g.padLeft + Math.max(g.inWidth, (g.outWidth - 1) * g.strideWidth + kw - g.padLeft) + 2;
  const tileBytes = (kh === 3 && kw === 3 && g.strideWidth !== 1 ? TILE_CHANNELS_MAX_STRIDED : TILE_CHANNELS_MAX) * 4;
  const table = Math.ceil((kh * 4) / 16) * 16;
  return kh * kw * tileBytes + (kh + 1) * rowPixels * tileBytes + 2 * table;
}

/**
 * Builds the kernels over an instantiated module and its arena. `runner` splits each call across threads
 * (default: this thread only).
 *
 * @throws Error when the module lacks an export this wrapper needs or has an older signature.
 */
export function createWasmDepthwiseConv2dKernels(
  exports: DepthwiseWasmExports | DepthwiseKernelExports,
  arena: WasmArena,
  runner: ParallelRunner = serialRunner(exports as unknown as WebAssembly.Exports, arena),
): WasmDepthwiseConv2dKernels {
  const wasm = checkDepthwiseKernelExports(exports);
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

  function writeParams(g: Geometry): number {
    const words = new Int32Array(memory.buffer, paramsPtr, PARAM_WORDS);
    words.set([
      g.batch, g.inHeight, g.inWidth, g.channels, g.kernelHeight, g.kernelWidth, 1,
      g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth,
      g.padTop, g.padBottom, g.padLeft, g.padRight, g.outHeight, g.outWidth, g.channels,
    ]);
    return paramsPtr;
  }

  const binder = argumentBinder(arena, counters);
  const bind = (inputs: readonly (Float32Array | null)[], outputs: readonly Float32Array[]) => binder('depthwiseConv2d', inputs, outputs);

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
        for (const ptr of blocks) arena.release(ptr);
      },
    };
  }

  function transpose(fn: 'nchwToNhwc' | 'nhwcToNchw', src: number, dst: number, batch: number, channels: number, spatial: number): void {
    runner.run(fn, [src, dst, batch, channels, spatial], batch * Math.ceil(spatial / 4), { costPerUnit: 8 * channels });
  }

  function expand(src: number, dst: number, pixels: number, channels: number, dm: number): void {
    runner.run('expandChannels', [src, dst, channels, dm], pixels, { costPerUnit: channels * dm });
  }

  function reduce(src: number, dst: number, pixels: number, channels: number, dm: number): void {
    runner.run('reduceChannels', [src, dst, channels, dm], pixels, { costPerUnit: channels * dm });
  }

  /** NHWC pointer to `x` (transposed into `t` when channels-first), repeated `dm` times per channel. */
  function nhwcInput(p: DepthwiseConv2dParams, ptr: number, t: ReturnType<typeof temps>): number {
    const pixels = p.batch * p.inHeight * p.inWidth;
    let xp = ptr;
    if (p.dataFormat === 'channels_first') {
      const tx = t.alloc(pixels * p.inChannels);
      transpose('nchwToNhwc', xp, tx, p.batch, p.inChannels, p.inHeight * p.inWidth);
      xp = tx;
    }
    if (p.depthMultiplier > 1) {
      const ex = t.alloc(pixels * p.outChannels);
      expand(xp, ex, pixels, p.inChannels, p.depthMultiplier);
      xp = ex;
    }
    return xp;
  }

  /** NHWC pointer to an output-shaped (dy-like) tensor. */
  function nhwcOutputShaped(p: DepthwiseConv2dParams, ptr: number, t: ReturnType<typeof temps>): number {
    if (p.dataFormat === 'channels_last') return ptr;
    const spatial = p.outHeight * p.outWidth;
    const tp = t.alloc(p.batch * spatial * p.outChannels);
    transpose('nchwToNhwc', ptr, tp, p.batch, p.outChannels, spatial);
    return tp;
  }

  function forwardF32(
    p: DepthwiseConv2dParams,
    xPtr: number,
    kPtr: number,
    scalePtr: number,
    shiftPtr: number,
    outPtr: number,
    act: number,
  ): void {
    const t = temps();
    const g = nhwcGeometry(p);
    const xp = nhwcInput(p, xPtr, t);
    const nchw = p.dataFormat === 'channels_first';
    const spatial = p.outHeight * p.outWidth;
    const op = nchw ? t.alloc(p.batch * spatial * p.outChannels) : outPtr;
    const pp = writeParams(g);
    runner.run('forwardNhwc', [pp, xp, kPtr, scalePtr, shiftPtr, op, act], p.batch * p.outHeight, {
      costPerUnit: p.outWidth * p.outChannels * p.kernelHeight * p.kernelWidth,
      scratchBytes: convScratchBytes(g),
    });
    if (nchw) transpose('nhwcToNchw', op, outPtr, p.batch, p.outChannels, spatial);
    t.release();
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
    checkLength('x', x, sizes.input);
    checkLength('kernel', kernel, sizes.kernel);
    if (scale !== null) checkLength('scale', scale, sizes.bias);
    if (shift !== null) checkLength('shift', shift, sizes.bias);
    checkLength('out', out, sizes.output);
    if (!(activation in ACTIVATION_CODES)) {
      throw new ShapeError(`depthwiseConv2d wasm kernel: unknown \`activation\` ${String(activation)}; expected linear, relu or relu6.`);
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
      applyEpilogue(p, out, scale, shift, activation);
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
    forwardF32(p, xp, kp, sp, hp, bound.ptrs[next], ACTIVATION_CODES[activation]);
    bound.done();
  }

  function forwardFused(
    p: DepthwiseConv2dParams,
    x: FloatArray,
    kernel: FloatArray,
    bias: FloatArray | null,
    out: FloatArray,
    activation: FusedActivation,
  ): void {
    forwardScaleShift(p, x, kernel, null, bias, out, activation);
  }

  return {
    forward(p, x, kernel, bias, out): void {
      forwardScaleShift(p, x, kernel, null, bias, out, 'linear');
    },
    forwardFused,
    forwardScaleShift,

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
      if (p.dataFormat === 'channels_first') counters.transposedCalls++;
      const bound = bind([dy, kernel], [dx]);
      const [dyPtr, kPtr, dxPtr] = bound.ptrs;
      const t = temps();
      const gp = nhwcOutputShaped(p, dyPtr, t);
      const pixels = p.batch * p.inHeight * p.inWidth;
      const nchw = p.dataFormat === 'channels_first';
      const dm = p.depthMultiplier;
      // Where the NHWC kernel writes: dx itself, or the C*dm-channel gradient to fold, or an NHWC temp.
      const dxNhwc = nchw ? t.alloc(pixels * p.inChannels) : dxPtr;
      const dxWide = dm > 1 ? t.alloc(pixels * p.outChannels) : dxNhwc;
      const taps = p.kernelHeight * p.kernelWidth;
      if (p.strideHeight === 1 && p.strideWidth === 1) {
        const rotated = t.alloc(taps * p.outChannels);
        const src = new Float32Array(memory.buffer, kPtr, taps * p.outChannels);
        const dst = new Float32Array(memory.buffer, rotated, taps * p.outChannels);
        for (let tap = 0; tap < taps; tap++) {
          const from = (taps - 1 - tap) * p.outChannels;
          dst.set(src.subarray(from, from + p.outChannels), tap * p.outChannels);
        }
        const g = transposedGeometry(p);
        const pp = writeParams(g);
        runner.run('forwardNhwc', [pp, gp, rotated, 0, 0, dxWide, 0], p.batch * p.inHeight, {
          costPerUnit: p.inWidth * p.outChannels * taps,
          scratchBytes: convScratchBytes(g),
        });
      } else {
        const pp = writeParams(nhwcGeometry(p));
        runner.run('backwardInputNhwc', [pp, gp, kPtr, dxWide], p.batch * p.inHeight, {
          costPerUnit: (p.inWidth * p.outChannels * taps) / (p.strideHeight * p.strideWidth),
          scratchBytes: 8 * (p.kernelHeight + p.kernelWidth),
        });
      }
      if (dm > 1) reduce(dxWide, dxNhwc, pixels, p.inChannels, dm);
      if (nchw) transpose('nhwcToNchw', dxNhwc, dxPtr, p.batch, p.inChannels, p.inHeight * p.inWidth);
      t.release();
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
      if (p.dataFormat === 'channels_first') counters.transposedCalls++;
      const bound = bind([x, dy], [dkernel]);
      const [xPtr, dyPtr, dkPtr] = bound.ptrs;
      const t = temps();
      const xp = nhwcInput(p, xPtr, t);
      const gp = nhwcOutputShaped(p, dyPtr, t);
      const g = nhwcGeometry(p);
      const pp = writeParams(g);
      runner.run('backwardKernelNhwc', [pp, xp, gp, dkPtr], Math.ceil(p.outChannels / 4), {
        costPerUnit: 4 * p.batch * p.outHeight * p.outWidth * p.kernelHeight * p.kernelWidth,
        scratchBytes: convScratchBytes(g),
      });
      t.release();
      bound.done();
    },

    backwardBias(p, dy, dbias): void {
      const sizes = depthwiseConv2dSizes(p);
      checkLength('dy', dy, sizes.output);
      checkLength('dbias', dbias, sizes.bias);
      if (!(dy instanceof Float32Array) || !(dbias instanceof Float32Array)) {
        counters.typescriptCalls++;
        depthwiseConv2dBackwardBias(p, dy, dbias);
        return;
      }
      counters.wasmCalls++;
      const bound = bind([dy], [dbias]);
      const pp = writeParams(nhwcGeometry(p));
      const pixels = p.batch * p.outHeight * p.outWidth;
      if (p.dataFormat === 'channels_last') {
        runner.run('backwardBiasNhwc', [pp, bound.ptrs[0], bound.ptrs[1]], Math.ceil(p.outChannels / 4), { costPerUnit: 4 * pixels });
      } else {
        // Channels-first bias gradients are sums of contiguous planes: no transpose needed.
        runner.run('backwardBiasNchw', [pp, bound.ptrs[0], bound.ptrs[1]], p.outChannels, { costPerUnit: pixels });
      }
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

/** The forward epilogue for the TypeScript fallback: `act(out * scale[o] + shift[o])` in place. */
function applyEpilogue(
  p: DepthwiseConv2dParams,
  out: FloatArray,
  scale: FloatArray | null,
  shift: FloatArray | null,
  activation: FusedActivation,
): void {
  const lo = activation === 'linear' ? -Infinity : 0;
  const hi = activation === 'relu6' ? 6 : Infinity;
  const channels = p.outChannels;
  const plane = p.dataFormat === 'channels_last' ? 1 : p.outHeight * p.outWidth;
  for (let i = 0; i < out.length; i++) {
    const o = Math.floor(i / plane) % channels;
    let v = out[i] * (scale === null ? 1 : scale[o]) + (shift === null ? 0 : shift[o]);
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    out[i] = v;
  }
}
