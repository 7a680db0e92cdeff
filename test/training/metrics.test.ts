/** Metrics: golden results and names from Keras 3.15 (including a real fit's logged names), hand values, errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { Tensor } from '../../src/engine/tensor.js';
import { tensor } from '../../src/engine/tensor.js';
import { InvalidArgumentError, ShapeError, UnknownNameError } from '../../src/errors.js';
import type { Config } from '../../src/serialization/keras-object.js';
import * as ops from '../../src/ops/index.js';
import {
  BinaryAccuracy,
  CategoricalAccuracy,
  Mean,
  MeanMetricWrapper,
  MeanSquaredError,
  Metric,
  metrics,
  resolveMetric,
  SparseCategoricalAccuracy,
} from '../../src/training/metrics/index.js';
import { assertAllClose } from '../helpers/close.js';
import { loadKerasFixture } from '../helpers/fixtures.js';

interface Batch {
  y_true: number[];
  y_true_shape: number[];
  y_pred: number[];
  y_pred_shape: number[];
  sample_weight?: number[];
}

interface MetricCase {
  name: string;
  class_name: string;
  metric_name: string;
  config: Config;
  batches: Batch[];
  result: number;
}

interface Fixture {
  metrics: MetricCase[];
  mean_metric: {
    updates: (number | number[])[];
    result: number;
    weighted_updates: { values: number[] | number[][]; sample_weight?: number[] }[];
    weighted_result: number;
    empty_result: number;
    config: Config;
  };
  accuracy_resolution: Record<string, { y_true_shape: number[]; y_pred_shape: number[] } & Record<string, unknown>>;
  metric_get: Record<string, { class_name: string; name: string }>;
  logged_names: Record<string, { loss: string; metrics: string[]; history_keys: string[] }>;
}

const fixture = loadKerasFixture<Fixture>('losses_metrics.json');
const TIGHT = { rtol: 1e-10, atol: 1e-14 };

/** Keras's config with our dtype (Keras's fixture ran under floatx float64; we report the default floatx). */
const kerasConfig = (config: Config): Config => ({ ...config, dtype: 'float32' });

describe('metrics: golden results (Keras 3.15, float64)', () => {
  for (const c of fixture.metrics) {
    it(`${c.name}: result, name and config match Keras`, () => {
      const metric = resolveMetric({ class_name: c.class_name, config: c.config });
      for (const b of c.batches) {
        metric.update(tensor(b.y_true, b.y_true_shape, 'float64'), tensor(b.y_pred, b.y_pred_shape, 'float64'), b.sample_weight);
      }
      assertAllClose([metric.result()], [c.result], TIGHT, c.name);
      assert.equal(metric.name, c.metric_name);
      const expected = kerasConfig(c.config);
      // Keras writes label_smoothing 0 for a default crossentropy metric; JSON loses int/float.
      assert.deepEqual(metric.getConfig(), expected);
      metric.reset();
      assert.equal(metric.result(), 0);
    });
  }

  it('Mean: running and weighted means, 0 when empty', () => {
    const f = fixture.mean_metric;
    const m = new Mean();
    for (const u of f.updates) m.update(u);
    assertAllClose([m.result()], [f.result], TIGHT);
    const w = new Mean();
    for (const u of f.weighted_updates) w.update(tensor(u.values.flat(), Array.isArray(u.values[0]) ? [u.values.length, (u.values[0] as number[]).length] : [u.values.length], 'float64'), u.sample_weight);
    assertAllClose([w.result()], [f.weighted_result], TIGHT);
    assert.equal(new Mean().result(), f.empty_result);
    assert.deepEqual(m.getConfig(), kerasConfig(f.config));
    m.reset();
    assert.equal(m.result(), 0);
  });

  it("'accuracy' / 'acc' (any case) resolve from the shapes exactly as compile_utils.get_metric", () => {
    for (const [key, r] of Object.entries(fixture.accuracy_resolution)) {
      for (const ident of ['accuracy', 'acc', 'Accuracy', 'ACC']) {
        const expected = r[ident] as { class_name: string; name: string };
        const m = resolveMetric(ident, { yTrueShape: r.y_true_shape, yPredShape: r.y_pred_shape });
        assert.equal(m.className, expected.class_name, `${key} ${ident}`);
        assert.equal(m.name, expected.name, `${key} ${ident}`);
      }
    }
  });

  it('other names resolve to the Keras class, named as the identifier', () => {
    for (const [ident, expected] of Object.entries(fixture.metric_get)) {
      const m = resolveMetric(ident, { yTrueShape: [4, 1], yPredShape: [4, 1] });
      assert.equal(m.className, expected.class_name, ident);
      assert.equal(m.name, expected.name, ident);
    }
  });

  it('the names a real Keras fit logs are the names our resolution gives', () => {
    const shapes: Record<string, [number[], number[]]> = {
      binary: [[8, 1], [8, 1]],
      categorical: [[8, 3], [8, 3]],
      sparse: [[8], [8, 3]],
    };
    for (const [key, setup] of Object.entries(fixture.logged_names)) {
      const [yTrueShape, yPredShape] = shapes[key];
      const names = setup.metrics.map((ident) => {
        const object = /^<(\w+) name=(\w+)>$/.exec(ident);
        const metric = object
          ? resolveMetric({ class_name: object[1], config: { name: object[2] } })
          : resolveMetric(ident, { yTrueShape, yPredShape });
        return metric.name;
      });
      // Keras de-duplicates a repeated name with a _1 suffix (the trainer's job, not resolution's).
      const seen = new Map<string, number>();
      const logged = names.map((n) => {
        const k = seen.get(n) ?? 0;
        seen.set(n, k + 1);
        return k === 0 ? n : `${n}_${k}`;
      });
      assert.deepEqual([...logged, 'loss'].sort(), [...setup.history_keys].sort(), key);
    }
  });
});

