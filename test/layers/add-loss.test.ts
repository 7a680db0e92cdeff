// Keras's `add_loss` for custom layers (Layer.addLoss): the loss a call adds shows in `losses` and
// `model.losses`, in the loss `fit` minimizes, and is replaced by the next call's, as in Keras 3.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError, kerasModel, Layer, layerDense, layerInput, ops, optimizers, setRandomSeed, tensor } from '../../src/index.js';
import type { CallOptions, Tensor } from '../../src/index.js';
import { assertAllClose } from '../helpers/close.js';

/** The writing-a-training-loop guide's layer: `self.add_loss(1e-2 * tf.reduce_sum(inputs))`. */
class ActivityRegularizationLayer extends Layer {
  readonly className = 'ActivityRegularizationLayer';
  constructor(private readonly rate = 1e-2) {
    super({}, 'ActivityRegularizationLayer');
  }
  computeOutputShape(inputShape: readonly (number | null)[]): (number | null)[] {
    return [...inputShape];
  }
  protected call(inputs: Tensor, _options: CallOptions): Tensor {
    this.addLoss(ops.mul(ops.sum(inputs), this.rate));
    return inputs;
  }
}

describe('Layer.addLoss (Keras add_loss)', () => {
  test('a call adds its loss to layer.losses and model.losses; the next call replaces it', () => {
    const layer = new ActivityRegularizationLayer();
    layer.apply(tensor([[1, 2], [3, 4]]));
    assertAllClose(layer.losses[0].dataSync(), [0.1], { rtol: 1e-6, atol: 1e-7 });
    layer.apply(tensor([[1, 1]]));
    assert.equal(layer.losses.length, 1);
    assertAllClose(layer.losses[0].dataSync(), [0.02], { rtol: 1e-6, atol: 1e-7 });

    const inputs = layerInput({ shape: [2] });
    const model = kerasModel({ inputs, outputs: new ActivityRegularizationLayer(0.5).apply(inputs) });
    model.apply(tensor([[1, 2]]));
    assertAllClose(model.losses[0].dataSync(), [1.5], { rtol: 1e-6, atol: 1e-7 });
  });

  test('fit minimizes it: the reported loss is the compiled loss plus the added one', () => {
    setRandomSeed(3);
    const inputs = layerInput({ shape: [3] });
    const hidden = new ActivityRegularizationLayer().apply(layerDense(inputs, { units: 4, activation: 'relu' }));
    const model = kerasModel({ inputs, outputs: layerDense(hidden, { units: 1 }) });
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0 }), loss: 'mse' });
    const x = tensor([[1, 2, 3], [0.5, -1, 2]]);
    const y = tensor([[1], [0]]);
    const withPenalty = model.testOnBatch(x, y) as number;
    const prediction = (model.apply(x) as Tensor).dataSync();
    const penalty = model.losses[0].dataSync()[0];
    const mse = ((prediction[0] - 1) ** 2 + prediction[1] ** 2) / 2;
    assert.ok(penalty > 0);
    assertAllClose([withPenalty], [mse + penalty], { rtol: 1e-5, atol: 0 });
  });

  test('a loss that is not a scalar tensor is refused', () => {
    class Bad extends ActivityRegularizationLayer {
      protected override call(inputs: Tensor): Tensor {
        this.addLoss(inputs);
        return inputs;
      }
    }
    assert.throws(() => new Bad().apply(tensor([[1, 2]])), InvalidArgumentError);
  });
});
