// Functional models of several inputs and outputs, given as arrays or as dicts (Keras's
// `keras.Model(inputs={...}, outputs={...})`): model.inputs/outputs/inputNames/outputNames, calling the
// model on tensors and on placeholders, and predict with arrays and dicts, each checked against the same
// layers called eagerly and against a float64 loop.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { clearSession, Concatenate, Dense, InvalidArgumentError, kerasModel, layerInput, tensor } from '../../../src/index.js';
import type { Functional, SymbolicTensor, Tensor } from '../../../src/index.js';
import { assertAllClose, mulberry32, randomArray } from '../../helpers/close.js';

beforeEach(() => clearSession());

const TOL = { rtol: 1e-5, atol: 1e-6 };

/** a [4] and b [3] → concat → hidden (relu) → x [2], y [1]; the layers, to call them eagerly. */
function twoByTwo(kind: 'list' | 'dict') {
  const a = layerInput({ shape: [4], name: 'a' });
  const b = layerInput({ shape: [3], name: 'b' });
  const concat = new Concatenate({ name: 'joined' });
  const hidden = new Dense({ units: 5, activation: 'relu', name: 'hidden' });
  const headX = new Dense({ units: 2, name: 'head_x' });
  const headY = new Dense({ units: 1, activation: 'sigmoid', name: 'head_y' });
  const h = hidden.apply(concat.apply([a, b]));
  const x = headX.apply(h);
  const y = headY.apply(h);
  const model = kind === 'list' ? kerasModel({ inputs: [a, b], outputs: [x, y] }) : kerasModel({ inputs: { a, b }, outputs: { x, y } });
  return { model, concat, hidden, headX, headY };
}

function data(n: number, seed: number): { a: Tensor; b: Tensor; a64: Float64Array; b64: Float64Array } {
  const rng = mulberry32(seed);
  const a64 = randomArray(n * 4, rng);
  const b64 = randomArray(n * 3, rng);
  return { a: tensor(a64, [n, 4]), b: tensor(b64, [n, 3]), a64, b64 };
}

/** Dense by hand in float64: out[i, j] = act(sum_k in[i, k] kernel[k, j] + bias[j]). */
function dense64(input: ArrayLike<number>, n: number, layer: Dense, act: (v: number) => number = (v) => v): Float64Array {
  const [kernel, bias] = layer.getWeights();
  const [fanIn, units] = kernel.shape;
  const k = kernel.dataSync();
  const bv = bias.dataSync();
  const out = new Float64Array(n * units);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < units; j++) {
      let s = bv[j];
      for (let c = 0; c < fanIn; c++) s += input[i * fanIn + c] * k[c * units + j];
      out[i * units + j] = act(s);
    }
  }
  return out;
}

