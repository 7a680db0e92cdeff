// The shared layer contract (test/helpers/layer-test.ts) applied to DepthwiseConv2D, so the helper itself
// is exercised on a layer whose numerics other tests already pin.
import { describe, test } from 'node:test';
import { DepthwiseConv2D } from '../../src/index.js';
import { runLayerTest } from '../helpers/layer-test.js';

describe('layer contract', () => {
  test('DepthwiseConv2D, channels_first, same padding, depth multiplier 2, tanh', () => {
    runLayerTest({
      make: (dtype) =>
        new DepthwiseConv2D({ kernelSize: [3, 2], padding: 'same', depthMultiplier: 2, dataFormat: 'channels_first', activation: 'tanh', biasInitializer: 'random_normal', dtype }),
      fromConfig: (config) => DepthwiseConv2D.fromConfig(config),
      inputShape: [2, 3, 5, 4],
      expectedOutputShape: [2, 6, 5, 4],
      expectedWeightShapes: [[3, 2, 3, 2], [6]],
    });
  });
});
