// DepthwiseConv2D's config against Keras 3.15's get_config() for the cases in
// test/fixtures/keras/depthwise_configs.json: fromConfig(keras config).getConfig() must give Keras's config
// back, and the built layer must have Keras's weights, parameter count and output shape.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { clearSession, DepthwiseConv2D, InvalidArgumentError, zeros } from '../../src/index.js';
import type { Config } from '../../src/io/keras-object.js';
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

  test('unknown config keys are refused, naming the key (Keras: unrecognized keyword arguments)', () => {
    const config = { ...fixture.cases[0].get_config_before_build, groups: 1 };
    assert.throws(() => DepthwiseConv2D.fromConfig(config), /groups/);
  });
});
