// Training a model of two outputs as a Keras user does: per-output losses, lossWeights and metrics given
// as arrays and by output name, Keras's log names (history keys, evaluate/trainOnBatch order), x and y as
// arrays and as dicts, sample weights shared and per output, and class weights. Loss values are checked
// against the model's own predictions put through the losses by hand in float64.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { clearSession, Concatenate, Dense, InvalidArgumentError, kerasModel, layerInput, optimizers, setRandomSeed, tensor } from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import { assertAllClose, mulberry32, randomArray } from '../../helpers/close.js';

beforeEach(() => {
  clearSession();
  setRandomSeed(7);
});

const N = 6;
const EPS = 1e-7;

/** a [4], b [3] → hidden → head_x [2] (linear), head_y [1] (sigmoid); outputs as a list or a dict {x, y}. */
function build(kind: 'list' | 'dict') {
  const a = layerInput({ shape: [4], name: 'a' });
  const b = layerInput({ shape: [3], name: 'b' });
  const h = new Dense({ units: 5, activation: 'tanh', name: 'hidden' }).apply(new Concatenate().apply([a, b]));
  const x = new Dense({ units: 2, name: 'head_x' }).apply(h);
  const y = new Dense({ units: 1, activation: 'sigmoid', name: 'head_y' }).apply(h);
  return kind === 'list' ? kerasModel({ inputs: [a, b], outputs: [x, y] }) : kerasModel({ inputs: { a, b }, outputs: { x, y } });
}

function data(seed = 3) {
  const rng = mulberry32(seed);
  const a = tensor(randomArray(N * 4, rng), [N, 4]);
  const b = tensor(randomArray(N * 3, rng), [N, 3]);
  const tx = randomArray(N * 2, rng);
  const ty = Float64Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 1 : 0));
  return { a, b, tx, ty, yx: tensor(tx, [N, 2]), yy: tensor(ty, [N, 1]) };
}

/** Per-sample losses in float64: mse over the last axis, Keras's binary crossentropy on clipped probabilities. */
function mseRows(pred: ArrayLike<number>, target: ArrayLike<number>, width: number): number[] {
  return Array.from({ length: N }, (_, i) => {
    let s = 0;
    for (let j = 0; j < width; j++) s += (pred[i * width + j] - target[i * width + j]) ** 2;
    return s / width;
  });
}
function bceRows(pred: ArrayLike<number>, target: ArrayLike<number>): number[] {
  return Array.from({ length: N }, (_, i) => {
    const p = Math.min(Math.max(pred[i], EPS), 1 - EPS);
    return -(target[i] * Math.log(p) + (1 - target[i]) * Math.log(1 - p));
  });
}
/** Keras's sum_over_batch_size: sum of weighted per-sample losses over the number of samples. */
function reduce(rows: number[], weights?: ArrayLike<number>): number {
  return rows.reduce((s, l, i) => s + l * (weights ? weights[i] : 1), 0) / rows.length;
}

function predictions(model: ReturnType<typeof build>, a: Tensor, b: Tensor): { px: Float32Array; py: Float32Array } {
  const out = model.predict<Tensor[] | Record<string, Tensor>>([a, b]);
  const [x, y] = Array.isArray(out) ? out : [out.x, out.y];
  return { px: x.dataSync() as Float32Array, py: y.dataSync() as Float32Array };
}

const TOL = { rtol: 1e-5, atol: 1e-6 };

