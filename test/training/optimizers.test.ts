/** Optimizers and schedules: Keras 3.15 golden trajectories and configs, hand-computed steps, state, errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { DType } from '../../src/engine/dtype.js';
import { tensor } from '../../src/engine/tensor.js';
import type { Tensor } from '../../src/engine/tensor.js';
import { Variable } from '../../src/engine/variable.js';
import { InvalidArgumentError, ShapeError, UnknownNameError } from '../../src/errors.js';
import type { Config, SerializedKerasObject } from '../../src/serialization/keras-object.js';
import { toCamelCase } from '../../src/serialization/keras-object.js';
import {
  Adagrad,
  Adam,
  AdamW,
  CosineDecay,
  deserializeSchedule,
  ExponentialDecay,
  getOptimizer,
  OPTIMIZER_NAMES,
  optimizers,
  PiecewiseConstantDecay,
  RMSprop,
  SGD,
  schedules,
} from '../../src/training/optimizers/index.js';
import type { LearningRateSchedule, Optimizer } from '../../src/training/optimizers/index.js';
import { assertAllClose } from '../helpers/close.js';
import { loadKerasFixture } from '../helpers/fixtures.js';

type VarName = 'kernel' | 'bias';

interface Case {
  name: string;
  class_name: string;
  kwargs: Record<string, unknown>;
  exclude_from_weight_decay: string[] | null;
  steps: { learning_rate: number; values: Record<VarName, number[]> }[];
  iterations: number;
  config: Config;
  serialized: SerializedKerasObject;
  slots: { path: string; name: string; value: number[] }[];
}

interface Fixture {
  _generated_by: string;
  steps: number;
  shapes: Record<VarName, number[]>;
  initial: Record<VarName, number[]>;
  gradients: Record<VarName, number[]>[];
  cases: Case[];
  schedules: { serialized: SerializedKerasObject; values: number[] }[];
  get: { identifier: string; class_name?: string; error?: string }[];
}

const fx = loadKerasFixture<Fixture>('optimizers.json');
const NAMES: VarName[] = ['kernel', 'bias'];
const GOLDEN = { rtol: 1e-12, atol: 1e-15 };

function makeVariables(dtype: DType = 'float64'): Variable[] {
  return NAMES.map((n) => new Variable(tensor(fx.initial[n], fx.shapes[n], dtype), { name: n, path: n }));
}

function gradPairs(step: number, variables: Variable[], dtype: DType = 'float64'): [Tensor, Variable][] {
  return NAMES.map((n, i) => [tensor(fx.gradients[step][n], fx.shapes[n], dtype), variables[i]]);
}

/** Keras's snake_case kwargs as our camelCase options, a serialized schedule rebuilt. */
function camelOptions(kwargs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kwargs)) {
    const key = toCamelCase(k);
    out[key] = key === 'learningRate' && typeof v === 'object' && v !== null ? deserializeSchedule(v) : v;
  }
  return out;
}

const FACTORIES: Record<string, (o: Record<string, unknown>) => Optimizer> = {
  SGD: (o) => optimizers.sgd(o),
  Adam: (o) => optimizers.adam(o),
  AdamW: (o) => optimizers.adamw(o),
  RMSprop: (o) => optimizers.rmsprop(o),
  Adagrad: (o) => optimizers.adagrad(o),
};

function build(c: Case): Optimizer {
  const opt = FACTORIES[c.class_name]({ ...camelOptions(c.kwargs), name: `opt_${c.name}` });
  if (c.exclude_from_weight_decay) opt.excludeFromWeightDecay({ varNames: c.exclude_from_weight_decay });
  return opt;
}

function run(opt: Optimizer, variables: Variable[], from: number, to: number, dtype: DType = 'float64'): void {
  for (let t = from; t < to; t++) opt.applyGradients(gradPairs(t, variables, dtype));
}