describe('a 2-input, 2-output model', () => {
  for (const kind of ['list', 'dict'] as const) {
    test(`(${kind}) exposes its inputs, outputs and their names as Keras does`, () => {
      const { model } = twoByTwo(kind);
      assert.deepEqual(
        model.inputs.map((t) => t.shape),
        [
          [null, 4],
          [null, 3],
        ],
      );
      assert.deepEqual(model.inputNames, ['a', 'b']);
      assert.deepEqual(model.outputNames, ['head_x', 'head_y']);
      // Logs and per-output arguments use the dict's keys, else the output layers' names.
      assert.deepEqual(model.outputKeys, kind === 'dict' ? ['x', 'y'] : ['head_x', 'head_y']);
      assert.deepEqual(
        model.layers.map((l) => l.name),
        ['a', 'b', 'joined', 'hidden', 'head_x', 'head_y'],
      );
      if (kind === 'dict') {
        const input = model.input as unknown as Record<string, SymbolicTensor>;
        assert.deepEqual(Object.keys(input), ['a', 'b']);
        assert.equal(input.a, model.inputs[0]);
        const output = model.output as unknown as Record<string, SymbolicTensor>;
        assert.deepEqual(Object.keys(output), ['x', 'y']);
        assert.equal(output.y, model.outputs[1]);
      } else {
        assert.deepEqual(model.input, model.inputs);
        assert.deepEqual(model.output, model.outputs);
      }
    });

    test(`(${kind}) predict equals the layers called eagerly and a float64 loop`, () => {
      const { model, concat, hidden, headX, headY } = twoByTwo(kind);
      const n = 37;
      const { a, b, a64, b64 } = data(n, 11);
      // batchSize 8 splits the 37 samples into 5 batches that must be put back in order.
      const byArray = model.predict<Tensor[] | Record<string, Tensor>>([a, b], { batchSize: 8 });
      const byDict = model.predict<Tensor[] | Record<string, Tensor>>({ a, b }, { batchSize: 8 });
      const [px, py] = kind === 'dict' ? [(byArray as Record<string, Tensor>).x, (byArray as Record<string, Tensor>).y] : (byArray as Tensor[]);
      const [dx, dy] = kind === 'dict' ? [(byDict as Record<string, Tensor>).x, (byDict as Record<string, Tensor>).y] : (byDict as Tensor[]);
      assert.equal(Array.isArray(byArray), kind === 'list');
      const h = hidden.apply(concat.apply([a, b]));
      assertAllClose(px.dataSync(), headX.apply(h).dataSync(), { rtol: 0, atol: 0 });
      assertAllClose(py.dataSync(), headY.apply(h).dataSync(), { rtol: 0, atol: 0 });
      assertAllClose(dx.dataSync(), px.dataSync(), { rtol: 0, atol: 0 });
      assertAllClose(dy.dataSync(), py.dataSync(), { rtol: 0, atol: 0 });
      const joined = new Float64Array(n * 7);
      for (let i = 0; i < n; i++) {
        joined.set(a64.subarray(i * 4, i * 4 + 4), i * 7);
        joined.set(b64.subarray(i * 3, i * 3 + 3), i * 7 + 4);
      }
      const h64 = dense64(joined, n, hidden, (v) => Math.max(0, v));
      assertAllClose(px.dataSync(), dense64(h64, n, headX), TOL);
      assertAllClose(py.dataSync(), dense64(h64, n, headY, (v) => 1 / (1 + Math.exp(-v))), TOL);
    });

    test(`(${kind}) called on tensors, as an array or by input name, it gives its outputs in its structure`, () => {
      const { model } = twoByTwo(kind);
      const { a, b } = data(3, 2);
      const viaArray = model.applyAll([a, b]);
      const viaDict = model.applyAll({ a, b } as never);
      const expected = model.predict<Tensor[] | Record<string, Tensor>>([a, b]);
      for (const result of [viaArray, viaDict]) {
        if (kind === 'dict') {
          assert.deepEqual(Object.keys(result as object), ['x', 'y']);
          const r = result as unknown as Record<string, Tensor>;
          const e = expected as Record<string, Tensor>;
          assertAllClose(r.x.dataSync(), e.x.dataSync(), { rtol: 0, atol: 0 });
          assertAllClose(r.y.dataSync(), e.y.dataSync(), { rtol: 0, atol: 0 });
        } else {
          const [rx, ry] = result as Tensor[];
          const [ex, ey] = expected as Tensor[];
          assertAllClose(rx.dataSync(), ex.dataSync(), { rtol: 0, atol: 0 });
          assertAllClose(ry.dataSync(), ey.dataSync(), { rtol: 0, atol: 0 });
        }
      }
    });

    test(`(${kind}) called on placeholders, it becomes one layer of a bigger model`, () => {
      const { model } = twoByTwo(kind);
      const p = layerInput({ shape: [4], name: 'p' });
      const q = layerInput({ shape: [3], name: 'q' });
      const result = model.applyAll(kind === 'dict' ? ({ a: p, b: q } as never) : [p, q]);
      const [x, y] = kind === 'dict' ? [(result as unknown as Record<string, SymbolicTensor>).x, (result as unknown as Record<string, SymbolicTensor>).y] : (result as SymbolicTensor[]);
      assert.deepEqual(x.shape, [null, 2]);
      assert.deepEqual(y.shape, [null, 1]);
      assert.equal(x.producer.layer, model);
      assert.deepEqual([x.outputIndex, y.outputIndex], [0, 1]);
      const outer = kerasModel({ inputs: [p, q], outputs: [y, x] });
      const { a, b } = data(4, 3);
      const [oy, ox] = outer.predict<Tensor[]>([a, b]);
      const inner = model.predict<Tensor[] | Record<string, Tensor>>([a, b]);
      const [ix, iy] = kind === 'dict' ? [(inner as Record<string, Tensor>).x, (inner as Record<string, Tensor>).y] : (inner as Tensor[]);
      assertAllClose(ox.dataSync(), ix.dataSync(), { rtol: 0, atol: 0 });
      assertAllClose(oy.dataSync(), iy.dataSync(), { rtol: 0, atol: 0 });
    });
  }

  test('predict refuses a dict with a missing or unknown key, a wrong count, and unequal sample counts', () => {
    const { model } = twoByTwo('list');
    const { a, b } = data(3, 1);
    assert.throws(() => model.predict({ a }), (e: unknown) => e instanceof InvalidArgumentError && /missing b/.test(e.message));
    assert.throws(() => model.predict({ a, b, c: a }), (e: unknown) => e instanceof InvalidArgumentError && /exactly the keys 'a', 'b'/.test(e.message));
    assert.throws(() => model.predict([a]), /2 tensors, as an array in order or an object keyed 'a', 'b'/);
    assert.throws(() => model.predict([a, data(4, 1).b]), /same number of samples/);
  });

  test('one output in a one-entry dict comes back as a dict, in a one-entry list as a tensor (Keras 3.15, measured)', () => {
    const a = layerInput({ shape: [2] });
    const h = new Dense({ units: 1 }).apply(a);
    const x = tensor([1, 2], [1, 2]);
    const byDict = kerasModel({ inputs: { a }, outputs: { only: h } });
    const predicted = byDict.predict<Record<string, Tensor>>(x);
    assert.deepEqual(Object.keys(predicted), ['only']);
    assert.deepEqual(predicted.only.shape, [1, 1]);
    const called = byDict.applyAll(x) as unknown as Record<string, Tensor>;
    assert.deepEqual(Object.keys(called), ['only']);
    // Keras's Functional.call unpacks a list of one (unpack_singleton): predict and an eager call give the tensor.
    const byList = kerasModel({ inputs: [a], outputs: [h] });
    assert.deepEqual(byList.predict(x).shape, [1, 1]);
    const eager = byList.applyAll([x]);
    assert.ok(!Array.isArray(eager), 'an eager call gives the tensor itself');
    assertAllClose((eager as Tensor).dataSync(), predicted.only.dataSync(), { rtol: 0, atol: 0 });
  });
});

