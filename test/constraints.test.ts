/** Keras constraints: golden projections/configs from Keras 3.15, defining properties, round trips, errors. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import type { Tensor } from '../src/engine/tensor.js';
import { tensor } from '../src/engine/tensor.js';
import { InvalidArgumentError, UnknownNameError } from '../src/errors.js';
import type { Config } from '../src/serialization/keras-object.js';
import * as ops from '../src/ops/index.js';
import {
  applyConstraint,
  Constraint,
  FunctionConstraint,
  CONSTRAINT_NAMES,
  EPSILON,
  getConstraint,
  MaxNorm,
  maxNorm,
  MinMaxNorm,
  minMaxNorm,
  NonNeg,
  nonNeg,
  UnitNorm,
  unitNorm,
  constraints,
} from '../src/constraints/index.js';
import type { ConstraintAxis, ConstraintFn } from '../src/constraints/index.js';
import { assertAllClose, mulberry32, randomArray } from './helpers/close.js';

interface GetResult {
  ok: boolean;
  result?: { class_name: string; get_config: Config } | Config;
  error_type?: string;
}

interface Fixture {
  epsilon: number;
  tensor_shape: number[];
  tensor: number[];
  constraint_names: string[];
  constraint_get: Record<string, GetResult>;
  constraints: Record<
    string,
    { class_name: string; get_config: Config; serialize: Config; output: number[]; output_dtype: string }
  >;
  constraint_errors: Record<string, GetResult>;
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/keras/regularizers_constraints.json', import.meta.url), 'utf8'),
) as Fixture;

const w64 = (): Tensor => tensor(fixture.tensor, fixture.tensor_shape, 'float64');

function getInstance(identifier: unknown): Constraint {
  const c = getConstraint(identifier);
  assert.ok(c instanceof Constraint, `expected a Constraint for ${JSON.stringify(identifier)}`);
  return c;
}

function expectInvalid(fn: () => unknown, argument: string, received?: unknown): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(e)}`);
    assert.equal(e.argument, argument);
    if (received !== undefined) assert.deepEqual(e.received, received);
    assert.match(e.message, new RegExp(argument));
    return true;
  });
}

/** The L2 norm of every slice of `w` over `axis`, via the same op used nowhere in the constraints' math. */
function sliceNorms(w: Tensor, axis: ConstraintAxis): Float64Array {
  return Float64Array.from(ops.sqrt(ops.sum(ops.mul(w, w), { axis })).dataSync());
}

/** Random float64 weights of the depthwise-kernel shape, scaled so some slices are long and some short. */
function randomWeights(seed: number, scale = 3): Tensor {
  return tensor(randomArray(72, mulberry32(seed), -scale, scale), [3, 3, 4, 2]);
}

