/** Keras regularizers: golden penalties/configs from Keras 3.15, gradients, hand values, round trips, errors. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { valueAndGrads } from '../src/ops/autograd.js';
import type { Tensor } from '../src/engine/tensor.js';
import { tensor } from '../src/engine/tensor.js';
import { InvalidArgumentError, ShapeError, UnknownNameError } from '../src/errors.js';
import type { Config } from '../src/serialization/keras-object.js';
import * as ops from '../src/ops/index.js';
import {
  applyRegularizer,
  getRegularizer,
  L1,
  L1L2,
  L2,
  l1,
  l1L2,
  l2,
  OrthogonalRegularizer,
  orthogonalRegularizer,
  FunctionRegularizer,
  Regularizer,
  REGULARIZER_NAMES,
  regularizers,
} from '../src/regularizers/index.js';
import type { RegularizerFn } from '../src/regularizers/index.js';
import { assertAllClose, mulberry32, randomArray } from './helpers/close.js';

interface GetResult {
  ok: boolean;
  result?: { class_name: string; get_config: Config } | Config | string;
  error_type?: string;
  message?: string;
}

interface Fixture {
  tensor_shape: number[];
  tensor: number[];
  regularizer_names: string[];
  regularizer_get: Record<string, GetResult>;
  regularizers: Record<
    string,
    {
      class_name?: string;
      get_config: Config;
      serialize?: Config;
      penalty?: number;
      penalty_on_w_reshaped_72x2_rows?: number;
    }
  >;
  regularizer_errors: Record<string, GetResult>;
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/keras/regularizers_constraints.json', import.meta.url), 'utf8'),
) as Fixture;

const w64 = (): Tensor => tensor(fixture.tensor, fixture.tensor_shape, 'float64');

/** A Regularizer instance, failing the test if `getRegularizer` returned a function or null. */
function getInstance(identifier: unknown): Regularizer {
  const r = getRegularizer(identifier);
  assert.ok(r instanceof Regularizer, `expected a Regularizer for ${JSON.stringify(identifier)}`);
  return r;
}