describe('dicts are flattened in sorted key order, as Keras 3\'s tree.flatten', () => {
  test('inputs {b, a} and outputs {y, x}: inputs, output names, layers, predict keys and log order follow a, b and x, y (Keras 3.15, measured)', () => {
    const b = layerInput({ shape: [3], name: 'b' });
    const a = layerInput({ shape: [4], name: 'a' });
    const y = new Dense({ units: 1, name: 'y_head' }).apply(b);
    const x = new Dense({ units: 2, name: 'x_head' }).apply(a);
    const model = kerasModel({ inputs: { b, a }, outputs: { y, x } });
    assert.deepEqual(
      model.inputs.map((t) => t.producer.layer.name),
      ['a', 'b'],
    );
    assert.deepEqual(model.outputNames, ['x_head', 'y_head']);
    assert.deepEqual(
      model.layers.map((l) => l.name),
      ['a', 'b', 'x_head', 'y_head'],
    );
    const zerosA = tensor(new Float32Array(8), [2, 4]);
    const zerosB = tensor(new Float32Array(6), [2, 3]);
    assert.deepEqual(Object.keys(model.predict<Record<string, Tensor>>({ b: zerosB, a: zerosA })), ['x', 'y']);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    // Zero inputs give the zero biases: x misses its targets of ones by 1, y hits its zeros. Keras: [1, 1, 0].
    const logs = model.trainOnBatch({ b: zerosB, a: zerosA }, { y: tensor([0, 0], [2, 1]), x: tensor([1, 1, 1, 1], [2, 2]) });
    assert.deepEqual(logs, [1, 1, 0]);
    // Keras 3.15: model.input_shape [(None, 4), (None, 3)], output_shape [(None, 2), (None, 1)].
    assert.deepEqual(model.inputShape, [
      [null, 4],
      [null, 3],
    ]);
    assert.deepEqual(model.outputShape, [
      [null, 2],
      [null, 1],
    ]);
    // And a list of one output has the one shape (Keras: (None, 1)).
    assert.deepEqual(kerasModel({ inputs: [a, b], outputs: [y] }).outputShape, [null, 1]);
    // model.input, model.output and calls give dicts in the order written; predict sorted (Keras 3.15).
    assert.deepEqual(Object.keys(model.input), ['b', 'a']);
    assert.deepEqual(Object.keys(model.output), ['y', 'x']);
    assert.deepEqual(Object.keys(model.applyAll({ b: zerosB, a: zerosA } as never)), ['y', 'x']);
    // The config keeps the dicts in the order given, as Keras's: {"b": ..., "a": ...}, {"y": ..., "x": ...}.
    const config = model.getConfig() as { input_layers: object; output_layers: object };
    assert.deepEqual(Object.keys(config.input_layers), ['b', 'a']);
    assert.deepEqual(Object.keys(config.output_layers), ['y', 'x']);
  });
});