describe('constraints against Keras 3.15 golden values', () => {
  it('uses Keras’s epsilon', () => {
    assert.equal(EPSILON, fixture.epsilon);
  });

  for (const [key, entry] of Object.entries(fixture.constraints)) {
    it(`${key}: output, get_config and serialize`, () => {
      const c = getInstance({ class_name: entry.class_name, config: entry.get_config });
      assert.equal(c.className, entry.class_name);
      assert.deepEqual(c.getConfig(), entry.get_config);
      assert.deepEqual(c.serialize(), entry.serialize);
      const out = c.call(w64());
      assert.equal(out.dtype, entry.output_dtype);
      assert.deepEqual(out.shape, fixture.tensor_shape);
      assertAllClose(out.dataSync(), entry.output, { rtol: 1e-12, atol: 1e-300 });
    });
  }

  it('factories with the same arguments reproduce the golden outputs', () => {
    const cases: [Constraint, string][] = [
      [maxNorm(), 'MaxNorm_default'],
      [maxNorm({ maxValue: 0.5, axis: [0, 1, 2] }), 'MaxNorm_0.5_axis012'],
      [minMaxNorm(), 'MinMaxNorm_default'],
      [minMaxNorm({ minValue: 0.5, maxValue: 1, rate: 0.7, axis: [0, 1, 2] }), 'MinMaxNorm_0.5_1_0.7_axis012'],
      [minMaxNorm({ minValue: 0.1, maxValue: 1.5, rate: 0.5, axis: 0 }), 'MinMaxNorm_0.1_1.5_0.5_axis0'],
      [nonNeg(), 'NonNeg'],
      [unitNorm(), 'UnitNorm_default'],
      [unitNorm({ axis: [0, 1] }), 'UnitNorm_axis01'],
      // Negative axes reduce the same slices as their positive spellings.
      [unitNorm({ axis: [-4, -3, -2] }), 'UnitNorm_axis012'],
    ];
    for (const [c, key] of cases) {
      assertAllClose(c.call(w64()).dataSync(), fixture.constraints[key].output, { rtol: 1e-12, atol: 1e-300 }, key);
    }
  });

  it('accepts exactly the names Keras’s constraints.get accepts, with its defaults', () => {
    assert.deepEqual([...CONSTRAINT_NAMES].sort(), [...fixture.constraint_names].sort());
    for (const [name, golden] of Object.entries(fixture.constraint_get)) {
      assert.ok(golden.ok, name);
      const result = golden.result as { class_name: string; get_config: Config };
      const c = getInstance(name);
      assert.equal(c.className, result.class_name, name);
      assert.deepEqual(c.getConfig(), result.get_config, name);
    }
    assert.deepEqual(getInstance('max_norm').getConfig(), fixture.constraint_errors.get_max_norm_string.result);
    assert.equal(fixture.constraint_errors.get_unknown.ok, false);
  });
});

describe('constraint properties', () => {
  it('hand-computed: MaxNorm and UnitNorm scale [3, 4] by 1 / (epsilon + 5)', () => {
    const w = tensor([[3], [4]], undefined, 'float64');
    assert.deepEqual([...maxNorm({ maxValue: 1 }).call(w).dataSync()], [3 * (1 / (EPSILON + 5)), 4 * (1 / (EPSILON + 5))]);
    assert.deepEqual([...unitNorm().call(w).dataSync()], [3 / (EPSILON + 5), 4 / (EPSILON + 5)]);
    // Norm 5 is already inside [0, 10]: MaxNorm only applies the epsilon factor.
    assertAllClose(maxNorm({ maxValue: 10 }).call(w).dataSync(), [3, 4], { rtol: 1e-7, atol: 0 });
    // rate 0.5 moves norm 5 halfway to 1: desired norm 3.
    assertAllClose(minMaxNorm({ maxValue: 1, rate: 0.5 }).call(w).dataSync(), [1.8, 2.4], { rtol: 1e-7, atol: 0 });
    assert.deepEqual([...nonNeg().call(tensor([-1, 0, 2.5], undefined, 'float64')).dataSync()], [0, 0, 2.5]);
  });

  const axes: ConstraintAxis[] = [0, 1, -1, [0, 1], [0, 1, 2], [-4, -3], [1, 3], null];

  for (const axis of axes) {
    it(`axis ${JSON.stringify(axis)}: max-norm ≤ max, unit-norm = 1, min-max within bounds at rate 1`, () => {
      const w = randomWeights(7);
      const before = sliceNorms(w, axis);
      const maxValue = 1.5;
      const capped = sliceNorms(maxNorm({ maxValue, axis }).call(w), axis);
      capped.forEach((n, i) => {
        assert.ok(n <= maxValue * (1 + 1e-12), `max-norm slice ${i}: ${n}`);
        // Short slices keep their norm (up to the epsilon factor).
        if (before[i] <= maxValue) assert.ok(Math.abs(n - before[i]) <= 1e-6 * before[i]);
      });
      for (const n of sliceNorms(unitNorm({ axis }).call(w), axis)) assert.ok(Math.abs(n - 1) < 1e-6, `unit norm ${n}`);
      const [lo, hi] = [1, 2];
      for (const n of sliceNorms(minMaxNorm({ minValue: lo, maxValue: hi, axis }).call(w), axis)) {
        assert.ok(n >= lo * (1 - 1e-6) && n <= hi * (1 + 1e-12), `min-max norm ${n}`);
      }
    });
  }

  it('non-neg: every output ≥ 0 and non-negative weights unchanged', () => {
    const w = randomWeights(9);
    const out = nonNeg().call(w).dataSync();
    w.dataSync().forEach((v, i) => assert.equal(out[i], Math.max(v, 0)));
  });

  it('an all-zero slice stays zero instead of becoming NaN', () => {
    const w = tensor([[0, 1], [0, 2]], undefined, 'float64');
    for (const c of [maxNorm(), unitNorm(), minMaxNorm()]) {
      const out = c.call(w).dataSync();
      assert.equal(out[0], 0, c.className);
      assert.equal(out[2], 0, c.className);
    }
  });

  it('keep float32 weights in float32, close to the float64 result', () => {
    const w64values = randomArray(72, mulberry32(3), -2, 2);
    const w32 = tensor(Float32Array.from(w64values), [3, 3, 4, 2]);
    const wRef = tensor(Float64Array.from(Float32Array.from(w64values)), [3, 3, 4, 2]);
    for (const c of [maxNorm({ axis: [0, 1] }), minMaxNorm({ rate: 0.3 }), unitNorm({ axis: -1 }), nonNeg(), getInstance('constraint')]) {
      const out = c.call(w32);
      assert.equal(out.dtype, 'float32', c.className);
      assert.deepEqual(out.shape, [3, 3, 4, 2]);
      assertAllClose(out.dataSync(), c.call(wRef).dataSync(), { rtol: 1e-5, atol: 1e-6 }, c.className);
    }
  });

  it('the base Constraint is the identity, as Keras’s', () => {
    const w = randomWeights(1);
    assert.equal(new Constraint().call(w), w);
    assert.deepEqual(new Constraint().serialize(), { module: 'keras.constraints', class_name: 'Constraint', config: {}, registered_name: null });
  });

  it('a stored axis array is a copy the caller cannot change afterwards', () => {
    const axis = [0, 1];
    const c = unitNorm({ axis });
    axis.push(2);
    assert.deepEqual(c.getConfig(), { axis: [0, 1] });
  });
});

