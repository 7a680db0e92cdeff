import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import type { Activation, ActivationFn } from '../src/activations/index.js';
import {
  ACTIVATION_NAMES,
  erf,
  erfc,
  getActivation,
  glu,
  leakyRelu,
  relu6,
  serializeActivation,
  softmax,
  sparsemax,
  threshold,
} from '../src/activations/index.js';
import { valueAndGrads } from '../src/ops/autograd.js';
import type { Tensor } from '../src/engine/tensor.js';
import { tensor } from '../src/engine/tensor.js';
import { InvalidArgumentError, ShapeError, UnknownNameError } from '../src/errors.js';
import { mul, sum } from '../src/ops/index.js';
import { assertAllClose, mulberry32, randomArray } from './helpers/close.js';

// ---------------------------------------------------------------------------------------------------------
// Fixture (written by test/fixtures/keras/generate.py from Keras 3 on the jax backend, float64)
// ---------------------------------------------------------------------------------------------------------

interface FixtureParameter {
  name: string;
  default: number | boolean | null;
  required: boolean;
}

interface FixtureEntry {
  name: string;
  function_name: string;
  is_alias: boolean;
  serialize: string;
  parameters: FixtureParameter[];
  input_shape: number[];
  input: number[];
  cotangent: number[];
  called_with_extra_args?: Record<string, number>;
  call_without_args?: { ok: boolean; error_type?: string; message?: string };
  output_shape?: number[];
  output?: number[];
  grad?: number[];
  output_dtype?: string;
  error?: { type: string; message: string };
}

interface ErrorResult {
  ok: boolean;
  error_type?: string;
  message?: string;
}

interface ActivationsFixture {
  names: string[];
  get_None: string;
  get_unknown: ErrorResult;
  get_case_sensitive_Relu: ErrorResult;
  activations: FixtureEntry[];
}

const FIXTURE_URL = new URL('./fixtures/keras/activations.json', import.meta.url);
const fixture: ActivationsFixture | null = existsSync(FIXTURE_URL)
  ? (JSON.parse(readFileSync(FIXTURE_URL, 'utf8')) as ActivationsFixture)
  : null;

/** Float64 results are compared almost to rounding: our formulas are Keras's, evaluated in another order. */
const F64 = { rtol: 1e-12, atol: 1e-15 };

/** Applies a fixture entry's activation, with the extra arguments the generator passed (threshold's). */
function applyEntry(entry: FixtureEntry, x: Tensor): Tensor {
  const extra = entry.called_with_extra_args;
  if (extra) {
    assert.equal(entry.name, 'threshold', `only threshold takes extra arguments, not ${entry.name}`);
    return threshold(x, extra.threshold, extra.default_value);
  }
  return getActivation(entry.name).apply(x);
}

function gradOf(act: ActivationFn, x: Tensor, ct: Tensor): Tensor {
  return valueAndGrads(() => sum(mul(act(x), ct)), [x]).grads[0];
}

