/** The model of test/fixtures/keras/io/depthwise_written.h5: two inputs, two outputs, a nested Sequential, batch norm with moving statistics, a depthwise convolution. */

import { setRandomSeed } from '../../src/engine/random.js';
import { tensor } from '../../src/engine/tensor.js';
import type { Tensor } from '../../src/engine/tensor.js';
import { clearSession } from '../../src/layers/naming.js';
import { Dense, InputLayer, kerasModel, layerBatchNormalization, layerDense, layerDepthwiseConv2d, layerFlatten, layerInput, Sequential } from '../../src/index.js';
import type { Functional } from '../../src/index.js';

export function legacyFixtureModel(): Functional {
  clearSession();
  setRandomSeed(1234);
  const image = layerInput({ shape: [4, 4, 2], name: 'image' });
  const extra = layerInput({ shape: [3], name: 'extra' });
  let h = layerDepthwiseConv2d(image, { kernelSize: 3, depthMultiplier: 2, activation: 'relu', name: 'dw' });
  h = layerFlatten(h, { name: 'flat' });
  h = layerBatchNormalization(h, { name: 'bn', movingMeanInitializer: 'random_normal', movingVarianceInitializer: 'ones' });
  const head = new Sequential({ name: 'head', layers: [new InputLayer({ shape: [16] }), new Dense({ units: 4, activation: 'tanh', name: 'hidden' }), new Dense({ units: 2, name: 'logits' })] });
  const a = head.apply(h) as never;
  const b = layerDense(extra, { units: 1, name: 'side' });
  const model = kerasModel({ inputs: [image, extra], outputs: [a, b], name: 'written' });
  model.compile({ optimizer: 'adam', loss: ['mse', 'mae'], metrics: [['mae'], []] });
  return model;
}

/** Fixed inputs (the generator uses the same formula). */
export function legacyFixtureInputs(): Tensor[] {
  const image = Array.from({ length: 2 * 4 * 4 * 2 }, (_, i) => Math.sin(i * 0.7));
  const extra = Array.from({ length: 2 * 3 }, (_, i) => Math.cos(i * 0.3));
  return [tensor(image, [2, 4, 4, 2]), tensor(extra, [2, 3])];
}
