/**
 * Every entry of the kernel manifest (depthwise forward and backward variants, layout passes, GEMM,
 * im2col convolution and its gradients, clipped ReLU, batch norm, pooling, bilinear resize, the movement
 * kernels, sums) on its example, through the wrapper that selects it, as
 * `npm run bench` times them (`bench/variants.ts`); run in Node and, bundled into a page, in Chromium, so
 * the two are compared bit for bit. Returns which entries were selected.
 */
import { resolveBatchNormParams } from '../../src/kernels/batch-norm/params.js';
import { convSizes, resolveConvParams } from '../../src/kernels/conv/index.js';
import { conv2dSizes, resolveConv2dParams } from '../../src/kernels/conv2d/index.js';
import { depthwiseConv2dSizes, resolveDepthwiseConv2dParams } from '../../src/kernels/depthwise-conv2d/index.js';
import { resolveMatmulParams } from '../../src/kernels/matmul/index.js';
import { poolSizes, resolvePoolParams } from '../../src/kernels/pool/index.js';
import { resizeSizes, resolveResizeParams } from '../../src/kernels/resize/index.js';
import type { WasmBackend } from '../../src/kernels/wasm/index.js';
import type { KernelVariant } from '../../src/kernels/wasm/manifest.js';
import { KERNEL_MANIFEST, variantSelections } from '../../src/kernels/wasm/manifest.js';
import type { Digest } from './digest.js';
import { digest, lcg } from './digest.js';

/** Results of {@link runKernelVariants}. */
export interface KernelReport {
  results: Record<string, Digest[]>;
  /** Manifest entries whose example selected them. */
  selected: string[];
  /** Thread-pool jobs split across threads, and run on the caller alone. */
  parallelJobs: number;
  serialJobs: number;
}

/**
 * The outputs of one manifest entry's example, run through the wrapper that selects it, with its float32
 * arguments in `alloc`'s memory (the module's, where tensors live when it is shared, or the heap).
 */