function expectInvalid(fn: () => unknown, argument: string, received?: unknown): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(e)}`);
    assert.equal(e.argument, argument);
    if (received !== undefined) assert.deepEqual(e.received, received);
    assert.match(e.message, new RegExp(argument.replace('.', '\\.')));
    return true;
  });
}

/** Central finite differences of a scalar function of x, one element at a time (float64). */
function numericGrad(f: (x: Tensor) => Tensor, values: Float64Array, shape: number[], h = 1e-6): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const plus = Float64Array.from(values);
    const minus = Float64Array.from(values);
    plus[i] += h;
    minus[i] -= h;
    out[i] = (f(tensor(plus, shape)).item() - f(tensor(minus, shape)).item()) / (2 * h);
  }
  return out;
}

/** Values in ±[0.1, 1): away from 0, where |x| has its kink. */
function awayFromZero(n: number, seed: number): Float64Array {
  const values = randomArray(n, mulberry32(seed), 0.1, 1);
  const signs = randomArray(n, mulberry32(seed + 1));
  return values.map((v, i) => (signs[i] < 0 ? -v : v));
}

describe('regularizers against Keras 3.15 golden values', () => {
  for (const [key, entry] of Object.entries(fixture.regularizers)) {
    const expected = entry.penalty;
    if (expected === undefined || entry.class_name === undefined) continue;
    it(`${key}: penalty, get_config and serialize`, () => {
      const reg = getInstance({ class_name: entry.class_name, config: entry.get_config });
      assert.equal(reg.className, entry.class_name);
      assert.deepEqual(reg.getConfig(), entry.get_config);
      assert.deepEqual(reg.serialize(), entry.serialize);
      const penalty = reg.call(w64());
      assert.equal(penalty.dtype, 'float64');
      assert.deepEqual(penalty.shape, []);
      assertAllClose([penalty.item()], [expected], { rtol: 1e-12, atol: 0 });
    });
  }

  it('factories with Keras defaults give the golden default penalties', () => {
    const cases: [Regularizer, string][] = [
      [l1(), 'L1_default'],
      [l2(), 'L2_default'],
      [l1L2(), 'L1L2_default'],
      [l1({ l1: 0.01 }), 'L1_0.01'],
      [l2({ l2: 0.02 }), 'L2_0.02'],
      [l1L2({ l1: 0.1, l2: 0.2 }), 'L1L2_0.1_0.2'],
      [getInstance('l1'), 'get_l1'],
      [getInstance('l2'), 'get_l2'],
    ];
    for (const [reg, key] of cases) {
      const golden = fixture.regularizers[key];
      assert.deepEqual(reg.getConfig(), golden.get_config, key);
      assertAllClose([reg.call(w64()).item()], [golden.penalty ?? NaN], { rtol: 1e-12, atol: 0 }, key);
    }
  });

  it('OrthogonalRegularizer (default, rows) on the tensor reshaped to [36, 2]', () => {
    const golden = fixture.regularizers['OrthogonalRegularizer_default_on_8x9'];
    const reg = orthogonalRegularizer();
    assert.deepEqual(reg.getConfig(), golden.get_config);
    const penalty = reg.call(ops.reshape(w64(), [-1, 2]));
    assertAllClose([penalty.item()], [golden.penalty_on_w_reshaped_72x2_rows ?? NaN], { rtol: 1e-12, atol: 0 });
  });

  it('accepts exactly the names Keras’s regularizers.get accepts', () => {
    // Every Keras 3.15 name, plus Keras 2's 'l1_l2' that our contract keeps.
    assert.deepEqual([...REGULARIZER_NAMES].sort(), [...fixture.regularizer_names, 'l1_l2'].sort());
    for (const [name, golden] of Object.entries(fixture.regularizer_get)) {
      const reg = getInstance(name);
      if (golden.ok) {
        const result = golden.result as { class_name: string; get_config: Config };
        assert.equal(reg.className, result.class_name, name);
        assert.deepEqual(reg.getConfig(), result.get_config, name);
      } else {
        // Keras's base Regularizer: usable (no penalty) but raises NotImplementedError on get_config.
        assert.equal(golden.error_type, 'NotImplementedError');
        assert.throws(() => reg.getConfig(), /does not implement getConfig/);
        assert.equal(reg.call(w64()).item(), 0);
      }
    }
  });

  it("accepts Keras 2's 'l1_l2' (which Keras 3.15 rejects) as well as 'l1l2'", () => {
    assert.equal(fixture.regularizer_names.includes('l1_l2'), false);
    assert.deepEqual(getInstance('l1_l2').getConfig(), getInstance('l1l2').getConfig());
    assert.equal(getInstance('l1_l2').className, 'L1L2');
    assert.throws(() => getRegularizer('l1-l2'), UnknownNameError);
  });

  it('matches the Keras constructor cases: None means the default, dicts deserialize', () => {
    assert.ok(fixture.regularizer_errors.L2_none.ok);
    assert.equal(new L2({ l2: null }).l2, 0.01);
    assert.equal(new L1({ l1: null }).l1, 0.01);
    assert.deepEqual(new L1L2({ l1: null, l2: null }).getConfig(), fixture.regularizer_errors.L1L2_none.result);
    assert.deepEqual(
      getInstance({ class_name: 'L1L2', config: { l1: 0.3, l2: 0.0 } }).getConfig(),
      fixture.regularizer_errors.get_dict.result,
    );
    assert.equal(fixture.regularizer_errors.get_unknown.ok, false);
    assert.equal(fixture.regularizer_errors.L1_negative.ok, false);
    assert.equal(fixture.regularizer_errors.L1_string.ok, false);
  });
});

describe('regularizer penalties', () => {
  const x = tensor([[1, -2], [3, -0.5]], undefined, 'float64');

  it('equal hand-computed values on a tiny tensor', () => {
    assert.equal(new L1({ l1: 0.1 }).call(x).item(), 0.1 * 6.5);
    assert.equal(new L2({ l2: 0.5 }).call(x).item(), 0.5 * 14.25);
    assertAllClose([new L1L2({ l1: 0.1, l2: 0.5 }).call(x).item()], [0.65 + 7.125], { rtol: 1e-15, atol: 0 });
    assert.equal(new L1L2({ l2: 0.5 }).call(x).item(), 7.125);
    // Rows [1, 0] and [1, 1]/√2: the off-diagonal products are both 1/√2, and there is one pair.
    const orthogonal = new OrthogonalRegularizer({ factor: 0.1 }).call(tensor([[1, 0], [1, 1]], undefined, 'float64'));
    assertAllClose([orthogonal.item()], [0.1 * 0.5 * 2 * Math.SQRT1_2], { rtol: 1e-12, atol: 0 });
    // Columns mode looks at columns [1, 1] and [0, 1]: the same geometry.
    const columns = new OrthogonalRegularizer({ factor: 0.1, mode: 'columns' }).call(
      tensor([[1, 0], [1, 1]], undefined, 'float64'),
    );
    assertAllClose([columns.item()], [0.1 * 0.5 * 2 * Math.SQRT1_2], { rtol: 1e-12, atol: 0 });
  });

  it('zero factors give a zero penalty that still has x’s dtype', () => {
    const penalty = l1L2().call(x);
    assert.equal(penalty.item(), 0);
    assert.equal(penalty.dtype, 'float64');
  });

  it('keep float32 inputs in float32', () => {
    const values = awayFromZero(12, 5);
    const x32 = tensor(Float32Array.from(values), [3, 4]);
    const xRef = tensor(Float64Array.from(Float32Array.from(values)), [3, 4]);
    const regs: Regularizer[] = [l1(), l2(), l1L2({ l1: 0.1, l2: 0.2 }), orthogonalRegularizer()];
    for (const reg of regs) {
      const penalty = reg.call(x32);
      assert.equal(penalty.dtype, 'float32', reg.className);
      assertAllClose([penalty.item()], [reg.call(xRef).item()], { rtol: 1e-5, atol: 1e-9 }, reg.className);
    }
  });

  for (const reg of [l1({ l1: 0.3 }), l2({ l2: 0.7 }), l1L2({ l1: 0.2, l2: 0.4 }), orthogonalRegularizer({ factor: 0.5 })]) {
    it(`${reg.className}: autograd gradient matches finite differences (float64)`, () => {
      const shape = [4, 3];
      const values = awayFromZero(12, 11);
      const x = tensor(values, shape);
      const { value, grads } = valueAndGrads(() => reg.call(x), [x]);
      assert.equal(value.item(), reg.call(x).item());
      assert.equal(grads[0].dtype, 'float64');
      assertAllClose(grads[0].dataSync(), numericGrad((t) => reg.call(t), values, shape), { rtol: 1e-6, atol: 1e-9 });
    });
  }

  it('L1 and L2 gradients have their closed forms', () => {
    const { grads } = valueAndGrads(() => ops.add(new L1({ l1: 0.1 }).call(x), new L2({ l2: 0.5 }).call(x)), [x]);
    assertAllClose(grads[0].dataSync(), [0.1 + 1, -0.1 - 2, 0.1 + 3, -0.1 - 0.5], { rtol: 1e-15, atol: 0 });
  });
});

describe('getRegularizer', () => {
  it('returns null for null and undefined', () => {
    assert.equal(getRegularizer(null), null);
    assert.equal(getRegularizer(undefined), null);
  });

  it('passes instances and functions through, and instantiates classes', () => {
    const reg = l2({ l2: 0.3 });
    assert.equal(getRegularizer(reg), reg);
    const fn: RegularizerFn = (t) => ops.mul(ops.sum(t), 2);
    const wrapped = getRegularizer(fn);
    assert.ok(wrapped instanceof FunctionRegularizer && wrapped.fn === fn, 'functions are wrapped, not copied');
    const fromClass = getInstance(L1);
    assert.ok(fromClass instanceof L1);
    assert.equal((fromClass as L1).l1, 0.01);
    const x = tensor([1, 2], undefined, 'float64');
    assert.equal(applyRegularizer(fn, x).item(), 6);
    assert.equal(applyRegularizer(reg, x).item(), 0.3 * 5);
  });

  it('accepts class names and snake names in class_name', () => {
    assert.deepEqual(getInstance({ class_name: 'l1', config: { l1: 0.5 } }).getConfig(), { l1: 0.5 });
    assert.deepEqual(getInstance({ class_name: 'L2' }).getConfig(), { l2: 0.01 });
    assert.deepEqual(getInstance({ class_name: 'OrthogonalRegularizer', config: { mode: 'columns' } }).getConfig(), {
      factor: 0.01,
      mode: 'columns',
    });
  });

  it('round-trips every regularizer through serialize → getRegularizer (and JSON)', () => {
    const regs: Regularizer[] = [
      l1({ l1: 0.25 }),
      l2({ l2: 1e-4 }),
      l1L2({ l1: 0.001, l2: 3 }),
      orthogonalRegularizer({ factor: 0.2, mode: 'columns' }),
    ];
    for (const reg of regs) {
      const serialized = reg.serialize();
      assert.equal(serialized.module, 'keras.regularizers');
      assert.equal(serialized.registered_name, null);
      const back = getInstance(JSON.parse(JSON.stringify(serialized)));
      assert.equal(back.className, reg.className);
      assert.deepEqual(back.getConfig(), reg.getConfig());
      assert.deepEqual(getInstance(serialized).serialize(), serialized);
    }
  });
});

describe('the regularizers namespace', () => {
  it('mirrors keras.regularizers: factories, get, serialize, deserialize', () => {
    const reg = regularizers.l2({ l2: 1e-4 });
    assert.ok(reg instanceof regularizers.L2);
    assert.deepEqual(regularizers.serialize(reg), {
      module: 'keras.regularizers',
      class_name: 'L2',
      config: { l2: 1e-4 },
      registered_name: null,
    });
    const back = regularizers.deserialize(regularizers.serialize(reg));
    assert.ok(back instanceof L2);
    assert.deepEqual(back.getConfig(), reg.getConfig());
    assert.deepEqual((regularizers.get('l1') as L1).getConfig(), { l1: 0.01 });
    assert.equal(regularizers.apply(regularizers.l1({ l1: 1 }), tensor([-1, 2], undefined, 'float64')).item(), 3);
    expectInvalid(() => regularizers.deserialize('l1'), 'config', 'l1');
    assert.ok(Object.isFrozen(regularizers));
  });
});

describe('regularizer errors', () => {
  it('refuses bad factors, naming the argument and the value', () => {
    for (const bad of [-1, Number.NaN, Infinity, 'a', true, [0.1]]) {
      expectInvalid(() => new L1({ l1: bad as number }), 'l1', bad);
      expectInvalid(() => l2({ l2: bad as number }), 'l2', bad);
      expectInvalid(() => l1L2({ l1: bad as number }), 'l1', bad);
      expectInvalid(() => l1L2({ l2: bad as number }), 'l2', bad);
      expectInvalid(() => orthogonalRegularizer({ factor: bad as number }), 'factor', bad);
    }
    expectInvalid(() => orthogonalRegularizer({ mode: 'diagonal' as 'rows' }), 'mode', 'diagonal');
  });

  it('refuses unknown names with UnknownNameError listing the known ones', () => {
    assert.throws(
      () => getRegularizer('nope', 'depthwise_regularizer'),
      (e: unknown) =>
        e instanceof UnknownNameError &&
        e.argument === 'depthwise_regularizer' &&
        e.received === 'nope' &&
        /'l1l2'/.test(e.message),
    );
    assert.throws(() => getRegularizer({ class_name: 'Nope', config: {} }), UnknownNameError);
    assert.throws(() => getRegularizer('toString'), UnknownNameError);
  });

  it('refuses values it cannot interpret', () => {
    for (const bad of [42, true, {}, { l1: 0.1 }, [], { class_name: 'L1', config: 'x' }]) {
      expectInvalid(() => getRegularizer(bad, 'bias_regularizer'), 'bias_regularizer');
    }
  });

  it('refuses config keys Keras’s constructors would not take, and bad values inside configs', () => {
    expectInvalid(() => getRegularizer({ class_name: 'L1', config: { l3: 1 } }, 'kernel_regularizer'), 'kernel_regularizer.config', 'l3');
    expectInvalid(() => getRegularizer({ class_name: 'L1', config: { l1: -1 } }), 'l1', -1);
    expectInvalid(() => getRegularizer({ class_name: 'L1L2', config: { l2: 'x' } }), 'l2', 'x');
  });

  it('refuses non-tensors and non-matrices where the penalty needs them', () => {
    expectInvalid(() => l1().call([1, 2] as unknown as Tensor), 'x');
    assert.throws(() => orthogonalRegularizer().call(tensor([1, 2, 3])), ShapeError);
  });
});
