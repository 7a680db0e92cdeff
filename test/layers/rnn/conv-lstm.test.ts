// ConvLSTM behaviour beyond the Keras fixture: the layer contract (gradients through time by finite
// differences, config, training step, save/load), the cell's gradients, dropout masks (training only, fixed
// across time, seeded), stateful layers, returnState, masks and argument errors.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import {
  clearSession,
  ConvLSTM1D,
  ConvLSTM2D,
  ConvLSTM3D,
  InvalidArgumentError,
  kerasModel,
  kerasModelSequential,
  layerConvLstm2d,
  layerInput,
  ops,
  setRandomSeed,
  ShapeError,
  tensor,
  zeros,
} from '../../../src/index.js';
import type { SymbolicTensor, Tensor } from '../../../src/index.js';
import { getActivation } from '../../../src/activations/index.js';
import { cellStep } from '../../../src/layers/rnn/conv-lstm-cell.js';
import type { ConvLstmCellConfig } from '../../../src/layers/rnn/conv-lstm-cell.js';
import { mulberry32, randomArray } from '../../helpers/close.js';
import { checkGradients } from '../../helpers/finite-difference.js';
import { runLayerTest } from '../../helpers/layer-test.js';

beforeEach(() => clearSession());

function random(shape: number[], seed: number, scale = 1): Tensor {
  return tensor(randomArray(shape.reduce((a, b) => a * b, 1), mulberry32(seed)).map((v) => v * scale), shape, 'float64');
}

describe('ConvLSTM layer contract (gradients through time by central differences, config, training step, save/load)', () => {
  test('ConvLSTM2D, returnSequences, same', () => {
    runLayerTest({
      make: (dtype) => new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'same', returnSequences: true, dtype }),
      fromConfig: (c) => ConvLSTM2D.fromConfig(c),
      inputShape: [2, 3, 4, 4, 2],
      expectedOutputShape: [2, 3, 4, 4, 2],
      expectedWeightShapes: [[3, 3, 2, 8], [3, 3, 2, 8], [8]],
    });
  });
  test('ConvLSTM1D, goBackwards, strided, channels_first', () => {
    runLayerTest({
      make: (dtype) => new ConvLSTM1D({ filters: 3, kernelSize: 2, strides: 2, goBackwards: true, dataFormat: 'channels_first', dtype }),
      fromConfig: (c) => ConvLSTM1D.fromConfig(c),
      inputShape: [2, 3, 2, 7],
      expectedOutputShape: [2, 3, 3],
      expectedWeightShapes: [[2, 2, 12], [2, 3, 12], [12]],
    });
  });
  test('ConvLSTM3D, dilated, no bias', () => {
    runLayerTest({
      make: (dtype) => new ConvLSTM3D({ filters: 2, kernelSize: 2, dilationRate: [1, 2, 1], padding: 'same', useBias: false, dtype }),
      fromConfig: (c) => ConvLSTM3D.fromConfig(c),
      inputShape: [1, 2, 2, 4, 3, 1],
      expectedOutputShape: [1, 2, 4, 3, 2],
      expectedWeightShapes: [[2, 2, 2, 1, 8], [2, 2, 2, 2, 8]],
    });
  });
});

describe('the ConvLSTM cell', () => {
  test('one step: gradients with respect to the input projection, both states and the recurrent kernel match central differences', () => {
    for (const dataFormat of ['channels_last', 'channels_first'] as const) {
      const cfg: ConvLstmCellConfig = { rank: 2, filters: 2, strides: [1, 1], padding: 'same', dataFormat, dilationRate: [1, 1], activation: getActivation('tanh'), recurrentActivation: getActivation('sigmoid') };
      const state = dataFormat === 'channels_last' ? [2, 3, 4, 2] : [2, 2, 3, 4];
      const zx = random(dataFormat === 'channels_last' ? [2, 3, 4, 8] : [2, 8, 3, 4], 1);
      const [h, c] = [random(state, 2), random(state, 3)];
      const u = random([3, 3, 2, 8], 4, 0.5);
      const ctH = random(state, 5);
      const ctC = random(state, 6);
      checkGradients(() => {
        const [hNext, cNext] = cellStep(cfg, zx, h, c, u, null);
        return ops.add(ops.sum(ops.mul(hNext, ctH)), ops.sum(ops.mul(cNext, ctC)));
      }, [zx, h, c, u], { rtol: 1e-6, atol: 1e-8, message: dataFormat });
    }
  });
});

