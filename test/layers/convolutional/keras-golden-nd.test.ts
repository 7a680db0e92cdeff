// The rest of the convolution family against real Keras 3.15, from test/fixtures/keras/conv_nd.json (written
// by generate_conv_nd.py beside it): Conv3D, Conv1DTranspose, Conv3DTranspose and rank 1/2 cases beyond
// conv_family.json (outputs and gradients in float64, configs and weights, argument rejection), and the
// pooling and reshaping layers of volumes (outputs, input gradients and configs).
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { clearSession } from '../../../src/index.js';
import type { Layer } from '../../../src/index.js';
import {
  AveragePooling3D,
  Cropping3D,
  GlobalAveragePooling3D,
  GlobalMaxPooling3D,
  MaxPooling3D,
  UpSampling3D,
  ZeroPadding3D,
} from '../../../src/index.js';
import type { Config } from '../../../src/serialization/keras-object.js';
import { loadKerasFixture } from '../../helpers/fixtures.js';
import type { GoldenCase } from '../pooling/golden.js';
import { runGoldenCases } from '../pooling/golden.js';
import { CLASSES, kwargsToOptions } from './classes.js';
import type { ErrorCase } from './golden.js';
import { assertRefused, runConvFixture } from './golden.js';

const fixture = runConvFixture('conv_nd.json', CLASSES);
const volumes = loadKerasFixture<{
  pooling: GoldenCase[];
  pooling_configs: { class_name: string; kwargs: Record<string, unknown>; get_config: Config }[];
  pooling_errors: ErrorCase[];
}>('conv_nd.json');

const VOLUME_CLASSES: Record<string, { fromConfig(config: Config): Layer; new (options: never): Layer }> = {
  MaxPooling3D,
  AveragePooling3D,
  GlobalAveragePooling3D,
  GlobalMaxPooling3D,
  ZeroPadding3D,
  Cropping3D,
  UpSampling3D,
};

beforeEach(() => clearSession());

describe('the conv_nd fixture', () => {
  test('covers the new classes over strides, dilation, both paddings, both formats, groups and output padding', () => {
    const classes = new Set(fixture.forward.map((c) => c.class_name));
    for (const name of ['Conv3D', 'Conv1DTranspose', 'Conv3DTranspose']) {
      const of = fixture.forward.filter((c) => c.class_name === name);
      assert.ok(of.some((c) => c.kwargs.data_format === 'channels_first') && of.some((c) => c.kwargs.data_format === 'channels_last'), `${name}: formats`);
      assert.ok(of.some((c) => c.kwargs.padding === 'same') && of.some((c) => c.kwargs.padding === 'valid'), `${name}: paddings`);
      assert.ok(of.some((c) => JSON.stringify(c.kwargs.strides) !== '1') && of.some((c) => JSON.stringify(c.kwargs.dilation_rate) !== '1'), `${name}: strides, dilation`);
    }
    assert.ok(fixture.forward.some((c) => c.class_name === 'Conv3D' && c.kwargs.groups === 4));
    assert.ok(fixture.forward.some((c) => c.class_name.endsWith('Transpose') && c.kwargs.output_padding !== null));
    assert.ok(fixture.forward.some((c) => c.class_name.startsWith('Depthwise') && c.kwargs.depth_multiplier === 3));
    assert.ok(classes.size >= 7);
    assert.deepEqual(new Set(volumes.pooling.map((c) => c.class_name)), new Set(Object.keys(VOLUME_CLASSES)));
  });
});

describe('pooling and reshaping of volumes match Keras 3', () => {
  runGoldenCases(Object.fromEntries(Object.entries(VOLUME_CLASSES).map(([name, cls]) => [name, (c: Config) => cls.fromConfig(c)])), volumes.pooling);

  for (const c of volumes.pooling_configs) {
    test(`config of ${c.class_name} ${JSON.stringify(c.kwargs)}`, () => {
      const cls = VOLUME_CLASSES[c.class_name];
      assert.deepEqual(cls.fromConfig(c.get_config).getConfig(), c.get_config, 'fromConfig round trip');
      clearSession();
      assert.deepEqual(new cls({ ...kwargsToOptions(c.kwargs), dtype: 'float64' } as never).getConfig(), c.get_config, 'from options');
    });
  }

  for (const c of volumes.pooling_errors) {
    test(`refuses ${c.class_name} ${JSON.stringify(c.kwargs)}`, () => {
      // Keras 3.15 takes any padding string at construction and fails on the first call; we refuse it at once.
      assert.ok(c.keras_rejects || (c.class_name === 'MaxPooling3D' && c.argument === 'padding'), `Keras accepted ${JSON.stringify(c.kwargs)}`);
      assertRefused(VOLUME_CLASSES[c.class_name], c);
    });
  }
});