describe('getConstraint', () => {
  it('returns null for null and undefined', () => {
    assert.equal(getConstraint(null), null);
    assert.equal(getConstraint(undefined), null);
  });

  it('passes instances and functions through, and instantiates classes', () => {
    const c = maxNorm({ maxValue: 3 });
    assert.equal(getConstraint(c), c);
    const fn: ConstraintFn = (w) => ops.clip(w, -1, 1);
    const wrapped = getConstraint(fn);
    assert.ok(wrapped instanceof FunctionConstraint && wrapped.fn === fn, 'functions are wrapped, not copied');
    for (const [cls, config] of [
      [MaxNorm, { max_value: 2, axis: 0 }],
      [MinMaxNorm, { min_value: 0, max_value: 1, rate: 1, axis: 0 }],
      [UnitNorm, { axis: 0 }],
      [NonNeg, {}],
    ] as const) {
      const instance = getInstance(cls);
      assert.ok(instance instanceof cls);
      assert.deepEqual(instance.getConfig(), config);
    }
    const w = tensor([-2, 0.5], undefined, 'float64');
    assert.deepEqual([...applyConstraint(fn, w).dataSync()], [-1, 0.5]);
    assert.deepEqual([...applyConstraint(nonNeg(), w).dataSync()], [0, 0.5]);
  });

  it('round-trips every constraint through serialize → getConstraint (and JSON)', () => {
    const all: Constraint[] = [
      maxNorm({ maxValue: 0.7, axis: [0, 1, 2] }),
      minMaxNorm({ minValue: 0.2, maxValue: 3, rate: 0.25, axis: -1 }),
      unitNorm({ axis: null }),
      nonNeg(),
      new Constraint(),
    ];
    for (const c of all) {
      const serialized = c.serialize();
      assert.equal(serialized.module, 'keras.constraints');
      const back = getInstance(JSON.parse(JSON.stringify(serialized)));
      assert.equal(back.className, c.className);
      assert.deepEqual(back.getConfig(), c.getConfig());
      assert.deepEqual(getInstance(serialized).serialize(), serialized);
    }
  });
});

