import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import type { FloatDType } from '../src/engine/dtype.js';
import { SeedGenerator, setRandomSeed } from '../src/engine/random.js';
import { fill, tensor } from '../src/engine/tensor.js';
import type { Tensor } from '../src/engine/tensor.js';
import { InvalidArgumentError, ShapeError, UnknownNameError } from '../src/errors.js';
import type { Config, ConfigValue, SerializedKerasObject } from '../src/serialization/keras-object.js';
import type { FanAxesOptions, Initializer, VarianceScalingOptions } from '../src/initializers/index.js';
import {
  Constant,
  FunctionInitializer,
  GlorotNormal,
  GlorotUniform,
  HeNormal,
  HeUniform,
  INITIALIZER_NAMES,
  Identity,
  LecunNormal,
  LecunUniform,
  Ones,
  Orthogonal,
  RandomNormal,
  RandomUniform,
  TRUNCATED_NORMAL_STD,
  TruncatedNormal,
  UNSUPPORTED_KERAS_INITIALIZER_NAMES,
  VarianceScaling,
  Zeros,
  computeFans,
  deserializeInitializer,
  getInitializer,
  householderQr,
  initializers,
} from '../src/initializers/index.js';

// ---------------------------------------------------------------------------------------------------------
// Fixture (generated from Keras 3.15 by test/fixtures/keras/generate.py)
// ---------------------------------------------------------------------------------------------------------

interface Stats {
  n: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  draws?: number;
  shape_per_draw?: number[];
}
interface Failure {
  ok: false;
  error_type: string;
  message: string;
}
type Outcome<T> = { ok: true; result: T } | Failure;
interface Implied {
  fan_in: number;
  fan_out: number;
  scale_over_n?: number;
  distribution?: string;
  limit?: number;
  stddev_param?: number;
  target_std?: number;
  stddev?: number;
  [key: string]: ConfigValue | undefined;
}
interface PerShape {
  implied: Outcome<Implied>;
  sample_stats: Stats | Failure;
}
interface Entry {
  name: string;
  class_name?: string;
  get_error?: { type: string; message: string };
  get_config?: Config;
  serialize?: SerializedKerasObject;
  signature?: Config;
  per_shape?: Record<string, PerShape>;
}
interface AxisCase {
  implied: Implied;
  get_config: Config;
  serialize: SerializedKerasObject;
  sample_stats: Stats;
}
interface InitializerFixture {
  names: string[];
  variance_scaling_signature: Config;
  input_output_axes: Record<string, Record<string, Outcome<AxisCase>> | Implied | Outcome<ConfigValue>>;
  initializers: Entry[];
  orthogonal_identity: Record<string, Outcome<ConfigValue> | ConfigValue>;
  errors: Record<string, Outcome<ConfigValue>>;
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/keras/initializers.json', import.meta.url), 'utf8'),
) as InitializerFixture;

const parseShape = (key: string): number[] => key.split('x').map(Number);

function stats(values: ArrayLike<number>): Stats {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  const mean = sum / values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i] - mean) ** 2;
  return { n: values.length, mean, std: Math.sqrt(ss / values.length), min, max };
}

function close(actual: number, expected: number, rtol: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= rtol * Math.abs(expected) + 1e-12,
    `${what}: ${actual} vs expected ${expected} (rtol ${rtol})`,
  );
}

/** Draws `draws` times with a SeedGenerator (as a large sample of one shape) and pools the values. */
function pooledSample(make: (seed: SeedGenerator) => Initializer, shape: readonly number[], draws: number): Float64Array {
  const init = make(new SeedGenerator(2024));
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(size * draws);
  for (let d = 0; d < draws; d++) out.set(init.call(shape, 'float64').dataSync(), d * size);
  return out;
}

/** Our initializer for a Keras class name and config (seed replaced), via the public config path. */
function fromKeras(className: string, config: Config): Initializer {
  return deserializeInitializer({ class_name: className, config });
}

