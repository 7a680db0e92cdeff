/**
 * Runs the cases of test/fixtures/keras/pooling_reshaping.json (written by generate_pooling.py beside it),
 * or the given ones (conv_nd.json's volumes), for the given layer classes: each layer is rebuilt from Keras's own `get_config`, must give back that
 * exact config, and must reproduce Keras's float64 output and input gradient of sum(output * cotangent).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ops, tensor, valueAndGrads } from '../../../src/index.js';
import type { Layer, Tensor } from '../../../src/index.js';
import type { Config } from '../../../src/serialization/keras-object.js';
import type { Tolerance } from '../../helpers/close.js';
import { assertAllClose } from '../../helpers/close.js';
import { loadKerasFixture } from '../../helpers/fixtures.js';

export interface GoldenCase {
  id: string;
  class_name: string;
  config: Config;
  input_shape: number[];
  input: number[];
  output_shape: number[];
  output: number[];
  cotangent: number[];
  grad_input: number[];
}

export const goldenCases = loadKerasFixture<{ cases: GoldenCase[] }>('pooling_reshaping.json').cases;

const TIGHT: Tolerance = { rtol: 1e-12, atol: 1e-14 };

/** Registers one test per fixture case of the listed classes (bilinear upsampling included: tight). */
export function runGoldenCases(classes: Record<string, (config: Config) => Layer>, cases: readonly GoldenCase[] = goldenCases): void {
  const selected = cases.filter((c) => c.class_name in classes);
  test('the fixture has cases for every class', () => {
    assert.deepEqual(new Set(selected.map((c) => c.class_name)), new Set(Object.keys(classes)));
  });
  for (const c of selected) {
    test(`${c.id}: ${c.class_name} ${JSON.stringify(c.config).replace(/"dtype":\{[^}]*\}[^}]*\},/, '')}`, () => {
      const layer = classes[c.class_name](c.config);
      assert.deepEqual(layer.getConfig(), c.config, 'get_config');
      const x = tensor(c.input, c.input_shape, 'float64');
      const cotangent = tensor(c.cotangent, c.output_shape, 'float64');
      let output: Tensor | undefined;
      const { grads } = valueAndGrads(() => {
        output = layer.apply(x);
        return ops.sum(ops.mul(output, cotangent));
      }, [x]);
      assert.ok(output);
      assert.deepEqual(output.shape, c.output_shape, 'output shape');
      assert.deepEqual(layer.computeOutputShape([null, ...c.input_shape.slice(1)]), [null, ...c.output_shape.slice(1)]);
      assertAllClose(output.dataSync(), c.output, TIGHT, 'output');
      assertAllClose(grads[0].dataSync(), c.grad_input, TIGHT, 'gradient wrt input');
    });
  }
}
