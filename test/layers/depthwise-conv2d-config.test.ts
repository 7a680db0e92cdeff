// DepthwiseConv2D's config against Keras 3.15's get_config() for the cases in
// test/fixtures/keras/depthwise_configs.json: fromConfig(keras config).getConfig() must give Keras's config
// back, and the built layer must have Keras's weights, parameter count and output shape.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { clearSession, DepthwiseConv2D, InvalidArgumentError, tensor, zeros } from '../../src/index.js';
import { assertAllClose } from '../helpers/close.js';
import type { Config } from '../../src/serialization/keras-object.js';
import { loadKerasFixture } from '../helpers/fixtures.js';

interface ConfigCase {
  id: string;
  input_shape: number[];
  get_config_before_build: Config;
  get_config_after_build: Config;
  weights: { path: string; name: string; shape: number[]; dtype: string; trainable: boolean }[];
  trainable_weights: string[];
  non_trainable_weights: string[];
  count_params: number;
  compute_output_shape: number[];
  layer_dtype: string;
  losses_probe?: { weights: number[][]; input: number[]; losses: number[] };
}

const fixture = loadKerasFixture<{ cases: ConfigCase[] }>('depthwise_configs.json');

/** Keras 3 dtype policies we do not implement (mixed precision); these configs must be refused clearly. */
const unsupported = (c: ConfigCase) =>
  !['float32', 'float64'].includes((c.get_config_after_build.dtype as { config: { name: string } }).config.name);

beforeEach(() => clearSession());

describe('DepthwiseConv2D config matches Keras 3.15', () => {
  test('the fixture has the cases', () => assert.ok(fixture.cases.length >= 20));
  for (const c of fixture.cases) {
    test(`${c.id}`, () => {
      const kerasConfig = c.get_config_after_build;
      if (unsupported(c)) {
        assert.throws(() => DepthwiseConv2D.fromConfig(kerasConfig), InvalidArgumentError);
        return;
      }
      const layer = DepthwiseConv2D.fromConfig(kerasConfig);
      assert.deepEqual(layer.getConfig(), c.get_config_before_build, 'config before build');
      layer.apply(zeros(c.input_shape, layer.dtype));
      assert.deepEqual(layer.getConfig(), kerasConfig, 'config after build');
      assert.deepEqual(
        layer.weights.map((w) => ({ path: w.path, name: w.name, shape: [...w.shape], dtype: w.dtype, trainable: w.trainable })),
        c.weights,
      );
      assert.deepEqual(layer.trainableWeights.map((w) => w.path), c.trainable_weights);
      assert.deepEqual(layer.nonTrainableWeights.map((w) => w.path), c.non_trainable_weights);
      assert.equal(layer.countParams(), c.count_params);
      assert.deepEqual(layer.computeOutputShape(c.input_shape), c.compute_output_shape);
      // And the round trip through our own config is exact.
      assert.deepEqual(DepthwiseConv2D.fromConfig(layer.getConfig()).getConfig(), c.get_config_before_build);
    });
  }

  test('layer.losses equal Keras 3.15 values and order (activity per sample first, then kernel, then bias)', () => {
    const probed = fixture.cases.filter((c) => c.losses_probe);
    assert.ok(probed.length >= 2);
    for (const c of probed) {
      const probe = c.losses_probe as NonNullable<ConfigCase['losses_probe']>;
      const layer = DepthwiseConv2D.fromConfig({ ...c.get_config_after_build, dtype: 'float64' });
      const input = tensor(probe.input, c.input_shape, 'float64');
      layer.apply(input);
      layer.setWeights(probe.weights.map((w, i) => tensor(w, layer.weights[i].shape, 'float64')));
      layer.apply(input);
      assertAllClose(layer.losses.map((t) => t.item()), probe.losses, { rtol: 1e-12, atol: 1e-15 }, c.id);
    }
  });

  test('unknown config keys are refused, naming the key (Keras: unrecognized keyword arguments)', () => {
    const config = { ...fixture.cases[0].get_config_before_build, groups: 1 };
    assert.throws(() => DepthwiseConv2D.fromConfig(config), /groups/);
  });
});