describe('optimizers: Keras 3.15 golden trajectories (float64)', () => {
  it('fixture is the generated one', () => {
    assert.equal(fx._generated_by, 'test/fixtures/keras/generate_optimizers.py');
    assert.ok(fx.cases.length >= 30);
  });

  for (const c of fx.cases) {
    it(`${c.name}: 5 steps match, learning rate per step, config, serialize, slots`, () => {
      const opt = build(c);
      const variables = makeVariables();
      c.steps.forEach((expected, t) => {
        assert.ok(Math.abs(opt.currentLearningRate() - expected.learning_rate) <= 1e-15 + 1e-12 * expected.learning_rate, `lr at step ${t}`);
        opt.applyGradients(gradPairs(t, variables));
        variables.forEach((v, i) => {
          assert.equal(v.dtype, 'float64');
          assertAllClose(v.dataSync(), expected.values[NAMES[i]], GOLDEN, `${c.name} step ${t + 1} ${NAMES[i]}`);
        });
      });
      assert.equal(opt.iterations, c.iterations);
      assert.deepEqual(opt.getConfig(), c.config);
      assert.deepEqual(Object.keys(opt.getConfig()), Object.keys(c.config), 'config key order');
      assert.deepEqual(opt.serialize(), c.serialized);
      const state = opt.getState();
      // Keras names a slot `<variable path>_<slot>` and lists them in the same order as getState.
      assert.deepEqual(
        state.slots.map((s) => `${s.variablePath}_${s.name}`),
        c.slots.map((s) => s.name),
      );
      state.slots.forEach((s, i) => assertAllClose(s.value.dataSync(), c.slots[i].value, GOLDEN, `slot ${c.slots[i].name}`));
    });
  }

  it('fromConfig of each Keras config rebuilds an optimizer that replays the same trajectory', () => {
    for (const c of fx.cases) {
      const opt = getOptimizer({ class_name: c.class_name, config: c.config });
      assert.equal(opt.className, c.class_name);
      assert.deepEqual(opt.getConfig(), c.config);
      if (c.exclude_from_weight_decay) opt.excludeFromWeightDecay({ varNames: c.exclude_from_weight_decay });
      const variables = makeVariables();
      run(opt, variables, 0, fx.steps);
      variables.forEach((v, i) => assertAllClose(v.dataSync(), c.steps[fx.steps - 1].values[NAMES[i]], GOLDEN, c.name));
    }
  });
});

describe('schedules: Keras golden values', () => {
  for (const s of fx.schedules) {
    it(`${s.serialized.class_name} ${JSON.stringify(s.serialized.config)}`, () => {
      const schedule = schedules.deserialize(s.serialized);
      assert.deepEqual(schedule.serialize(), s.serialized);
      assertAllClose(
        s.values.map((_, step) => schedule.value(step)),
        s.values,
        GOLDEN,
      );
    });
  }

  it('hand values: exponential (continuous and staircase), piecewise boundaries, cosine', () => {
    const e = schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5 });
    assert.equal(e.value(0), 0.1);
    assert.equal(e.value(2), 0.05);
    assert.ok(Math.abs(e.value(1) - 0.1 * Math.SQRT1_2) < 1e-17);
    const s = new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5, staircase: true });
    assert.deepEqual([0, 1, 2, 3, 4].map((t) => s.value(t)), [0.1, 0.1, 0.05, 0.05, 0.025]);
    const p = new PiecewiseConstantDecay({ boundaries: [10, 20], values: [1, 0.5, 0.1] });
    assert.deepEqual([0, 10, 11, 20, 21].map((t) => p.value(t)), [1, 1, 0.5, 0.5, 0.1]);
    const cd = new CosineDecay({ initialLearningRate: 0.1, decaySteps: 100 });
    assert.ok(Math.abs(cd.value(50) - 0.05) < 1e-17);
    assert.equal(cd.value(500), cd.value(100));
  });

  it('rejects invalid schedule options and unknown classes', () => {
    assert.throws(() => new ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 }), /decaySteps/);
    assert.throws(() => new ExponentialDecay({ initialLearningRate: -1, decaySteps: 1, decayRate: 0.5 }), InvalidArgumentError);
    assert.throws(() => new PiecewiseConstantDecay({ boundaries: [1, 2], values: [1, 2] }), /values/);
    assert.throws(() => new PiecewiseConstantDecay({ boundaries: [2, 1], values: [1, 2, 3] }), /boundaries/);
    assert.throws(() => new CosineDecay({ initialLearningRate: 0.1, decaySteps: 10, alpha: 2 }), /alpha/);
    assert.throws(() => schedules.deserialize({ class_name: 'PolynomialDecay', config: {} }), UnknownNameError);
    assert.throws(
      () => schedules.deserialize({ class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1, decay_steps: 1, decay_rate: 0.5, bogus: 1 } }),
      /bogus/,
    );
  });
});

