/**
 * The demo's network (`examples/digits.ts`, the separable variant): a stride-2 3×3 convolution, then three
 * depthwise-separable blocks (depthwise 3×3 → batch norm → ReLU → pointwise 1×1 → batch norm → ReLU) and
 * a softmax over the ten digits. Built here with the same public API.
 */
import type { Functional, SymbolicTensor } from '../../src/index.js';
import { kerasModel, layerBatchNormalization, layerConv2d, layerDense, layerDepthwiseConv2d, layerFlatten, layerInput, layerRelu, optimizers, schedules } from '../../src/index.js';

const BLOCKS = [
  { filters: 32, strides: 2 },
  { filters: 64, strides: 1 },
  { filters: 64, strides: 2 },
];

/** The name of the depthwise layer whose kernels and feature maps the page shows. */
export const FIRST_DEPTHWISE = 'block1_depthwise';

/** The demo's network, compiled as the demo compiles it (Adam, cosine decay over `totalSteps`). */
export function buildDemoNetwork(totalSteps: number): Functional {
  const batchNormRelu = (x: SymbolicTensor): SymbolicTensor => layerRelu(layerBatchNormalization(x, { axis: -1, momentum: 0.9 }), {});
  const inputs = layerInput({ shape: [28, 28, 1] });
  let x = layerConv2d(inputs, { filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' });
  for (const [i, { filters, strides }] of BLOCKS.entries()) {
    x = layerDepthwiseConv2d(x, { kernelSize: 3, strides, padding: 'same', useBias: false, name: `block${i + 1}_depthwise` });
    x = batchNormRelu(x);
    x = layerConv2d(x, { filters, kernelSize: 1, useBias: false });
    x = batchNormRelu(x);
  }
  const outputs = layerDense(layerFlatten(x, {}), { units: 10, activation: 'softmax' });
  const model = kerasModel({ inputs, outputs, name: 'mobilenet_mini' });
  const learningRate = schedules.cosineDecay({ initialLearningRate: 0.008, decaySteps: Math.max(1, totalSteps), alpha: 0.02 });
  model.compile({ optimizer: optimizers.adam({ learningRate }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}
