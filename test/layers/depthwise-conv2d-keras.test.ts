// DepthwiseConv2D against real Keras 3: outputs and gradients of sum(output * cotangent), in float64,
// over the cases in test/fixtures/keras/depthwise_forward.json (written by generate.py beside it).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DepthwiseConv2D, ops, tensor, valueAndGrads } from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertAllClose } from '../helpers/close.js';
import { loadKerasFixture } from '../helpers/fixtures.js';

interface ForwardCase {
  id: string;
  config: {
    kernel_size: number[];
    strides: number | number[];
    padding: string;
    depth_multiplier: number;
    data_format: 'channels_last' | 'channels_first';
    dilation_rate: number | number[];
    activation: string;
    use_bias: boolean;
  };
  input_shape: number[];
  input: number[];
  kernel_shape: number[];
  kernel: number[];
  bias: number[] | null;
  output_shape: number[];
  output: number[];
  cotangent: number[];
  grad_input: number[];
  grad_kernel: number[];
  grad_bias: number[] | null;
}

const fixture = loadKerasFixture<{ cases: ForwardCase[]; extra_cases_strides_and_dilation: ForwardCase[] }>('depthwise_forward.json');
const tight = { rtol: 1e-9, atol: 1e-12 };

/** Compares output and gradients wrt [input, kernel, bias?] of sum(forward(x) * cotangent) with Keras's. */
function compareWithKeras(c: ForwardCase, x: Tensor, params: Tensor[], forward: () => Tensor): void {
  const ct = tensor(c.cotangent, c.output_shape, 'float64');
  let output: Tensor | undefined;
  const { grads } = valueAndGrads(() => {
    output = forward();
    return ops.sum(ops.mul(output, ct));
  }, [x, ...params]);
  assert.ok(output);
  assert.deepEqual(output.shape, c.output_shape);
  assert.equal(output.dtype, 'float64');
  assertAllClose(output.dataSync(), c.output, tight, 'output');
  assertAllClose(grads[0].dataSync(), c.grad_input, tight, 'gradient wrt input');
  assertAllClose(grads[1].dataSync(), c.grad_kernel, tight, 'gradient wrt kernel');
  if (c.grad_bias) assertAllClose(grads[2].dataSync(), c.grad_bias, tight, 'gradient wrt bias');
}

describe('DepthwiseConv2D layer matches Keras 3 (golden fixtures)', () => {
  test('the fixture covers the argument space', () => {
    const seen = (key: keyof ForwardCase['config']) => new Set(fixture.cases.map((c) => JSON.stringify(c.config[key])));
    assert.ok(fixture.cases.length >= 70);
    assert.deepEqual(new Set(fixture.cases.map((c) => c.config.padding.toLowerCase())), new Set(['valid', 'same']));
    assert.equal(seen('data_format').size, 2);
    assert.ok(seen('depth_multiplier').size >= 3);
    assert.ok(seen('strides').size >= 4);
    assert.ok(seen('dilation_rate').size >= 3);
  });
  for (const c of fixture.cases) {
    test(`${c.id} ${JSON.stringify(c.config)} input ${c.input_shape.join('x')}`, () => {
      const kernel = tensor(c.kernel, c.kernel_shape, 'float64');
      const bias = c.bias ? tensor(c.bias, [c.bias.length], 'float64') : null;
      const layer = new DepthwiseConv2D({
        kernelSize: c.config.kernel_size,
        strides: c.config.strides,
        padding: c.config.padding,
        depthMultiplier: c.config.depth_multiplier,
        dataFormat: c.config.data_format,
        dilationRate: c.config.dilation_rate,
        activation: c.config.activation,
        useBias: c.config.use_bias,
        dtype: 'float64',
        weights: bias ? [kernel, bias] : [kernel],
      });
      const x = tensor(c.input, c.input_shape, 'float64');
      layer.apply(x); // builds the layer, so its variables exist to differentiate against
      compareWithKeras(c, x, layer.weights, () => layer.apply(x));
    });
  }
});

describe('the depthwise op with stride and dilation both ≠ 1 matches Keras 3.15 (the layer forbids it)', () => {
  for (const c of fixture.extra_cases_strides_and_dilation) {
    test(`${c.id} ${JSON.stringify(c.config)}`, () => {
      const x = tensor(c.input, c.input_shape, 'float64');
      const kernel = tensor(c.kernel, c.kernel_shape, 'float64');
      const bias = c.bias ? tensor(c.bias, [c.bias.length], 'float64') : null;
      const activation = { linear: (t: Tensor) => t, relu: ops.relu, tanh: ops.tanh }[c.config.activation];
      assert.ok(activation, `activation ${c.config.activation}`);
      compareWithKeras(c, x, bias ? [kernel, bias] : [kernel], () =>
        activation(
          ops.depthwiseConv2d(x, kernel, {
            strides: c.config.strides,
            padding: c.config.padding,
            dilationRate: c.config.dilation_rate,
            dataFormat: c.config.data_format,
            bias,
          }),
        ),
      );
    });
  }
});
