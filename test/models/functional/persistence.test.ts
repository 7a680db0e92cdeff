// Saving and exporting models of several inputs and outputs with nested models and a shared layer:
// the .keras round trip (same predictions, same config, same names and structure, compile restored), the
// .weights.h5 round trip into a model built again, and ONNX export run in onnxruntime-node against predict.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, beforeEach, describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import {
  BatchNormalization,
  clearSession,
  Concatenate,
  Dense,
  Dropout,
  ioReady,
  kerasModel,
  kerasModelSequential,
  layerInput,
  loadModelSync,
  modelToOnnxBytes,
  optimizers,
  saveModelSync,
  saveWeightsSync,
  setRandomSeed,
  tensor,
} from '../../../src/index.js';
import type { Model, SymbolicTensor, Tensor } from '../../../src/index.js';
import { assertAllClose, mulberry32, randomArray } from '../../helpers/close.js';
import { tempDir } from '../../helpers/temp-dir.js';

before(async () => {
  await ioReady();
});
beforeEach(() => {
  clearSession();
  setRandomSeed(11);
});

/**
 * a [4], b [3]; a nested Functional of two outputs on (a, b); a shared Dense on both of its outputs' sums;
 * a nested Sequential with BatchNormalization; a Dropout recorded with training=false; outputs {x, y}.
 */
function build(): Model {
  const ia = layerInput({ shape: [4], name: 'ia' });
  const ib = layerInput({ shape: [3], name: 'ib' });
  const inner = kerasModel({
    inputs: [ia, ib],
    outputs: [new Dense({ units: 5, activation: 'relu', name: 'inner_p' }).apply(ia), new Dense({ units: 5, name: 'inner_q' }).apply(ib)],
    name: 'inner',
  });
  const seq = kerasModelSequential({ inputShape: [5], name: 'seq' });
  seq.add(new BatchNormalization({ name: 'seq_bn' }));
  seq.add(new Dense({ units: 2, name: 'seq_dense' }));
  const a = layerInput({ shape: [4], name: 'a' });
  const b = layerInput({ shape: [3], name: 'b' });
  const [p, q] = inner.applyAll([a, b]) as SymbolicTensor[];
  const shared = new Dense({ units: 5, activation: 'tanh', name: 'shared' });
  const sp = shared.apply(p);
  const sq = shared.apply(q);
  const x = seq.apply(new Dropout({ rate: 0.3, name: 'drop' }).apply(sp, { training: false }));
  const y = new Dense({ units: 1, activation: 'sigmoid', name: 'y_head' }).apply(new Concatenate({ name: 'cat' }).apply([sp, sq]));
  return kerasModel({ inputs: { a, b }, outputs: { x, y }, name: 'multi_io' });
}

function data(n: number, seed: number) {
  const rng = mulberry32(seed);
  return {
    a: tensor(Float32Array.from(randomArray(n * 4, rng)), [n, 4]),
    b: tensor(Float32Array.from(randomArray(n * 3, rng)), [n, 3]),
    x: tensor(Float32Array.from(randomArray(n * 2, rng)), [n, 2]),
    y: tensor(Float32Array.from({ length: n }, (_, i) => i % 2), [n, 1]),
  };
}

function trained(): Model {
  const model = build();
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: { x: 'mse', y: 'binary_crossentropy' }, lossWeights: { x: 1, y: 0.5 }, metrics: { y: ['accuracy'] } });
  const d = data(16, 1);
  model.fit({ a: d.a, b: d.b }, { x: d.x, y: d.y }, { epochs: 2, batchSize: 8, verbose: 0 });
  return model;
}

function predictDict(model: Model, a: Tensor, b: Tensor): Record<string, Float32Array> {
  const out = model.predict<Record<string, Tensor>>({ a, b });
  assert.deepEqual(Object.keys(out), ['x', 'y']);
  return { x: out.x.dataSync() as Float32Array, y: out.y.dataSync() as Float32Array };
}

describe('.keras round trip of a multi-input, multi-output model with nested models', () => {
  test('same predictions, config, names, structure and compiled losses', (t) => {
    const model = trained();
    const file = path.join(tempDir('depthwise-functional-', t), 'm.keras');
    saveModelSync(model, file);
    const loaded = loadModelSync(file);
    assert.deepEqual(loaded.getConfig(), model.getConfig());
    assert.deepEqual(
      loaded.layers.map((l) => `${l.name}:${l.className}`),
      model.layers.map((l) => `${l.name}:${l.className}`),
    );
    assert.deepEqual(loaded.inputNames, ['a', 'b']);
    assert.deepEqual(loaded.outputKeys, ['x', 'y']);
    const { a, b, x, y } = data(10, 2);
    const expected = predictDict(model, a, b);
    const got = predictDict(loaded, a, b);
    assertAllClose(got.x, expected.x, { rtol: 0, atol: 0 });
    assertAllClose(got.y, expected.y, { rtol: 0, atol: 0 });
    // The BatchNormalization's moving statistics (non-trainable) came back too.
    assert.deepEqual(
      loaded.nonTrainableWeights.map((w) => [...w.dataSync()]),
      model.nonTrainableWeights.map((w) => [...w.dataSync()]),
    );
    // Compiled per-output losses, weights and metrics are restored: evaluation agrees.
    assertAllClose(loaded.evaluate({ a, b }, { x, y }, { verbose: 0 }) as number[], model.evaluate({ a, b }, { x, y }, { verbose: 0 }) as number[], { rtol: 1e-6, atol: 0 });
  });

  test('the recorded training flag and the shared layer survive the round trip', () => {
    const model = build();
    const loaded = loadModelSync(saveModelSync(model));
    const drop = loaded.getLayer('drop');
    assert.equal(drop.calls[0].training, false);
    assert.equal(loaded.getLayer('shared').calls.length, 2);
    assert.equal(loaded.weights.length, model.weights.length);
  });
});