describe('dropout: in training only, one mask per gate fixed across the time steps, seeded', () => {
  const x = () => random([2, 4, 3, 3, 2], 11);

  test('inference ignores dropout; training applies it, repeatably under the seed', () => {
    const plain = new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'same', dtype: 'float64' });
    const dropped = new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'same', dropout: 0.5, recurrentDropout: 0.3, seed: 3, dtype: 'float64' });
    plain.apply(x());
    dropped.apply(x());
    dropped.setWeights(plain.getWeights());
    assert.deepEqual(dropped.apply(x()).dataSync(), plain.apply(x()).dataSync());
    assert.deepEqual(dropped.apply(x(), { training: false }).dataSync(), plain.apply(x()).dataSync());
    const a = dropped.apply(x(), { training: true }).dataSync();
    assert.notDeepEqual(a, plain.apply(x()).dataSync());
    const again = new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'same', dropout: 0.5, recurrentDropout: 0.3, seed: 3, dtype: 'float64' });
    again.apply(x());
    again.setWeights(plain.getWeights());
    assert.deepEqual(again.apply(x(), { training: true }).dataSync(), a, 'the same seed draws the same masks');
  });

  test('the masks are fixed across time: a constant sequence with a memoryless cell gives the same output at every step', () => {
    // Forget gate shut (bias -1e3) and no recurrent kernel: h_t depends on x_t only, so with one mask for the
    // whole sequence a constant input gives equal outputs; masks drawn per step would make them differ.
    setRandomSeed(5);
    const layer = new ConvLSTM2D({ filters: 2, kernelSize: 1, dropout: 0.5, returnSequences: true, recurrentInitializer: 'zeros', dtype: 'float64' });
    const step = random([2, 1, 3, 3, 2], 12);
    const sequence = ops.reshape(ops.broadcastTo(step, [2, 5, 3, 3, 2]), [2, 5, 3, 3, 2]);
    layer.apply(sequence);
    const bias = new Float64Array(8);
    bias.fill(-1e3, 2, 4);
    layer.setWeights([layer.getWeights()[0], zeros([1, 1, 2, 8], 'float64'), tensor(bias, [8], 'float64')]);
    const y = layer.apply(sequence, { training: true });
    const first = ops.slice(y, [0, 0, 0, 0, 0], [2, 1, 3, 3, 2]).dataSync();
    for (let t = 1; t < 5; t++) assert.deepEqual(ops.slice(y, [0, t, 0, 0, 0], [2, 1, 3, 3, 2]).dataSync(), first, `step ${t}`);
    assert.notDeepEqual(y.dataSync(), layer.apply(sequence).dataSync(), 'dropout changed the training output');
  });
});

describe('stateful layers keep their states across calls', () => {
  test('states are not weights, carry over, and resetStates zeros them', () => {
    const layer = new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'same', stateful: true, dtype: 'float64' });
    const x = random([2, 2, 3, 3, 1], 21);
    const first = layer.apply(x).dataSync().slice();
    assert.equal(layer.weights.length, 3);
    assert.notDeepEqual(layer.apply(x).dataSync(), first, 'the second call starts from the first call’s states');
    layer.resetStates();
    assert.deepEqual(layer.apply(x).dataSync(), first);
  });

  test('the batch size must be static and unchanging', () => {
    const layer = new ConvLSTM2D({ name: 's', filters: 2, kernelSize: 3, stateful: true });
    assert.throws(() => layer.apply(layerInput({ shape: [2, 5, 5, 1] })), (e: unknown) => e instanceof ShapeError && /'s'.*batch size must be static/.test(e.message));
    const fixed = new ConvLSTM2D({ name: 'f', filters: 2, kernelSize: 3, stateful: true });
    fixed.apply(zeros([2, 2, 5, 5, 1]));
    assert.throws(() => fixed.apply(zeros([3, 2, 5, 5, 1])), (e: unknown) => e instanceof ShapeError && /batch size of the input \(3\).*\(2\)/.test(e.message));
  });
});