describe('metrics: hand-computed values', () => {
  it('BinaryAccuracy: strict threshold, [N] labels against [N, 1] predictions, multi-label rows', () => {
    const m = new BinaryAccuracy();
    m.update(tensor([1, 0, 1, 0]), tensor([[0.5], [0.5], [0.9], [0.1]]));
    assert.equal(m.result(), 0.75);
    const ml = new BinaryAccuracy({ threshold: 0 });
    ml.update(tensor([[1, 1], [0, 1]]), tensor([[1, -1], [-1, -1]]));
    assert.equal(ml.result(), (0.5 + 0.5) / 2);
  });

  it('CategoricalAccuracy: ties go to the first maximum', () => {
    const m = new CategoricalAccuracy();
    m.update(tensor([[1, 0, 0], [0, 1, 0]]), tensor([[0.4, 0.4, 0.2], [0.4, 0.4, 0.2]]));
    assert.equal(m.result(), 0.5);
  });

  it('SparseCategoricalAccuracy: int32 labels, a label outside the classes never matches', () => {
    const m = new SparseCategoricalAccuracy();
    m.update(tensor([2, 7], [2], 'int32'), tensor([[0, 1, 2], [2, 1, 0]]));
    assert.equal(m.result(), 0.5);
  });

  it('accumulates across batches weighted by batch size, and by sample weights', () => {
    const m = new MeanSquaredError();
    m.update(tensor([[0], [0]]), tensor([[1], [3]]));
    m.update(tensor([[0]]), tensor([[2]]));
    assert.equal(m.result(), (1 + 9 + 4) / 3);
    const w = new MeanSquaredError();
    w.update(tensor([[0], [0]]), tensor([[1], [3]]), [3, 1]);
    assert.equal(w.result(), (3 + 9) / 4);
    w.update(tensor([[0]]), tensor([[2]]), tensor([[0]]));
    assert.equal(w.result(), (3 + 9) / 4);
  });

  it('a metric function is averaged per sample and named after the function; objects pass through', () => {
    const m = resolveMetric(function maxError(t: Tensor, p: Tensor) {
      return ops.max(ops.abs(ops.sub(t, p)), { axis: -1 });
    });
    assert.ok(m instanceof MeanMetricWrapper);
    assert.equal(m.name, 'maxError');
    m.update(tensor([[0, 0], [0, 0]]), tensor([[1, -3], [2, 0]]));
    assert.equal(m.result(), 2.5);
    const own = new BinaryAccuracy({ name: 'my_acc' });
    assert.equal(resolveMetric(own), own);
    assert.ok(resolveMetric(CategoricalAccuracy) instanceof CategoricalAccuracy);
    assert.ok(metrics.deserialize(own.serialize()) instanceof BinaryAccuracy);
    assert.equal(metrics.deserialize(own.serialize()).name, 'my_acc');
  });

  it("'accuracy' without shapes falls back to the loss (tf.keras rule)", () => {
    assert.ok(resolveMetric('accuracy', { loss: 'binary_crossentropy' }) instanceof BinaryAccuracy);
    assert.ok(resolveMetric('acc', { loss: 'sparse_categorical_crossentropy' }) instanceof SparseCategoricalAccuracy);
    assert.ok(resolveMetric('accuracy', { loss: 'categorical_crossentropy' }) instanceof CategoricalAccuracy);
    assert.throws(() => resolveMetric('accuracy'), /invalid `metrics`: received "accuracy".*yTrueShape and yPredShape/);
  });

  it('results are plain numbers whatever the input dtype', () => {
    const m = new BinaryAccuracy();
    m.update(tensor([[1]], undefined, 'float32'), tensor([[0.7]], undefined, 'float32'));
    assert.equal(typeof m.result(), 'number');
    assert.ok(m instanceof Metric);
  });
});

