/**
 * The public API's side of the browser suite, run in Node and in Chromium and compared bit for bit: ops
 * with gradients (depthwise over strides × dilation × padding × depth multiplier × data format, matmul,
 * batch-norm training) and training steps of a small depthwise-separable network. It takes the library as
 * an argument (a type-only import here), so a page can hand it the browser build itself.
 */
import type * as Depthwise from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { Digest } from './digest.js';
import { digest, lcg } from './digest.js';

export { digest, lcg } from './digest.js';

/** The library: `src/index.ts` in Node, `dist/browser/depthwise.js` in a page. */
export type Library = typeof Depthwise;

function read(t: Tensor): Float32Array {
  return Float32Array.from(t.dataSync());
}

/** Depthwise cases of the op-level workload: strides × dilation × padding × depth multiplier × format. */
export function depthwiseCases(): { name: string; input: number[]; kernel: number; strides: number; dilation: number; padding: 'same' | 'valid'; dm: number; format: 'channels_last' | 'channels_first' }[] {
  const cases = [];
  for (const kernel of [3, 5])
    for (const strides of [1, 2])
      for (const dilation of [1, 2])
        for (const padding of ['same', 'valid'] as const)
          for (const dm of [1, 2])
            for (const format of ['channels_last', 'channels_first'] as const) {
              if (strides > 1 && dilation > 1) continue; // Keras refuses stride and dilation together
              const channels = [3, 8, 33][(kernel + strides + dm) % 3];
              const input = format === 'channels_last' ? [2, 13, 11, channels] : [2, channels, 13, 11];
              cases.push({ name: `k${kernel} s${strides} d${dilation} ${padding} dm${dm} ${format} c${channels}`, input, kernel, strides, dilation, padding, dm, format });
            }
  return cases;
}

/** Results of {@link runOpWorkloads}: digests by name, plus the training losses as numbers. */
export interface OpReport {
  results: Record<string, Digest[]>;
  losses: number[];
}

/** A small depthwise-separable network, as the demo's. */
export function buildTrainingModel(dw: Library): Depthwise.Sequential {
  dw.setRandomSeed(7);
  const model = dw.kerasModelSequential({ inputShape: [12, 12, 3] });
  dw.layerConv2d(model, { filters: 8, kernelSize: 3, strides: 2, padding: 'same' });
  dw.layerDepthwiseConv2d(model, { kernelSize: 3, padding: 'same' });
  dw.layerBatchNormalization(model, {});
  dw.layerRelu(model, { maxValue: 6 });
  dw.layerConv2d(model, { filters: 16, kernelSize: 1 });
  dw.layerGlobalAveragePooling2d(model, {});
  dw.layerDense(model, { units: 4, activation: 'softmax' });
  return model;
}

/** The training data of the training-step workload. */
export function trainingData(dw: Library): { x: Tensor; y: Tensor } {
  const x = dw.tensor(lcg(16 * 12 * 12 * 3, 99), [16, 12, 12, 3]);
  const y = dw.tensor(Float32Array.from({ length: 16 }, (_, i) => (i * 7) % 4), [16]);
  return { x, y };
}

/** Public ops with gradients and a training step (see the file comment). */
export function runOpWorkloads(dw: Library): OpReport {
  const results: Record<string, Digest[]> = {};
  let seed = 1;
  const t = (shape: number[], scale = 0.5): Tensor => dw.tensor(lcg(shape.reduce((a, b) => a * b), seed++, scale), shape);
  for (const c of depthwiseCases()) {
    const x = t(c.input);
    const channels = c.format === 'channels_last' ? c.input[3] : c.input[1];
    const k = t([c.kernel, c.kernel, channels, c.dm]);
    const options = { strides: c.strides, dilationRate: c.dilation, padding: c.padding, dataFormat: c.format };
    const y = dw.ops.depthwiseConv2d(x, k, options);
    const { grads } = dw.valueAndGrads(() => dw.ops.sum(dw.ops.mul(dw.ops.depthwiseConv2d(x, k, options), dw.ops.depthwiseConv2d(x, k, options))), [x, k]);
    results[`depthwise ${c.name}`] = [read(y), ...grads.map(read)].map(digest);
  }
  for (const [m, k, n] of [[1, 64, 10], [37, 129, 65], [128, 256, 96]]) {
    const a = t([m, k]);
    const b = t([k, n]);
    const { value, grads } = dw.valueAndGrads(() => dw.ops.sum(dw.ops.square(dw.ops.matmul(a, b))), [a, b]);
    results[`matmul ${m}x${k}x${n}`] = [read(dw.ops.matmul(a, b)), read(value), ...grads.map(read)].map(digest);
  }
  for (const shape of [[4, 9, 9, 16], [2, 5, 5, 67], [64, 3]]) {
    const x = t(shape, 2);
    const channels = shape[shape.length - 1];
    const gamma = t([channels]);
    const beta = t([channels]);
    const { value, grads } = dw.valueAndGrads(() => {
      const r = dw.ops.batchNormTraining(x, { gamma, beta });
      return dw.ops.sum(dw.ops.mul(r.y, r.y));
    }, [x, gamma, beta]);
    results[`batchNorm ${shape.join('x')}`] = [read(dw.ops.batchNormTraining(x, { gamma, beta }).y), read(value), ...grads.map(read)].map(digest);
  }
  const model = buildTrainingModel(dw);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const { x, y } = trainingData(dw);
  const history = model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, shuffle: false });
  const losses = history.history.loss as number[];
  results['training: weights after 3 epochs'] = model.getWeights().map((w) => digest(read(w)));
  results['training: predictions'] = [digest(read(model.predict(x)))];
  return { results, losses };
}
