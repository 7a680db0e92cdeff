// Options objects refuse keys they do not know, before anything happens, naming the key and the intended
// one: a misspelt option is never silently ignored, and Keras's snake_case spelling gets the camelCase name.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Dense, InvalidArgumentError, kerasModelSequential, layerDense, optimizers, tensor } from '../src/index.js';
import { closestKey } from '../src/utils/option-keys.js';

function refuses(fn: () => unknown, key: string, hint: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof InvalidArgumentError && e.argument === key && hint.test(e.message), `${key}: ${hint}`);
}

function compiled() {
  const m = kerasModelSequential({ inputShape: [3] });
  layerDense(m, { units: 2 });
  m.compile({ optimizer: optimizers.sgd(), loss: 'mse' });
  return m;
}

describe('strict options', () => {
  const x = tensor([[1, 2, 3]]);
  const y = tensor([[1, 0]]);

  test("fit, evaluate and predict: 'epoch' → did you mean 'epochs'; nothing trained", () => {
    const m = compiled();
    const before = m.getWeights().map((w) => Array.from(w.dataSync()));
    refuses(() => m.fit(x, y, { epoch: 3 } as never), 'epoch', /did you mean 'epochs'\?/);
    refuses(() => m.fit(x, y, { batch_size: 1 } as never), 'batch_size', /use camelCase: 'batchSize'/);
    refuses(() => m.fit(x, y, { validation_split: 0.5 } as never), 'validation_split', /use camelCase: 'validationSplit'/);
    refuses(() => m.evaluate(x, y, { batchsize: 1 } as never), 'batchsize', /did you mean 'batchSize'\?/);
    refuses(() => m.predict(x, { batch: 1 } as never), 'batch', /did you mean 'batchSize'\?/);
    assert.deepEqual(m.getWeights().map((w) => Array.from(w.dataSync())), before);
  });

  test('compile: an unknown key names the known ones', () => {
    const m = kerasModelSequential({ inputShape: [3] });
    layerDense(m, { units: 2 });
    refuses(() => m.compile({ loss: 'mse', optimiser: 'sgd' } as never), 'optimiser', /did you mean 'optimizer'\?/);
    refuses(() => m.compile({ loss: 'mse', lr: 0.1 } as never), 'lr', /the options are 'optimizer', 'loss', 'lossWeights', 'metrics'/);
  });

  test('layer constructors: snake_case and typos are refused before the layer exists', () => {
    refuses(() => new Dense({ units: 2, kernel_initializer: 'zeros' } as never), 'kernel_initializer', /use camelCase: 'kernelInitializer'/);
    refuses(() => new Dense({ unit: 2 } as never), 'unit', /did you mean 'units'\?/);
    refuses(() => layerDense({ units: 2, activaton: 'relu' } as never), 'activaton', /did you mean 'activation'\?/);
  });

  test('closestKey: near misses only', () => {
    assert.equal(closestKey('epoch', ['epochs', 'batchSize']), 'epochs');
    assert.equal(closestKey('dilation', ['dilationRate', 'strides']), 'dilationRate');
    assert.equal(closestKey('zzz', ['epochs', 'batchSize']), null);
  });

  test('closestKey: a key that begins the intended one, or that it begins, when only one fits', () => {
    assert.equal(closestKey('interp', ['size', 'interpolation', 'dataFormat']), 'interpolation');
    assert.equal(closestKey('antialiasing', ['interpolation', 'antialias', 'dataFormat']), 'antialias');
    assert.equal(closestKey('batch', ['batchSize', 'batchInputShape', 'name']), null, 'two keys begin with it: no guess');
    assert.equal(closestKey('nope', ['n', 'name']), null, 'one-letter keys begin too many words to be guessed');
  });
});
