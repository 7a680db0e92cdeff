// Dense: the layer contract, a parameterized grid against a naive float64 loop, Keras golden values
// (rank 2, 3 and 4 inputs with gradients), composition, weights, and every argument error.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { clearSession, InvalidArgumentError, kerasModelSequential, layerInput, ShapeError, SymbolicTensor, tensor, zeros } from '../../../src/index.js';
import { valueAndGrads } from '../../../src/ops/autograd.js';
import { Dense, layerDense } from '../../../src/layers/core/index.js';
import { mul, sum } from '../../../src/ops/index.js';
import { assertAllClose, mulberry32, randomArray } from '../../helpers/close.js';
import { loadKerasFixture } from '../../helpers/fixtures.js';
import { runLayerTest } from '../../helpers/layer-test.js';
import { caseName, product } from '../../helpers/product.js';

beforeEach(() => clearSession());

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** y[r, u] = act(sum_i x[r, i] k[i, u] + b[u]) over the flattened leading axes, in float64. */
function naiveDense(x: ArrayLike<number>, rows: number, inDim: number, k: ArrayLike<number>, units: number, b: ArrayLike<number> | null, act: (v: number) => number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let u = 0; u < units; u++) {
      let s = b ? b[u] : 0;
      for (let i = 0; i < inDim; i++) s += x[r * inDim + i] * k[i * units + u];
      out.push(act(s));
    }
  }
  return out;
}

describe('Dense contract', () => {
  for (const c of [
    { inputShape: [3, 4], units: 5, activation: 'tanh', useBias: true },
    { inputShape: [2, 3, 4], units: 2, activation: 'sigmoid', useBias: false },
    { inputShape: [2, 2, 1, 3], units: 1, activation: null, useBias: true },
  ]) {
    test(caseName(c), () => {
      runLayerTest({
        make: (dtype) => new Dense({ units: c.units, activation: c.activation, useBias: c.useBias, biasInitializer: 'random_normal', dtype }),
        fromConfig: (config) => Dense.fromConfig(config),
        inputShape: c.inputShape,
        expectedOutputShape: [...c.inputShape.slice(0, -1), c.units],
        expectedWeightShapes: c.useBias ? [[c.inputShape.at(-1)!, c.units], [c.units]] : [[c.inputShape.at(-1)!, c.units]],
      });
    });
  }
});

describe('Dense forward vs a naive float64 loop', () => {
  const acts = { linear: (v: number) => v, relu: (v: number) => Math.max(v, 0), tanh: Math.tanh } as const;
  for (const c of product({ shape: [[4, 3], [2, 3, 5], [1, 2, 2, 2]], units: [1, 4], activation: ['linear', 'relu', 'tanh'] as const, useBias: [true, false] })) {
    test(caseName(c), () => {
      const rng = mulberry32(size(c.shape) + c.units);
      const layer = new Dense({ units: c.units, activation: c.activation, useBias: c.useBias, dtype: 'float64' });
      const x = tensor(randomArray(size(c.shape), rng), c.shape, 'float64');
      layer.apply(x);
      const inDim = c.shape.at(-1)!;
      const k = randomArray(inDim * c.units, rng);
      const b = randomArray(c.units, rng);
      layer.setWeights(c.useBias ? [tensor(k, [inDim, c.units], 'float64'), tensor(b, [c.units], 'float64')] : [tensor(k, [inDim, c.units], 'float64')]);
      const y = layer.apply(x);
      assert.deepEqual(y.shape, [...c.shape.slice(0, -1), c.units]);
      const expected = naiveDense(x.dataSync(), size(c.shape) / inDim, inDim, k, c.units, c.useBias ? b : null, acts[c.activation]);
      assertAllClose(y.dataSync(), expected, { rtol: 1e-12, atol: 1e-12 });
    });
  }
});

interface DenseCase {
  id: string;
  kwargs: { units: number; activation?: string; use_bias?: boolean };
  input_shape: number[];
  output_shape: number[];
  weights: number[][];
  weight_shapes: number[][];
  x: number[];
  cotangent: number[];
  output: number[];
  grad_x: number[];
  grad_weights: number[][];
}

