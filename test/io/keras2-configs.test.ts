/** Keras 2 model configs that older generations wrote: a Sequential as a bare list, initializers with a dtype. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelFromConfig } from '../../src/io/model-config.js';

const dense = (name: string, extra: Record<string, unknown> = {}) => ({ class_name: 'Dense', config: { name, units: 2, activation: 'linear', use_bias: true, ...extra } });
const initializers = (dtype: string) => ({
  kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 1.0, mode: 'fan_avg', distribution: 'uniform', seed: null, dtype } },
  bias_initializer: { class_name: 'Zeros', config: { dtype } },
});

describe('Keras 2 configs', () => {
  it("Keras 2.0 - 2.2: a Sequential's config that is the bare list of its layers", () => {
    const model = modelFromConfig({ class_name: 'Sequential', config: [dense('a', { batch_input_shape: [null, 3] }), dense('b')] });
    assert.deepEqual(model.layers.map((l) => l.name), ['a', 'b']);
    assert.deepEqual(model.outputs[0].shape, [null, 2]);
    assert.equal(model.countParams(), 8 + 6);
  });

  it('TF1-era initializers carrying a float dtype load; any other dtype is still refused', () => {
    const model = modelFromConfig({ class_name: 'Sequential', config: { name: 's', layers: [dense('d', { batch_input_shape: [null, 3], ...initializers('float32') })] } });
    const kernel = model.layers[0].getConfig().kernel_initializer as { class_name: string; config: Record<string, unknown> };
    assert.equal(kernel.class_name, 'VarianceScaling');
    assert.equal('dtype' in kernel.config, false);
    assert.equal(kernel.config.mode, 'fan_avg');
    assert.throws(
      () => modelFromConfig({ class_name: 'Sequential', config: { name: 's', layers: [dense('d', { batch_input_shape: [null, 3], ...initializers('int32') })] } }),
      /'d' \(Dense\).*VarianceScaling.*dtype/,
    );
  });
});