const sigmoidRef = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * The generator's glu case multiplies glu's [3, 4] output by an [3, 8] cotangent and records the resulting
 * shape error instead of Keras's values. Until that is fixed, glu is checked against its definition here
 * (using the first half of the fixture's cotangent, which is what a correct generator would pass).
 */
function isGeneratorGluShapeBug(entry: FixtureEntry): boolean {
  return entry.name === 'glu' && entry.error !== undefined && /incompatible shapes/.test(entry.error.message);
}

describe('activations: Keras fixture', { skip: fixture === null ? 'activations.json not generated' : false }, () => {
  const fx = fixture as ActivationsFixture;

  test('accepted names equal Keras ALL_OBJECTS_DICT (aliases included)', () => {
    assert.deepEqual([...ACTIVATION_NAMES], [...fx.names].sort());
  });

  test('null resolves to linear, as keras.activations.get(None)', () => {
    assert.equal(getActivation(null).name, fx.get_None);
    assert.equal(getActivation(undefined).name, fx.get_None);
  });

  test('unknown and wrongly-cased names are rejected, as in Keras', () => {
    assert.equal(fx.get_unknown.ok, false);
    assert.equal(fx.get_case_sensitive_Relu.ok, false);
    assert.throws(() => getActivation('nope'), UnknownNameError);
    assert.throws(() => getActivation('Relu'), UnknownNameError);
  });

  for (const entry of fx.activations) {
    describe(entry.name, () => {
      test('serializes under the Keras function name', () => {
        const act = getActivation(entry.name);
        assert.equal(act.name, entry.function_name);
        assert.equal(serializeActivation(act), entry.serialize);
      });

      if (entry.call_without_args) {
        test('like Keras, cannot be applied by name without its required arguments', () => {
          assert.equal(entry.call_without_args?.ok, false);
          assert.throws(() => getActivation(entry.name).apply(tensor([1, 2], [2], 'float64')), InvalidArgumentError);
        });
      }

      if (isGeneratorGluShapeBug(entry)) {
        test('matches a * sigmoid(b) and its gradient (fixture lacks Keras values, see generator)', () => {
          const [rows, cols] = entry.input_shape;
          const half = cols / 2;
          const x = tensor(entry.input, entry.input_shape, 'float64');
          const ct = entry.cotangent.filter((_, i) => i % cols < half);
          const expected: number[] = [];
          const expectedGrad = new Array<number>(rows * cols).fill(0);
          for (let r = 0; r < rows; r++) {
            for (let c = 0; c < half; c++) {
              const a = entry.input[r * cols + c];
              const b = entry.input[r * cols + half + c];
              const s = sigmoidRef(b);
              const g = ct[r * half + c];
              expected.push(a * s);
              expectedGrad[r * cols + c] = g * s;
              expectedGrad[r * cols + half + c] = g * a * s * (1 - s);
            }
          }
          const y = getActivation('glu').apply(x);
          assert.deepEqual(y.shape, [rows, half]);
          assertAllClose(y.dataSync(), expected, F64, 'glu output');
          const grad = gradOf((v) => getActivation('glu').apply(v), x, tensor(ct, [rows, half], 'float64'));
          assertAllClose(grad.dataSync(), expectedGrad, F64, 'glu grad');
        });
        return;
      }

      test('forward and gradient match Keras (float64)', () => {
        assert.equal(entry.error, undefined, `the fixture recorded a Keras error: ${JSON.stringify(entry.error)}`);
        const { output, grad, output_shape: outputShape } = entry;
        assert.ok(output && grad && outputShape, 'fixture entry has output, grad and output_shape');
        const x = tensor(entry.input, entry.input_shape, 'float64');
        const y = applyEntry(entry, x);
        assert.deepEqual([...y.shape], outputShape);
        assert.equal(y.dtype, entry.output_dtype);
        assertAllClose(y.dataSync(), output, F64, `${entry.name} output`);
        const ct = tensor(entry.cotangent, outputShape, 'float64');
        const g = gradOf((v) => applyEntry(entry, v), x, ct);
        assert.equal(g.dtype, 'float64');
        assertAllClose(g.dataSync(), grad, F64, `${entry.name} gradient`);
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------------------
// Gradients by finite differences, away from kinks
// ---------------------------------------------------------------------------------------------------------

/** Points where some activation is not differentiable (relu family, shrinks, hard_*, sparse_*, threshold). */
const KINKS = [-3, -1, -0.5, 0, 0.5, 1, 3, 6];

function awayFromKinks(values: Float64Array): Float64Array {
  return values.map((v) => (KINKS.some((k) => Math.abs(v - k) < 1e-3) ? v + 0.01 : v));
}

const AXIS_NAMES = new Set(['softmax', 'log_softmax', 'glu', 'sparsemax']);

/** Every name, threshold applied with explicit arguments (it has no defaults). */
function activationFor(name: string): ActivationFn {
  return name === 'threshold' ? (x) => threshold(x, 0.3, -2) : (x) => getActivation(name).apply(x);
}

describe('activations: gradients agree with central differences (float64)', () => {
  for (const name of ACTIVATION_NAMES) {
    test(name, () => {
      const act = activationFor(name);
      const rng = mulberry32(1234);
      const shape = AXIS_NAMES.has(name) ? [3, 6] : [40];
      const n = shape.reduce((a, b) => a * b, 1);
      // Sparsemax's support only changes with O(1) moves, so wide inputs exercise several support sizes.
      const xs = awayFromKinks(randomArray(n, rng, -4, 4));
      const x = tensor(xs, shape, 'float64');
      const outShape = [...act(x).shape];
      const ct = tensor(randomArray(outShape.reduce((a, b) => a * b, 1), rng), outShape, 'float64');
      const analytic = gradOf(act, x, ct).dataSync();
      const loss = (v: Float64Array): number => sum(mul(act(tensor(v, shape, 'float64')), ct)).item();
      const h = 1e-6;
      const numeric = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const plus = Float64Array.from(xs);
        const minus = Float64Array.from(xs);
        plus[i] += h;
        minus[i] -= h;
        numeric[i] = (loss(plus) - loss(minus)) / (2 * h);
      }
      assertAllClose(analytic, numeric, { rtol: 1e-6, atol: 1e-7 }, `${name} gradient vs finite differences`);
    });
  }
});

// ---------------------------------------------------------------------------------------------------------
// dtype
// ---------------------------------------------------------------------------------------------------------

describe('activations: float32 in, float32 out', () => {
  const rng = mulberry32(99);
  const values = randomArray(24, rng, -5, 5);
  for (const name of ACTIVATION_NAMES) {
    test(name, () => {
      const act = activationFor(name);
      const x32 = tensor(values, [4, 6], 'float32');
      const y32 = act(x32);
      assert.equal(y32.dtype, 'float32');
      const g32 = gradOf(act, x32, tensor(new Array<number>(y32.size).fill(1), [...y32.shape], 'float32'));
      assert.equal(g32.dtype, 'float32');
      // The float32 result is the float64 one rounded (inputs are rounded to float32 first, as Keras's are).
      const y64 = act(tensor(x32.dataSync(), [4, 6], 'float64'));
      assertAllClose(y32.dataSync(), y64.dataSync(), { rtol: 1e-6, atol: 1e-6 }, `${name} float32 vs float64`);
    });
  }

  test('int32 input is rejected by a computing activation', () => {
    assert.throws(() => getActivation('relu').apply(tensor([1, -2], [2], 'int32')), InvalidArgumentError);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Lookup, wrapping, serialization, errors
// ---------------------------------------------------------------------------------------------------------

describe('getActivation', () => {
  test('aliases resolve to the canonical built-in and serialize under its name', () => {
    assert.equal(getActivation('swish'), getActivation('silu'));
    assert.equal(serializeActivation(getActivation('swish')), 'silu');
    assert.equal(serializeActivation(getActivation('hard_swish')), 'hard_silu');
  });

  test('ACTIVATION_NAMES is sorted and covers the expected Keras 3 list', () => {
    assert.deepEqual([...ACTIVATION_NAMES], [...ACTIVATION_NAMES].sort());
    for (const name of ['relu', 'relu6', 'softmax', 'gelu', 'swish', 'hard_swish', 'sparsemax', 'threshold']) {
      assert.ok(ACTIVATION_NAMES.includes(name), name);
    }
    for (const name of ACTIVATION_NAMES) assert.doesNotThrow(() => getActivation(name), name);
  });

  test('a named function is wrapped under its name, an anonymous one as custom', () => {
    function doubler(x: Tensor): Tensor {
      return mul(x, 2);
    }
    const act = getActivation(doubler);
    assert.equal(act.name, 'doubler');
    assert.deepEqual([...act.apply(tensor([1, -3])).dataSync()], [2, -6]);
    const anonymous = getActivation([(x: Tensor) => x][0]);
    assert.equal(anonymous.name, 'custom');
  });

  test('our own exported functions keep their Keras names', () => {
    assert.equal(getActivation(relu6).name, 'relu6');
    assert.equal(getActivation(leakyRelu).name, 'leaky_relu');
    assert.equal(getActivation(softmax).name, 'softmax');
  });

  test('an Activation object is returned as is', () => {
    const mine: Activation = { name: 'mine', apply: (x) => x };
    assert.equal(getActivation(mine), mine);
  });

  test("Keras's dict form { class_name: 'function', config } is accepted", () => {
    assert.equal(getActivation({ module: 'keras.activations', class_name: 'function', config: 'elu', registered_name: null }).name, 'elu');
  });

  test('an unknown name names the argument, the value and every known name', () => {
    assert.throws(
      () => getActivation('nope', 'activation'),
      (error: unknown) => {
        assert.ok(error instanceof UnknownNameError);
        assert.match(error.message, /`activation`/);
        assert.match(error.message, /"nope"/);
        for (const name of ACTIVATION_NAMES) assert.ok(error.message.includes(`'${name}'`), name);
        return true;
      },
    );
    assert.throws(() => getActivation('Relu', 'recurrent_activation'), /`recurrent_activation`.*"Relu"/);
    assert.throws(() => getActivation('toString'), UnknownNameError);
  });

  test('other kinds of value are rejected with InvalidArgumentError', () => {
    assert.throws(() => getActivation(3 as unknown as string), InvalidArgumentError);
    assert.throws(() => getActivation({} as unknown as string), InvalidArgumentError);
  });

  test('threshold by name fails only when applied, naming the missing argument', () => {
    const act = getActivation('threshold');
    assert.equal(act.name, 'threshold');
    assert.throws(() => act.apply(tensor([1])), /`threshold`/);
    assert.deepEqual([...threshold(tensor([0.5, 2, 1]), 1, -1).dataSync()], [-1, 2, -1]);
  });
});

describe('axis activations', () => {
  test('softmax stays finite for large logits and sums to 1 along the chosen axis', () => {
    const x = tensor([1000, 1001, 1002, -1000, 0, 1000], [2, 3], 'float64');
    const rows = softmax(x).dataSync();
    assert.ok(rows.every(Number.isFinite));
    assertAllClose([rows[0] + rows[1] + rows[2], rows[3] + rows[4] + rows[5]], [1, 1], { rtol: 0, atol: 1e-15 });
    const cols = softmax(x, 0).dataSync();
    assertAllClose([cols[0] + cols[3], cols[1] + cols[4], cols[2] + cols[5]], [1, 1, 1], { rtol: 0, atol: 1e-15 });
  });

  test('glu splits any axis in half and rejects an odd one', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'float64');
    const y = glu(x, 0);
    assert.deepEqual([...y.shape], [1, 3]);
    assertAllClose(y.dataSync(), [1, 2, 3].map((a, i) => a * sigmoidRef(4 + i)), F64);
    assert.throws(() => glu(x), ShapeError);
  });

  test("sparsemax follows Keras's tau (sum of the support's partial sums), not the textbook one", () => {
    // Textbook sparsemax maps [0.1, 0.2] to [0.45, 0.55]; Keras's larger tau leaves only 0.8 of the mass.
    const x = tensor([0.1, 0.2], [1, 2], 'float64');
    // Support k = 2, partial sums 0.2 and 0.3: tau = (0.5 - 1) / 2 = -0.25.
    assertAllClose(sparsemax(x).dataSync(), [0.35, 0.45], F64);
    assertAllClose(sparsemax(tensor([3, 1, 2], [3], 'float64')).dataSync(), [1, 0, 0], F64);
  });
});

describe('erf (Cody)', () => {
  test('matches high-precision values to ~1e-16 relative', () => {
    // [x, erf(x), erfc(x)] from mpmath at 30 digits, rounded to the nearest double.
    const cases: Array<[number, number, number]> = [
      [-3, -0.9999779095030014, 1.9999779095030015],
      [-0.3, -0.3286267594591274, 1.3286267594591274],
      [1e-10, 1.1283791670955126e-10, 0.999999999887162],
      [0.46875, 0.49261347321793797, 0.507386526782062],
      [0.5, 0.5204998778130465, 0.4795001221869535],
      [2, 0.9953222650189527, 0.004677734981047266],
      [4.5, 0.9999999998033839, 1.9661604415428876e-10],
      [6, 1, 2.1519736712498913e-17],
    ];
    for (const [x, e, c] of cases) {
      assertAllClose([erf(x)], [e], { rtol: 4e-16, atol: 0 }, `erf(${x})`);
      assertAllClose([erfc(x)], [c], { rtol: 1e-15, atol: 0 }, `erfc(${x})`);
    }
    assert.equal(erf(0), 0);
    assert.equal(erf(40), 1);
    assert.equal(erf(-Infinity), -1);
    assert.ok(Number.isNaN(erf(NaN)));
  });
});
