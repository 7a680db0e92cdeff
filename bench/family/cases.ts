/**
 * The 2D-family rows of `npm run bench` (issue #15's speed targets): the ordinary Conv2D 3x3 64->64 on
 * 56x56 at batch 8 (forward, both gradients), a grouped Conv2D with groups = C beside the depthwise
 * convolution of the same shape, and pooling, nearest and bilinear upsampling, zero padding, cropping and
 * channels-first batch norm. Every row runs this library's kernel slots directly (tensors in wasm memory,
 * as the per-layer cases do), the TypeScript kernels they replace where that is affordable, and the
 * TensorFlow.js op of the same computation where one exists.
 */
import type * as TfCore from '@tensorflow/tfjs-core';

import { resolveBatchNormParams } from '../../src/kernels/batch-norm/params.js';
import type { Conv2dParams } from '../../src/kernels/conv2d/index.js';
import { conv2dSizes, resolveConv2dParams } from '../../src/kernels/conv2d/index.js';
import { depthwiseConv2dSizes, resolveDepthwiseConv2dParams } from '../../src/kernels/depthwise-conv2d/index.js';
import { convSizes, resolveConvParams } from '../../src/kernels/conv/index.js';
import type { CpuKernels } from '../../src/kernels/kernel-backend.js';
import { resolvePoolParams } from '../../src/kernels/pool/index.js';
import { resolveResizeParams } from '../../src/kernels/resize/index.js';
import { typescriptKernels } from '../../src/kernels/typescript-backend.js';
import { ConvLSTM2D, ops, tensor, tidy, valueAndGrads } from '../../src/index.js';
import type { WasmBackend } from '../../src/kernels/wasm/index.js';

export type Tf = typeof TfCore;

/** The columns of the family section: this library at 1 and 2 threads, its TypeScript kernels, tfjs. */
export type Column = 'ours-wasm' | 'ours-wasm-2t' | 'ours-ts' | 'tfjs-wasm' | 'tfjs-cpu';

export interface FamilyPrepared {
  run(): void;
  dispose(): void;
  /** The column ran a smaller case: its time is multiplied by this (an estimate, with `note`). */
  scale?: number;
  note?: string;
  /** At most this many timed runs, the warm-up counted (a peer that takes minutes per run). */
  runs?: number;
}

export interface FamilyRow {
  /** Stable identifier (the JSON key); rows of one group share the prefix before the last '/'. */
  id: string;
  /** Builds the row's work for one column, or null when that column does not run it. */
  prepare(column: Column, env: { wasm: WasmBackend; tf: Tf | null }): Promise<FamilyPrepared | null>;
}

/** Float32 arrays for one column: in wasm memory for ours-wasm (views re-derived per call), else on the heap. */
function arrays(wasm: WasmBackend | null) {
  const storages: { dispose(): void }[] = [];
  let seed = 1;
  return {
    make(n: number): () => Float32Array {
      const s = seed++;
      const fill = (v: Float32Array): Float32Array => {
        for (let i = 0; i < n; i++) v[i] = Math.sin(i * 0.37 + s) * 0.5;
        return v;
      };
      if (wasm === null) {
        const heap = fill(new Float32Array(n));
        return () => heap;
      }
      const storage = wasm.arena.allocStorage('float32', n, false);
      storages.push(storage);
      fill(storage.view() as Float32Array);
      return () => storage.view() as Float32Array;
    },
    dispose(): void {
      for (const s of storages.splice(0)) s.dispose();
    },
  };
}

/** The kernels a column runs: the wasm backend's slots, or the TypeScript ones. */
function kernelsOf(column: Column, wasm: WasmBackend): CpuKernels | null {
  if (column === 'ours-wasm' || column === 'ours-wasm-2t') return wasm;
  return column === 'ours-ts' ? typescriptKernels : null;
}

