// Sample and class weights, against real Keras 3.15 (test/fixtures/keras/generate_weighting.py): one SGD
// step through fit and trainOnBatch moves the weights as Keras's does, the loss is weighted, `metrics`
// ignore the weights and `weightedMetrics` use them (logged as weighted_<name> on a name clash), and
// evaluate takes sampleWeight.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { InvalidArgumentError, kerasModel, layerDense, layerInput, optimizers, tensor } from '../../src/index.js';
import { assertAllClose } from '../helpers/close.js';
import { loadKerasFixture } from '../helpers/fixtures.js';

interface Case {
  name: string;
  units: number;
  activation: string;
  loss: string;
  y: number[] | number[][];
  metrics: string[];
  weighted_metrics: string[];
  sample_weight: number[] | null;
  class_weight: Record<string, number> | null;
  history: Record<string, number>;
  weights_after_fit: number[][][] | [number[][], number[]];
  train_on_batch: Record<string, number>;
  weights_after_train_on_batch: [number[][], number[]];
  evaluate: Record<string, number> | null;
}

const fixture = loadKerasFixture<{ x: number[][]; kernel: number[][]; bias: number[]; cases: Case[] }>('weighting.json');
const tight = { rtol: 1e-12, atol: 1e-14 };

function build(c: Case) {
  const inputs = layerInput({ shape: [3], dtype: 'float64' });
  const outputs = layerDense(inputs, { units: c.units, activation: c.activation, dtype: 'float64' });
  const model = kerasModel({ inputs, outputs });
  model.layers[1].setWeights([tensor(fixture.kernel.map((row) => row.slice(0, c.units)), undefined, 'float64'), tensor(fixture.bias.slice(0, c.units), undefined, 'float64')]);
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: c.loss, metrics: c.metrics, weightedMetrics: c.weighted_metrics });
  return model;
}

const flat = (w: unknown): number[] => (w as number[][]).flat(2) as number[];

describe('sample and class weights match Keras 3.15', () => {
  const x = tensor(fixture.x, undefined, 'float64');
  for (const c of fixture.cases) {
    const y = tensor(c.y as number[][], undefined, 'float64');
    const weighting = c.sample_weight !== null ? { sampleWeight: tensor(c.sample_weight, undefined, 'float64') } : { classWeight: Object.fromEntries(Object.entries(c.class_weight ?? {}).map(([k, v]) => [Number(k), v])) };

    test(`${c.name}: fit logs and weights after one step`, () => {
      const model = build(c);
      const history = model.fit(x, y, { batchSize: 5, epochs: 1, shuffle: false, verbose: 0, ...weighting });
      assert.deepEqual(Object.keys(history.history).sort(), Object.keys(c.history).sort());
      for (const [k, v] of Object.entries(c.history)) assertAllClose([history.history[k][0] as number], [v], tight, k);
      const [kernel, bias] = model.layers[1].getWeights();
      assertAllClose(kernel.dataSync(), flat(c.weights_after_fit[0]), tight, 'kernel');
      assertAllClose(bias.dataSync(), c.weights_after_fit[1] as number[], tight, 'bias');
    });

    test(`${c.name}: trainOnBatch${c.evaluate ? ' and evaluate' : ''}`, () => {
      const model = build(c);
      const logged = model.trainOnBatch(x, y, weighting);
      assertAllClose(Array.isArray(logged) ? logged : [logged], Object.entries(c.train_on_batch).sort(([a], [b]) => (a === 'loss' ? -1 : b === 'loss' ? 1 : 0)).map(([, v]) => v), tight, 'trainOnBatch');
      const [kernel, bias] = model.layers[1].getWeights();
      assertAllClose(kernel.dataSync(), flat(c.weights_after_train_on_batch[0]), tight, 'kernel');
      assertAllClose(bias.dataSync(), c.weights_after_train_on_batch[1], tight, 'bias');
      if (c.evaluate && c.sample_weight) {
        const fresh = build(c);
        const result = fresh.evaluate(x, y, { batchSize: 5, verbose: 0, sampleWeight: c.sample_weight });
        assertAllClose(result as number[], [c.evaluate.loss, ...c.metrics.map((m) => c.evaluate?.[m] as number), ...c.weighted_metrics.map((m) => c.evaluate?.[`weighted_${m}`] as number)], tight, 'evaluate');
      }
    });
  }

  test('sampleWeight and classWeight together are refused, as Keras refuses them', () => {
    const c = fixture.cases[1];
    const model = build(c);
    assert.throws(
      () => model.fit(x, tensor(c.y as number[], undefined, 'float64'), { sampleWeight: [1, 1, 1, 1, 1], classWeight: { 0: 2 }, verbose: 0 }),
      (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'classWeight',
    );
    assert.throws(() => model.fit(x, tensor(c.y as number[], undefined, 'float64'), { sampleWeight: [1, 1], verbose: 0 }), /`sampleWeight`.*5 samples/);
  });
});
