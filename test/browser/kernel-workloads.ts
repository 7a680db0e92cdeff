/**
 * Every entry of the kernel manifest (depthwise forward and backward variants, layout passes, GEMM,
 * im2col convolution, clipped ReLU, batch norm) on its example, through the wrapper that selects it, as
 * `npm run bench` times them (`bench/variants.ts`); run in Node and, bundled into a page, in Chromium, so
 * the two are compared bit for bit. Returns which entries were selected.
 */
import { resolveBatchNormParams } from '../../src/kernels/batch-norm/params.js';
import { resolveConv2dParams } from '../../src/kernels/conv2d/index.js';
import { depthwiseConv2dSizes, resolveDepthwiseConv2dParams } from '../../src/kernels/depthwise-conv2d/index.js';
import { resolveMatmulParams } from '../../src/kernels/matmul/index.js';
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
      if (v.op === 'gemm') {
        const s = v.example;
        const p = resolveMatmulParams([s.m, s.k], [s.k, s.n], { transposeA: false, transposeB: false });
        const out = zeros(s.m * s.n);
        b.matmul.forward(p, make(s.m * s.k), make(s.k * s.n), out);
        return [out];
      }
      const e = v.example;
      const p = resolveConv2dParams(e.input, [e.kernel[0], e.kernel[1], e.input[3], e.filters], {
        strides: [e.stride, e.stride],
        dilationRate: [1, 1],
        padding: 'same',
        dataFormat: 'channels_last',
      });
      const outSize = p.batch * p.outHeight * p.outWidth * e.filters;
      const kernelSize = e.kernel[0] * e.kernel[1] * e.input[3] * e.filters;
      const x = make(e.input.reduce((m, d) => m * d));
      if (v.op === 'conv2dBackwardKernel') {
        const dk = zeros(kernelSize);
        b.conv2d.backwardKernel(p, x, make(outSize), dk);
        return [dk];
      }
      const out = zeros(outSize);
      b.conv2d.forward(p, x, make(kernelSize), null, out);
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
      const p = resolveBatchNormParams([e.rows, e.channels], -1);
      const n = e.rows * e.channels;
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