function runVariant(b: WasmBackend, v: KernelVariant, seed: number, alloc: (n: number) => Float32Array): (Float32Array | Float64Array)[] {
  const make = (n: number, scale = 0.5): Float32Array => {
    const out = alloc(n);
    out.set(lcg(n, seed++, scale));
    return out;
  };
  const zeros = (n: number): Float32Array => alloc(n).fill(0);
  switch (v.family) {
    case 'depthwise': {
      const e = v.example;
      const shape = e.dataFormat === 'channels_last' ? [...e.input] : [e.input[0], e.input[3], e.input[1], e.input[2]];
      const p = resolveDepthwiseConv2dParams(shape, [e.kernel[0], e.kernel[1], e.input[3], e.depthMultiplier], {
        strides: e.strides,
        dilationRate: e.dilation,
        padding: 'same',
        dataFormat: e.dataFormat,
      });
      const sizes = depthwiseConv2dSizes(p);
      const [x, kernel, bias, dy] = [make(sizes.input), make(sizes.kernel), make(sizes.bias), make(sizes.output)];
      const k = b.depthwiseConv2d;
      if (v.op === 'backwardInput' || (v.op === 'layout' && v.export === 'reduceChannels')) {
        const dx = zeros(sizes.input);
        k.backwardInput(p, dy, kernel, dx);
        return [dx];
      }
      if (v.op === 'backwardKernel') {
        const dk = zeros(sizes.kernel);
        k.backwardKernel(p, x, dy, dk);
        return [dk];
      }
      if (v.op === 'backwardBias') {
        const db = zeros(sizes.bias);
        k.backwardBias(p, dy, db);
        return [db];
      }
      const out = zeros(sizes.output);
      k.forwardFused(p, x, kernel, bias, out, 'relu6');
      const plain = zeros(sizes.output);
      k.forward(p, x, kernel, null, plain);
      return [out, plain];
    }
    case 'gemm': {
      const s = v.example;
      const p = resolveMatmulParams([s.m, s.k], [s.k, s.n], { transposeA: false, transposeB: false });
      const out = zeros(s.m * s.n);
      b.matmul.forward(p, make(s.m * s.k), make(s.k * s.n), out);
      return [out];
    }
    case 'conv2d': {
      const e = v.example;
      const [n, h, w, c] = e.input;
      const p = resolveConv2dParams(e.dataFormat === 'channels_last' ? [n, h, w, c] : [n, c, h, w], [e.kernel[0], e.kernel[1], c / e.groups, e.filters], {
        strides: [e.stride, e.stride],
        dilationRate: [1, 1],
        padding: 'same',
        dataFormat: e.dataFormat,
        groups: e.groups,
      });
      const sizes = conv2dSizes(p);
      if (v.op === 'conv2dBackwardKernel') {
        const dk = zeros(sizes.kernel);
        b.conv2d.backwardKernel(p, make(sizes.input), make(sizes.output), dk);
        return [dk];
      }
      if (v.op === 'conv2dBackwardInput') {
        const dx = zeros(sizes.input);
        b.conv2d.backwardInput(p, make(sizes.output), make(sizes.kernel), dx);
        return [dx];
      }
      const out = zeros(sizes.output);
      b.conv2d.forward(p, make(sizes.input), make(sizes.kernel), null, out);
      return [out];
    }
    case 'conv': {
      const e = v.example;
      const [n, d, h, w, c] = e.input;
      const p = resolveConvParams(e.dataFormat === 'channels_last' ? [n, d, h, w, c] : [n, c, d, h, w], [...e.kernel, c, e.filters], {
        strides: [e.stride, e.stride, e.stride],
        dilationRate: [1, 1, 1],
        padding: 'same',
        dataFormat: e.dataFormat,
      });
      const sizes = convSizes(p);
      if (v.op === 'convBackwardKernel') {
        const dk = zeros(sizes.kernel);
        b.conv.backwardKernel(p, make(sizes.input), make(sizes.output), dk);
        return [dk];
      }
      if (v.op === 'convBackwardInput') {
        const dx = zeros(sizes.input);
        b.conv.backwardInput(p, make(sizes.output), make(sizes.kernel), dx);
        return [dx];
      }
      const out = zeros(sizes.output);
      b.conv.forward(p, make(sizes.input), make(sizes.kernel), null, out);
      return [out];
    }
    case 'activation': {
      const e = v.example;
      const x = make(e.length, 8);
      const out = zeros(e.length);
      if (v.op === 'backward') b.activation.clippedReluBackward(x, make(e.length), out, e.cap);
      else b.activation.clippedReluForward(x, out, e.cap, e.propagateNaN);
      return [out];
    }
    case 'batchNorm': {
      const e = v.example;
      const p = resolveBatchNormParams(e.inner === 1 ? [e.rows, e.channels] : [e.rows, e.channels, e.inner], e.inner === 1 ? -1 : 1);
      const n = e.rows * e.channels * e.inner;
      const [x, dy, gamma, beta] = [make(n), make(n), make(e.channels), make(e.channels)];
      const y = zeros(n);
      const stats = (): Float64Array => new Float64Array(e.channels);
      const [mean, variance, invstd] = [stats(), stats(), stats()];
      b.batchNorm.trainingForward(p, x, gamma, beta, 1e-3, y, mean, variance, invstd);
      if (v.op !== 'backward') return [y, mean, variance, invstd];
      const dx = zeros(n);
      const [dg, db] = [stats(), stats()];
      b.batchNorm.trainingBackward(p, x, dy, gamma, mean, invstd, dx, dg, db);
      return [dx, dg, db];
    }
    case 'pool2d': {
      const e = v.example;
      const [n, h, w, c] = e.input;
      const p = resolvePoolParams(e.dataFormat === 'channels_last' ? [n, h, w, c] : [n, c, h, w], { poolSize: e.pool, strides: e.strides, padding: e.padding, dataFormat: e.dataFormat });
      const sizes = poolSizes(p);
      const x = make(sizes.input);
      if (v.op === 'maxForward' || v.op === 'avgForward') {
        const out = zeros(sizes.output);
        b.pooling[v.op](p, x, out);
        return [out];
      }
      const dx = zeros(sizes.input);
      if (v.op === 'maxBackward') b.pooling.maxBackward(p, x, make(sizes.output), dx);
      else b.pooling.avgBackward(p, make(sizes.output), dx);
      return [dx];
    }
    case 'resize': {
      const e = v.example;
      const [n, h, w, c] = e.input;
      const p = resolveResizeParams(e.dataFormat === 'channels_last' ? [n, h, w, c] : [n, c, h, w], e.size, e.dataFormat);
      const sizes = resizeSizes(p);
      if (v.op === 'bilinearForward') {
        const out = zeros(sizes.output);
        b.resize.bilinearForward(p, make(sizes.input), out);
        return [out];
      }
      const dx = zeros(sizes.input);
      b.resize.bilinearBackward(p, make(sizes.output), dx);
      return [dx];
    }
    case 'movement': {
      const e = v.example;
      const size = e.shape.reduce((m, d) => m * d, 1);
      const x = make(size);
      if (e.paddings !== undefined) {
        const paddings = e.paddings;
        const out = zeros(e.shape.reduce((m, d, i) => m * (d + paddings[i][0] + paddings[i][1]), 1));
        b.movement.pad(e.shape, paddings, x, out);
        return [out];
      }
      if (e.block !== undefined) {
        const { start, size: extent } = e.block;
        const out = zeros(extent.reduce((m, d) => m * d, 1));
        b.movement.copyBlock({ srcShape: e.shape, srcStart: start, dstShape: extent, dstStart: extent.map(() => 0), size: extent }, x, out);
        return [out];
      }
      const r = e.repeat ?? { axis: 0, repeats: 1 };
      const out = zeros(size * r.repeats);
      const inner = e.shape.slice(r.axis + 1).reduce((m, d) => m * d, 1);
      b.movement.repeat({ outer: e.shape.slice(0, r.axis).reduce((m, d) => m * d, 1), length: e.shape[r.axis], inner, repeats: r.repeats }, x, out);
      return [out];
    }
    case 'reduce': {
      const e = v.example;
      const out = zeros(e.shape.reduce((m, d, i) => (e.axes.includes(i) ? m : m * d), 1));
      b.reduce.reduce('sum', { shape: e.shape, axes: e.axes }, make(e.shape.reduce((m, d) => m * d, 1)), out);
      return [out];
    }
  }
}

/**
 * Every manifest entry's example on `b` (see the file comment). `resident`: arguments in the module's
 * memory, as tensors are where it is shared (only then do the clipped-ReLU and batch-norm kernels run in
 * WebAssembly), else on the JavaScript heap, as tensors are in a page without shared memory.
 */
export function runKernelVariants(b: WasmBackend, resident: boolean): KernelReport {
  const results: Record<string, Digest[]> = {};
  const selected: string[] = [];
  KERNEL_MANIFEST.forEach((v, i) => {
    const storages: { dispose(): void }[] = [];
    const alloc = (n: number): Float32Array => {
      if (!resident) return new Float32Array(n);
      const storage = b.arena.allocStorage('float32', n, false);
      storages.push(storage);
      return storage.view() as Float32Array;
    };
    const before = variantSelections().get(v.name) ?? 0;
    try {
      results[v.name] = runVariant(b, v, 1000 * (i + 1), alloc).map(digest);
    } finally {
      for (const storage of storages) storage.dispose();
    }
    if ((variantSelections().get(v.name) ?? 0) > before) selected.push(v.name);
  });
  const stats = b.pool.stats();
  return { results, selected, parallelJobs: stats.parallelJobs, serialJobs: stats.serialJobs };
}