describe('optimizers: hand-computed first steps (scalar)', () => {
  function scalarStep(opt: Optimizer, w0: number, g: number): number {
    const v = new Variable(tensor([w0], [1], 'float64'), { name: 'w', path: 'w' });
    opt.applyGradients([[tensor([g], [1], 'float64'), v]]);
    return v.dataSync()[0];
  }
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-15 * Math.max(1, Math.abs(b)), `${a} != ${b}`);

  it('SGD: w - lr*g; momentum: m = -lr*g, w + m; nesterov: w + momentum*m - lr*g', () => {
    close(scalarStep(optimizers.sgd({ learningRate: 0.1 }), 1, 2), 0.8);
    close(scalarStep(optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }), 1, 2), 0.8);
    close(scalarStep(optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), 1, 2), 1 + 0.9 * -0.2 - 0.2);
    // Second momentum step: m2 = 0.9*(-0.2) - 0.1*2 = -0.38, w2 = 0.8 - 0.38.
    const opt = optimizers.sgd({ learningRate: 0.1, momentum: 0.9 });
    const v = new Variable(tensor([1], [1], 'float64'), { name: 'w', path: 'w' });
    opt.applyGradients([[tensor([2], [1], 'float64'), v]]);
    opt.applyGradients([[tensor([2], [1], 'float64'), v]]);
    close(v.dataSync()[0], 0.8 - 0.38);
  });

  it('Adam: first step is w - lr*g/(|g| + eps/sqrt(1-b2)) with Keras epsilon placement', () => {
    // t=1: m = 0.1g, v = 0.001g², alpha = lr*sqrt(0.001)/0.1; step = alpha*m/(sqrt(v)+eps).
    const lr = 0.1;
    const g = 2;
    const alpha = (lr * Math.sqrt(1 - 0.999)) / (1 - 0.9);
    const m = 0.1 * g;
    const vv = 0.001 * g * g;
    close(scalarStep(optimizers.adam({ learningRate: lr }), 1, g), 1 - (m * alpha) / (Math.sqrt(vv) + 1e-7));
    // Near lr*sign(g) but not exactly: epsilon is added to the uncorrected sqrt(v).
    assert.notEqual(scalarStep(optimizers.adam({ learningRate: lr }), 1, g), 1 - lr);
  });

  it('AdamW: weight decay w*(1 - wd*lr) first, then the Adam step', () => {
    const lr = 0.1;
    const wd = 0.5;
    const g = 2;
    const decayed = 1 - 1 * wd * lr;
    const alpha = (lr * Math.sqrt(1 - 0.999)) / (1 - 0.9);
    close(scalarStep(optimizers.adamw({ learningRate: lr, weightDecay: wd }), 1, g), decayed - (0.1 * g * alpha) / (Math.sqrt(0.001 * g * g) + 1e-7));
    // The base weight decay works for every optimizer (Keras 3 puts it in the base class).
    close(scalarStep(optimizers.sgd({ learningRate: lr, weightDecay: wd }), 1, g), decayed - lr * g);
  });

  it('RMSprop: lr*g/sqrt(v + eps) with v = (1-rho)g²; centered subtracts the mean²; momentum accumulates', () => {
    const lr = 0.1;
    const g = 2;
    const v = 0.1 * g * g;
    close(scalarStep(optimizers.rmsprop({ learningRate: lr }), 1, g), 1 - (lr * g) / Math.sqrt(v + 1e-7));
    const a = 0.1 * g;
    close(scalarStep(optimizers.rmsprop({ learningRate: lr, centered: true }), 1, g), 1 - (lr * g) / Math.sqrt(v - a * a + 1e-7));
    close(scalarStep(optimizers.rmsprop({ learningRate: lr, momentum: 0.5 }), 1, g), 1 - (lr * g) / Math.sqrt(v + 1e-7));
  });

  it('Adagrad: acc = 0.1 + g²; w - lr*g/sqrt(acc + eps)', () => {
    close(scalarStep(optimizers.adagrad({ learningRate: 0.1 }), 1, 2), 1 - 0.2 / Math.sqrt(4.1 + 1e-7));
    close(scalarStep(optimizers.adagrad({ learningRate: 0.1, initialAccumulatorValue: 0 }), 1, 2), 1 - 0.2 / Math.sqrt(4 + 1e-7));
  });

  it('clipping: clipnorm per gradient, clipvalue elementwise, globalClipnorm jointly', () => {
    const a = new Variable(tensor([0, 0], [2], 'float64'), { name: 'a', path: 'a' });
    const b = new Variable(tensor([0], [1], 'float64'), { name: 'b', path: 'b' });
    const pairs = (): [Tensor, Variable][] => [
      [tensor([3, 4], [2], 'float64'), a],
      [tensor([12], [1], 'float64'), b],
    ];
    optimizers.sgd({ learningRate: 1, clipnorm: 1 }).applyGradients(pairs());
    assertAllClose(a.dataSync(), [-0.6, -0.8], { rtol: 1e-15, atol: 0 });
    assertAllClose(b.dataSync(), [-1], { rtol: 1e-15, atol: 0 });
    a.assign(tensor([0, 0], [2], 'float64'));
    b.assign(tensor([0], [1], 'float64'));
    optimizers.sgd({ learningRate: 1, globalClipnorm: 6.5 }).applyGradients(pairs()); // joint norm 13
    assertAllClose(a.dataSync(), [-1.5, -2], { rtol: 1e-15, atol: 0 });
    assertAllClose(b.dataSync(), [-6], { rtol: 1e-15, atol: 0 });
    a.assign(tensor([0, 0], [2], 'float64'));
    optimizers.sgd({ learningRate: 1, clipvalue: 3.5 }).applyGradients([[tensor([3, -4], [2], 'float64'), a]]);
    assertAllClose(a.dataSync(), [-3, 3.5], { rtol: 0, atol: 0 });
  });

  it('the schedule is evaluated at iterations before the increment, and weight decay uses that rate', () => {
    const lr = schedules.exponentialDecay({ initialLearningRate: 1, decaySteps: 1, decayRate: 0.5 });
    const opt = optimizers.sgd({ learningRate: lr });
    const v = new Variable(tensor([0], [1], 'float64'), { name: 'w', path: 'w' });
    opt.applyGradients([[tensor([1], [1], 'float64'), v]]); // lr 1
    opt.applyGradients([[tensor([1], [1], 'float64'), v]]); // lr 0.5
    assert.equal(v.dataSync()[0], -1.5);
    assert.equal(opt.currentLearningRate(), 0.25);
  });
});