describe('returnState, initial states, masks', () => {
  test('with returnState a call gives [output, h, c], as Keras: on tensors, in a functional graph, through the layer function', () => {
    const layer = new ConvLSTM2D({ name: 'rs', filters: 2, kernelSize: 3, padding: 'same', returnState: true, returnSequences: true, dtype: 'float64' });
    const x = random([1, 3, 4, 4, 2], 31);
    const [y, h, c] = layer.applyWithState(x);
    assert.deepEqual([y.shape, h.shape, c.shape], [[1, 3, 4, 4, 2], [1, 4, 4, 2], [1, 4, 4, 2]]);
    // The last output of the sequence is the final h.
    assert.deepEqual(ops.reshape(ops.slice(y, [0, 2, 0, 0, 0], [1, 1, 4, 4, 2]), [1, 4, 4, 2]).dataSync(), h.dataSync());
    const applied = layer.applyAll(x) as Tensor[];
    assert.equal(applied.length, 3);
    applied.forEach((t, i) => assert.deepEqual(t.dataSync(), [y, h, c][i].dataSync(), `apply output ${i}`));

    const input = layerInput({ shape: [3, 4, 4, 2], dtype: 'float64' });
    const outputs = layer.applyAll(input) as SymbolicTensor[];
    assert.deepEqual(outputs.map((t) => t.shape), [[null, 3, 4, 4, 2], [null, 4, 4, 2], [null, 4, 4, 2]]);
    assert.deepEqual(outputs.map((t) => t.outputIndex), [0, 1, 2]);
    const model = kerasModel({ inputs: input, outputs });
    const predicted = model.predict<Tensor[]>(x);
    predicted.forEach((t, i) => assert.deepEqual(t.dataSync(), [y, h, c][i].dataSync(), `model output ${i}`));

    const [y2, h2, c2] = layerConvLstm2d(x, { filters: 2, kernelSize: 3, returnState: true });
    assert.deepEqual([y2.shape, h2.shape, c2.shape], [[1, 2, 2, 2], [1, 2, 2, 2], [1, 2, 2, 2]]);
    const symbolic = layerConvLstm2d(layerInput({ shape: [3, 4, 4, 2] }), { filters: 2, kernelSize: 3, returnState: true });
    assert.deepEqual(symbolic.map((t) => t.shape), [[null, 2, 2, 2], [null, 2, 2, 2], [null, 2, 2, 2]]);
    assert.throws(() => layerConvLstm2d(kerasModelSequential({ inputShape: [3, 4, 4, 2] }), { filters: 2, kernelSize: 3, returnState: true }), InvalidArgumentError);
  });

  test('initial states: the final states of one call continue the sequence in the next', () => {
    const layer = new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'same', returnState: true, dtype: 'float64' });
    const x = random([1, 4, 3, 3, 1], 41);
    const [whole] = layer.applyWithState(x);
    const [, h, c] = layer.applyWithState(ops.slice(x, [0, 0, 0, 0, 0], [1, 2, 3, 3, 1]));
    const [second] = layer.applyWithState(ops.slice(x, [0, 2, 0, 0, 0], [1, 2, 3, 3, 1]), { initialState: [h, c] });
    assert.deepEqual(second.dataSync(), whole.dataSync());
    assert.throws(() => layer.applyWithState(x, { initialState: [h] }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'initialState');
  });

  test('goBackwards reads the sequence from its end', () => {
    const forward = new ConvLSTM1D({ filters: 2, kernelSize: 3, padding: 'same', dtype: 'float64' });
    const backward = new ConvLSTM1D({ filters: 2, kernelSize: 3, padding: 'same', goBackwards: true, dtype: 'float64' });
    const x = random([2, 4, 5, 2], 51);
    forward.apply(x);
    backward.apply(x);
    backward.setWeights(forward.getWeights());
    const reversed = ops.concat([3, 2, 1, 0].map((t) => ops.slice(x, [0, t, 0, 0], [2, 1, 5, 2])), 1);
    assert.deepEqual(backward.apply(x).dataSync(), forward.apply(reversed).dataSync());
  });

  test('masks: all-valid equals no mask; a masked last step keeps the previous states; computeMask passes it through with returnSequences', () => {
    const layer = new ConvLSTM2D({ filters: 2, kernelSize: 3, padding: 'same', returnSequences: true, dtype: 'float64' });
    const x = random([2, 3, 3, 3, 1], 61);
    const y = layer.apply(x);
    assert.deepEqual(layer.apply(x, { mask: tensor([1, 1, 1, 1, 1, 1], [2, 3]) }).dataSync(), y.dataSync());
    const masked = layer.apply(x, { mask: tensor([1, 1, 0, 1, 1, 0], [2, 3]) });
    const step = (t: Tensor, i: number) => ops.slice(t, [0, i, 0, 0, 0], [2, 1, 3, 3, 2]).dataSync();
    assert.deepEqual(step(masked, 2), step(y, 1), 'the masked step repeats the previous output');
    const mask = tensor([1, 0, 1], [1, 3]);
    assert.equal(layer.computeMask(x, mask), mask);
    assert.equal(new ConvLSTM2D({ filters: 2, kernelSize: 3 }).computeMask(x, mask), null);
    assert.throws(() => layer.apply(x, { mask: tensor([1, 1], [1, 2]) }), (e: unknown) => e instanceof ShapeError && /mask must have shape \[batch, time\] = \[2, 3\]/.test(e.message));
  });
});

describe('ConvLSTM argument and input errors', () => {
  test('unknown option keys are refused with a suggestion; rates and ranks are checked', () => {
    assert.throws(() => new ConvLSTM2D({ filters: 2, kernelSize: 3, returnSequence: true } as never), /did you mean 'returnSequences'/);
    assert.throws(() => new ConvLSTM2D({ filters: 2, kernelSize: 3, recurrent_dropout: 0.1 } as never), /use camelCase: 'recurrentDropout'/);
    assert.throws(() => new ConvLSTM2D({ filters: 2, kernelSize: 3, dropout: 1.5 }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'dropout');
    const layer = new ConvLSTM2D({ name: 'c', filters: 2, kernelSize: 3 });
    assert.throws(() => layer.apply(zeros([1, 5, 5, 1])), (e: unknown) => e instanceof ShapeError && /'c'.*expected rank 5/.test(e.message));
    assert.throws(() => layer.apply(layerInput({ batchShape: [null, 3, null, 5, 1] })), (e: unknown) => e instanceof ShapeError && /static input shapes/.test(e.message));
    assert.throws(() => layer.apply(zeros([1, 2, 2, 2, 1])), (e: unknown) => e instanceof ShapeError && /too small/.test(e.message));
  });
});
