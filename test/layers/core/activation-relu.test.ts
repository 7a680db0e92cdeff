// Activation and ReLU: the layer contract, ReLU over the product of its arguments against Keras 3.15
// (outputs, and gradients away from the kinks) and a naive definition, and every argument error.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { clearSession, InvalidArgumentError, kerasModelSequential, tensor } from '../../../src/index.js';
import { valueAndGrads } from '../../../src/ops/autograd.js';
import { Activation, layerActivation, layerRelu, ReLU } from '../../../src/layers/core/index.js';
import { sum } from '../../../src/ops/index.js';
import { assertAllClose } from '../../helpers/close.js';
import { loadKerasFixture } from '../../helpers/fixtures.js';
import { runLayerTest } from '../../helpers/layer-test.js';
import { caseName, product } from '../../helpers/product.js';

beforeEach(() => clearSession());

interface ReluCase { max_value: number | null; negative_slope: number; threshold: number; output: number[]; gradient: number[] }
const fixture = loadKerasFixture<{ relu: { x: number[]; cases: ReluCase[] } }>('core_layers.json');

describe('Activation', () => {
  for (const activation of ['tanh', 'softmax', 'gelu', null]) {
    test(`contract: ${String(activation)}`, () => {
      runLayerTest({ make: (dtype) => new Activation({ activation, dtype }), fromConfig: (c) => Activation.fromConfig(c), inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 4], expectedWeightShapes: [] });
    });
  }

  test('applies the named function; serializes Keras names (swish → silu); composes', () => {
    const x = tensor([[-1, 0, 2]], undefined, 'float64');
    assertAllClose(new Activation({ activation: 'tanh', dtype: 'float64' }).apply(x).dataSync(), [Math.tanh(-1), 0, Math.tanh(2)], { rtol: 1e-15, atol: 0 });
    assert.equal(new Activation({ activation: 'swish' }).getConfig().activation, 'silu');
    assert.equal(new Activation({ activation: null }).getConfig().activation, 'linear');
    const model = kerasModelSequential({ inputShape: [3] });
    assert.equal(layerActivation(model, { activation: 'relu' }), model);
    assert.deepEqual([...(layerActivation(x, { activation: 'relu' }).dataSync())], [0, 0, 2]);
  });

  test('errors name the argument and the value', () => {
    assert.throws(() => new Activation({ activation: 'nope' }), (e: unknown) => e instanceof InvalidArgumentError && /`activation`/.test(e.message) && /"nope"/.test(e.message));
    assert.throws(() => new Activation({} as never), (e: unknown) => e instanceof InvalidArgumentError && /`activation`/.test(e.message) && /required/.test(e.message));
    assert.throws(() => new Activation(3 as never), InvalidArgumentError);
    assert.equal(new Activation({ activation: 'relu' }).name, 'activation');
  });
});

describe('ReLU', () => {
  for (const c of [{}, { maxValue: 6 }, { negativeSlope: 0.3, threshold: 0.2 }, { maxValue: 1.5, negativeSlope: 0.1, threshold: 0.5 }]) {
    test(`contract: ${caseName(c)}`, () => {
      // Seeded inputs in [-1, 1) keep clear of the kinks at 0.2, 0.5 and 1.5 by more than the FD step.
      runLayerTest({ make: (dtype) => new ReLU({ ...c, dtype }), fromConfig: (cfg) => ReLU.fromConfig(cfg), inputShape: [3, 5], expectedOutputShape: [3, 5] });
    });
  }

  const x = fixture.relu.x;
  for (const c of fixture.relu.cases) {
    const options = { maxValue: c.max_value, negativeSlope: c.negative_slope, threshold: c.threshold };
    test(`matches Keras: ${caseName(options)}`, () => {
      const input = tensor(x, [x.length], 'float64');
      const layer = new ReLU({ ...options, dtype: 'float64' });
      assertAllClose(layer.apply(input).dataSync(), c.output, { rtol: 1e-15, atol: 1e-16 }, 'output');
      // The naive definition: min(x, max) above the threshold, slope·(x − threshold) below it.
      const naive = x.map((v) => (v > c.threshold ? Math.min(v, c.max_value ?? Infinity) : v < c.threshold ? c.negative_slope * (v - c.threshold) : 0));
      assertAllClose(layer.apply(input).dataSync(), naive, { rtol: 1e-15, atol: 1e-16 }, 'naive');
      // Gradients at the kinks (x = 0, threshold, maxValue) are backend artefacts (jax gives 0.5 at a
      // clip tie); compare everywhere else.
      const { grads } = valueAndGrads(() => sum(layer.apply(input)), [input]);
      const away = x.map((v, i) => i).filter((i) => x[i] !== 0 && x[i] !== c.threshold && x[i] !== c.max_value);
      assertAllClose(away.map((i) => grads[0].dataSync()[i]), away.map((i) => c.gradient[i]), { rtol: 0, atol: 0 }, 'gradient');
    });
  }

  test('the automatic name is re_lu, as Keras; config keeps null max_value; composes', () => {
    const layer = new ReLU();
    assert.equal(layer.name, 're_lu');
    assert.deepEqual({ ...layer.getConfig(), dtype: null }, { name: 're_lu', trainable: true, dtype: null, max_value: null, negative_slope: 0, threshold: 0 });
    const model = kerasModelSequential({ inputShape: [3] });
    assert.equal(layerRelu(model, { maxValue: 6 }), model);
    assert.deepEqual([...layerRelu(tensor([-2, 3, 9]), { maxValue: 6 }).dataSync()], [0, 3, 6]);
    assert.ok(Object.is(new ReLU({ threshold: 1 }).apply(tensor([-2])).dataSync()[0], 0), 'no -0');
    assert.ok(layerRelu({}) instanceof ReLU);
  });

  test('every argument error names the argument and the value', () => {
    const bad = product({ argument: ['maxValue', 'negativeSlope', 'threshold'] as const, value: [-1, Number.NaN, Infinity, '1'] });
    for (const { argument, value } of bad) {
      assert.throws(() => new ReLU({ [argument]: value } as never), (e: unknown) => e instanceof InvalidArgumentError && e.message.includes(`\`${argument}\``) && e.message.includes(typeof value === 'string' ? '"1"' : String(value === -1 ? -1 : null)), `${argument}=${String(value)}`);
    }
    for (const argument of ['negativeSlope', 'threshold']) {
      assert.throws(() => new ReLU({ [argument]: null } as never), (e: unknown) => e instanceof InvalidArgumentError && e.message.includes(`\`${argument}\``));
    }
    assert.equal(new ReLU({ maxValue: null }).name, 're_lu', 'rejected constructions consume no name');
  });
});