describe('optimizers: dtypes, state and the step contract', () => {
  it('float32 variables and slots stay float32 and track the float64 trajectory', () => {
    for (const c of fx.cases) {
      const opt = build(c);
      const variables = makeVariables('float32');
      run(opt, variables, 0, fx.steps, 'float32');
      variables.forEach((v, i) => {
        assert.equal(v.dtype, 'float32');
        assert.ok(v.dataSync() instanceof Float32Array);
        assertAllClose(v.dataSync(), c.steps[fx.steps - 1].values[NAMES[i]], { rtol: 1e-4, atol: 1e-5 }, c.name);
      });
      for (const s of opt.getState().slots) assert.equal(s.value.dtype, 'float32', `${c.name} ${s.name}`);
    }
  });

  it('a float32 gradient on a float64 variable keeps the variable float64', () => {
    const v = new Variable(tensor([1, 2], [2], 'float64'), { name: 'w', path: 'w' });
    optimizers.adam().applyGradients([[tensor([0.5, 0.5], [2], 'float32'), v]]);
    assert.equal(v.dtype, 'float64');
  });

  it('getState/setState: continuing after a restore equals continuing without', () => {
    for (const c of fx.cases) {
      const reference = build(c);
      const refVars = makeVariables();
      run(reference, refVars, 0, fx.steps);

      const first = build(c);
      const vars = makeVariables();
      run(first, vars, 0, 2);
      const state = first.getState();
      // A fresh optimizer (as after loading from disk) on copies of the variables.
      const resumed = build(c);
      const copies = vars.map((v) => new Variable(v, { name: v.name, path: v.path }));
      resumed.setState(state, copies);
      assert.equal(resumed.iterations, 2);
      run(resumed, copies, 2, fx.steps);
      copies.forEach((v, i) => assert.deepEqual(Array.from(v.dataSync()), Array.from(refVars[i].dataSync()), `${c.name} ${v.path}`));
      assert.deepEqual(
        resumed.getState().slots.map((s) => [s.variablePath, s.name, Array.from(s.value.dataSync())]),
        reference.getState().slots.map((s) => [s.variablePath, s.name, Array.from(s.value.dataSync())]),
      );
    }
  });

  it('getState returns copies; setState validates and changes nothing when it throws', () => {
    const opt = optimizers.adam({ learningRate: 0.1 });
    const vars = makeVariables();
    run(opt, vars, 0, 1);
    const state = opt.getState();
    assert.deepEqual(
      state.slots.map((s) => `${s.variablePath}/${s.name}`),
      ['kernel/momentum', 'kernel/velocity', 'bias/momentum', 'bias/velocity'],
    );
    const before = Array.from(state.slots[0].value.dataSync());
    run(opt, vars, 1, 2);
    assert.deepEqual(Array.from(state.slots[0].value.dataSync()), before);

    const fresh = optimizers.adam({ learningRate: 0.1 });
    assert.throws(() => fresh.setState(state, [vars[0]]), (e: unknown) => e instanceof InvalidArgumentError && /bias/.test(e.message));
    assert.throws(() => fresh.setState({ iterations: 1, slots: state.slots.slice(1) }, vars), /missing momentum/);
    assert.throws(() => fresh.setState({ iterations: -1, slots: state.slots }, vars), /iterations/);
    assert.throws(
      () => fresh.setState({ iterations: 1, slots: [{ ...state.slots[0], name: 'velocity_hat' }, ...state.slots.slice(1)] }, vars),
      /velocity_hat/,
    );
    assert.throws(
      () => fresh.setState({ iterations: 1, slots: [{ ...state.slots[0], value: tensor([1, 2, 3, 4], [4], 'float64') }, ...state.slots.slice(1)] }, vars),
      ShapeError,
    );
    assert.throws(() => optimizers.sgd().setState(state, vars), /no slots/);
    assert.equal(fresh.iterations, 0);
    assert.deepEqual(fresh.getState().slots, []);
  });

  it('setState casts slot values to the variable dtype', () => {
    const opt = optimizers.rmsprop({ momentum: 0.5 });
    const v64 = makeVariables();
    run(opt, v64, 0, 1);
    const target = optimizers.rmsprop({ momentum: 0.5 });
    const v32 = makeVariables('float32');
    target.setState(opt.getState(), v32);
    for (const s of target.getState().slots) assert.equal(s.value.dtype, 'float32');
  });

  it('applyGradients: empty is a no-op; shape, dtype and duplicate checks leave everything unchanged', () => {
    const opt = optimizers.sgd();
    opt.applyGradients([]);
    assert.equal(opt.iterations, 0);
    const [k, b] = makeVariables();
    const before = Array.from(k.dataSync());
    assert.throws(() => opt.applyGradients([[tensor([1, 2, 3, 4, 5, 6], [6], 'float64'), k]]), ShapeError);
    assert.throws(() => opt.applyGradients([[tensor([1, 2, 3, 4], [4], 'int32'), b]]), InvalidArgumentError);
    assert.throws(
      () => opt.applyGradients([[tensor([0, 0, 0, 0], [4], 'float64'), b], [tensor([0, 0, 0, 0], [4], 'float64'), b]]),
      /at most once/,
    );
    assert.throws(() => opt.applyGradients([[tensor([1], [1]), tensor([1], [1]) as unknown as Variable]]), /Variable/);
    assert.deepEqual(Array.from(k.dataSync()), before);
    assert.equal(opt.iterations, 0);
  });

  it('excludeFromWeightDecay by variable or by name pattern', () => {
    const [k, b] = makeVariables();
    const opt = optimizers.sgd({ learningRate: 0.1, weightDecay: 0.5 });
    opt.excludeFromWeightDecay({ variables: [k] });
    const zero = (v: Variable) => tensor(new Float64Array(v.size), v.shape, 'float64');
    const k0 = Array.from(k.dataSync());
    const b0 = Array.from(b.dataSync());
    opt.applyGradients([[zero(k), k], [zero(b), b]]);
    assert.deepEqual(Array.from(k.dataSync()), k0);
    assertAllClose(b.dataSync(), b0.map((x) => x - x * 0.5 * 0.1), { rtol: 1e-15, atol: 0 });
  });
});

