// Inference fusion: Conv → BatchNormalization → ReLU chains run as one kernel call in predict, and
// give what the layers give one by one (the unfused path), over formats, dtypes and chain shapes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BatchNormalization,
  Conv2D,
  DepthwiseConv2D,
  kerasModel,
  kerasModelSequential,
  layerAdd,
  layerInput,
  ReLU,
  Activation,
  tensor,
} from '../../src/index.js';
import type { FloatDType, Layer } from '../../src/index.js';
import { assertAllClose, mulberry32, randomArray } from '../helpers/close.js';
import { randomizeBatchNorm, unfused } from '../helpers/fusion.js';
import { product } from '../helpers/product.js';

function countFusedCalls(layers: readonly Layer[]): () => number {
  let calls = 0;
  for (const layer of layers) {
    if (layer instanceof Conv2D || layer instanceof DepthwiseConv2D) {
      const original = layer.callFused.bind(layer);
      layer.callFused = (x, e) => {
        calls++;
        return original(x, e);
      };
    }
  }
  return () => calls;
}

const tail = {
  'bn+relu6': (dtype: FloatDType) => [new BatchNormalization({ dtype }), new ReLU({ maxValue: 6, dtype })],
  'bn+relu': (dtype: FloatDType) => [new BatchNormalization({ dtype }), new Activation({ activation: 'relu', dtype })],
  bn: (dtype: FloatDType) => [new BatchNormalization({ dtype })],
  relu6: (dtype: FloatDType) => [new ReLU({ maxValue: 6, dtype })],
};

describe('inference fusion in Sequential models', () => {
  const cases = product({
    conv: ['depthwise', 'pointwise', 'conv3x3'] as const,
    chain: Object.keys(tail) as (keyof typeof tail)[],
    dataFormat: ['channels_last', 'channels_first'] as const,
    dtype: ['float32', 'float64'] as const,
    useBias: [false, true],
  });
  for (const c of cases) {
    test(`${c.conv} + ${c.chain}, ${c.dataFormat}, ${c.dtype}, bias ${c.useBias}`, () => {
      const { dataFormat, dtype, useBias } = c;
      const inputShape = dataFormat === 'channels_last' ? [7, 6, 5] : [5, 7, 6];
      const conv =
        c.conv === 'depthwise'
          ? new DepthwiseConv2D({ kernelSize: 3, padding: 'same', strides: 2, dataFormat, dtype, useBias, biasInitializer: 'ones' })
          : new Conv2D({ filters: 9, kernelSize: c.conv === 'pointwise' ? 1 : 3, dataFormat, dtype, useBias, biasInitializer: 'ones' });
      const rest = tail[c.chain](dtype);
      const model = kerasModelSequential({ inputShape });
      for (const layer of [conv, ...rest]) model.add(layer);
      for (const [i, layer] of rest.entries()) if (layer instanceof BatchNormalization) randomizeBatchNorm(layer, 10 + i);
      const fusedCalls = countFusedCalls([conv]);
      const x = tensor(randomArray(2 * 7 * 6 * 5, mulberry32(3)).map((v) => v * 3), [2, ...inputShape], dtype);
      const expected = unfused([conv, ...rest], x);
      const actual = model.predict(x);
      assertAllClose(actual.dataSync(), expected.dataSync(), { rtol: dtype === 'float32' ? 2e-5 : 1e-12, atol: dtype === 'float32' ? 2e-5 : 1e-12 });
      // Channels-first with the default BN axis (-1) normalizes width, not channels: that chain must not fuse.
      const bnOnChannels = dataFormat === 'channels_last' || !c.chain.startsWith('bn');
      assert.equal(fusedCalls(), bnOnChannels ? 1 : 0, 'fused exactly when the chain is fusable');
    });
  }
});

describe('inference fusion in functional models', () => {
  test('a conv output read twice is not fused into its BN; the rest of the graph still fuses', () => {
    const input = layerInput({ shape: [8, 8, 4] });
    const conv = new DepthwiseConv2D({ kernelSize: 3, padding: 'same' });
    const bn = new BatchNormalization();
    const relu = new ReLU({ maxValue: 6 });
    const pw = new Conv2D({ filters: 4, kernelSize: 1 });
    const bn2 = new BatchNormalization();
    const a = conv.apply(input);
    const b = relu.apply(bn.apply(a));
    const out = layerAdd([bn2.apply(pw.apply(b)), a]);
    const model = kerasModel({ inputs: input, outputs: out });
    randomizeBatchNorm(bn, 1);
    randomizeBatchNorm(bn2, 2);
    const fusedDepthwise = countFusedCalls([conv]);
    const fusedPointwise = countFusedCalls([pw]);
    const x = tensor(randomArray(2 * 8 * 8 * 4, mulberry32(5)), [2, 8, 8, 4]);
    const ya = unfused([conv], x);
    const expected = unfused([pw, bn2], unfused([bn, relu], ya)).dataSync().map((v, i) => v + ya.dataSync()[i]);
    assertAllClose(model.predict(x).dataSync(), expected, { rtol: 2e-5, atol: 2e-5 });
    assert.equal(fusedDepthwise(), 0);
    assert.equal(fusedPointwise(), 1);
  });

  test('training mode and gradient recording never fuse', () => {
    const model = kerasModelSequential({ inputShape: [6, 6, 3] });
    const conv = new DepthwiseConv2D({ kernelSize: 3 });
    model.add(conv);
    model.add(new BatchNormalization());
    model.add(new ReLU());
    const calls = countFusedCalls([conv]);
    const x = tensor(randomArray(6 * 6 * 3, mulberry32(9)), [1, 6, 6, 3]);
    model.apply(x, { training: true });
    assert.equal(calls(), 0);
    model.predict(x);
    assert.equal(calls(), 1);
  });
});
