// ZeroPadding2D → DepthwiseConv2D ('valid') [→ BN] [→ ReLU] fuses into one depthwise call with explicit
// padding (no padded copy), and gives what the layers give one by one; the op's `explicitPadding` equals
// padding first.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BatchNormalization,
  Conv2D,
  DepthwiseConv2D,
  kerasModel,
  layerAdd,
  layerInput,
  ReLU,
  tensor,
  valueAndGrads,
  ZeroPadding2D,
  ops,
} from '../../src/index.js';
import type { FloatDType, Layer } from '../../src/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { matchFusedChain } from '../../src/models/inference-fusion.js';
import { assertAllClose, mulberry32, randomArray } from '../helpers/close.js';
import { randomizeBatchNorm, unfused } from '../helpers/fusion.js';
import { product } from '../helpers/product.js';


/** Counts the calls of a layer's `apply` (a fused layer is never applied). */
function countApplies(layer: Layer): () => number {
  let calls = 0;
  // Models run each call through applyAll (apply delegates to it).
  const original = layer.applyAll.bind(layer);
  layer.applyAll = ((...args: Parameters<Layer['applyAll']>) => {
    calls++;
    return original(...args);
  }) as Layer['applyAll'];
  return () => calls;
}

const tol = (dtype: FloatDType) => (dtype === 'float32' ? { rtol: 2e-5, atol: 2e-5 } : { rtol: 1e-12, atol: 1e-12 });

describe('depthwiseConv2d explicitPadding', () => {
  const cases = product({
    dataFormat: ['channels_last', 'channels_first'] as const,
    dtype: ['float32', 'float64'] as const,
    strides: [1, 2],
    dilation: [1, 2],
    pads: [[[0, 1], [0, 1]], [[2, 0], [1, 3]]] as [number, number][][],
  });
  for (const c of cases) {
    test(`${c.dataFormat} ${c.dtype} stride ${c.strides} dilation ${c.dilation} pads ${JSON.stringify(c.pads)} equals pad then 'valid'`, () => {
      const { dataFormat, dtype } = c;
      const shape = dataFormat === 'channels_last' ? [2, 9, 8, 5] : [2, 5, 9, 8];
      const x = tensor(randomArray(2 * 9 * 8 * 5, mulberry32(1)), shape, dtype);
      const kernel = tensor(randomArray(3 * 3 * 5 * 2, mulberry32(2)), [3, 3, 5, 2], dtype);
      const options = { strides: c.strides, dilationRate: c.strides === 1 ? c.dilation : 1, dataFormat };
      const full = dataFormat === 'channels_last' ? [[0, 0], c.pads[0], c.pads[1], [0, 0]] : [[0, 0], [0, 0], c.pads[0], c.pads[1]];
      const expected = ops.depthwiseConv2d(ops.pad(x, full as [number, number][]), kernel, options);
      const actual = ops.depthwiseConv2d(x, kernel, { ...options, explicitPadding: c.pads });
      assert.deepEqual(actual.shape, expected.shape);
      assertAllClose(actual.dataSync(), expected.dataSync(), tol(dtype));
    });
  }

  test('gradients equal those through pad', () => {
    const x = tensor(randomArray(1 * 6 * 7 * 3, mulberry32(3)), [1, 6, 7, 3]);
    const kernel = tensor(randomArray(3 * 3 * 3, mulberry32(4)), [3, 3, 3, 1]);
    const pads: [number, number][] = [[0, 1], [1, 0]];
    const viaPad = valueAndGrads(() => ops.sum(ops.square(ops.depthwiseConv2d(ops.pad(x, [[0, 0], ...pads, [0, 0]]), kernel, { strides: 2 }))), [x, kernel]);
    const explicit = valueAndGrads(() => ops.sum(ops.square(ops.depthwiseConv2d(x, kernel, { strides: 2, explicitPadding: pads }))), [x, kernel]);
    assertAllClose(explicit.value.dataSync(), viaPad.value.dataSync(), { rtol: 1e-5, atol: 1e-5 });
    for (let i = 0; i < 2; i++) assertAllClose(explicit.grads[i].dataSync(), viaPad.grads[i].dataSync(), { rtol: 1e-5, atol: 1e-5 });
  });

  test('rejects malformed pads and padding other than valid', () => {
    const x = tensor(randomArray(1 * 5 * 5 * 2, mulberry32(5)), [1, 5, 5, 2]);
    const kernel = tensor(randomArray(3 * 3 * 2, mulberry32(6)), [3, 3, 2, 1]);
    assert.throws(() => ops.depthwiseConv2d(x, kernel, { explicitPadding: [[1, 1]] }), InvalidArgumentError);
    assert.throws(() => ops.depthwiseConv2d(x, kernel, { explicitPadding: [[1, -1], [0, 0]] }), InvalidArgumentError);
    assert.throws(() => ops.depthwiseConv2d(x, kernel, { padding: 'same', explicitPadding: [[1, 1], [1, 1]] }), /explicitPadding/);
  });
});

/** ZeroPadding2D → DepthwiseConv2D → BN → ReLU6, built on `inputShape`, BN randomized. */
function paddedBlock(dtype: FloatDType, dataFormat: 'channels_last' | 'channels_first', useBias: boolean): Layer[] {
  const layers: Layer[] = [
    new ZeroPadding2D({ padding: [[0, 1], [2, 1]], dataFormat, dtype }),
    new DepthwiseConv2D({ kernelSize: 3, strides: 2, dataFormat, dtype, useBias, biasInitializer: 'ones' }),
    new BatchNormalization({ axis: dataFormat === 'channels_last' ? -1 : 1, dtype }),
    new ReLU({ maxValue: 6, dtype }),
  ];
  return layers;
}