describe('the constraints namespace', () => {
  it('mirrors keras.constraints: factories, get, serialize, deserialize', () => {
    const c = constraints.maxNorm({ maxValue: 2, axis: [0, 1] });
    assert.ok(c instanceof constraints.MaxNorm);
    assert.deepEqual(constraints.serialize(c), {
      module: 'keras.constraints',
      class_name: 'MaxNorm',
      config: { max_value: 2, axis: [0, 1] },
      registered_name: null,
    });
    const back = constraints.deserialize(constraints.serialize(c));
    assert.ok(back instanceof MaxNorm);
    assert.deepEqual(back.getConfig(), c.getConfig());
    assert.ok(constraints.get('non_neg') instanceof NonNeg);
    assert.deepEqual([...constraints.apply(constraints.nonNeg(), tensor([-1, 2], undefined, 'float64')).dataSync()], [0, 2]);
    expectInvalid(() => constraints.deserialize('non_neg'), 'config', 'non_neg');
    assert.ok(Object.isFrozen(constraints));
  });
});

describe('constraint errors', () => {
  it('refuses bad bounds and rates, naming the argument and the value', () => {
    for (const bad of [-1, Number.NaN, Infinity, 'a', true]) {
      expectInvalid(() => maxNorm({ maxValue: bad as number }), 'max_value', bad);
      expectInvalid(() => minMaxNorm({ minValue: bad as number }), 'min_value', bad);
      expectInvalid(() => minMaxNorm({ maxValue: bad as number }), 'max_value', bad);
      expectInvalid(() => minMaxNorm({ rate: bad as number }), 'rate', bad);
    }
    expectInvalid(() => minMaxNorm({ minValue: 2, maxValue: 1 }), 'max_value', 1);
    expectInvalid(() => minMaxNorm({ rate: 1.5 }), 'rate', 1.5);
  });

  it('refuses bad axes at construction and out-of-range axes at call time', () => {
    for (const bad of [1.5, [], ['a'], 'x', [0, 0.5]]) {
      expectInvalid(() => maxNorm({ axis: bad as number }), 'axis', bad);
      expectInvalid(() => minMaxNorm({ axis: bad as number }), 'axis', bad);
      expectInvalid(() => unitNorm({ axis: bad as number }), 'axis', bad);
    }
    expectInvalid(() => unitNorm({ axis: 4 }).call(randomWeights(2)), 'axis');
    expectInvalid(() => maxNorm({ axis: [0, -5] }).call(randomWeights(2)), 'axis');
  });

  it('refuses unknown names with UnknownNameError listing the known ones', () => {
    assert.throws(
      () => getConstraint('nope', 'depthwise_constraint'),
      (e: unknown) =>
        e instanceof UnknownNameError &&
        e.argument === 'depthwise_constraint' &&
        e.received === 'nope' &&
        /'max_norm'/.test(e.message),
    );
    assert.throws(() => getConstraint({ class_name: 'MaxNorms', config: {} }), UnknownNameError);
    assert.throws(() => getConstraint('constructor'), UnknownNameError);
  });

  it('refuses values it cannot interpret and config keys Keras would not take', () => {
    for (const bad of [3, false, {}, { max_value: 2 }, [0], { class_name: 'MaxNorm', config: [1] }]) {
      expectInvalid(() => getConstraint(bad, 'bias_constraint'), 'bias_constraint');
    }
    expectInvalid(() => getConstraint({ class_name: 'MaxNorm', config: { maxValue: 2 } }, 'kernel_constraint'), 'kernel_constraint.config', 'maxValue');
    expectInvalid(() => getConstraint({ class_name: 'NonNeg', config: { axis: 0 } }, 'kernel_constraint'), 'kernel_constraint.config', 'axis');
    expectInvalid(() => getConstraint({ class_name: 'MaxNorm', config: { max_value: -2 } }), 'max_value', -2);
    expectInvalid(() => getConstraint({ class_name: 'unit_norm', config: { axis: 'x' } }), 'axis', 'x');
  });

  it('refuses a non-tensor input', () => {
    for (const c of [maxNorm(), minMaxNorm(), unitNorm(), nonNeg(), new Constraint()]) {
      expectInvalid(() => c.call([1, 2] as unknown as Tensor), 'w');
    }
  });
});
