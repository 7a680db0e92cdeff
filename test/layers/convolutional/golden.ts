/**
 * Runs a convolution fixture of real Keras 3.15 (conv_family.json, conv_nd.json; each written by the
 * generator beside it): outputs and gradients of sum(output * cotangent) in float64, get_config and
 * weights, and argument rejection.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { clearSession, InvalidArgumentError, ops, tensor, valueAndGrads, zeros } from '../../../src/index.js';
import type { Layer, Tensor } from '../../../src/index.js';
import type { Config } from '../../../src/serialization/keras-object.js';
import { assertAllClose } from '../../helpers/close.js';
import { loadKerasFixture } from '../../helpers/fixtures.js';
import { kwargsToOptions } from './classes.js';

export interface ForwardCase {
  class_name: string;
  kwargs: Record<string, unknown>;
  input_shape: number[];
  input: number[];
  weights: { name: string; shape: number[]; values: number[] }[];
  output_shape: number[];
  output: number[];
  cotangent: number[];
  grad_input: number[];
  grad_weights: number[][];
}

export interface ConfigCase {
  class_name: string;
  kwargs: Record<string, unknown>;
  input_shape: number[];
  get_config_before_build: Config;
  get_config: Config;
  weights: { path: string; name: string; shape: number[] }[];
  count_params: number;
  compute_output_shape: number[];
}

export interface ErrorCase {
  class_name: string;
  kwargs: Record<string, unknown>;
  argument: string;
  keras_rejects: boolean;
  keras_message: string | null;
}

export interface ConvFixture {
  forward: ForwardCase[];
  configs: ConfigCase[];
  errors: ErrorCase[];
}

const tight = { rtol: 1e-9, atol: 1e-12 };

/**
 * Registers the forward, config and error tests of the convolution fixture `name` for `classes`.
 * `acceptedByKeras` lists the error cases Keras 3.15 accepts at construction (and fails on later, or
 * computes nonsense with) that we refuse up front, a documented difference.
 */
export function runConvFixture(name: string, classes: Record<string, { fromConfig(config: Config): Layer; new (options: never): Layer }>, acceptedByKeras: (c: ErrorCase) => boolean = () => false): ConvFixture {
  const fixture = loadKerasFixture<ConvFixture>(name);
  beforeEach(() => clearSession());

  describe(`${name}: layers match Keras 3 outputs and gradients (float64)`, () => {
    fixture.forward.forEach((c, i) => {
      test(`${i} ${c.class_name} ${JSON.stringify(c.kwargs)} input ${c.input_shape.join('x')}`, () => {
        const layer = classes[c.class_name].fromConfig({ ...(c.kwargs as Config), dtype: 'float64' });
        const x = tensor(c.input, c.input_shape, 'float64');
        layer.apply(x);
        layer.setWeights(c.weights.map((w) => tensor(w.values, w.shape, 'float64')));
        assert.deepEqual(layer.weights.map((w) => [...w.shape]), c.weights.map((w) => w.shape), 'weight shapes and order');
        assert.deepEqual(layer.computeOutputShape(c.input_shape), c.output_shape, 'computeOutputShape');
        const ct = tensor(c.cotangent, c.output_shape, 'float64');
        let output: Tensor | undefined;
        const { grads } = valueAndGrads(() => {
          output = layer.apply(x) as Tensor;
          return ops.sum(ops.mul(output, ct));
        }, [x, ...layer.trainableWeights]);
        assert.ok(output);
        assert.deepEqual(output.shape, c.output_shape);
        assertAllClose(output.dataSync(), c.output, tight, 'output');
        assertAllClose(grads[0].dataSync(), c.grad_input, tight, 'gradient wrt input');
        c.grad_weights.forEach((g, k) => assertAllClose(grads[k + 1].dataSync(), g, tight, `gradient wrt ${c.weights[k].name}`));
      });
    });
  });

  describe(`${name}: layer configs match Keras 3`, () => {
    for (const c of fixture.configs) {
      test(`${c.class_name} ${JSON.stringify(c.kwargs)}`, () => {
        const cls = classes[c.class_name];
        const layer = cls.fromConfig(c.get_config);
        assert.deepEqual(layer.getConfig(), c.get_config_before_build, 'config before build');
        layer.apply(zeros(c.input_shape, layer.dtype));
        assert.deepEqual(layer.getConfig(), c.get_config, 'config after build');
        assert.deepEqual(layer.weights.map((w) => ({ path: w.path, name: w.name, shape: [...w.shape] })), c.weights);
        assert.equal(layer.countParams(), c.count_params);
        assert.deepEqual(layer.computeOutputShape(c.input_shape), c.compute_output_shape);

        // The same layer from constructor options (Keras's keyword arguments) has the same config.
        clearSession();
        const fromOptions = new cls({ ...kwargsToOptions(c.kwargs), dtype: 'float64' } as never);
        assert.deepEqual(fromOptions.getConfig(), c.get_config_before_build, 'config from options');
      });
    }
  });

  describe(`${name}: every argument Keras rejects, we reject too, naming the argument`, () => {
    for (const c of fixture.errors) {
      test(`${c.class_name} ${JSON.stringify(c.kwargs)}`, () => {
        assert.ok(c.keras_rejects || acceptedByKeras(c), `Keras accepted ${JSON.stringify(c.kwargs)}`);
        assertRefused(classes[c.class_name], c);
      });
    }
  });
  return fixture;
}

/** Our constructor refuses `c`'s arguments with an InvalidArgumentError naming the argument (and the class). */
export function assertRefused(cls: new (options: never) => Layer, c: ErrorCase): void {
  assert.throws(
    () => new cls(kwargsToOptions(c.kwargs) as never),
    (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(error)}`);
      assert.ok(error.message.includes(`\`${c.argument}\``), `${error.message} should name ${c.argument}`);
      // Registry lookups (activation, initializers, ...) list the known names instead of the class.
      const registry = /^(activation|recurrentActivation|.*(Initializer|Regularizer|Constraint))$/.test(c.argument);
      if (!registry) assert.ok(error.message.includes(c.class_name), `${error.message} should name ${c.class_name}`);
      return true;
    },
  );
}