/** A row whose ours columns call `body(kernels, make)`, and whose tfjs columns (if any) run `tfjs`. */
function row(
  id: string,
  body: (k: CpuKernels, make: (n: number) => () => Float32Array) => () => void,
  tfjs?: { backends: readonly ('wasm' | 'cpu')[]; make(tf: Tf): () => TfCore.Tensor },
  typescript = true,
): FamilyRow {
  return {
    id,
    async prepare(column, env) {
      if (column === 'tfjs-wasm' || column === 'tfjs-cpu') {
        const backend = column === 'tfjs-wasm' ? 'wasm' : 'cpu';
        if (tfjs === undefined || env.tf === null || !tfjs.backends.includes(backend)) return null;
        const tf = env.tf;
        if (!(await tf.setBackend(backend))) return null;
        const once = tfjs.make(tf);
        return { run: () => once().dispose(), dispose: () => undefined };
      }
      if (column === 'ours-ts' && !typescript) return null;
      const k = kernelsOf(column, env.wasm);
      if (k === null) return null;
      const a = arrays(column === 'ours-ts' ? null : env.wasm);
      return { run: body(k, a.make), dispose: a.dispose };
    },
  };
}

/** One row whose columns come from several builders (the first that runs a column wins). */
export function combine(id: string, ...rows: readonly FamilyRow[]): FamilyRow {
  return {
    id,
    async prepare(column, env) {
      for (const r of rows) {
        const prepared = await r.prepare(column, env);
        if (prepared !== null) return prepared;
      }
      return null;
    },
  };
}

/** A tfjs tensor of `sin` values, of rank 4 or 5 (kept for the session; a bench process is short-lived). */
function tfInput(tf: Tf, shape: readonly [number, number, number, number]): TfCore.Tensor4D;
function tfInput(tf: Tf, shape: readonly [number, number, number, number, number]): TfCore.Tensor5D;
function tfInput(tf: Tf, shape: readonly number[]): TfCore.Tensor {
  const n = shape.reduce((m, d) => m * d, 1);
  return tf.tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 0.5), [...shape]);
}

export interface ConvShape {
  batch: number;
  size: number;
  channels: number;
  filters: number;
  kernel: number;
  groups: number;
}

export function convParams(s: ConvShape): Conv2dParams {
  return resolveConv2dParams([s.batch, s.size, s.size, s.channels], [s.kernel, s.kernel, s.channels / s.groups, s.filters], {
    strides: [1, 1], dilationRate: [1, 1], padding: 'same', dataFormat: 'channels_last', groups: s.groups,
  });
}

export type ConvPass = 'forward' | 'backwardInput' | 'backwardKernel' | 'backward';

/** A conv2d pass; `backward` is both gradients (input then kernel), the training step's share. */
export function convRow(id: string, s: ConvShape, pass: ConvPass, opts: { typescript: boolean; tfjsForward: boolean }): FamilyRow {
  const p = convParams(s);
  const sizes = conv2dSizes(p);
  return row(
    id,
    (k, make) => {
      const [x, kernel, dy, out, dx, dk] = [sizes.input, sizes.kernel, sizes.output, sizes.output, sizes.input, sizes.kernel].map(make);
      if (pass === 'forward') return () => k.conv2d.forward(p, x(), kernel(), null, out());
      if (pass === 'backwardInput') return () => k.conv2d.backwardInput(p, dy(), kernel(), dx());
      if (pass === 'backwardKernel') return () => k.conv2d.backwardKernel(p, x(), dy(), dk());
      return () => {
        k.conv2d.backwardInput(p, dy(), kernel(), dx());
        k.conv2d.backwardKernel(p, x(), dy(), dk());
      };
    },
    opts.tfjsForward && pass === 'forward' && s.groups === 1
      ? {
          backends: ['wasm'],
          make: (tf) => {
            const x = tfInput(tf, [s.batch, s.size, s.size, s.channels]);
            const f = tfInput(tf, [s.kernel, s.kernel, s.channels, s.filters]);
            return () => tf.conv2d(x, f, 1, 'same');
          },
        }
      : undefined,
    opts.typescript,
  );
}

