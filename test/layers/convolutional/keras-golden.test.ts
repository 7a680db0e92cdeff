// The convolution family against real Keras 3.15, from test/fixtures/keras/conv_family.json (written by
// generate_conv_family.py beside it): outputs and gradients in float64, configs and weights, argument rejection.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CLASSES } from './classes.js';
import { runConvFixture } from './golden.js';

const fixture = runConvFixture('conv_family.json', CLASSES);

describe('the conv_family fixture', () => {
  test('covers every layer, causal, output_padding, depth_multiplier 2 and channels_first', () => {
    const classes = new Set(fixture.forward.map((c) => c.class_name));
    assert.deepEqual([...classes].sort(), ['Conv1D', 'Conv2D', 'Conv2DTranspose', 'DepthwiseConv1D', 'SeparableConv1D', 'SeparableConv2D']);
    assert.ok(fixture.forward.some((c) => c.kwargs.padding === 'causal'));
    assert.ok(fixture.forward.some((c) => c.class_name === 'Conv2DTranspose' && c.kwargs.output_padding !== null && c.kwargs.strides === 2));
    assert.ok(fixture.forward.some((c) => c.class_name.startsWith('Separable') && c.kwargs.depth_multiplier === 2));
    assert.ok(fixture.forward.some((c) => c.kwargs.groups === 2));
    for (const name of classes) {
      assert.ok(fixture.forward.some((c) => c.class_name === name && c.kwargs.data_format === 'channels_first'), name);
    }
  });

  test('unknown config keys are refused, naming the key', () => {
    assert.throws(() => CLASSES.Conv2D.fromConfig({ ...fixture.configs[0].get_config, depth_multiplier: 1 }), /depth_multiplier/);
    assert.throws(() => CLASSES.SeparableConv1D.fromConfig({ ...fixture.configs[10].get_config, groups: 1 }), /groups/);
  });
});