describe('metrics: errors name the argument and value', () => {
  it('shapes', () => {
    assert.throws(
      () => new BinaryAccuracy().update(tensor([[1], [0]]), tensor([[1]])),
      (e: unknown) => e instanceof ShapeError && e.message.includes('binary_accuracy: yTrue has batch size 2 but yPred has 1'),
    );
    assert.throws(() => new CategoricalAccuracy().update(tensor([1, 0]), tensor([[1, 0], [0, 1]])), /categorical_accuracy: yTrue shape \(2,\) must equal yPred shape \(2, 2\)/);
    assert.throws(() => new SparseCategoricalAccuracy().update(tensor([[1, 0], [0, 1]]), tensor([[1, 0], [0, 1]])), /integer labels need shape \(2,\) or \(2, 1\)/);
    assert.throws(() => new MeanSquaredError().update(tensor([1, 0]), tensor([[1, 0], [0, 1]])), /mean_squared_error: yTrue shape \(2,\) does not match yPred shape \(2, 2\)/);
    assert.throws(() => new MeanSquaredError().update(tensor([[1]]), tensor([[1]]), [1, 2]), /sampleWeight shape \(2,\) does not fit/);
  });

  it('identifiers and options', () => {
    assert.throws(() => resolveMetric('f1'), (e: unknown) => e instanceof UnknownNameError && /invalid `metrics`: received "f1"/.test(e.message));
    assert.throws(() => resolveMetric('Mse'), UnknownNameError);
    assert.throws(() => resolveMetric(null), /invalid `metrics`: received null/);
    assert.throws(() => resolveMetric(3), /invalid `metrics`: received 3/);
    assert.throws(() => resolveMetric({ class_name: 'AUC' }), /invalid `metrics.class_name`: received "AUC"/);
    assert.throws(() => resolveMetric({ class_name: 'BinaryAccuracy', config: { k: 5 } }), /invalid `metrics.config`: received "k"/);
    assert.throws(() => new BinaryAccuracy({ threshold: Number.NaN }), /invalid `threshold`: received null; expected a finite number/);
    assert.throws(() => new Mean().update('x' as never), /invalid `values`: received "x"/);
    assert.throws(() => new BinaryAccuracy().update([1] as never, tensor([1])), /invalid `yTrue`: received \[1\]; expected a Tensor/);
    assert.throws(() => new BinaryAccuracy({ name: '' }), /invalid `name`: received ""/);
    assert.throws(() => metrics.deserialize('mse'), InvalidArgumentError);
  });
});
