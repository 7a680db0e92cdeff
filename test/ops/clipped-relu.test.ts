// clippedRelu (ReLU / ReLU6 with straight loops) against the generic pointwise op it replaces: the same
// values and the same gradients, including at the kinks (0 and the ceiling), -0, NaN and ±Infinity.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { valueAndGrads } from '../../src/ops/autograd.js';
import { tensor } from '../../src/engine/tensor.js';
import { Variable } from '../../src/engine/variable.js';
import { ACTIVATION_POINTWISE } from '../../src/activations/index.js';
import { clippedRelu } from '../../src/ops/clipped-relu.js';
import { mul, sum } from '../../src/ops/index.js';
import { mapPointwise } from '../../src/ops/pointwise.js';
import { mulberry32, randomArray } from '../helpers/close.js';

const SPECIAL = [0, -0, 6, 5.999999, 6.000001, 1e-30, -1e-30, Number.NaN, Infinity, -Infinity, 3, -3];

describe('clippedRelu', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [name, maxValue] of [['relu', null], ['relu6', 6]] as const) {
      test(`${name} ${dtype}: values and gradient equal the pointwise table's`, () => {
        const values = [...SPECIAL, ...Array.from(randomArray(200, mulberry32(4)), (v) => v * 10)];
        const weights = randomArray(values.length, mulberry32(5));
        const run = (f: (x: Variable) => ReturnType<typeof clippedRelu>) => {
          const x = new Variable(tensor(values, [values.length], dtype), { name: 'x', path: 'x' });
          let y = null as unknown as ReturnType<typeof clippedRelu>;
          const { grads } = valueAndGrads(() => {
            y = f(x);
            return sum(mul(y, tensor(weights, [values.length], dtype)));
          }, [x]);
          return { y: Array.from(y.dataSync()), g: Array.from(grads[0].dataSync()) };
        };
        const fast = run((x) => clippedRelu(x, maxValue));
        const generic = run((x) => mapPointwise(x, ACTIVATION_POINTWISE[name]));
        assert.deepEqual(fast.y.map(Object.is.bind(null, 0)), generic.y.map(Object.is.bind(null, 0)), 'signs of zero');
        assert.deepEqual(fast.y, generic.y);
        // The generic op multiplies g by a 0 derivative (giving -0 for negative g); equal as numbers.
        assert.deepEqual(fast.g.map((v) => v + 0), generic.g.map((v) => v + 0));
      });
    }
  }

  test("Keras's rule, minimum(maximum(x, 0), 6): NaN and -0 pass through, infinities clamp", () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const y = Array.from(clippedRelu(tensor(SPECIAL, [SPECIAL.length], dtype), 6).dataSync());
      const expected = SPECIAL.map((v) => (v < 0 ? 0 : v > 6 ? 6 : v));
      assert.deepEqual(y, Array.from(tensor(expected, [expected.length], dtype).dataSync()));
      assert.ok(Number.isNaN(y[SPECIAL.findIndex((v) => Number.isNaN(v))]), `relu6(NaN) is NaN (${dtype})`);
      assert.ok(Object.is(y[1], -0), `relu6(-0) is -0 (${dtype})`);
      assert.ok(Number.isNaN(clippedRelu(tensor([Number.NaN], [1], dtype)).dataSync()[0]), `relu(NaN) is NaN (${dtype})`);
    }
  });

  test('refuses integer tensors and a negative ceiling, naming the argument', () => {
    assert.throws(() => clippedRelu(tensor([1, 2], [2], 'int32')), /`x`/);
    assert.throws(() => clippedRelu(tensor([1, 2]), -1), /`maxValue`/);
  });
});