describe('Dense matches Keras 3.15 (core_layers.json)', () => {
  const fixture = loadKerasFixture<{ dense: DenseCase[] }>('core_layers.json');
  for (const c of fixture.dense) {
    test(c.id, () => {
      const layer = new Dense({ units: c.kwargs.units, activation: c.kwargs.activation, useBias: c.kwargs.use_bias, dtype: 'float64' });
      const x = tensor(c.x, c.input_shape, 'float64');
      layer.apply(x);
      layer.setWeights(c.weights.map((w, i) => tensor(w, c.weight_shapes[i], 'float64')));
      const y = layer.apply(x);
      assert.deepEqual(y.shape, c.output_shape);
      assertAllClose(y.dataSync(), c.output, { rtol: 1e-12, atol: 1e-13 }, 'output');
      const ct = tensor(c.cotangent, c.output_shape, 'float64');
      const { grads } = valueAndGrads(() => sum(mul(layer.apply(x), ct)), [x, ...layer.trainableWeights]);
      assertAllClose(grads[0].dataSync(), c.grad_x, { rtol: 1e-12, atol: 1e-13 }, 'grad x');
      c.grad_weights.forEach((g, i) => assertAllClose(grads[i + 1].dataSync(), g, { rtol: 1e-12, atol: 1e-13 }, `grad weight ${i}`));
    });
  }
});

describe('Dense API', () => {
  test('weights are kernel then bias, named as Keras names them; losses from regularizers', () => {
    const layer = new Dense({ units: 3, kernelRegularizer: 'l2', activityRegularizer: 'l1' });
    layer.apply(zeros([2, 4]));
    assert.deepEqual(layer.weights.map((w) => [w.path, [...w.shape]]), [['dense/kernel', [4, 3]], ['dense/bias', [3]]]);
    assert.equal(layer.countParams(), 15);
    assert.equal(layer.losses.length, 2);
    assert.equal(layer.getConfig().activity_regularizer !== undefined, true);
    assert.equal('activity_regularizer' in new Dense({ units: 1 }).getConfig(), false, 'Keras omits a null activity_regularizer');
  });

  test('initial `weights` are applied at build and checked against the built shapes', () => {
    const layer = new Dense({ units: 2, weights: [tensor([[1, 2], [3, 4]]), tensor([10, 20])] });
    assert.deepEqual(layer.apply(tensor([[1, 1]])).arraySync(), [[14, 26]]);
    assert.throws(() => new Dense({ units: 2, weights: [zeros([3, 2]), zeros([2])] }).apply(zeros([1, 2])), InvalidArgumentError);
  });

  test('composition: Sequential, symbolic tensor, eager tensor', () => {
    const model = kerasModelSequential({ inputShape: [6] });
    assert.equal(layerDense(model, { units: 2 }), model);
    assert.deepEqual(model.outputs[0].shape, [null, 2]);
    const sym = layerDense(layerInput({ shape: [5, 3] }), { units: 4 });
    assert.ok(sym instanceof SymbolicTensor);
    assert.deepEqual(sym.shape, [null, 5, 4]);
    assert.deepEqual(layerDense(zeros([2, 3]), { units: 7 }).shape, [2, 7]);
    assert.ok(layerDense({ units: 1 }) instanceof Dense);
  });

  test('input checks: rank ≥ 2, defined last axis, same last axis after build', () => {
    const layer = new Dense({ units: 2 });
    assert.throws(() => layer.apply(zeros([3])), (e: unknown) => e instanceof ShapeError && /min_ndim=2/.test(e.message));
    layer.apply(zeros([1, 3]));
    assert.throws(() => layer.apply(zeros([1, 4])), (e: unknown) => e instanceof ShapeError && /expected axis -1 of input shape to have value 3/.test(e.message));
    assert.throws(() => new Dense({ units: 2 }).apply(layerInput({ batchShape: [null, null] })), ShapeError);
  });

  test('argument errors name the argument and the value', () => {
    const bad: [Record<string, unknown>, string, string][] = [
      [{ units: 0 }, 'units', '0'],
      [{ units: 1.5 }, 'units', '1.5'],
      [{}, 'units', 'undefined'],
      [{ units: 2, useBias: 'yes' }, 'useBias', '"yes"'],
      [{ units: 2, activation: 'nope' }, 'activation', '"nope"'],
      [{ units: 2, kernelInitializer: 'nope' }, 'kernelInitializer', '"nope"'],
      [{ units: 2, biasRegularizer: 'nope' }, 'biasRegularizer', '"nope"'],
      [{ units: 2, kernelConstraint: 'nope' }, 'kernelConstraint', '"nope"'],
      [{ units: 2, quantizationConfig: 'int8' }, 'quantizationConfig', '"int8"'],
      [{ units: 2, weights: [zeros([3, 2])] }, 'weights', '[3,2]'],
    ];
    for (const [options, argument, value] of bad) {
      assert.throws(() => new Dense(options as never), (e: unknown) => e instanceof InvalidArgumentError && e.message.includes(`\`${argument}\``) && e.message.includes(value), JSON.stringify(options));
    }
    assert.throws(() => new Dense(null as never), InvalidArgumentError);
    assert.equal(new Dense({ units: 1 }).name, 'dense', 'rejected constructions consume no name');
  });
});
