/**
 * The kernel-variant section of `npm run bench`: every entry of the kernel manifest
 * (`src/kernels/wasm/manifest.ts`) timed on its example, the way the library runs it (through the
 * wrapper that selects it, or for the layout passes the export itself through the thread pool), with a
 * check that the example really selected that entry. The manifest is the list: a new variant is benched
 * as soon as it has an entry.
 */
import { resolveBatchNormParams } from '../src/kernels/batch-norm/params.js';
import { convSizes, resolveConvParams } from '../src/kernels/conv/index.js';
import { conv2dSizes, resolveConv2dParams } from '../src/kernels/conv2d/index.js';
import { depthwiseConv2dSizes, resolveDepthwiseConv2dParams } from '../src/kernels/depthwise-conv2d/index.js';
import { resolveMatmulParams } from '../src/kernels/matmul/index.js';
import { poolSizes, resolvePoolParams } from '../src/kernels/pool/index.js';
import { resizeSizes, resolveResizeParams } from '../src/kernels/resize/index.js';
import type { WasmBackend } from '../src/kernels/wasm/index.js';
import type { KernelVariant } from '../src/kernels/wasm/manifest.js';
import { KERNEL_MANIFEST, variantSelections } from '../src/kernels/wasm/manifest.js';
import type { Summary, TimingOptions } from './stats.js';
import { measure } from './stats.js';

export interface VariantResult extends Summary {
  name: string;
  family: KernelVariant['family'];
  op: string;
  /** The example's shape, as text. */
  example: string;
  /** Whether timing the example selected this entry (false would mean the example is wrong). */
  selected: boolean;
}

interface Workload {
  describe: string;
  /** What is timed. */
  run(): void;
  /** A call through the wrapper that selects the entry (the timed call itself, except for layout passes). */
  select(): void;
  dispose(): void;
}

/** Allocates float32 arrays in the backend's memory (where tensors live), freed together. */
function arrays(b: WasmBackend) {
  const storages: { dispose(): void }[] = [];
  return {
    make(n: number, value = 0.5): Float32Array {
      const s = b.arena.allocStorage('float32', n, false);
      storages.push(s);
      const v = s.view() as Float32Array;
      for (let i = 0; i < n; i++) v[i] = value * Math.sin(i);
      return v;
    },
    dispose(): void {
      for (const s of storages) s.dispose();
    },
  };
}