describe('optimizers: configuration, names and errors', () => {
  it('defaults match Keras 3.15 (config of the default-argument cases)', () => {
    const defaults = fx.cases.filter((c) => c.name.endsWith('_defaults'));
    assert.equal(defaults.length, 4);
    for (const c of defaults) {
      const { name: _name, ...expected } = c.config;
      const { name: _ours, ...ours } = FACTORIES[c.class_name]({}).getConfig();
      assert.deepEqual(ours, expected);
    }
    const { name: _n, ...sgd } = optimizers.sgd().getConfig();
    assert.equal(sgd.learning_rate, 0.01);
    assert.equal(sgd.momentum, 0);
    assert.equal(sgd.nesterov, false);
  });

  it('automatic names follow Keras (adam, adam_w, rm_sprop, ...) and are unique', () => {
    const a = optimizers.adam().name;
    const b = optimizers.adam().name;
    assert.match(a, /^adam(_\d+)?$/);
    assert.notEqual(a, b);
    assert.match(optimizers.adamw().name, /^adam_w(_\d+)?$/);
    assert.match(optimizers.rmsprop().name, /^rm_sprop(_\d+)?$/);
    assert.match(optimizers.sgd().name, /^sgd(_\d+)?$/);
    assert.equal(optimizers.adagrad({ name: 'mine' }).name, 'mine');
  });

  it('getOptimizer: Keras names in any case, instances, serialized forms; unknown names list the valid ones', () => {
    for (const g of fx.get) {
      if (g.error !== undefined) {
        assert.throws(
          () => getOptimizer(g.identifier),
          (e: unknown) => e instanceof UnknownNameError && OPTIMIZER_NAMES.every((n) => e.message.includes(`'${n}'`)),
        );
      } else {
        assert.equal(getOptimizer(g.identifier).className, g.class_name);
      }
    }
    const opt = optimizers.rmsprop();
    assert.equal(getOptimizer(opt), opt);
    const round = optimizers.get(optimizers.serialize(opt));
    assert.ok(round instanceof RMSprop);
    assert.deepEqual(round.getConfig(), opt.getConfig());
    assert.ok(getOptimizer({ class_name: 'adamw', config: null }) instanceof AdamW);
    assert.throws(() => getOptimizer({ class_name: 'Nadam', config: {} }), UnknownNameError);
    assert.throws(() => getOptimizer(42 as unknown as string), InvalidArgumentError);
    assert.throws(() => getOptimizer({ class_name: 'SGD', config: { learning_rate: 0.1, bogus: 1 } }), /bogus/);
  });

  it('classes, fromConfig and the namespace', () => {
    assert.ok(SGD.fromConfig({ learning_rate: 0.5, momentum: 0.5 }) instanceof SGD);
    assert.ok(Adam.fromConfig({}) instanceof Adam);
    assert.ok(AdamW.fromConfig({}) instanceof AdamW);
    assert.ok(AdamW.fromConfig({}) instanceof Adam);
    assert.ok(Adagrad.fromConfig({ initial_accumulator_value: 0 }) instanceof Adagrad);
    assert.ok(RMSprop.fromConfig({ centered: true }) instanceof RMSprop);
    assert.equal(optimizers.schedules, schedules);
    // Config-only Keras keys are accepted at their inactive values and rejected otherwise.
    assert.ok(Adam.fromConfig({ use_ema: false, ema_momentum: 0.9, ema_overwrite_frequency: null, loss_scale_factor: null }));
    assert.equal(Adam.fromConfig({ ema_momentum: 0.9 }).getConfig().ema_momentum, 0.9);
    assert.throws(() => Adam.fromConfig({ use_ema: true }), /useEma/);
    assert.throws(() => Adam.fromConfig({ loss_scale_factor: 128 }), /lossScaleFactor/);
    assert.throws(() => Adam.fromConfig({ gradient_accumulation_steps: 4 }), /gradientAccumulationSteps/);
  });

  it('validates every option with InvalidArgumentError naming the argument and value', () => {
    const bad: [() => unknown, string][] = [
      [() => optimizers.sgd({ learningRate: -0.1 }), 'learningRate'],
      [() => optimizers.sgd({ learningRate: NaN }), 'learningRate'],
      [() => optimizers.sgd({ learningRate: '0.1' as unknown as number }), 'learningRate'],
      [() => optimizers.sgd({ momentum: 1.5 }), 'momentum'],
      [() => optimizers.sgd({ momentum: -0.1 }), 'momentum'],
      [() => optimizers.sgd({ nesterov: 1 as unknown as boolean }), 'nesterov'],
      [() => optimizers.adam({ beta1: 1 }), 'beta1'],
      [() => optimizers.adam({ beta2: -0.5 }), 'beta2'],
      [() => optimizers.adam({ epsilon: 0 }), 'epsilon'],
      [() => optimizers.adam({ amsgrad: 'yes' as unknown as boolean }), 'amsgrad'],
      [() => optimizers.adamw({ weightDecay: -1 }), 'weightDecay'],
      [() => optimizers.adamw({ weightDecay: null as unknown as number }), 'weightDecay'],
      [() => optimizers.rmsprop({ rho: 1 }), 'rho'],
      [() => optimizers.rmsprop({ momentum: 2 }), 'momentum'],
      [() => optimizers.rmsprop({ epsilon: -1 }), 'epsilon'],
      [() => optimizers.rmsprop({ centered: 'yes' as unknown as boolean }), 'centered'],
      [() => optimizers.adagrad({ initialAccumulatorValue: -0.1 }), 'initialAccumulatorValue'],
      [() => optimizers.adagrad({ epsilon: Infinity }), 'epsilon'],
      [() => optimizers.sgd({ clipnorm: 0 }), 'clipnorm'],
      [() => optimizers.sgd({ clipvalue: -1 }), 'clipvalue'],
      [() => optimizers.sgd({ globalClipnorm: NaN }), 'globalClipnorm'],
      [() => optimizers.sgd({ clipnorm: 1, clipvalue: 1 }), 'clipnorm'],
      [() => optimizers.adam({ clipnorm: 1, globalClipnorm: 1 }), 'clipnorm'],
      [() => optimizers.sgd({ name: '' }), 'name'],
      [() => optimizers.sgd({ learningrate: 0.1 } as unknown as Record<string, never>), 'learningrate'],
    ];
    for (const [fn, argument] of bad) {
      assert.throws(fn, (e: unknown) => e instanceof InvalidArgumentError && e.argument === argument, argument);
    }
    assert.throws(() => optimizers.sgd({ clipnorm: 1, clipvalue: 1 }), /only one of/);
  });

  it('a rejected construction consumes no automatic name', () => {
    const first = optimizers.adagrad().name;
    assert.throws(() => optimizers.adagrad({ epsilon: -1 }));
    assert.throws(() => optimizers.adagrad({ learningRate: -1 }));
    const next = optimizers.adagrad().name;
    const n = (s: string) => (s === 'adagrad' ? 0 : Number(s.split('_').pop()));
    assert.equal(n(next), n(first) + 1);
  });

  it('learningRate: number get/set, schedule get; setting a number over a schedule throws as Keras', () => {
    const opt = optimizers.sgd({ learningRate: 0.1 });
    assert.equal(opt.learningRate, 0.1);
    opt.learningRate = 0.05;
    assert.equal(opt.learningRate, 0.05);
    assert.equal(opt.currentLearningRate(), 0.05);
    assert.equal(opt.getConfig().learning_rate, 0.05);
    assert.throws(() => {
      opt.learningRate = -1;
    }, InvalidArgumentError);
    const schedule: LearningRateSchedule = schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 });
    const withSchedule = optimizers.adam({ learningRate: schedule });
    assert.equal(withSchedule.learningRate, schedule);
    assert.equal(withSchedule.currentLearningRate(), 0.1);
    assert.throws(
      () => {
        withSchedule.learningRate = 0.01;
      },
      (e: unknown) => e instanceof InvalidArgumentError && /created with a schedule/.test(e.message),
    );
    // A schedule may replace a number, as Keras allows.
    opt.learningRate = schedule;
    assert.equal(opt.currentLearningRate(), 0.1);
    assert.deepEqual(opt.getConfig().learning_rate, schedule.serialize());
  });

  it('a user-written schedule object works', () => {
    const custom: LearningRateSchedule = {
      className: 'Halving',
      value: (step) => 0.5 ** step,
      getConfig: () => ({}),
      serialize: () => ({ module: 'custom', class_name: 'Halving', config: {}, registered_name: 'Halving' }),
    };
    const opt = optimizers.sgd({ learningRate: custom });
    const v = new Variable(tensor([0], [1], 'float64'), { name: 'w', path: 'w' });
    for (let i = 0; i < 3; i++) opt.applyGradients([[tensor([1], [1], 'float64'), v]]);
    assert.equal(v.dataSync()[0], -1.75);
  });
});