/** A depthwise 3x3 (depth multiplier 1) pass on the same shapes as a `groups = C` convolution. */
export function depthwiseRow(id: string, s: ConvShape, pass: Exclude<ConvPass, 'backward'>): FamilyRow {
  const p = resolveDepthwiseConv2dParams([s.batch, s.size, s.size, s.channels], [s.kernel, s.kernel, s.channels, 1], {
    strides: [1, 1], dilationRate: [1, 1], padding: 'same', dataFormat: 'channels_last',
  });
  const sizes = depthwiseConv2dSizes(p);
  return row(id, (k, make) => {
    const [x, kernel, dy, out, dx, dk] = [sizes.input, sizes.kernel, sizes.output, sizes.output, sizes.input, sizes.kernel].map(make);
    if (pass === 'forward') return () => k.depthwiseConv2d.forward(p, x(), kernel(), null, out());
    if (pass === 'backwardInput') return () => k.depthwiseConv2d.backwardInput(p, dy(), kernel(), dx());
    return () => k.depthwiseConv2d.backwardKernel(p, x(), dy(), dk());
  });
}

/**
 * tfjs-cpu's conv2d input and kernel gradients at `batch` (its kernel gradient takes minutes at the
 * target's batch of 8), timed once, scaled to `targetBatch`: the work per image is the same.
 */
export function tfjsCpuConvBackward(id: string, s: ConvShape, targetBatch: number): FamilyRow {
  return {
    id,
    async prepare(column, env) {
      if (column !== 'tfjs-cpu' || env.tf === null) return null;
      const tf = env.tf;
      if (!(await tf.setBackend('cpu'))) return null;
      const x = tfInput(tf, [s.batch, s.size, s.size, s.channels]);
      const f = tfInput(tf, [s.kernel, s.kernel, s.channels, s.filters]);
      const dy = tfInput(tf, [s.batch, s.size, s.size, s.filters]);
      const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] };
      return {
        run: () => {
          (tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { ...attrs, inputShape: x.shape }) as TfCore.Tensor).dispose();
          (tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: f.shape }) as TfCore.Tensor).dispose();
        },
        dispose: () => [x, f, dy].forEach((t) => t.dispose()),
        scale: targetBatch / s.batch,
        note: `tfjs-cpu ran at batch ${s.batch}, timed once, scaled x${targetBatch / s.batch} to batch ${targetBatch}`,
        runs: 1,
      };
    },
  };
}

type Image = readonly [number, number, number, number];

/** Pooling 2x2 stride 2 'valid' on `[N, H, W, C]` (or its channels-first transpose). */
export function poolRow(id: string, shape: Image, mode: 'max' | 'avg', pass: 'forward' | 'backward', dataFormat: 'channels_last' | 'channels_first'): FamilyRow {
  const [n, h, w, c] = shape;
  const p = resolvePoolParams(dataFormat === 'channels_last' ? [n, h, w, c] : [n, c, h, w], { poolSize: [2, 2], strides: [2, 2], padding: 'valid', dataFormat });
  const input = n * h * w * c;
  const output = input / 4;
  return row(
    id,
    (k, make) => {
      const [x, out, dy, dx] = [input, output, output, input].map(make);
      if (pass === 'forward') return mode === 'max' ? () => k.pooling.maxForward(p, x(), out()) : () => k.pooling.avgForward(p, x(), out());
      return mode === 'max' ? () => k.pooling.maxBackward(p, x(), dy(), dx()) : () => k.pooling.avgBackward(p, dy(), dx());
    },
    pass === 'forward' && dataFormat === 'channels_last'
      ? { backends: ['wasm'], make: (tf) => { const x = tfInput(tf, shape); return () => (mode === 'max' ? tf.maxPool(x, 2, 2, 'valid') : tf.avgPool(x, 2, 2, 'valid')); } }
      : undefined,
  );
}