function errorNames(argument: string, value?: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(e)}`);
    assert.equal(e.argument, argument);
    if (value) assert.match(e.message, value);
    return true;
  };
}

const SUPPORTED_ENTRIES = fixture.initializers.filter((e) => !UNSUPPORTED_KERAS_INITIALIZER_NAMES.includes(e.name));

// ---------------------------------------------------------------------------------------------------------

describe('computeFans', () => {
  test('matches Keras compute_fans for ranks 0 to 5', () => {
    assert.deepEqual(computeFans([]), { fanIn: 1, fanOut: 1 });
    assert.deepEqual(computeFans([7]), { fanIn: 7, fanOut: 7 });
    assert.deepEqual(computeFans([4, 9]), { fanIn: 4, fanOut: 9 });
    assert.deepEqual(computeFans([5, 4, 9]), { fanIn: 20, fanOut: 45 });
    assert.deepEqual(computeFans([3, 3, 64, 1]), { fanIn: 576, fanOut: 9 });
    assert.deepEqual(computeFans([5, 5, 8, 3]), { fanIn: 200, fanOut: 75 });
    assert.deepEqual(computeFans([2, 3, 3, 4, 6]), { fanIn: 72, fanOut: 108 });
    assert.deepEqual(computeFans([3, 0, 4, 2]), { fanIn: 0, fanOut: 0 });
  });

  test('agrees with every fan the fixture reports', () => {
    let checked = 0;
    for (const entry of SUPPORTED_ENTRIES) {
      for (const [key, info] of Object.entries(entry.per_shape ?? {})) {
        if (!info.implied.ok) continue;
        assert.deepEqual(computeFans(parseShape(key)), { fanIn: info.implied.result.fan_in, fanOut: info.implied.result.fan_out });
        checked++;
      }
    }
    assert.ok(checked > 20);
  });

  test('input/output axes give the per-channel fans of a depthwise kernel', () => {
    // [kh, kw, C, dm]: true fan_in = kh*kw, fan_out = kh*kw*dm.
    assert.deepEqual(computeFans([3, 3, 64, 1], [0, 1], [0, 1, 3]), { fanIn: 9, fanOut: 9 });
    assert.deepEqual(computeFans([5, 5, 8, 3], [0, 1], [0, 1, 3]), { fanIn: 25, fanOut: 75 });
    assert.deepEqual(computeFans([3, 3, 64, 1], [-4, -3], [-4, -3, -1]), { fanIn: 9, fanOut: 9 });
    assert.deepEqual(computeFans([3, 3, 64, 1], [], []), { fanIn: 1, fanOut: 1 });
  });

  test('one of the two axis lists alone is ignored, as in Keras', () => {
    assert.deepEqual(computeFans([3, 3, 64, 1], [0, 1], null), { fanIn: 576, fanOut: 9 });
    assert.deepEqual(computeFans([3, 3, 64, 1], null, [0, 1, 3]), { fanIn: 576, fanOut: 9 });
  });

  test('out-of-range axes are an InvalidArgumentError naming the argument (Keras: IndexError)', () => {
    const failure = fixture.input_output_axes.axis_out_of_range as Failure;
    assert.equal(failure.error_type, 'IndexError');
    assert.throws(() => computeFans([3, 3, 64, 1], [5], [0]), errorNames('inputAxes', /\[5\]/));
    assert.throws(() => computeFans([3, 3, 64, 1], [0], [-5]), errorNames('outputAxes'));
    assert.throws(() => new GlorotUniform({ inputAxes: [5], outputAxes: [0] }).call([3, 3, 64, 1]), errorNames('inputAxes'));
  });
});

describe('configs and names match Keras 3.15', () => {
  test('the fixture lists every name Keras accepts; we accept all but the unsupported ones', () => {
    const expected = fixture.names.filter((n) => !UNSUPPORTED_KERAS_INITIALIZER_NAMES.includes(n));
    assert.deepEqual([...INITIALIZER_NAMES], expected);
  });

  for (const entry of SUPPORTED_ENTRIES) {
    test(`getInitializer(${JSON.stringify(entry.name)})`, () => {
      const init = getInitializer(entry.name);
      if (entry.get_error) {
        // Keras 3.15's get('constant') calls Constant.from_config({}) which raises KeyError('value'); we
        // deliberately give Constant(0), the constructor's default, instead.
        assert.equal(entry.get_error.type, 'KeyError');
        assert.ok(init instanceof Constant);
        assert.deepEqual(init.getConfig(), { value: 0 });
        return;
      }
      assert.equal(init.className, entry.class_name);
      assert.deepEqual(init.getConfig(), entry.get_config);
      assert.deepEqual(init.serialize(), entry.serialize);
      // The config holds the constructor's arguments with Keras's defaults (Identity: see its getConfig).
      if (entry.class_name !== 'Identity') {
        assert.deepEqual(Object.keys(init.getConfig()).sort(), Object.keys(entry.signature ?? {}).filter((k) => k !== 'args').sort());
      }
    });
  }

  test('VarianceScaling defaults and config keys', () => {
    assert.deepEqual(fixture.variance_scaling_signature, {
      scale: 1.0,
      mode: 'fan_in',
      distribution: 'truncated_normal',
      seed: null,
      input_axes: null,
      output_axes: null,
    });
    assert.deepEqual(new VarianceScaling().getConfig(), {
      seed: null,
      scale: 1,
      mode: 'fan_in',
      distribution: 'truncated_normal',
      input_axes: null,
      output_axes: null,
    });
  });

  test('configs of every class with non-default options', () => {
    assert.deepEqual(initializers.constant({ value: 0.5 }).getConfig(), { value: 0.5 });
    assert.deepEqual(initializers.randomNormal({ mean: 1, stddev: 2, seed: 3 }).getConfig(), { seed: 3, mean: 1, stddev: 2 });
    assert.deepEqual(initializers.randomUniform({ minval: -1, maxval: 2, seed: 3 }).getConfig(), { seed: 3, minval: -1, maxval: 2 });
    assert.deepEqual(initializers.truncatedNormal({ mean: 1, stddev: 2 }).getConfig(), { seed: null, mean: 1, stddev: 2 });
    assert.deepEqual(initializers.orthogonal({ gain: 2, seed: 1 }).getConfig(), { seed: 1, gain: 2 });
    assert.deepEqual(
      initializers.varianceScaling({ scale: 2, mode: 'fan_out', distribution: 'uniform', seed: 4, inputAxes: [0, 1], outputAxes: [0, 1, 3] }).getConfig(),
      { seed: 4, scale: 2, mode: 'fan_out', distribution: 'uniform', input_axes: [0, 1], output_axes: [0, 1, 3] },
    );
    // Keras drops a non-default gain from Identity's config; we keep it (and match Keras's {} for gain 1).
    assert.deepEqual(initializers.identity({ gain: 2 }).getConfig(), { gain: 2 });
    assert.deepEqual(initializers.identity().getConfig(), {});
  });

  test("'normal' and upper-case distributions normalise as in Keras", () => {
    const alias = fixture.errors.vs_distribution_normal_alias;
    const upper = fixture.errors.vs_distribution_uppercase;
    assert.ok(alias.ok && upper.ok);
    assert.deepEqual(new VarianceScaling({ distribution: 'normal' }).getConfig(), alias.result);
    assert.deepEqual(new VarianceScaling({ distribution: 'Uniform' as 'uniform' }).getConfig(), upper.result);
  });

  test('class names resolve case-sensitively', () => {
    const camel = fixture.errors.get_CamelCase;
    assert.ok(camel.ok);
    assert.equal(getInitializer('GlorotUniform').className, camel.result);
    assert.equal(fixture.errors.get_case_mismatch.ok, false);
    assert.throws(() => getInitializer('Glorot_Uniform'), UnknownNameError);
  });

  test('Constant default and values', () => {
    assert.deepEqual(new Constant().getConfig(), fixture.orthogonal_identity.constant_default);
    assert.deepEqual(new Constant({ value: 0.5 }).call([2, 2], 'float64').arraySync(), fixture.orthogonal_identity.constant_0_5_on_2x2);
  });
});

describe('input_axes / output_axes (Keras 3.15)', () => {
  const classes: Record<string, (o: FanAxesOptions) => Initializer> = {
    VarianceScaling: (o) => new VarianceScaling(o as VarianceScalingOptions),
    GlorotUniform: (o) => new GlorotUniform(o),
    GlorotNormal: (o) => new GlorotNormal(o),
    HeUniform: (o) => new HeUniform(o),
    HeNormal: (o) => new HeNormal(o),
    LecunUniform: (o) => new LecunUniform(o),
    LecunNormal: (o) => new LecunNormal(o),
  };
  const settings: Record<string, FanAxesOptions> = {
    default_none: {},
    depthwise_per_channel: { inputAxes: [0, 1], outputAxes: [0, 1, 3] },
    depthwise_per_channel_negative_axes: { inputAxes: [-4, -3], outputAxes: [-4, -3, -1] },
    only_input_axes_given_is_ignored: { inputAxes: [0, 1] },
    only_output_axes_given_is_ignored: { outputAxes: [0, 1, 3] },
    empty_lists: { inputAxes: [], outputAxes: [] },
    tuples: { inputAxes: [0, 1], outputAxes: [0, 1, 3] },
  };
  const shape = [3, 3, 64, 1];

  for (const [className, make] of Object.entries(classes)) {
    const cases = fixture.input_output_axes[className] as Record<string, Outcome<AxisCase>>;
    for (const [setting, options] of Object.entries(settings)) {
      test(`${className} ${setting}`, () => {
        const expected = cases[setting];
        assert.ok(expected.ok, `fixture case failed in Keras: ${JSON.stringify(expected)}`);
        const { implied, get_config: config, serialize, sample_stats: keras } = expected.result;
        const init = make({ ...options, seed: 5 }) as VarianceScaling;
        assert.deepEqual(init.getConfig(), config);
        assert.deepEqual(init.serialize(), serialize);
        assert.deepEqual(fromKeras(className, config).getConfig(), config, 'config round trip');
        const p = init.parametersFor(shape);
        assert.equal(p.fanIn, implied.fan_in);
        assert.equal(p.fanOut, implied.fan_out);
        close(p.scaleOverN, implied.scale_over_n ?? NaN, 1e-12, 'scale / n');
        if (implied.limit !== undefined) close(p.limit, implied.limit, 1e-12, 'limit');
        if (implied.stddev_param !== undefined) close(p.stddev, implied.stddev_param, 1e-12, 'stddev');
        // Same sample size as Keras's pooled draws; the realised std must agree to within sampling error.
        const ours = stats(pooledSample((seed) => make({ ...options, seed }), shape, keras.draws ?? 1));
        close(ours.std, keras.std, 0.03, 'std vs Keras');
        if (implied.limit !== undefined) {
          assert.ok(ours.max < implied.limit && ours.min >= -implied.limit);
          close(ours.max, keras.max, 0.01, 'max vs Keras');
        }
      });
    }
  }

  test('GlorotUniform on a 5x5x8x3 depthwise kernel', () => {
    const perChannel = fixture.input_output_axes.GlorotUniform_5x5x8x3_depthwise_per_channel as Implied;
    const byDefault = fixture.input_output_axes.GlorotUniform_5x5x8x3_default as Implied;
    const a = new GlorotUniform({ inputAxes: [0, 1], outputAxes: [0, 1, 3] }).parametersFor([5, 5, 8, 3]);
    const b = new GlorotUniform().parametersFor([5, 5, 8, 3]);
    assert.deepEqual([a.fanIn, a.fanOut], [perChannel.fan_in, perChannel.fan_out]);
    assert.deepEqual([b.fanIn, b.fanOut], [byDefault.fan_in, byDefault.fan_out]);
    close(a.limit, perChannel.limit ?? NaN, 1e-12, 'per-channel limit');
    close(b.limit, byDefault.limit ?? NaN, 1e-12, 'default limit');
  });

  test('from_config and deserialize keep the axes', () => {
    const roundtrip = fixture.input_output_axes.from_config_roundtrip as Outcome<Config>;
    const deserialized = fixture.input_output_axes.deserialize_from_dict as Outcome<Config>;
    assert.ok(roundtrip.ok && deserialized.ok);
    assert.deepEqual(GlorotUniform.fromConfig({ seed: null, input_axes: [0, 1], output_axes: [0, 1, 3] }).getConfig(), roundtrip.result);
    assert.deepEqual(
      getInitializer({ class_name: 'HeUniform', config: { seed: 7, input_axes: [0, 1], output_axes: [0, 1, 3] } }).getConfig(),
      deserialized.result,
    );
  });

  test("Keras's DepthwiseConv2D does not set the axes by default (its kernel uses the C-times fan-in)", () => {
    const result = fixture.input_output_axes.depthwise_layer_does_not_set_axes as Outcome<Config>;
    assert.ok(result.ok);
    const r = result.result as { kernel_abs_max: number; limit_default_fans: number; initializer_config_after_build: Config };
    assert.ok(r.kernel_abs_max <= r.limit_default_fans);
    assert.deepEqual(new GlorotUniform({ seed: 1 }).serialize(), r.initializer_config_after_build);
    close(new GlorotUniform().parametersFor([3, 3, 64, 1]).limit, r.limit_default_fans, 1e-12, 'default-fan limit');
  });
});

describe('variance scaling statistics', () => {
  // [kh, kw, C, dm] = [5, 5, 32, 96]: 76 800 values, default fans (800, 2400).
  const shape = [5, 5, 32, 96];
  const flavours: Array<[string, Initializer]> = [
    ['GlorotUniform', new GlorotUniform({ seed: 1 })],
    ['GlorotNormal', new GlorotNormal({ seed: 1 })],
    ['HeUniform', new HeUniform({ seed: 1 })],
    ['HeNormal', new HeNormal({ seed: 1 })],
    ['LecunUniform', new LecunUniform({ seed: 1 })],
    ['LecunNormal', new LecunNormal({ seed: 1 })],
    ['VarianceScaling fan_out untruncated', new VarianceScaling({ scale: 3, mode: 'fan_out', distribution: 'untruncated_normal', seed: 1 })],
    ['VarianceScaling fan_avg uniform', new VarianceScaling({ scale: 0.5, mode: 'fan_avg', distribution: 'uniform', seed: 1 })],
    ['HeNormal per-channel axes', new HeNormal({ seed: 1, inputAxes: [0, 1], outputAxes: [0, 1, 3] })],
  ];
  for (const [name, init] of flavours) {
    test(name, () => {
      const vs = init as VarianceScaling;
      const { fanIn, fanOut } = computeFans(shape, vs.inputAxes, vs.outputAxes);
      const n = vs.mode === 'fan_in' ? fanIn : vs.mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
      const targetStd = Math.sqrt(vs.scale / n);
      const values = init.call(shape, 'float64').dataSync();
      const s = stats(values);
      // Standard error of the mean: std / sqrt(76 800) ≈ 0.0036·std.
      assert.ok(Math.abs(s.mean) < 0.015 * targetStd, `mean ${s.mean}`);
      close(s.std, targetStd, 0.015, 'std');
      if (vs.distribution === 'uniform') {
        const limit = Math.sqrt((3 * vs.scale) / n);
        assert.ok(s.min >= -limit && s.max < limit, `range [${s.min}, ${s.max}] vs limit ${limit}`);
        assert.ok(s.max > 0.999 * limit && s.min < -0.999 * limit, 'the limits are reached');
      } else if (vs.distribution === 'truncated_normal') {
        const bound = (2 * targetStd) / TRUNCATED_NORMAL_STD;
        assert.ok(s.min >= -bound && s.max <= bound, `range [${s.min}, ${s.max}] vs bound ${bound}`);
        assert.ok(s.max > 0.98 * bound && s.min < -0.98 * bound, 'the truncation bounds are reached');
      } else {
        assert.ok(s.max > 3.5 * targetStd && s.min < -3.5 * targetStd, 'untruncated tails');
      }
    });
  }

  test('sample statistics agree with Keras for every fixture entry', () => {
    let checked = 0;
    for (const entry of SUPPORTED_ENTRIES) {
      if (!entry.class_name || !entry.get_config) continue;
      for (const [key, info] of Object.entries(entry.per_shape ?? {})) {
        const keras = info.sample_stats;
        if ('ok' in keras) continue; // Identity on 4-D shapes: an error in Keras too (tested below)
        const shape = keras.shape_per_draw ?? parseShape(key);
        const config = entry.get_config;
        const make = (seed: SeedGenerator): Initializer =>
          'seed' in config ? fromKeras(entry.class_name ?? '', { ...config, seed: seed.serialize() }) : fromKeras(entry.class_name ?? '', config);
        const ours = stats(pooledSample(make, shape, keras.draws ?? 1));
        assert.equal(ours.n, keras.n);
        const label = `${entry.name} ${key}`;
        if (keras.std === 0) {
          assert.deepEqual([ours.mean, ours.std], [keras.mean, 0], label);
        } else {
          close(ours.std, keras.std, 0.03, `${label} std`);
          assert.ok(Math.abs(ours.mean - keras.mean) < (5 * keras.std) / Math.sqrt(keras.n), `${label} mean ${ours.mean} vs ${keras.mean}`);
        }
        checked++;
      }
    }
    assert.ok(checked >= 40, `${checked} comparisons`);
  });

  test('TruncatedNormal does not correct its stddev (truncates at ±2 stddev)', () => {
    const s = stats(new TruncatedNormal({ stddev: 0.1, seed: 3 }).call([100_000], 'float64').dataSync());
    assert.ok(s.min >= -0.2 && s.max <= 0.2 && s.max > 0.198);
    close(s.std, 0.1 * TRUNCATED_NORMAL_STD, 0.015, 'std');
  });

  test('RandomNormal and RandomUniform use their parameters', () => {
    const n = stats(new RandomNormal({ mean: 2, stddev: 0.5, seed: 3 }).call([100_000], 'float64').dataSync());
    close(n.mean, 2, 0.005, 'mean');
    close(n.std, 0.5, 0.015, 'std');
    const u = stats(new RandomUniform({ minval: 1, maxval: 3, seed: 3 }).call([100_000], 'float64').dataSync());
    assert.ok(u.min >= 1 && u.max < 3);
    close(u.mean, 2, 0.005, 'mean');
    close(u.std, 2 / Math.sqrt(12), 0.015, 'std');
  });
});

describe('Orthogonal and Identity', () => {
  function gram(w: ArrayLike<number>, rows: number, cols: number): { matrix: number[][]; size: number } {
    // WᵀW when rows ≥ cols, else WWᵀ: the product that Keras's orthogonality promise is about.
    const tall = rows >= cols;
    const size = tall ? cols : rows;
    const matrix = Array.from({ length: size }, () => new Array<number>(size).fill(0));
    for (let a = 0; a < size; a++) {
      for (let b = 0; b < size; b++) {
        let dot = 0;
        const inner = tall ? rows : cols;
        for (let k = 0; k < inner; k++) dot += tall ? w[k * cols + a] * w[k * cols + b] : w[a * cols + k] * w[b * cols + k];
        matrix[a][b] = dot;
      }
    }
    return { matrix, size };
  }

  for (const key of Object.keys(fixture.orthogonal_identity).filter((k) => k.startsWith('orthogonal_'))) {
    const shape = parseShape(key.slice('orthogonal_'.length));
    for (const dtype of ['float32', 'float64'] as FloatDType[]) {
      for (const gain of [1, 2]) {
        test(`orthogonal ${key} ${dtype} gain ${gain}`, () => {
          const expected = fixture.orthogonal_identity[key] as Outcome<{ shape: number[]; gram_is_identity: boolean; flattened_matrix_shape: number[] }>;
          assert.ok(expected.ok && expected.result.gram_is_identity);
          const [rows, cols] = expected.result.flattened_matrix_shape;
          const w = new Orthogonal({ gain, seed: 11 }).call(shape, dtype);
          assert.deepEqual(w.shape, expected.result.shape);
          assert.equal(w.dtype, dtype);
          const { matrix, size } = gram(w.dataSync(), rows, cols);
          const tol = dtype === 'float32' ? 1e-5 : 1e-12;
          for (let a = 0; a < size; a++) {
            for (let b = 0; b < size; b++) {
              const want = a === b ? gain * gain : 0;
              assert.ok(Math.abs(matrix[a][b] - want) < tol * gain * gain, `gram[${a}][${b}] = ${matrix[a][b]}`);
            }
          }
        });
      }
    }
  }

  test('orthogonal is seeded and rejects rank < 2 like Keras', () => {
    const a = new Orthogonal({ seed: 1 }).call([6, 4]).dataSync();
    assert.deepEqual(new Orthogonal({ seed: 1 }).call([6, 4]).dataSync(), a);
    assert.notDeepEqual(new Orthogonal({ seed: 2 }).call([6, 4]).dataSync(), a);
    assert.throws(() => new Orthogonal().call([5]), ShapeError);
    assert.throws(() => new Orthogonal().call([]), /at least two-dimensional/);
  });

  test('householderQr reconstructs A = QR with orthonormal Q', () => {
    const a = new Float64Array([2, -1, 0, 4, 1, 3, -2, 5, 1, 0, 0, 1]); // 4 x 3
    const { q, rDiag } = householderQr(a, 4, 3);
    // Rᵢⱼ = (QᵀA)ᵢⱼ must be upper triangular with diagonal rDiag.
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let r = 0;
        for (let k = 0; k < 4; k++) r += q[k * 3 + i] * a[k * 3 + j];
        if (i > j) assert.ok(Math.abs(r) < 1e-12, `R[${i}][${j}] = ${r}`);
        if (i === j) assert.ok(Math.abs(r - rDiag[i]) < 1e-12);
      }
    }
    assert.throws(() => householderQr(a, 3, 4), ShapeError);
  });

  for (const key of Object.keys(fixture.orthogonal_identity).filter((k) => k.startsWith('identity_'))) {
    test(key, () => {
      const expected = fixture.orthogonal_identity[key] as Outcome<number[][]>;
      const gainMatch = /^identity_gain_(\d+)_on_(.*)$/.exec(key);
      const gain = gainMatch ? Number(gainMatch[1]) : 1;
      const shape = parseShape(gainMatch ? gainMatch[2] : key.slice('identity_'.length));
      const init = new Identity({ gain });
      if (expected.ok) {
        assert.deepEqual(init.call(shape, 'float64').arraySync(), expected.result);
        assert.deepEqual(init.call(shape, 'float32').arraySync(), expected.result);
      } else {
        assert.throws(() => init.call(shape), (e: unknown) => e instanceof ShapeError && /only be used for 2D matrices/.test(e.message));
      }
    });
  }
});

describe('seeding', () => {
  const makers: Array<[string, (seed: number | SeedGenerator | null) => Initializer]> = [
    ['RandomNormal', (seed) => new RandomNormal({ seed })],
    ['RandomUniform', (seed) => new RandomUniform({ seed })],
    ['TruncatedNormal', (seed) => new TruncatedNormal({ seed })],
    ['VarianceScaling', (seed) => new VarianceScaling({ seed })],
    ['GlorotUniform', (seed) => new GlorotUniform({ seed })],
    ['HeNormal', (seed) => new HeNormal({ seed })],
    ['Orthogonal', (seed) => new Orthogonal({ seed })],
  ];
  const shape = [3, 3, 4, 2];

  for (const [name, make] of makers) {
    test(`${name}: integer seed repeats on every call; different seeds differ`, () => {
      const init = make(7);
      const a = init.call(shape).dataSync();
      assert.deepEqual(init.call(shape).dataSync(), a);
      assert.deepEqual(make(7).call(shape).dataSync(), a);
      assert.notDeepEqual(make(8).call(shape).dataSync(), a);
    });

    test(`${name}: unseeded repeats per instance (Keras draws its seed at construction)`, () => {
      const init = make(null);
      assert.equal(typeof (init as RandomNormal).seed, 'number');
      const a = init.call(shape).dataSync();
      assert.deepEqual(init.call(shape).dataSync(), a);
      assert.notDeepEqual(make(null).call(shape).dataSync(), a);
      assert.equal(init.getConfig().seed, null);
      // clone() goes through the config (seed null), so it draws a new seed, as Keras's clone does.
      assert.notDeepEqual(init.clone().call(shape).dataSync(), a);
    });

    test(`${name}: a SeedGenerator gives new values per call, reproducibly`, () => {
      const init = make(new SeedGenerator(3));
      const a = init.call(shape).dataSync();
      const b = init.call(shape).dataSync();
      assert.notDeepEqual(a, b);
      const again = make(new SeedGenerator(3));
      assert.deepEqual(again.call(shape).dataSync(), a);
      assert.deepEqual(again.call(shape).dataSync(), b);
    });
  }

  test('setRandomSeed makes unseeded initializers bit-identical across "runs"', () => {
    const build = (): Float32Array[] =>
      [new GlorotUniform(), new HeNormal(), new RandomNormal(), new Orthogonal()].map((i) => i.call([3, 3, 8, 2]).dataSync() as Float32Array);
    setRandomSeed(42);
    const first = build();
    setRandomSeed(42);
    assert.deepEqual(build(), first);
    setRandomSeed(43);
    assert.notDeepEqual(build(), first);
  });

  test('a SeedGenerator seed serializes as in Keras and deserializes', () => {
    const init = new RandomNormal({ seed: new SeedGenerator(3, 'seed_generator') });
    const config = init.getConfig();
    assert.deepEqual(config, {
      seed: { module: 'keras.random', class_name: 'SeedGenerator', config: { seed: 3, name: 'seed_generator' }, registered_name: null },
      mean: 0,
      stddev: 0.05,
    });
    const back = RandomNormal.fromConfig(config);
    assert.deepEqual(back.getConfig(), config);
    assert.deepEqual(back.call([5]).dataSync(), new RandomNormal({ seed: 3 }).call([5]).dataSync());
  });
});

describe('dtypes', () => {
  const all: Initializer[] = [
    new Zeros(),
    new Ones(),
    new Constant({ value: 0.25 }),
    new RandomNormal({ seed: 1 }),
    new RandomUniform({ seed: 1 }),
    new TruncatedNormal({ seed: 1 }),
    new VarianceScaling({ seed: 1 }),
    new GlorotUniform({ seed: 1 }),
    new GlorotNormal({ seed: 1 }),
    new HeUniform({ seed: 1 }),
    new HeNormal({ seed: 1 }),
    new LecunUniform({ seed: 1 }),
    new LecunNormal({ seed: 1 }),
    new Orthogonal({ seed: 1 }),
  ];
  for (const init of all) {
    test(`${init.className} returns float32 by default and float64 on request`, () => {
      const a = init.call([4, 3]);
      const b = init.call([4, 3], 'float64');
      assert.equal(a.dtype, 'float32');
      assert.ok(a.dataSync() instanceof Float32Array);
      assert.equal(b.dtype, 'float64');
      assert.ok(b.dataSync() instanceof Float64Array);
      assert.deepEqual(a.shape, [4, 3]);
      // Same seed: the float32 values are the float64 values rounded.
      assert.deepEqual(a.dataSync(), Float32Array.from(b.dataSync()));
    });
  }

  test('random initializers reject int32; constant ones accept it', () => {
    assert.throws(() => new HeNormal({ seed: 1 }).call([2], 'int32' as FloatDType), errorNames('dtype', /"int32"/));
    assert.equal(new Zeros().call([2], 'int32').dtype, 'int32');
    assert.deepEqual([...new Ones().call([2], 'int32').dataSync()], [1, 1]);
  });

  test('bad shapes are rejected', () => {
    assert.throws(() => new GlorotUniform().call([2, -1]), errorNames('shape'));
    assert.throws(() => new Zeros().call([1.5]), errorNames('shape'));
  });
});

describe('getInitializer', () => {
  test('returns an Initializer unchanged', () => {
    const init = new HeNormal({ seed: 1 });
    assert.equal(getInitializer(init), init);
  });

  test('accepts serialized forms, with or without module and config', () => {
    const full = new VarianceScaling({ scale: 2, seed: 9, inputAxes: [0, 1], outputAxes: [0, 1, 3] }).serialize();
    const back = getInitializer(full);
    assert.ok(back instanceof VarianceScaling);
    assert.deepEqual(back.serialize(), full);
    assert.ok(getInitializer({ class_name: 'zeros' }) instanceof Zeros);
    assert.deepEqual(getInitializer({ class_name: 'Constant', config: { value: 3 } }).call([2]).dataSync(), new Float32Array([3, 3]));
    assert.ok(getInitializer({ class_name: 'OrthogonalInitializer', config: { gain: 2, seed: null } }) instanceof Orthogonal);
  });

  test('every class survives serialize → getInitializer → serialize', () => {
    for (const name of INITIALIZER_NAMES) {
      const init = getInitializer(name);
      assert.deepEqual(getInitializer(init.serialize()).serialize(), init.serialize(), name);
    }
  });

  test('accepts functions, checking what they return', () => {
    const init = getInitializer((shape, dtype) => fill(shape, 0.1, dtype), 'biasInitializer');
    assert.ok(init instanceof FunctionInitializer);
    assert.deepEqual(init.call([2], 'float64').dataSync(), new Float64Array([0.1, 0.1]));
    function myInit(): Tensor {
      return fill([3], 0);
    }
    const bad = getInitializer(myInit);
    assert.throws(() => bad.call([2]), (e: unknown) => e instanceof ShapeError && /myInit returned a tensor of shape \(3,\)/.test(e.message));
    assert.deepEqual(bad.serialize(), { module: 'builtins', class_name: 'function', config: 'myInit' as unknown as Config, registered_name: 'function' });
  });

  test('accepts an Initializer subclass (instantiated) and a tensor of values', () => {
    assert.ok(getInitializer(Ones) instanceof Ones);
    const t = tensor([[1, 2], [3, 4]]);
    const init = getInitializer(t);
    assert.deepEqual(init.call([2, 2], 'float64').dataSync(), new Float64Array([1, 2, 3, 4]));
    assert.throws(() => init.call([4]), /expected `shape` to be \(2, 2\)/);
  });

  test('unknown names throw UnknownNameError naming the argument and listing the valid names', () => {
    assert.equal(fixture.errors.get_unknown.ok, false);
    assert.throws(
      () => getInitializer('nope', 'depthwiseInitializer'),
      (e: unknown) =>
        e instanceof UnknownNameError &&
        e.argument === 'depthwiseInitializer' &&
        /received "nope"/.test(e.message) &&
        /'glorot_uniform'/.test(e.message) &&
        /'IdentityInitializer'/.test(e.message),
    );
    assert.throws(() => getInitializer({ class_name: 'Nope', config: {} }), (e: unknown) => e instanceof UnknownNameError && e.argument === 'initializer.class_name');
    assert.throws(() => getInitializer('stft'), /not supported by depthwise/);
  });

  test('other identifiers are an InvalidArgumentError naming the argument', () => {
    assert.throws(() => getInitializer(3 as unknown as string, 'biasInitializer'), errorNames('biasInitializer', /received 3/));
    assert.throws(() => getInitializer(null as unknown as string), errorNames('initializer'));
  });

  test('config keys Keras would not accept are rejected', () => {
    assert.throws(() => getInitializer({ class_name: 'GlorotUniform', config: { scale: 2 } }), errorNames('config', /"scale"/));
    assert.throws(() => getInitializer({ class_name: 'Zeros', config: { value: 1 } }), errorNames('config', /"value"/));
  });

  test('the namespace exposes every factory', () => {
    const names = Object.keys(initializers).sort();
    assert.deepEqual(names, [
      'constant', 'deserialize', 'get', 'glorotNormal', 'glorotUniform', 'heNormal', 'heUniform', 'identity',
      'lecunNormal', 'lecunUniform', 'ones', 'orthogonal', 'randomNormal', 'randomUniform', 'serialize',
      'truncatedNormal', 'varianceScaling', 'zeros',
    ]);
    assert.ok(initializers.glorotUniform({ seed: 1 }) instanceof GlorotUniform);
    assert.equal(initializers.get('he_uniform').className, 'HeUniform');
  });
});

describe('validation', () => {
  const cases: Array<[string, () => unknown, string, RegExp]> = [
    ['scale 0 (Keras: must be positive)', () => new VarianceScaling({ scale: 0 }), 'scale', /received 0/],
    ['scale negative', () => new VarianceScaling({ scale: -1 }), 'scale', /received -1/],
    ['scale NaN', () => new VarianceScaling({ scale: Number.NaN }), 'scale', /received null|NaN/],
    ['mode', () => new VarianceScaling({ mode: 'fan' as 'fan_in' }), 'mode', /received "fan".*'fan_in', 'fan_out', 'fan_avg'/],
    ['mode is case-sensitive as in Keras', () => new VarianceScaling({ mode: 'FAN_IN' as 'fan_in' }), 'mode', /"FAN_IN"/],
    ['distribution', () => new VarianceScaling({ distribution: 'gamma' as 'uniform' }), 'distribution', /received "gamma".*'uniform', 'truncated_normal', 'untruncated_normal'/],
    ['seed string', () => new HeNormal({ seed: 'x' as unknown as number }), 'seed', /received "x"/],
    ['seed fraction', () => new RandomNormal({ seed: 1.5 }), 'seed', /received 1\.5/],
    ['negative stddev', () => new RandomNormal({ stddev: -0.1 }), 'stddev', /received -0\.1/],
    ['TruncatedNormal negative stddev', () => new TruncatedNormal({ stddev: -1 }), 'stddev', /received -1/],
    ['mean infinite', () => new RandomNormal({ mean: Infinity }), 'mean', /received null|Infinity/],
    ['minval > maxval', () => new RandomUniform({ minval: 1, maxval: 0 }), 'maxval', /received 0.*minval \(1\)/],
    ['gain NaN (Orthogonal)', () => new Orthogonal({ gain: Number.NaN }), 'gain', /expected a finite number/],
    ['gain string (Identity)', () => new Identity({ gain: '2' as unknown as number }), 'gain', /received "2"/],
    ['Constant value', () => new Constant({ value: [1, 2] as unknown as number }), 'value', /received \[1,2\]/],
    ['inputAxes not integers', () => new GlorotUniform({ inputAxes: [0.5], outputAxes: [0] }), 'inputAxes', /received \[0\.5\]/],
    ['outputAxes not an array', () => new HeUniform({ inputAxes: [0], outputAxes: 3 as unknown as number[] }), 'outputAxes', /received 3/],
    ['unknown option (typo)', () => new RandomNormal({ stdDev: 1 } as unknown as { stddev: number }), 'stdDev', /did you mean 'stddev'\?/],
    ['preset options beyond Keras', () => new GlorotUniform({ scale: 2 } as unknown as FanAxesOptions), 'scale', /no such option for GlorotUniform; the options are 'seed', 'inputAxes', 'outputAxes'/],
  ];
  for (const [name, fn, argument, message] of cases) {
    test(name, () => {
      assert.throws(fn, errorNames(argument, message));
    });
  }

  test('fixture errors are errors here too', () => {
    for (const key of ['vs_scale_0', 'vs_mode_bad', 'vs_distribution_bad', 'seed_bad']) assert.equal(fixture.errors[key].ok, false, key);
  });
});