describe('per-output losses, lossWeights and metrics', () => {
  for (const kind of ['list', 'dict'] as const) {
    for (const spec of ['array', 'by name'] as const) {
      test(`${kind} outputs, compile arguments ${spec}: testOnBatch gives [loss, x_loss, y_loss, metrics...] as computed by hand`, () => {
        const model = build(kind);
        const [kx, ky] = model.outputKeys;
        assert.deepEqual(model.outputKeys, kind === 'dict' ? ['x', 'y'] : ['head_x', 'head_y']);
        model.compile({
          optimizer: optimizers.sgd({ learningRate: 0.1 }),
          loss: spec === 'array' ? ['mse', 'binary_crossentropy'] : { [kx]: 'mse', [ky]: 'binary_crossentropy' },
          lossWeights: spec === 'array' ? [0.5, 2] : { [kx]: 0.5, [ky]: 2 },
          metrics: spec === 'array' ? [['mae'], ['accuracy', 'mse']] : { [kx]: ['mae'], [ky]: ['accuracy', 'mse'] },
        });
        const { a, b, tx, ty, yx, yy } = data();
        const { px, py } = predictions(model, a, b);
        const xLoss = reduce(mseRows(px, tx, 2));
        const yLoss = reduce(bceRows(py, ty));
        let mae = 0;
        for (let i = 0; i < N * 2; i++) mae += Math.abs(px[i] - tx[i]) / (N * 2);
        const accuracy = ty.reduce((s, t, i) => s + ((py[i] > 0.5 ? 1 : 0) === t ? 1 : 0), 0) / N;
        const yMse = reduce(mseRows(py, ty, 1));
        const got = model.testOnBatch([a, b], [yx, yy]) as number[];
        assertAllClose(got, [0.5 * xLoss + 2 * yLoss, xLoss, yLoss, mae, accuracy, yMse], TOL);
        // The same through evaluate, and through dicts of x and y.
        assertAllClose(model.evaluate({ a, b }, { [kx]: yx, [ky]: yy }, { verbose: 0 }) as number[], got, { rtol: 1e-6, atol: 0 });
      });
    }
  }

  test("fit's history has Keras's keys: loss, each output's loss and metrics prefixed by its key, val_ of each", () => {
    const model = build('dict');
    model.compile({ optimizer: 'sgd', loss: { x: 'mse', y: 'binary_crossentropy' }, lossWeights: { x: 0.5, y: 2 }, metrics: { x: ['mae'], y: ['accuracy', 'mse'] } });
    const { a, b, yx, yy } = data();
    const history = model.fit({ a, b }, { x: yx, y: yy }, { epochs: 2, verbose: 0, validationSplit: 0.5 });
    // Keras 3.15 gives exactly these keys for this model (measured; it lists them sorted).
    const keys = ['loss', 'val_loss', 'val_x_loss', 'val_x_mae', 'val_y_accuracy', 'val_y_loss', 'val_y_mse', 'x_loss', 'x_mae', 'y_accuracy', 'y_loss', 'y_mse'];
    assert.deepEqual(Object.keys(history.history).sort(), keys);
    for (const k of keys) assert.equal(history.history[k].length, 2, k);
  });

  test('list outputs log under the output layers\' names; one loss for all outputs still logs each', () => {
    const model = build('list');
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: [['mae'], ['mse']] });
    const { a, b, yx, yy } = data();
    const history = model.fit([a, b], [yx, yy], { epochs: 1, verbose: 0 });
    // Keras 3.15: ['head_x_loss', 'head_x_mae', 'head_y_loss', 'head_y_mse', 'loss'].
    assert.deepEqual(Object.keys(history.history).sort(), ['head_x_loss', 'head_x_mae', 'head_y_loss', 'head_y_mse', 'loss']);
  });

  test('a null loss leaves an output out of the total; with one loss left, Keras logs no per-output loss', () => {
    const model = build('list');
    model.compile({ optimizer: 'sgd', loss: ['mse', null] });
    const { a, b, tx, yx, yy } = data();
    const { px } = predictions(model, a, b);
    const loss = model.testOnBatch([a, b], [yx, yy]);
    assertAllClose([loss as number], [reduce(mseRows(px, tx, 2))], TOL);
    // Keras 3.15: fit's history is ['loss'] only (CompileLoss adds per-output trackers for more than one loss).
    assert.deepEqual(Object.keys(model.fit([a, b], [yx, yy], { epochs: 1, verbose: 0 }).history), ['loss']);
  });

  test('a loss or weight keyed by an unknown output, or an array of the wrong length, is refused at compile', () => {
    const model = build('dict');
    assert.throws(() => model.compile({ loss: { x: 'mse', z: 'mse' } }), (e: unknown) => e instanceof InvalidArgumentError && /unknown: z/.test(e.message));
    assert.throws(() => model.compile({ loss: ['mse'] }), /one entry per output \(the model has 2: 'x', 'y'\)/);
    assert.throws(() => model.compile({ loss: 'mse', lossWeights: { y: 2, w: 1 } }), /unknown: w/);
  });
});

