// A two-input, two-output model around a nested Functional base and a nested Sequential head, against real
// Keras 3.15 (test/fixtures/keras/generate_multi_io.py writes multi_io.json and io/nested_multi_io.keras):
// predictions, intermediate features, the logs and weights after one SGD step for each way of training
// (frozen or trainable base, called with training=False or without a flag, shared and per-output sample
// weights), evaluate, class weights, and the .keras file Keras wrote, loaded and run here.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { before, describe, test } from 'node:test';

import {
  clearSession,
  ioReady,
  kerasModel,
  kerasModelSequential,
  layerBatchNormalization,
  layerConcatenate,
  layerDense,
  layerInput,
  loadModelSync,
  optimizers,
  tensor,
} from '../../src/index.js';
import type { Functional, Layer, Model, SymbolicTensor, Tensor } from '../../src/index.js';
import { assertAllClose } from '../helpers/close.js';
import { loadKerasFixture } from '../helpers/fixtures.js';

interface FitCase {
  name: string;
  training_flag: boolean | null;
  frozen: boolean;
  sample_weight: number[] | number[][] | null;
  history: Record<string, number>;
  weights_after: number[][] | number[][][];
  evaluate: Record<string, number>;
}

interface Fixture {
  inputs: { a: number[][]; b: number[][] };
  targets: { cls: number[]; reg: number[][] };
  class_weight: Record<string, number>;
  layer_names: string[];
  weight_paths: string[];
  initial_weights: (number[] | number[][])[];
  predictions: [number[][], number[][]];
  features_cat: number[][];
  features_base: number[][];
  config: Record<string, unknown>;
  fit: FitCase[];
  class_weight_fit: { history: Record<string, number>; weights_after: (number[] | number[][])[] };
}

const fixture = loadKerasFixture<Fixture>('multi_io.json');
const kerasFile = fileURLToPath(new URL('../fixtures/keras/io/nested_multi_io.keras', import.meta.url));
const tight = { rtol: 1e-10, atol: 1e-12 };
const f64 = { dtype: 'float64' } as const;

const t64 = (values: number[] | number[][]): Tensor => tensor(values, undefined, 'float64');
const flat = (values: unknown): number[] => (Array.isArray(values) ? values.flat(Infinity as 1) : [values]) as number[];

/** Keras's literal weights: every model's weights in order, as the generator set them. */
function setInitialWeights(model: Model): void {
  assert.equal(model.weights.length, fixture.initial_weights.length, 'weight count');
  model.weights.forEach((w, i) => w.assign(t64(fixture.initial_weights[i])));
}

function makeBase(): Functional {
  const inner = layerInput({ shape: [4], name: 'inner_in', ...f64 });
  const h = layerDense(inner, { units: 3, name: 'inner_dense', ...f64 });
  return kerasModel({ inputs: inner, outputs: layerBatchNormalization(h, { name: 'inner_bn', ...f64 }), name: 'base' });
}

interface Built {
  model: Functional;
  inputs: { a: SymbolicTensor; b: SymbolicTensor };
  baseOut: SymbolicTensor;
  catOut: SymbolicTensor;
}

/** The generator's `make_model`, line for line. */
function makeModel(trainingFlag: boolean | null, frozen: boolean): Built {
  const base = makeBase();
  base.trainable = !frozen;
  const a = layerInput({ shape: [4], name: 'a', ...f64 });
  const b = layerInput({ shape: [2], name: 'b', ...f64 });
  const f = (trainingFlag === null ? base.apply(a) : base.apply(a, { training: trainingFlag })) as SymbolicTensor;
  const c = layerConcatenate([f, b], { name: 'cat', ...f64 });
  const cls = layerDense(c, { units: 3, activation: 'softmax', name: 'cls', ...f64 });
  const seqhead = kerasModelSequential({ inputShape: [5], inputDtype: 'float64', name: 'seqhead' });
  layerDense(seqhead, { units: 2, name: 's1', ...f64 });
  const reg = seqhead.apply(c) as SymbolicTensor;
  const model = kerasModel({ inputs: { a, b }, outputs: [cls, reg], name: 'outer' });
  setInitialWeights(model);
  return { model, inputs: { a, b }, baseOut: f, catOut: c };
}

function compileTwo(model: Model): void {
  model.compile({
    optimizer: optimizers.sgd({ learningRate: 0.1 }),
    loss: ['sparse_categorical_crossentropy', 'mse'],
    lossWeights: [1, 0.5],
    metrics: [['accuracy'], ['mae']],
  });
}

const x = () => ({ a: t64(fixture.inputs.a), b: t64(fixture.inputs.b) });
const y = () => [t64(fixture.targets.cls), t64(fixture.targets.reg)];
const count = fixture.inputs.a.length;

function assertWeights(model: Model, expected: readonly unknown[], label: string): void {
  assert.equal(model.weights.length, expected.length, `${label}: weight count`);
  model.weights.forEach((w, i) => assertAllClose(w.dataSync(), flat(expected[i]), tight, `${label}: ${fixture.weight_paths[i]}`));
}