/** UpSampling2D x2 on NHWC: nearest as the op runs it (repeat H, then W; the gradient sums both), or bilinear. */
export function upsampleRow(id: string, shape: Image, interpolation: 'nearest' | 'bilinear', pass: 'forward' | 'backward'): FamilyRow {
  const [n, h, w, c] = shape;
  const input = n * h * w * c;
  const p = resolveResizeParams([n, h, w, c], [2 * h, 2 * w], 'channels_last');
  return row(
    id,
    (k, make) => {
      const [x, mid, out] = [input, 2 * input, 4 * input].map(make);
      if (interpolation === 'bilinear') {
        return pass === 'forward' ? () => k.resize.bilinearForward(p, x(), out()) : () => k.resize.bilinearBackward(p, out(), x());
      }
      if (pass === 'forward') {
        return () => {
          k.movement.repeat({ outer: n, length: h, inner: w * c, repeats: 2 }, x(), mid());
          k.movement.repeat({ outer: n * 2 * h, length: w, inner: c, repeats: 2 }, mid(), out());
        };
      }
      return () => {
        k.reduce.reduce('sum', { shape: [n * 2 * h, w, 2, c], axes: [2] }, out(), mid());
        k.reduce.reduce('sum', { shape: [n, h, 2, w * c], axes: [2] }, mid(), x());
      };
    },
    pass === 'forward'
      ? {
          backends: ['wasm'],
          make: (tf) => {
            const x = tfInput(tf, shape);
            return () => (interpolation === 'nearest' ? tf.image.resizeNearestNeighbor(x, [2 * h, 2 * w]) : tf.image.resizeBilinear(x, [2 * h, 2 * w], false, true));
          },
        }
      : undefined,
  );
}

/** ZeroPadding2D(1) on NHWC (`pad`), or Cropping2D(1) of the padded size (`copyBlock`). */
export function padCropRow(id: string, shape: Image, op: 'pad' | 'crop'): FamilyRow {
  const [n, h, w, c] = shape;
  const big: Image = [n, h + 2, w + 2, c];
  return row(
    id,
    (k, make) => {
      if (op === 'pad') {
        const [x, out] = [n * h * w * c, n * (h + 2) * (w + 2) * c].map(make);
        return () => k.movement.pad([...shape], [[0, 0], [1, 1], [1, 1], [0, 0]], x(), out());
      }
      const [x, out] = [n * (h + 2) * (w + 2) * c, n * h * w * c].map(make);
      const params = { srcShape: big, srcStart: [0, 1, 1, 0], dstShape: shape, dstStart: [0, 0, 0, 0], size: shape };
      return () => k.movement.copyBlock(params, x(), out());
    },
    {
      backends: ['wasm'],
      make: (tf) => {
        if (op === 'pad') {
          const x = tfInput(tf, shape);
          return () => tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
        }
        const x = tfInput(tf, big);
        return () => tf.slice(x, [0, 1, 1, 0], [...shape]);
      },
    },
  );
}

/** BatchNormalization(axis=1) training pass on `[N, C, H, W]`. */
export function batchNormRow(id: string, shape: Image, pass: 'forward' | 'backward'): FamilyRow {
  const [n, c, h, w] = shape;
  const p = resolveBatchNormParams([n, c, h, w], 1);
  const size = n * c * h * w;
  return row(id, (k, make) => {
    const [x, y, dy, dx, gamma, beta] = [size, size, size, size, c, c].map(make);
    const [mean, variance, invstd, dg, db] = Array.from({ length: 5 }, () => new Float64Array(c));
    k.batchNorm.trainingForward(p, x(), gamma(), beta(), 1e-3, y(), mean, variance, invstd);
    if (pass === 'forward') return () => k.batchNorm.trainingForward(p, x(), gamma(), beta(), 1e-3, y(), mean, variance, invstd);
    return () => k.batchNorm.trainingBackward(p, x(), dy(), gamma(), mean, invstd, dx(), dg, db);
  });
}

/** A 3D convolution, `[N, D, H, W, C]`, k x k x k 'same' stride 1 (issue #15's Conv3D target shape). */
export interface Conv3dShape {
  batch: number;
  depth: number;
  size: number;
  channels: number;
  filters: number;
  kernel: number;
}

/**
 * A Conv3D pass through the rank-generic 'conv' slot (ours-wasm: the im2col GEMM of `wasm/conv.ts`),
 * against tfjs-cpu's conv3d and its two gradient kernels (tfjs-wasm has none).
 */
