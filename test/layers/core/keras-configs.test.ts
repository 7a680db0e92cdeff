// Configs against Keras 3.15's get_config() (core_layers.json): fromConfig(keras config).getConfig() gives
// Keras's config back for each layer class, including the automatic name, and unknown keys are refused.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { clearSession, InvalidArgumentError } from '../../../src/index.js';
import type { Config } from '../../../src/serialization/keras-object.js';
import type { Layer } from '../../../src/layers/layer.js';
import { Activation, Dense, Dropout, Flatten, ReLU, Reshape } from '../../../src/layers/core/index.js';
import { BatchNormalization } from '../../../src/layers/normalization/index.js';
import { loadKerasFixture } from '../../helpers/fixtures.js';

beforeEach(() => clearSession());

interface ConfigCase { class_name: string; name: string; config: Config }
const fixture = loadKerasFixture<{ configs: ConfigCase[]; errors: Record<string, { type: string; message: string } | null> }>('core_layers.json');

const FROM_CONFIG: Record<string, (config: Config) => Layer> = {
  Dense: (c) => Dense.fromConfig(c),
  Flatten: (c) => Flatten.fromConfig(c),
  Reshape: (c) => Reshape.fromConfig(c),
  Activation: (c) => Activation.fromConfig(c),
  ReLU: (c) => ReLU.fromConfig(c),
  Dropout: (c) => Dropout.fromConfig(c),
  BatchNormalization: (c) => BatchNormalization.fromConfig(c),
};

describe('layer configs match Keras 3.15', () => {
  test('every class is covered', () => assert.deepEqual([...new Set(fixture.configs.map((c) => c.class_name))].sort(), Object.keys(FROM_CONFIG).sort()));

  for (const c of fixture.configs) {
    test(`${c.class_name} ${c.name}`, () => {
      const layer = FROM_CONFIG[c.class_name](c.config);
      assert.equal(layer.className, c.class_name);
      assert.deepEqual(layer.getConfig(), c.config);
      assert.deepEqual(FROM_CONFIG[c.class_name](JSON.parse(JSON.stringify(layer.getConfig())) as Config).getConfig(), c.config, 'own round trip');
    });
  }

  test('automatic names as Keras gives them (re_lu, batch_normalization, ...)', () => {
    const first = new Map<string, string>();
    for (const c of fixture.configs) if (!first.has(c.class_name)) first.set(c.class_name, c.name);
    const makers: Record<string, () => Layer> = {
      Dense: () => new Dense({ units: 1 }),
      Flatten: () => new Flatten(),
      Reshape: () => new Reshape({ targetShape: [1] }),
      Activation: () => new Activation({ activation: 'relu' }),
      ReLU: () => new ReLU(),
      Dropout: () => new Dropout({ rate: 0.5 }),
      BatchNormalization: () => new BatchNormalization(),
    };
    for (const [className, name] of first) assert.equal(makers[className]().name, name, className);
  });

  test('unknown config keys are refused, naming the key', () => {
    for (const c of fixture.configs) {
      assert.throws(() => FROM_CONFIG[c.class_name]({ ...c.config, bogus_key: 1 }), (e: unknown) => e instanceof InvalidArgumentError && /bogus_key/.test(e.message), c.class_name);
    }
  });

  test('Keras refuses the same constructor arguments we do (messages in the fixture)', () => {
    const expectations: [string, () => unknown, string][] = [
      ['dense_units_0', () => new Dense({ units: 0 }), 'units'],
      ['dropout_rate_1.5', () => new Dropout({ rate: 1.5 }), 'rate'],
      ['relu_max_value_-1', () => new ReLU({ maxValue: -1 }), 'max'],
      ['relu_negative_slope_-1', () => new ReLU({ negativeSlope: -1 }), 'negative'],
      ['relu_threshold_-1', () => new ReLU({ threshold: -1 }), 'threshold'],
      ['reshape_two_unknown', () => new Reshape({ targetShape: [-1, -1] }), 'unknown dimension'],
    ];
    for (const [key, make, fragment] of expectations) {
      const kerasError = fixture.errors[key];
      assert.ok(kerasError && kerasError.type === 'ValueError' && kerasError.message.includes(fragment.replace('max', 'max_value').replace('negative', 'negative_slope')), key);
      assert.throws(make, InvalidArgumentError, key);
    }
  });
});