test('trainable flags come back per layer: a frozen outer model does not refreeze a nested model unfrozen again (Keras 3.15, measured)', () => {
  const i = layerInput({ shape: [4] });
  const inner = kerasModel({ inputs: i, outputs: new Dense({ units: 3, name: 'inner_dense' }).apply(i), name: 'inner' });
  const o = layerInput({ shape: [4] });
  const outer = kerasModel({ inputs: o, outputs: new Dense({ units: 1, name: 'top' }).apply(inner.apply(o)) });
  outer.trainable = false;
  inner.trainable = true;
  const loaded = loadModelSync(saveModelSync(outer));
  const flags = (m: Model) => [m.trainable, m.getLayer('inner').trainable, (m.getLayer('inner') as Model).getLayer('inner_dense').trainable, m.getLayer('top').trainable];
  // Keras 3.15 after load_model: False True True False, 0 trainable and 4 non-trainable weights.
  assert.deepEqual(flags(loaded), [false, true, true, false]);
  assert.deepEqual(flags(loaded), flags(outer));
  assert.equal(loaded.trainableWeights.length, 0);
  assert.equal(loaded.nonTrainableWeights.length, 4);
});

test('a nested model of dict outputs written out of key order is rewired by its flat order on load', () => {
  const i = layerInput({ shape: [3], name: 'inner_in' });
  const inner = kerasModel({ inputs: i, outputs: { q: new Dense({ units: 2, name: 'dq' }).apply(i), p: new Dense({ units: 4, name: 'dp' }).apply(i) }, name: 'dict_inner' });
  const z = layerInput({ shape: [3], name: 'z' });
  const out = inner.applyAll(z) as unknown as Record<string, SymbolicTensor>;
  const model = kerasModel({ inputs: z, outputs: new Concatenate().apply([out.q, out.p]) });
  const loaded = loadModelSync(saveModelSync(model));
  const x = tensor(Float32Array.from([1, 2, 3, -1, 0.5, 2]), [2, 3]);
  assertAllClose(loaded.predict(x).dataSync(), model.predict(x).dataSync(), { rtol: 0, atol: 0 });
  assert.deepEqual(loaded.getConfig(), model.getConfig());
});

test('.weights.h5 round trip into the same architecture built again', (t) => {
  const model = trained();
  const file = path.join(tempDir('depthwise-functional-', t), 'm.weights.h5');
  saveWeightsSync(model, file);
  const { a, b } = data(7, 3);
  const expected = predictDict(model, a, b);
  clearSession();
  const fresh = build();
  const before = predictDict(fresh, a, b);
  assert.notDeepEqual([...before.x], [...expected.x]);
  return fresh.loadWeights(file).then(() => {
    const got = predictDict(fresh, a, b);
    assertAllClose(got.x, expected.x, { rtol: 0, atol: 0 });
    assertAllClose(got.y, expected.y, { rtol: 0, atol: 0 });
  });
});

describe('ONNX export of several inputs and outputs', () => {
  async function runOnnx(model: Model, feeds: Record<string, Tensor>): Promise<Record<string, ort.Tensor>> {
    const session = await ort.InferenceSession.create(modelToOnnxBytes(model));
    assert.deepEqual([...session.inputNames], model.inputNames);
    return session.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', v.dataSync() as Float32Array, v.shape)])));
  }

  test('a trained 2-in/2-out model with nested models and a shared layer gives what predict gives', async () => {
    const model = trained();
    const { a, b } = data(5, 4);
    const result = await runOnnx(model, { a, b });
    const expected = model.predict<Record<string, Tensor>>({ a, b });
    assert.deepEqual(Object.keys(result), model.outputNames);
    const [nx, ny] = model.outputNames;
    assert.deepEqual([...result[nx].dims], expected.x.shape);
    assertAllClose(result[nx].data as Float32Array, expected.x.dataSync(), { rtol: 1e-5, atol: 1e-6 });
    assertAllClose(result[ny].data as Float32Array, expected.y.dataSync(), { rtol: 1e-5, atol: 1e-6 });
  });

  test('a model whose two outputs come from one nested model gets two distinct output names', async () => {
    const u = layerInput({ shape: [3], name: 'u' });
    const inner = kerasModel({ inputs: u, outputs: [new Dense({ units: 2 }).apply(u), new Dense({ units: 4 }).apply(u)], name: 'two_heads' });
    const input = layerInput({ shape: [3], name: 'in' });
    const [o1, o2] = inner.applyAll(input) as SymbolicTensor[];
    const other = layerInput({ shape: [1], name: 'other' });
    const model = kerasModel({ inputs: [input, other], outputs: [o1, o2] });
    const x = tensor(Float32Array.from(randomArray(6, mulberry32(8))), [2, 3]);
    const session = await ort.InferenceSession.create(modelToOnnxBytes(model));
    assert.equal(new Set(session.outputNames).size, 2, `output names ${session.outputNames.join(', ')}`);
    const result = await session.run({ in: new ort.Tensor('float32', x.dataSync() as Float32Array, [2, 3]), other: new ort.Tensor('float32', new Float32Array(2), [2, 1]) });
    const [e1, e2] = model.predict<Tensor[]>([x, tensor([0, 0], [2, 1])]);
    assertAllClose(result[session.outputNames[0]].data as Float32Array, e1.dataSync(), { rtol: 1e-5, atol: 1e-6 });
    assertAllClose(result[session.outputNames[1]].data as Float32Array, e2.dataSync(), { rtol: 1e-5, atol: 1e-6 });
  });
});