describe('pad fusion chains', () => {
  const cases = product({ dataFormat: ['channels_last', 'channels_first'] as const, dtype: ['float32', 'float64'] as const, useBias: [false, true] });
  for (const c of cases) {
    test(`ZeroPadding2D + depthwise + BN + ReLU6 fuse whole, ${c.dataFormat}, ${c.dtype}, bias ${c.useBias}`, () => {
      const layers = paddedBlock(c.dtype, c.dataFormat, c.useBias);
      const shape = c.dataFormat === 'channels_last' ? [2, 8, 7, 5] : [2, 5, 8, 7];
      const x = tensor(randomArray(2 * 8 * 7 * 5, mulberry32(7)).map((v) => v * 3), shape, c.dtype);
      const expected = unfused(layers, x); // also builds the layers
      randomizeBatchNorm(layers[2] as BatchNormalization, 8);
      const reference = unfused(layers, x);
      const chain = matchFusedChain(layers, x);
      assert.notEqual(chain, null);
      assert.equal(chain?.length, 4);
      const actual = (chain as NonNullable<typeof chain>).run(x);
      assert.deepEqual(actual.shape, reference.shape);
      assert.notDeepEqual(Array.from(reference.dataSync()), Array.from(expected.dataSync()), 'the BN statistics matter');
      assertAllClose(actual.dataSync(), reference.dataSync(), tol(c.dtype));
    });
  }

  test('a window that may cut the chain short does not take the padding', () => {
    const layers = paddedBlock('float32', 'channels_last', false);
    const x = tensor(randomArray(1 * 6 * 6 * 3, mulberry32(9)), [1, 6, 6, 3]);
    unfused(layers, x);
    // [pad, dw, bn]: a ReLU may follow, and taking the padding would leave it unfused.
    assert.equal(matchFusedChain(layers.slice(0, 3), x), null);
    assert.equal(matchFusedChain(layers.slice(0, 2), x), null);
    // [pad, dw, other]: the conv chain ended on its own, so the padding can go with it.
    const other = new Conv2D({ filters: 2, kernelSize: 1 });
    const chain = matchFusedChain([layers[0], layers[1], other], x);
    assert.equal(chain?.length, 2);
    assertAllClose((chain as NonNullable<typeof chain>).run(x).dataSync(), unfused(layers.slice(0, 2), x).dataSync(), { rtol: 2e-5, atol: 2e-5 });
  });

  test('padding before a regular convolution, a same-padded depthwise or another data format is not fused', () => {
    const x = tensor(randomArray(1 * 6 * 6 * 3, mulberry32(10)), [1, 6, 6, 3]);
    const pad = new ZeroPadding2D({ padding: 1 });
    const conv = new Conv2D({ filters: 2, kernelSize: 3 });
    const same = new DepthwiseConv2D({ kernelSize: 3, padding: 'same' });
    unfused([pad, conv], x);
    unfused([pad, same], x);
    const relu = new ReLU();
    unfused([pad, same, relu], x);
    assert.equal(matchFusedChain([pad, conv, relu], x), null);
    assert.equal(matchFusedChain([pad, same, relu, conv], x), null);
    const firstPad = new ZeroPadding2D({ padding: 1, dataFormat: 'channels_first' });
    const dwLast = new DepthwiseConv2D({ kernelSize: 3 });
    unfused([firstPad, dwLast], tensor(randomArray(1 * 3 * 6 * 6, mulberry32(11)), [1, 3, 6, 6]));
    assert.equal(matchFusedChain([firstPad, dwLast, relu, conv], x), null);
  });
});

describe('pad fusion in functional models', () => {
  test('gives the unfused result; a padded tensor with another reader is not fused', () => {
    const input = layerInput({ shape: [8, 8, 4] });
    const padA = new ZeroPadding2D({ padding: [[0, 1], [0, 1]] });
    const dwA = new DepthwiseConv2D({ kernelSize: 3, strides: 2 });
    const bnA = new BatchNormalization();
    const reluA = new ReLU({ maxValue: 6 });
    const padB = new ZeroPadding2D({ padding: [[1, 1], [1, 1]] });
    const dwB = new DepthwiseConv2D({ kernelSize: 3 });
    const bnB = new BatchNormalization();
    const reluB = new ReLU({ maxValue: 6 });
    const a = reluA.apply(bnA.apply(dwA.apply(padA.apply(input))));
    const padded = padB.apply(a);
    const b = reluB.apply(bnB.apply(dwB.apply(padded)));
    // The padded tensor has a second reader.
    const second = new DepthwiseConv2D({ kernelSize: 3 });
    const model = kerasModel({ inputs: input, outputs: layerAdd([b, second.apply(padded)]) });
    randomizeBatchNorm(bnA, 1);
    randomizeBatchNorm(bnB, 2);
    const x = tensor(randomArray(2 * 8 * 8 * 4, mulberry32(12)), [2, 8, 8, 4]);
    const paddedValue = unfused([padB], unfused([padA, dwA, bnA, reluA], x));
    const expected = unfused([dwB, bnB, reluB], paddedValue).dataSync().map((v, i) => v + unfused([second], paddedValue).dataSync()[i]);
    const applyA = countApplies(padA);
    const applyB = countApplies(padB);
    const actual = model.predict(x);
    assertAllClose(actual.dataSync(), expected, { rtol: 2e-5, atol: 2e-5 });
    assert.equal(applyB(), 1, 'the padding read twice runs as a layer');
    // The padding with a single reader is fused into its depthwise convolution.
    assert.equal(applyA(), 0);
  });
});