function workload(b: WasmBackend, v: KernelVariant): Workload {
  const a = arrays(b);
  const done = (describe: string, run: () => void, select = run): Workload => ({ describe, run, select, dispose: a.dispose });
  switch (v.family) {
    case 'depthwise': {
      const e = v.example;
      const shape = e.dataFormat === 'channels_last' ? [...e.input] : [e.input[0], e.input[3], e.input[1], e.input[2]];
      const p = resolveDepthwiseConv2dParams(shape, [e.kernel[0], e.kernel[1], e.input[3], e.depthMultiplier], {
        strides: e.strides, dilationRate: e.dilation, padding: 'same', dataFormat: e.dataFormat,
      });
      const sizes = depthwiseConv2dSizes(p);
      const [x, kernel, bias, dy, out, dx, dk] = [sizes.input, sizes.kernel, sizes.bias, sizes.output, sizes.output, sizes.input, sizes.kernel].map((n) => a.make(n));
      const k = b.depthwiseConv2d;
      const text = `${e.input.join('x')} k${e.kernel.join('x')} s${e.strides[0]} d${e.dilation[0]} dm${e.depthMultiplier} ${e.dataFormat}`;
      if (v.op === 'backwardInput') return done(text, () => k.backwardInput(p, dy, kernel, dx));
      if (v.op === 'backwardKernel') return done(text, () => k.backwardKernel(p, x, dy, dk));
      if (v.op === 'backwardBias') return done(text, () => k.backwardBias(p, dy, a.make(sizes.bias)));
      if (v.op === 'layout') {
        // The pass alone, as the wrapper runs it: through the pool, over its own work units.
        const [n, h, w, c] = e.input;
        const pixels = n * h * w;
        const src = a.make(pixels * c * e.depthMultiplier);
        const dst = a.make(pixels * c * e.depthMultiplier);
        const run =
          v.export === 'nchwToNhwc' || v.export === 'nhwcToNchw'
            ? () => b.pool.run(b.exports[v.export], [src.byteOffset, dst.byteOffset, n, c, h * w], n * Math.ceil((h * w) / 4), { costPerUnit: 8 * c })
            : () =>
                b.pool.run(v.export === 'expandChannels' ? b.exports.expandChannels : b.exports.reduceChannels, [src.byteOffset, dst.byteOffset, c, e.depthMultiplier], pixels, {
                  costPerUnit: c * e.depthMultiplier,
                });
        // The wrapper's pass that uses (and counts) it: the input gradient folds repeated channels back.
        const select = v.export === 'reduceChannels' ? () => k.backwardInput(p, dy, kernel, dx) : () => k.forwardFused(p, x, kernel, bias, out, 'relu6');
        return done(text, run, select);
      }
      return done(text, () => k.forwardFused(p, x, kernel, bias, out, 'relu6'));
    }
    case 'gemm': {
      const s = v.example;
      const p = resolveMatmulParams([s.m, s.k], [s.k, s.n], { transposeA: false, transposeB: false });
      const [x, y, out] = [s.m * s.k, s.k * s.n, s.m * s.n].map((n) => a.make(n));
      return done(`${s.m}x${s.k} * ${s.k}x${s.n}`, () => b.matmul.forward(p, x, y, out));
    }
    case 'conv2d': {
      const e = v.example;
      const [n, h, w, c] = e.input;
      const p = resolveConv2dParams(e.dataFormat === 'channels_last' ? [n, h, w, c] : [n, c, h, w], [e.kernel[0], e.kernel[1], c / e.groups, e.filters], {
        strides: [e.stride, e.stride], dilationRate: [1, 1], padding: 'same', dataFormat: e.dataFormat, groups: e.groups,
      });
      const sizes = conv2dSizes(p);
      const [x, kernel, dy, res, dx, dk] = [sizes.input, sizes.kernel, sizes.output, sizes.output, sizes.input, sizes.kernel].map((m) => a.make(m));
      const text = `${e.input.join('x')} k${e.kernel.join('x')} s${e.stride} -> ${e.filters}${e.groups > 1 ? ` groups ${e.groups}` : ''}`;
      if (v.op === 'conv2dBackwardKernel') return done(text, () => b.conv2d.backwardKernel(p, x, dy, dk));
      if (v.op === 'conv2dBackwardInput') return done(text, () => b.conv2d.backwardInput(p, dy, kernel, dx));
      return done(text, () => b.conv2d.forward(p, x, kernel, null, res));
    }
    case 'conv': {
      const e = v.example;
      const [n, d, h, w, c] = e.input;
      const p = resolveConvParams(e.dataFormat === 'channels_last' ? [n, d, h, w, c] : [n, c, d, h, w], [...e.kernel, c, e.filters], {
        strides: [e.stride, e.stride, e.stride], dilationRate: [1, 1, 1], padding: 'same', dataFormat: e.dataFormat,
      });
      const sizes = convSizes(p);
      const [x, kernel, dy, res, dx, dk] = [sizes.input, sizes.kernel, sizes.output, sizes.output, sizes.input, sizes.kernel].map((m) => a.make(m));
      const text = `${e.input.join('x')} k${e.kernel.join('x')} s${e.stride} -> ${e.filters}`;
      if (v.op === 'convBackwardKernel') return done(text, () => b.conv.backwardKernel(p, x, dy, dk));
      if (v.op === 'convBackwardInput') return done(text, () => b.conv.backwardInput(p, dy, kernel, dx));
      return done(text, () => b.conv.forward(p, x, kernel, null, res));
    }
    case 'activation': {
      const e = v.example;
      const [x, dy, out] = [e.length, e.length, e.length].map((n) => a.make(n, 8));
      const text = `${e.length} elements, cap ${e.cap}`;
      if (v.op === 'backward') return done(text, () => b.activation.clippedReluBackward(x, dy, out, e.cap));
      return done(text, () => b.activation.clippedReluForward(x, out, e.cap, e.propagateNaN));
    }
    case 'batchNorm': {
      const e = v.example;
      const shape = e.inner === 1 ? [e.rows, e.channels] : [e.rows, e.channels, e.inner];
      const p = resolveBatchNormParams(shape, e.inner === 1 ? -1 : 1);
      const n = e.rows * e.channels * e.inner;
      const [x, y, dy, dx] = [n, n, n, n].map((m) => a.make(m));
      const [gamma, beta] = [a.make(e.channels), a.make(e.channels)];
      const stats = () => new Float64Array(e.channels);
      const [mean, variance, invstd, dg, db] = [stats(), stats(), stats(), stats(), stats()];
      b.batchNorm.trainingForward(p, x, gamma, beta, 1e-3, y, mean, variance, invstd);
      const text = `${shape.join('x')}, channel axis ${e.inner === 1 ? 'last' : '1'}`;
      if (v.op === 'backward') return done(text, () => b.batchNorm.trainingBackward(p, x, dy, gamma, mean, invstd, dx, dg, db));
      return done(text, () => b.batchNorm.trainingForward(p, x, gamma, beta, 1e-3, y, mean, variance, invstd));
    }
    case 'pool2d': {
      const e = v.example;
      const [n, h, w, c] = e.input;
      const p = resolvePoolParams(e.dataFormat === 'channels_last' ? [n, h, w, c] : [n, c, h, w], { poolSize: e.pool, strides: e.strides, padding: e.padding, dataFormat: e.dataFormat });
      const sizes = poolSizes(p);
      const [x, out, dy, dx] = [sizes.input, sizes.output, sizes.output, sizes.input].map((m) => a.make(m));
      const text = `${e.input.join('x')} pool ${e.pool.join('x')} s${e.strides[0]} ${e.dataFormat}`;
      const k = b.pooling;
      if (v.op === 'maxForward') return done(text, () => k.maxForward(p, x, out));
      if (v.op === 'avgForward') return done(text, () => k.avgForward(p, x, out));
      if (v.op === 'maxBackward') return done(text, () => k.maxBackward(p, x, dy, dx));
      return done(text, () => k.avgBackward(p, dy, dx));
    }
    case 'resize': {
      const e = v.example;
      const [n, h, w, c] = e.input;
      const p = resolveResizeParams(e.dataFormat === 'channels_last' ? [n, h, w, c] : [n, c, h, w], e.size, e.dataFormat);
      const sizes = resizeSizes(p);
      const [x, out, dy, dx] = [sizes.input, sizes.output, sizes.output, sizes.input].map((m) => a.make(m));
      const text = `${e.input.join('x')} to ${e.size.join('x')} ${e.dataFormat}`;
      if (v.op === 'bilinearForward') return done(text, () => b.resize.bilinearForward(p, x, out));
      return done(text, () => b.resize.bilinearBackward(p, dy, dx));
    }
    case 'movement': {
      const e = v.example;
      const size = e.shape.reduce((m, d) => m * d, 1);
      const x = a.make(size);
      if (e.paddings !== undefined) {
        const paddings = e.paddings;
        const out = a.make(e.shape.reduce((m, d, i) => m * (d + paddings[i][0] + paddings[i][1]), 1));
        return done(`${e.shape.join('x')} padded ${JSON.stringify(paddings)}`, () => b.movement.pad(e.shape, paddings, x, out));
      }
      if (e.block !== undefined) {
        const { start, size: extent } = e.block;
        const out = a.make(extent.reduce((m, d) => m * d, 1));
        const params = { srcShape: e.shape, srcStart: start, dstShape: extent, dstStart: extent.map(() => 0), size: extent };
        return done(`${extent.join('x')} of ${e.shape.join('x')}`, () => b.movement.copyBlock(params, x, out));
      }
      const r = e.repeat ?? { axis: 0, repeats: 1 };
      const out = a.make(size * r.repeats);
      const params = {
        outer: e.shape.slice(0, r.axis).reduce((m, d) => m * d, 1),
        length: e.shape[r.axis],
        inner: e.shape.slice(r.axis + 1).reduce((m, d) => m * d, 1),
        repeats: r.repeats,
      };
      return done(`${e.shape.join('x')} repeated x${r.repeats} on axis ${r.axis}`, () => b.movement.repeat(params, x, out));
    }
    case 'reduce': {
      const e = v.example;
      const x = a.make(e.shape.reduce((m, d) => m * d, 1));
      const out = a.make(e.shape.reduce((m, d, i) => (e.axes.includes(i) ? m : m * d), 1));
      return done(`${e.shape.join('x')} summed over ${e.axes.join(',')}`, () => b.reduce.reduce('sum', { shape: e.shape, axes: e.axes }, x, out));
    }
  }
}

/** Times every manifest entry (optionally those whose name contains `filter`) on its example. */
export async function benchVariants(b: WasmBackend, timing: TimingOptions, filter: string | null): Promise<VariantResult[]> {
  const results: VariantResult[] = [];
  for (const v of KERNEL_MANIFEST) {
    if (filter !== null && !v.name.includes(filter)) continue;
    const w = workload(b, v);
    try {
      const before = variantSelections().get(v.name) ?? 0;
      w.select();
      const selected = (variantSelections().get(v.name) ?? 0) > before;
      const summary = await measure(() => w.run(), timing);
      results.push({ name: v.name, family: v.family, op: v.op, example: w.describe, selected, ...summary });
    } finally {
      w.dispose();
    }
  }
  return results;
}