function assertLogs(actual: Record<string, number>, expected: Record<string, number>, label: string): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${label}: log names`);
  for (const [key, value] of Object.entries(expected)) assertAllClose([actual[key]], [value], tight, `${label}: ${key}`);
}

function sampleWeightOf(c: FitCase): Tensor | Tensor[] | undefined {
  if (c.sample_weight === null) return undefined;
  return Array.isArray(c.sample_weight[0]) ? (c.sample_weight as number[][]).map((w) => t64(w)) : t64(c.sample_weight as number[]);
}

describe('a 2-input, 2-output model with nested models, against Keras 3.15', () => {
  before(() => ioReady());

  test("layers in Keras's order and weights in Keras's order", () => {
    const { model } = makeModel(false, true);
    assert.deepEqual(model.layers.map((l: Layer) => l.name), fixture.layer_names);
    assert.deepEqual(model.outputNames, ['cls', 'seqhead']);
    assert.deepEqual(model.inputNames.slice().sort(), ['a', 'b']);
  });

  test('predictions and intermediate features (a concatenation, a nested model’s output)', () => {
    const { model, inputs, baseOut, catOut } = makeModel(false, true);
    const predictions = model.predict<Tensor[]>(x());
    assert.equal(predictions.length, 2);
    predictions.forEach((p, i) => assertAllClose(p.dataSync(), flat(fixture.predictions[i]), tight, `output ${i}`));
    assert.equal(model.getLayer('cat').output, catOut, "getLayer('cat').output is the concatenation's tensor");
    const features = kerasModel({ inputs, outputs: model.getLayer('cat').output as SymbolicTensor });
    assertAllClose((features.predict(x()) as Tensor).dataSync(), flat(fixture.features_cat), tight, 'cat features');
    const baseFeatures = kerasModel({ inputs, outputs: baseOut });
    assertAllClose((baseFeatures.predict(x()) as Tensor).dataSync(), flat(fixture.features_base), tight, 'base features');
  });

  for (const c of fixture.fit) {
    test(`one fit step: ${c.name}`, () => {
      const { model } = makeModel(c.training_flag, c.frozen);
      compileTwo(model);
      const sampleWeight = sampleWeightOf(c);
      const history = model.fit(x(), y(), { batchSize: count, epochs: 1, shuffle: false, verbose: 0, ...(sampleWeight ? { sampleWeight } : {}) });
      const logs = Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, (v as number[])[0]]));
      assertLogs(logs, c.history, `${c.name} history`);
      assertWeights(model, c.weights_after, c.name);

      const fresh = makeModel(c.training_flag, c.frozen).model;
      compileTwo(fresh);
      const evaluated = fresh.evaluate(x(), y(), { batchSize: count, verbose: 0, returnDict: true, ...(sampleWeight ? { sampleWeight } : {}) });
      assertLogs(evaluated as Record<string, number>, c.evaluate, `${c.name} evaluate`);
    });
  }

  test('class weights on a single-output model around the frozen base', () => {
    const base = makeBase();
    base.trainable = false;
    const a = layerInput({ shape: [4], name: 'a', ...f64 });
    const out = layerDense(base.apply(a, { training: false }) as SymbolicTensor, { units: 3, activation: 'softmax', name: 'cls', ...f64 });
    const model = kerasModel({ inputs: a, outputs: out, name: 'single' });
    const initial = [...fixture.initial_weights.slice(0, 6), (fixture.initial_weights[6] as number[][]).slice(0, 3), fixture.initial_weights[7]];
    model.weights.forEach((w, i) => w.assign(t64(initial[i] as number[] | number[][])));
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'], weightedMetrics: ['accuracy'] });
    const classWeight = Object.fromEntries(Object.entries(fixture.class_weight).map(([k, v]) => [Number(k), v]));
    const history = model.fit(t64(fixture.inputs.a), t64(fixture.targets.cls), { batchSize: count, epochs: 1, shuffle: false, verbose: 0, classWeight });
    const logs = Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, (v as number[])[0]]));
    assertLogs(logs, fixture.class_weight_fit.history, 'class weight history');
    assertWeights(model, fixture.class_weight_fit.weights_after, 'class weight');
  });

  test('the .keras file Keras wrote (nested Functional and Sequential) loads and predicts as in Keras', () => {
    const loaded = loadModelSync(kerasFile);
    assert.deepEqual(loaded.layers.map((l) => l.name), fixture.layer_names);
    assert.deepEqual(loaded.layers.map((l) => l.className), ['InputLayer', 'Functional', 'InputLayer', 'Concatenate', 'Dense', 'Sequential']);
    assert.equal(loaded.getLayer('base').trainable, false, "the frozen base's trainable flag");
    loaded.weights.forEach((w, i) => assertAllClose(w.dataSync(), flat(fixture.initial_weights[i]), { rtol: 0, atol: 0 }, fixture.weight_paths[i]));
    const predictions = loaded.predict<Tensor[]>(x());
    predictions.forEach((p, i) => assertAllClose(p.dataSync(), flat(fixture.predictions[i]), tight, `loaded output ${i}`));
  });

  test("our config of the same model is Keras's config, and so is the loaded file's", () => {
    // The generator sets floatx to float64, which Keras writes as the nested Sequential's dtype policy;
    // ours is float32 (the default floatx). Every other field must be equal. The Sequential's InputLayer is
    // named automatically, 'input_layer' in a fresh session as in the generator's.
    clearSession();
    const expected = structuredClone(fixture.config) as { layers: { config: { dtype?: { config: { name: string } } } }[] };
    expected.layers[5].config.dtype = { ...expected.layers[5].config.dtype!, config: { name: 'float32' } };
    assert.deepEqual(makeModel(false, true).model.getConfig(), expected);
    assert.deepEqual(loadModelSync(kerasFile).getConfig(), expected);
  });
});