describe('graph errors', () => {
  test('an output that depends on an input not given is refused, naming that input', () => {
    const a = layerInput({ shape: [2], name: 'given' });
    const b = layerInput({ shape: [2], name: 'forgotten' });
    const sum = new Concatenate().apply([a, b]);
    assert.throws(
      () => kerasModel({ inputs: a, outputs: sum }),
      (e: unknown) => e instanceof InvalidArgumentError && /disconnected/.test(e.message) && /'forgotten'/.test(e.message),
    );
  });

  test('an input that is not a placeholder, or given twice, is refused', () => {
    const a = layerInput({ shape: [2], name: 'a' });
    const h = new Dense({ units: 2, name: 'mid' }).apply(a);
    assert.throws(() => kerasModel({ inputs: h, outputs: h }), /output of layer 'mid'/);
    assert.throws(() => kerasModel({ inputs: [a, a], outputs: h }), /each input once/);
  });

  test('an unused input is kept (Keras allows it for losses): listed, fed, and ignored by the outputs', () => {
    const used = layerInput({ shape: [2], name: 'used' });
    const unused = layerInput({ shape: [5], name: 'unused' });
    const dense = new Dense({ units: 1, name: 'd' });
    const model: Functional = kerasModel({ inputs: [used, unused], outputs: dense.apply(used) });
    assert.deepEqual(model.inputNames, ['used', 'unused']);
    assert.deepEqual(
      model.layers.map((l) => l.name),
      ['used', 'unused', 'd'],
    );
    const x = tensor([1, 2, 3, 4], [2, 2]);
    const out = model.predict([x, tensor(new Float32Array(10).fill(7), [2, 5])]);
    assertAllClose(out.dataSync(), dense.apply(x).dataSync(), { rtol: 0, atol: 0 });
    // It is still one of the inputs: leaving it out is an error.
    assert.throws(() => model.predict([x]), /2 tensors/);
  });

  test('an empty list of inputs or outputs is refused', () => {
    const a = layerInput({ shape: [2] });
    assert.throws(() => kerasModel({ inputs: [], outputs: a }), InvalidArgumentError);
    assert.throws(() => kerasModel({ inputs: a, outputs: {} }), InvalidArgumentError);
  });
});