describe('data as arrays and as dicts', () => {
  test('fit, trainOnBatch and testOnBatch move and score the model identically for arrays and dicts', () => {
    const run = (useDict: boolean) => {
      clearSession();
      setRandomSeed(7);
      const model = build('dict');
      model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: { x: 'mse', y: 'binary_crossentropy' } });
      const { a, b, yx, yy } = data();
      const x = useDict ? { a, b } : [a, b];
      const y = useDict ? { x: yx, y: yy } : [yx, yy];
      const before = model.testOnBatch(x, y) as number[];
      const step = model.trainOnBatch(x, y) as number[];
      const history = model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, shuffle: false });
      return { before, step, history: history.history, weights: model.getWeights().map((w) => [...w.dataSync()]) };
    };
    const arrays = run(false);
    const dicts = run(true);
    assert.deepEqual(dicts, arrays);
    // trainOnBatch reports the loss of the prediction made before its update, which testOnBatch saw too.
    assertAllClose(arrays.step, arrays.before, { rtol: 1e-6, atol: 0 });
    assert.ok(arrays.history.loss[1] < arrays.before[0], 'training lowers the loss');
  });

  test('a dataset of [x, y, sampleWeight] dicts trains and evaluates as the same data in memory', async () => {
    const run = async (fromDataset: boolean) => {
      clearSession();
      setRandomSeed(7);
      const model = build('dict');
      model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: { x: 'mse', y: 'binary_crossentropy' } });
      const { a, b, yx, yy } = data();
      const sw = { x: tensor([1, 0, 2, 1, 1, 3], [N]), y: tensor([1, 1, 1, 0, 0, 1], [N]) };
      if (!fromDataset) {
        const history = model.fit({ a, b }, { x: yx, y: yy }, { epochs: 1, batchSize: N, verbose: 0, shuffle: false, sampleWeight: sw as never });
        return { history: history.history, score: model.evaluate({ a, b }, { x: yx, y: yy }, { verbose: 0, sampleWeight: sw as never }) };
      }
      const dataset = { *[Symbol.iterator]() { yield [{ a, b }, { x: yx, y: yy }, sw]; } };
      const history = await model.fit(dataset as never, { epochs: 1, verbose: 0 });
      return { history: history.history, score: await model.evaluate(dataset as never, { verbose: 0 }) };
    };
    const memory = await run(false);
    const dataset = await run(true);
    assert.deepEqual(Object.keys(dataset.history).sort(), ['loss', 'x_loss', 'y_loss']);
    assert.deepEqual(dataset, memory);
  });

  test('x or y by name with a missing or unknown key is refused, naming the keys', () => {
    const model = build('dict');
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const { a, b, yx, yy } = data();
    assert.throws(() => model.trainOnBatch({ a }, [yx, yy]), /missing 'b'/);
    assert.throws(() => model.trainOnBatch([a, b], { x: yx, z: yy }), /missing 'y'; unknown 'z'/);
    assert.throws(() => model.trainOnBatch([a, b], [yx]), /one array or tensor per output \(the model has 2: 'x', 'y'\)/);
  });
});

describe('sample and class weights', () => {
  const w = [1, 0, 2, 0.5, 3, 1];
  for (const form of ['shared', 'per output (array)', 'per output (dict)', 'one output only'] as const) {
    test(`sampleWeight ${form} weighs each output's per-sample losses, over the number of samples`, () => {
      const model = build('dict');
      model.compile({ optimizer: 'sgd', loss: { x: 'mse', y: 'binary_crossentropy' }, lossWeights: { x: 1, y: 0.25 } });
      const { a, b, tx, ty, yx, yy } = data();
      const { px, py } = predictions(model, a, b);
      const wy = w.map((v) => v * 2);
      const sw = tensor(w, [N]);
      const sampleWeight =
        form === 'shared' ? sw : form === 'per output (array)' ? [sw, tensor(wy, [N])] : form === 'per output (dict)' ? { x: sw, y: tensor(wy, [N]) } : { x: sw };
      const expectedY = form === 'shared' ? w : form === 'one output only' ? undefined : wy;
      const xLoss = reduce(mseRows(px, tx, 2), w);
      const yLoss = reduce(bceRows(py, ty), expectedY);
      const got = model.testOnBatch({ a, b }, { x: yx, y: yy }, { sampleWeight: sampleWeight as never }) as number[];
      assertAllClose(got, [xLoss + 0.25 * yLoss, xLoss, yLoss], TOL);
      assertAllClose(model.evaluate({ a, b }, { x: yx, y: yy }, { sampleWeight: sampleWeight as never, verbose: 0, batchSize: 4 }) as number[], got, { rtol: 1e-5, atol: 0 });
    });
  }

  test('classWeight weighs each sample by its label, as the same sampleWeight does; refused for several outputs', () => {
    const a = layerInput({ shape: [4] });
    const single = kerasModel({ inputs: a, outputs: new Dense({ units: 1, activation: 'sigmoid' }).apply(a) });
    single.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
    const { a: xa, ty, yy } = data();
    const py = single.predict(xa).dataSync();
    const weights = Array.from(ty, (t) => (t === 1 ? 3 : 0.5));
    const expected = reduce(bceRows(py, ty), weights);
    const viaClass = single.trainOnBatch(xa, yy, { classWeight: { 0: 0.5, 1: 3 } }) as number;
    assertAllClose([viaClass], [expected], TOL);
    const model = build('list');
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const { b, yx } = data();
    assert.throws(() => model.trainOnBatch([xa, b], [yx, yy], { classWeight: { 0: 1, 1: 2 } }), /only supported for models with a single output/);
  });
});
