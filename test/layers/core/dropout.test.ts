// Dropout: identity unless `training: true`; inverted scaling 1/(1-rate); the kept fraction; noiseShape
// broadcasting; reproducibility under setRandomSeed and with `seed`; gradients through the mask; errors.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { clearSession, InvalidArgumentError, kerasModelSequential, ones, setRandomSeed, ShapeError, tensor } from '../../../src/index.js';
import { valueAndGrads } from '../../../src/ops/autograd.js';
import { Dropout, layerDropout } from '../../../src/layers/core/index.js';
import { sum } from '../../../src/ops/index.js';
import { loadKerasFixture } from '../../helpers/fixtures.js';
import { runLayerTest } from '../../helpers/layer-test.js';
import { caseName, product } from '../../helpers/product.js';

beforeEach(() => clearSession());

const keras = loadKerasFixture<{ dropout: { rate: number; distinct_values_training: number[]; inference_is_identity: boolean; rate1_all_zero: boolean } }>('core_layers.json').dropout;

describe('Dropout', () => {
  for (const c of [{ rate: 0.5 }, { rate: 0, seed: 1 }, { rate: 0.2, noiseShape: [null, 1, 4] }]) {
    test(`contract (inference mode): ${caseName(c)}`, () => {
      runLayerTest({ make: (dtype) => new Dropout({ ...c, dtype }), fromConfig: (cfg) => Dropout.fromConfig(cfg), inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 4], expectedWeightShapes: [] });
    });
  }

  test('inference (no options, training false or undefined) returns the input itself', () => {
    const x = ones([4, 5]);
    const layer = new Dropout({ rate: 0.9 });
    for (const options of [undefined, {}, { training: false }]) assert.equal(layer.apply(x, options), x);
    assert.ok(keras.inference_is_identity);
  });

  for (const c of product({ rate: [0.1, 0.3, 0.5, 0.8], dtype: ['float32', 'float64'] as const })) {
    test(`training: values are 0 or x/(1-rate), kept fraction ≈ 1-rate (${caseName(c)})`, () => {
      const n = 20000;
      const x = tensor(Array.from({ length: n }, (_, i) => 1 + (i % 7)), [100, 200], c.dtype);
      const y = new Dropout({ rate: c.rate, seed: 11, dtype: c.dtype }).apply(x, { training: true });
      const xs = x.dataSync();
      const ys = y.dataSync();
      const keep = 1 - c.rate;
      let kept = 0;
      for (let i = 0; i < n; i++) {
        if (ys[i] === 0) continue;
        kept++;
        // float32: the scalar 1-rate is itself rounded to float32 first, as a weakly typed scalar is in Keras.
        const expected = c.dtype === 'float32' ? Math.fround(xs[i] / Math.fround(keep)) : xs[i] / keep;
        assert.equal(ys[i], expected, `element ${i}`);
      }
      // Binomial standard deviation of the fraction is sqrt(p(1-p)/n) ≤ 0.0036; allow 5 of them.
      assert.ok(Math.abs(kept / n - keep) < 0.018, `kept ${kept / n}, expected ≈ ${keep}`);
    });
  }

  test('the values set matches Keras (0 and 1/(1-rate) on ones)', () => {
    const y = new Dropout({ rate: keras.rate, seed: 1, dtype: 'float64' }).apply(ones([50, 40], 'float64'), { training: true });
    assert.deepEqual([...new Set(y.dataSync())].sort(), keras.distinct_values_training);
  });

  test('rate 0 is the identity even in training; rate 1 gives zeros (as Keras)', () => {
    const x = ones([3, 3]);
    assert.equal(new Dropout({ rate: 0 }).apply(x, { training: true }), x);
    assert.equal(new Dropout({ rate: 0 }).seedGenerator, null);
    assert.deepEqual([...new Dropout({ rate: 1 }).apply(x, { training: true }).dataSync()], new Array(9).fill(0));
    assert.ok(keras.rate1_all_zero);
  });

  test('reproducible under setRandomSeed; successive calls draw new masks; an explicit seed fixes the sequence', () => {
    const x = ones([8, 16]);
    const run = () => {
      const layer = new Dropout({ rate: 0.5 });
      return [layer.apply(x, { training: true }), layer.apply(x, { training: true })].map((t) => [...t.dataSync()]);
    };
    setRandomSeed(42);
    const [a1, a2] = run();
    setRandomSeed(42);
    const [b1, b2] = run();
    assert.deepEqual(a1, b1);
    assert.deepEqual(a2, b2);
    assert.notDeepEqual(a1, a2, 'each call advances the generator');
    setRandomSeed(43);
    assert.notDeepEqual(run()[0], a1);
    const seeded = () => [...new Dropout({ rate: 0.5, seed: 7 }).apply(x, { training: true }).dataSync()];
    setRandomSeed(1);
    const s1 = seeded();
    setRandomSeed(2);
    assert.deepEqual(seeded(), s1, 'an explicit seed does not depend on the global seed');
  });

  test('noiseShape broadcasts the mask (null takes the input size)', () => {
    const y = new Dropout({ rate: 0.5, noiseShape: [null, 1], seed: 3 }).apply(ones([40, 6]), { training: true });
    const rows = y.arraySync() as number[][];
    for (const row of rows) assert.equal(new Set(row).size, 1, 'whole rows kept or dropped');
    assert.ok(rows.some((r) => r[0] === 0) && rows.some((r) => r[0] === 2));
    assert.throws(() => new Dropout({ rate: 0.5, noiseShape: [3, 1] }).apply(ones([4, 6]), { training: true }), (e: unknown) => e instanceof ShapeError && /noise_shape/.test(e.message));
    assert.throws(() => new Dropout({ rate: 0.5, noiseShape: [null] }).apply(ones([4, 6]), { training: true }), ShapeError);
  });

  test('the gradient is the mask scaled by 1/(1-rate)', () => {
    const x = tensor(new Float64Array(64).fill(1), [8, 8], 'float64');
    const layer = new Dropout({ rate: 0.25, seed: 5, dtype: 'float64' });
    const probe = new Dropout({ rate: 0.25, seed: 5, dtype: 'float64' }).apply(x, { training: true });
    const { grads } = valueAndGrads(() => sum(layer.apply(x, { training: true })), [x]);
    assert.deepEqual([...grads[0].dataSync()], [...probe.dataSync()]);
  });

  test('config and composition', () => {
    assert.deepEqual({ ...new Dropout({ rate: 0.25, noiseShape: [null, 1], seed: 3 }).getConfig(), dtype: null }, { name: 'dropout', trainable: true, dtype: null, rate: 0.25, seed: 3, noise_shape: [null, 1] });
    const model = kerasModelSequential({ inputShape: [4] });
    assert.equal(layerDropout(model, { rate: 0.5 }), model);
    assert.equal(model.predict(ones([2, 4])).dataSync()[0], 1, 'predict is inference');
  });

  test('every argument error names the argument and the value', () => {
    const bad: [Record<string, unknown>, string, string][] = [
      [{ rate: 1.5 }, 'rate', '1.5'],
      [{ rate: -0.1 }, 'rate', '-0.1'],
      [{}, 'rate', 'undefined'],
      [{ rate: '0.5' }, 'rate', '"0.5"'],
      [{ rate: 0.5, noiseShape: 'abc' }, 'noiseShape', '"abc"'],
      [{ rate: 0.5, noiseShape: [0, 1] }, 'noiseShape', '[0,1]'],
      [{ rate: 0.5, noiseShape: [1.5] }, 'noiseShape', '[1.5]'],
      [{ rate: 0.5, seed: 1.5 }, 'seed', '1.5'],
      [{ rate: 0.5, seed: 'x' }, 'seed', '"x"'],
    ];
    for (const [options, argument, value] of bad) {
      assert.throws(() => new Dropout(options as never), (e: unknown) => e instanceof InvalidArgumentError && e.message.includes(`\`${argument}\``) && e.message.includes(value), JSON.stringify(options));
    }
    assert.equal(new Dropout({ rate: 0.1 }).name, 'dropout', 'rejected constructions consume no name');
  });
});