export function conv3dRow(id: string, s: Conv3dShape, pass: 'forward' | 'backward'): FamilyRow {
  const input = [s.batch, s.depth, s.size, s.size, s.channels] as const;
  const kernelShape = [s.kernel, s.kernel, s.kernel, s.channels, s.filters] as const;
  const p = resolveConvParams(input, kernelShape, { strides: [1, 1, 1], dilationRate: [1, 1, 1], padding: 'same', dataFormat: 'channels_last', groups: 1 });
  const sizes = convSizes(p);
  return row(
    id,
    (k, make) => {
      const [x, kernel, dy, out, dx, dk] = [sizes.input, sizes.kernel, sizes.output, sizes.output, sizes.input, sizes.kernel].map(make);
      if (pass === 'forward') return () => k.conv.forward(p, x(), kernel(), null, out());
      return () => {
        k.conv.backwardInput(p, dy(), kernel(), dx());
        k.conv.backwardKernel(p, x(), dy(), dk());
      };
    },
    {
      backends: ['cpu'],
      make: (tf) => {
        const x = tfInput(tf, input);
        const f = tfInput(tf, kernelShape);
        if (pass === 'forward') return () => tf.conv3d(x, f, 1, 'same');
        const dy = tfInput(tf, [s.batch, s.depth, s.size, s.size, s.filters]);
        const attrs = { strides: [1, 1, 1, 1, 1], pad: 'same', dilations: [1, 1, 1, 1, 1] };
        return () => {
          (tf.engine().runKernel('Conv3DBackpropInputV2', { dy, filter: f }, { ...attrs, inputShape: x.shape }) as TfCore.Tensor).dispose();
          return tf.engine().runKernel('Conv3DBackpropFilterV2', { x, dy }, { ...attrs, filterShape: f.shape }) as TfCore.Tensor;
        };
      },
    },
    false,
  );
}

/** One ConvLSTM2D training step's shape: `steps` frames of `size`x`size`x`channels`, `filters` 3x3. */
export interface ConvLstmShape {
  batch: number;
  steps: number;
  size: number;
  channels: number;
  filters: number;
}

/**
 * A ConvLSTM2D training step through the public API (forward over every step, then the gradients of
 * the kernel, recurrent kernel and bias by backpropagation through time), ours only: tfjs-layers is not
 * a dependency here.
 */
export function convLstmStepRow(id: string, s: ConvLstmShape): FamilyRow {
  return {
    id,
    async prepare(column) {
      if (column !== 'ours-wasm' && column !== 'ours-wasm-2t') return null;
      const layer = new ConvLSTM2D({ filters: s.filters, kernelSize: 3, padding: 'same' });
      const n = s.batch * s.steps * s.size * s.size * s.channels;
      const x = tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 0.5), [s.batch, s.steps, s.size, s.size, s.channels]);
      layer.apply(x).dispose();
      return {
        run: () => tidy(() => void valueAndGrads(() => ops.mean(layer.apply(x, { training: true })), layer.trainableWeights)),
        dispose: () => x.dispose(),
      };
    },
  };
}

/**
 * The convolutions of that step run alone through the conv2d slot: the input projection of all frames at
 * once (as the layer computes it) and one recurrent convolution per step, each forward and both gradients.
 */
export function convLstmConvolutionsRow(id: string, s: ConvLstmShape): FamilyRow {
  const gates = 4 * s.filters;
  const input = resolveConv2dParams([s.batch * s.steps, s.size, s.size, s.channels], [3, 3, s.channels, gates], { strides: [1, 1], dilationRate: [1, 1], padding: 'same', dataFormat: 'channels_last', groups: 1 });
  const recurrent = resolveConv2dParams([s.batch, s.size, s.size, s.filters], [3, 3, s.filters, gates], { strides: [1, 1], dilationRate: [1, 1], padding: 'same', dataFormat: 'channels_last', groups: 1 });
  const all = (k: CpuKernels, p: Conv2dParams, make: (n: number) => () => Float32Array) => {
    const z = conv2dSizes(p);
    const [x, kernel, y, dx, dk] = [z.input, z.kernel, z.output, z.input, z.kernel].map(make);
    return () => {
      k.conv2d.forward(p, x(), kernel(), null, y());
      k.conv2d.backwardInput(p, y(), kernel(), dx());
      k.conv2d.backwardKernel(p, x(), y(), dk());
    };
  };
  return row(
    id,
    (k, make) => {
      const projection = all(k, input, make);
      const step = all(k, recurrent, make);
      return () => {
        projection();
        for (let t = 0; t < s.steps; t++) step();
      };
    },
    undefined,
    false,
  );
}
