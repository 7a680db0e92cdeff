/**
 * The layers of issue #14 against real Keras 3.15 (test/fixtures/keras/keras_layers.json, written by
 * generate_keras_layers.py): outputs, gradients with respect to the input and every trainable weight,
 * configs, the deterministic paths of the augmentation layers, Normalization.adapt and Embedding.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ops, tensor, valueAndGrads } from '../../../src/index.js';
import type { Layer, Tensor } from '../../../src/index.js';
import { findLayerClass } from '../../../src/layers/registry.js';
import type { Config } from '../../../src/serialization/keras-object.js';
import { Normalization } from '../../../src/layers/preprocessing/normalization.js';
import { Embedding } from '../../../src/layers/core/embedding.js';
import { rotationTransform, translationTransform, zoomTransform } from '../../../src/layers/preprocessing/affine-augmentation.js';
import { assertAllClose } from '../../helpers/close.js';
import { loadKerasFixture } from '../../helpers/fixtures.js';

interface LayerCase {
  id: string;
  class_name: string;
  config: Config;
  input_shape: number[] | number[][];
  input: number[] | number[][];
  weights: number[][];
  weight_shapes: number[][];
  output_shape: number[];
  output: number[];
  cotangent: number[];
  grad_input?: number[] | number[][];
  grad_weights?: number[][];
  reference?: string;
  size?: [number, number];
  transformation?: Record<string, number[]>;
}

interface Fixture {
  activations: LayerCase[];
  merges: LayerCase[];
  pooling: LayerCase[];
  normalization: LayerCase[];
  regularization: LayerCase[];
  core: { embedding: Record<string, unknown>; cases: LayerCase[] };
  normalization_adapt: { data: number[]; data_shape: number[]; cases: { id: string; config: Config; weight_names: string[]; mean: number[]; variance: number[]; x: number[]; output: number[] }[] };
  resizing: LayerCase[];
  augmentation: LayerCase[];
  configs: { class_name: string; config: Config }[];
  statistics: Record<string, unknown>;
}

const F = loadKerasFixture<Fixture>('keras_layers.json');
const TIGHT = { rtol: 1e-9, atol: 1e-10 };

/** Masks passed as call arguments by the generator (it records the case, not the call). */
const MASKS: Record<string, { values: number[]; shape: number[] }> = {
  softmax_mask: { values: [1, 0, 1, 1, 0, 1, 1, 0], shape: [2, 4] },
  gap1d_mask: { values: [1, 1, 0, 1, 0, 1, 0, 0, 0, 0], shape: [2, 5] },
};

function make(c: { class_name: string; config: Config }): Layer {
  const fromConfig = findLayerClass(c.class_name);
  assert.ok(fromConfig, `no class ${c.class_name}`);
  return fromConfig(JSON.parse(JSON.stringify(c.config)) as Config);
}

function checkCase(c: LayerCase): void {
  const layer = make(c);
  const merge = Array.isArray(c.input_shape[0]);
  const shapes = (merge ? c.input_shape : [c.input_shape]) as number[][];
  const values = (merge ? c.input : [c.input]) as number[][];
  const inputs = shapes.map((s, i) => tensor(values[i], s, 'float64'));
  const arg = (xs: Tensor[]) => (merge ? xs : xs[0]);
  layer.apply(arg(inputs));
  if (c.weights.length > 0) layer.setWeights(c.weights.map((w, i) => tensor(w, c.weight_shapes[i], 'float64')));
  assert.deepEqual(layer.weights.map((w) => [...w.shape]), c.weight_shapes, `${c.id}: weight shapes`);
  const m = MASKS[c.id];
  const options = m ? { mask: tensor(m.values, m.shape, 'float64') } : {};
  const y = layer.apply(arg(inputs), options);
  assert.deepEqual(y.shape, c.output_shape, `${c.id}: output shape`);
  assertAllClose(y.dataSync(), c.output, TIGHT, `${c.id}: output`);
  assert.deepEqual(layer.getConfig(), c.config, `${c.id}: config`);
  if (c.grad_input === undefined) return;
  const ct = tensor(c.cotangent, c.output_shape, 'float64');
  const params = [...inputs, ...layer.trainableWeights];
  const { grads } = valueAndGrads(() => ops.sum(ops.mul(layer.apply(arg(inputs), options), ct)), params);
  const expectedInput = (merge ? c.grad_input : [c.grad_input]) as number[][];
  expectedInput.forEach((g, i) => assertAllClose(grads[i].dataSync(), g, TIGHT, `${c.id}: gradient of input ${i}`));
  (c.grad_weights ?? []).forEach((g, i) => assertAllClose(grads[inputs.length + i].dataSync(), g, TIGHT, `${c.id}: gradient of weight ${i}`));
}

