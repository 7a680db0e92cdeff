/**
 * Custom activations, initializers, regularizers and constraints: a saved model naming them loads only once
 * they are registered (a file can never make us run code), and then loads and predicts as before.
 */

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { afterEach, before, describe, it } from 'node:test';
import { getActivation } from '../../src/activations/registry.js';
import { Constraint } from '../../src/constraints/constraint.js';
import { getConstraint } from '../../src/constraints/get.js';
import type { Tensor } from '../../src/engine/tensor.js';
import { getInitializer } from '../../src/initializers/registry.js';
import { Initializer } from '../../src/initializers/initializer.js';
import {
  ioReady,
  loadModelSync,
  ModelFileError,
  registerActivation,
  registerConstraint,
  registerInitializer,
  registerRegularizer,
  saveModelSync,
  unregisterActivation,
  unregisterConstraint,
  unregisterInitializer,
  unregisterRegularizer,
} from '../../src/io/index.js';
import type { Config } from '../../src/serialization/keras-object.js';
import { findLayerClass } from '../../src/layers/registry.js';
import { Sequential } from '../../src/models/sequential.js';
import { abs, clip, mul, sum, tanh } from '../../src/ops/index.js';
import { fill } from '../../src/engine/tensor.js';
import { Regularizer } from '../../src/regularizers/regularizer.js';
import { getRegularizer } from '../../src/regularizers/get.js';
import { bits, random, randomTensor, randomizeWeights, tempDir } from './helpers.js';

before(async () => {
  await ioReady();
});

/** A scaled tanh: a custom activation function. */
function scaledTanh(x: Tensor): Tensor {
  return mul(tanh(x), 1.7);
}

/** A custom regularizer with a config, so the factory's config argument is exercised. */
class ScaledAbs extends Regularizer {
  override readonly className = 'ScaledAbs';
  constructor(readonly factor = 0.01) {
    super();
  }
  override call(x: Tensor): Tensor {
    return mul(sum(abs(x)), this.factor);
  }
  override getConfig(): Config {
    return { factor: this.factor };
  }
}

class Halves extends Initializer {
  readonly className = 'Halves';
  call(shape: readonly number[]): Tensor {
    return fill(shape, 0.5, 'float32');
  }
}

class UnitBox extends Constraint {
  override readonly className = 'UnitBox';
  override call(w: Tensor): Tensor {
    return clip(w, -1, 1);
  }
  override getConfig(): Config {
    return {};
  }
}

const scaledAbs = (config: Config): ScaledAbs => new ScaledAbs(typeof config.factor === 'number' ? config.factor : undefined);

afterEach(() => {
  unregisterActivation('scaled_tanh');
  unregisterRegularizer('ScaledAbs');
  unregisterInitializer('Halves');
  unregisterConstraint('UnitBox');
});

function customModel(): Sequential {
  const dense = findLayerClass('Dense') as NonNullable<ReturnType<typeof findLayerClass>>;
  const model = new Sequential({
    inputShape: [4],
    layers: [
      dense({ units: 3, activation: 'scaled_tanh', kernel_regularizer: { class_name: 'ScaledAbs', config: { factor: 0.25 } } }),
      dense({ units: 2, bias_initializer: 'Halves', kernel_constraint: 'UnitBox' }),
    ],
  });
  randomizeWeights(model);
  return model;
}

describe('custom objects', () => {
  it('a model with a custom activation and regularizer saves, refuses to load unregistered, loads once registered', () => {
    registerActivation('scaled_tanh', scaledTanh);
    registerRegularizer('ScaledAbs', scaledAbs);
    registerInitializer('Halves', () => new Halves());
    registerConstraint('UnitBox', () => new UnitBox());
    const model = customModel();
    const file = path.join(tempDir(), 'custom.keras');
    saveModelSync(model, file);
    const x = randomTensor([3, 4], 'float32', random(11));
    const expected = bits(model.predict(x));

    unregisterActivation('scaled_tanh');
    assert.throws(
      () => loadModelSync(file),
      (e: unknown) => e instanceof ModelFileError && e.message.includes(file) && e.message.includes('scaled_tanh'),
    );
    registerActivation('scaled_tanh', scaledTanh);
    unregisterRegularizer('ScaledAbs');
    assert.throws(
      () => loadModelSync(file),
      (e: unknown) => e instanceof ModelFileError && e.message.includes(file) && e.message.includes('ScaledAbs'),
    );
    registerRegularizer('ScaledAbs', scaledAbs);
    unregisterInitializer('Halves');
    assert.throws(() => loadModelSync(file), (e: unknown) => e instanceof ModelFileError && e.message.includes('Halves'));
    registerInitializer('Halves', () => new Halves());
    unregisterConstraint('UnitBox');
    assert.throws(() => loadModelSync(file), (e: unknown) => e instanceof ModelFileError && e.message.includes('UnitBox'));
    registerConstraint('UnitBox', () => new UnitBox());

    const loaded = loadModelSync(file);
    assert.equal(bits(loaded.predict(x)), expected);
    const first = loaded.layers[0].getConfig();
    assert.equal(first.activation, 'scaled_tanh');
    assert.deepEqual((first.kernel_regularizer as Config).config, { factor: 0.25 });
  });

  it('a layer given the registered function itself serializes the registered name', () => {
    registerActivation('scaled_tanh', scaledTanh);
    assert.equal(getActivation(scaledTanh).name, 'scaled_tanh');
    unregisterActivation('scaled_tanh');
    assert.equal(getActivation(scaledTanh).name, 'scaledTanh');
  });

  it('get* find registered names and forget them when unregistered', () => {
    registerActivation('scaled_tanh', scaledTanh);
    registerRegularizer('ScaledAbs', scaledAbs);
    registerInitializer('Halves', () => new Halves());
    registerConstraint('UnitBox', () => new UnitBox());
    assert.equal(getActivation('scaled_tanh').name, 'scaled_tanh');
    assert.ok(getRegularizer('ScaledAbs') instanceof ScaledAbs);
    assert.equal((getRegularizer({ class_name: 'x', registered_name: 'ScaledAbs', config: { factor: 2 } }) as ScaledAbs).factor, 2);
    assert.ok(getInitializer('Halves') instanceof Halves);
    assert.ok(getConstraint({ class_name: 'UnitBox', config: {} }) instanceof UnitBox);
    assert.equal(unregisterActivation('scaled_tanh'), true);
    assert.equal(unregisterActivation('scaled_tanh'), false);
    unregisterRegularizer('ScaledAbs');
    unregisterInitializer('Halves');
    unregisterConstraint('UnitBox');
    assert.throws(() => getActivation('scaled_tanh'), /scaled_tanh/);
    assert.throws(() => getRegularizer('ScaledAbs'), /ScaledAbs/);
    assert.throws(() => getInitializer('Halves'), /Halves/);
    assert.throws(() => getConstraint('UnitBox'), /UnitBox/);
  });

  it('built-in names cannot be overridden', () => {
    assert.throws(() => registerActivation('relu', scaledTanh), /built-in activation/);
    assert.throws(() => registerActivation('swish', scaledTanh), /built-in activation/);
    assert.throws(() => registerRegularizer('l2', scaledAbs), /built-in regularizer/);
    assert.throws(() => registerInitializer('glorot_uniform', () => new Halves()), /built-in initializer/);
    assert.throws(() => registerConstraint('NonNeg', () => new UnitBox()), /built-in constraint/);
    assert.equal(getActivation('relu').name, 'relu');
  });
});