describe('issue #14 layers against Keras 3.15', () => {
  for (const group of ['activations', 'merges', 'pooling', 'normalization', 'regularization'] as const) {
    for (const c of F[group]) it(`${group}: ${c.id}`, () => checkCase(c));
  }
  for (const c of F.core.cases) it(`core: ${c.id}`, () => checkCase(c));
  for (const c of F.resizing) {
    if (c.reference === undefined) {
      it(`resizing: ${c.id}`, () => checkCase(c));
      continue;
    }
    it(`resizing: ${c.id} (area, against jax.image.resize)`, () => {
      const x = tensor(c.input as number[], c.input_shape as number[], 'float64');
      const size = c.size as [number, number];
      const y = ops.resizeImages(x, size, { interpolation: 'area' });
      assertAllClose(y.dataSync(), c.output, TIGHT, 'output');
      const { grads } = valueAndGrads(() => ops.sum(ops.mul(ops.resizeImages(x, size, { interpolation: 'area' }), tensor(c.cotangent, c.output_shape, 'float64'))), [x]);
      assertAllClose(grads[0].dataSync(), c.grad_input as number[], TIGHT, 'gradient');
    });
  }

  for (const c of F.augmentation) {
    it(`augmentation: ${c.id} (transform_images with a fixed transformation)`, () => {
      const layer = make(c) as Layer & { transformImages(x: Tensor, t: unknown): Tensor };
      const shape = c.input_shape as number[];
      const x = tensor(c.input as number[], shape, 'float64');
      const t = c.transformation as Record<string, number[]>;
      const cf = (c.config.data_format as string) === 'channels_first';
      const [H, W] = cf ? [shape[2], shape[3]] : [shape[1], shape[2]];
      const n = shape[0];
      let transformation: unknown;
      let tol = TIGHT;
      if (t.flips) transformation = { flips: t.flips.map((f) => f !== 0) };
      else if (t.rotation_matrix) transformation = { transforms: t.rotation_matrix };
      else if (t.height_zoom) {
        transformation = { transforms: Array.from({ length: n }, (_, i) => zoomTransform(t.height_zoom[i], t.width_zoom[i], H, W)).flat() };
        tol = { rtol: 1e-6, atol: 1e-4 }; // Keras builds zoom matrices in float32
      } else if (t.translations) {
        transformation = { transforms: Array.from({ length: n }, (_, i) => translationTransform(t.translations[2 * i], t.translations[2 * i + 1])).flat() };
        tol = { rtol: 1e-6, atol: 1e-4 }; // and translation matrices too
      } else if (t.contrast_factor) transformation = { values: t.contrast_factor };
      else if (t.rgb_delta) transformation = { values: t.rgb_delta };
      else if (t.start) transformation = { top: t.start[0], left: t.start[1] };
      const y = layer.transformImages(x, transformation);
      assertAllClose(y.dataSync(), c.output, tol, 'output');
      const ct = tensor(c.cotangent, y.shape, 'float64');
      const { grads } = valueAndGrads(() => ops.sum(ops.mul(layer.transformImages(x, transformation), ct)), [x]);
      assertAllClose(grads[0].dataSync(), c.grad_input as number[], tol, 'gradient');
      assert.deepEqual(layer.getConfig(), c.config, 'config');
    });
  }

  it('a rotation with a zero-width factor range is deterministic through apply and matches Keras', () => {
    const c = F.augmentation.find((a) => a.id === 'rotation_bilinear_reflect') as LayerCase;
    const layer = make(c);
    const x = tensor(c.input as number[], c.input_shape as number[], 'float64');
    assertAllClose(layer.apply(x, { training: true }).dataSync(), c.output, { rtol: 1e-9, atol: 1e-9 }, 'apply');
    assertAllClose(rotationTransform(36, 5, 6), (c.transformation as Record<string, number[]>).rotation_matrix.slice(0, 8), TIGHT, 'matrix');
    assertAllClose(layer.apply(x, { training: false }).dataSync(), c.input as number[], { rtol: 0, atol: 0 }, 'inference is identity');
  });

  for (const c of F.normalization_adapt.cases) {
    it(`Normalization.adapt: ${c.id}`, () => {
      const data = tensor(F.normalization_adapt.data, F.normalization_adapt.data_shape, 'float64');
      const layer = Normalization.fromConfig(c.config);
      layer.adapt(data);
      assert.deepEqual(layer.weights.map((w) => w.name), c.weight_names);
      assertAllClose((layer.adaptMean as Tensor).dataSync(), c.mean, TIGHT, 'mean');
      assertAllClose((layer.adaptVariance as Tensor).dataSync(), c.variance, TIGHT, 'variance');
      assertAllClose(layer.apply(tensor(c.x, [2, 4, 3], 'float64')).dataSync(), c.output, TIGHT, 'output');
      const batched = Normalization.fromConfig(c.config);
      const rows = (a: number, b: number) => ops.slice(data, [a, 0, 0], [b - a, 4, 3]);
      batched.adapt([rows(0, 2), rows(2, 5), rows(5, 6)]);
      assertAllClose((batched.adaptMean as Tensor).dataSync(), c.mean, { rtol: 1e-12, atol: 1e-12 }, 'batched mean');
      assertAllClose((batched.adaptVariance as Tensor).dataSync(), c.variance, { rtol: 1e-12, atol: 1e-12 }, 'batched variance');
    });
  }

  it('Embedding: output, table gradient, mask and config', () => {
    const e = F.core.embedding as { config: Config; ids: number[]; ids_shape: number[]; table: number[]; output: number[]; cotangent: number[]; grad_table: number[]; mask_zero_mask: boolean[]; mask_zero_config: Config };
    const layer = Embedding.fromConfig(e.config);
    const ids = tensor(e.ids, e.ids_shape, 'int32');
    layer.apply(ids);
    layer.setWeights([tensor(e.table, [5, 3], 'float64')]);
    assertAllClose(layer.apply(ids).dataSync(), e.output, TIGHT, 'output');
    const floatIds = tensor(e.ids, e.ids_shape, 'float64');
    assertAllClose(layer.apply(floatIds).dataSync(), e.output, TIGHT, 'float indices');
    const ct = tensor(e.cotangent, [...e.ids_shape, 3], 'float64');
    const { grads } = valueAndGrads(() => ops.sum(ops.mul(layer.apply(ids), ct)), [layer.weights[0]]);
    assertAllClose(grads[0].dataSync(), e.grad_table, TIGHT, 'table gradient');
    assert.deepEqual(layer.getConfig(), e.config);
    const masked = Embedding.fromConfig(e.mask_zero_config);
    assert.deepEqual([...(masked.computeMask(ids) as Tensor).dataSync()].map((v) => v !== 0), e.mask_zero_mask);
    assert.equal(layer.computeMask(ids), null);
  });

  for (const c of F.configs) {
    it(`config round trip: ${c.class_name} ${JSON.stringify(c.config).slice(0, 60)}`, () => {
      assert.deepEqual(make(c).getConfig(), c.config);
    });
  }
});
