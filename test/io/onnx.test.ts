/** ONNX export, checked by running the exported file in onnxruntime-node and comparing with predict. */

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { exportOnnx, ioReady, loadModelSync, ModelFileError, modelToOnnxBytes } from '../../src/io/index.js';
import { findLayerClass } from '../../src/layers/registry.js';
import { setImageDataFormat } from '../../src/config/keras-config.js';
import { layerInput } from '../../src/layers/input-layer.js';
import { Dot } from '../../src/layers/merging/dot.js';
import { Functional } from '../../src/models/functional.js';
import type { Model } from '../../src/models/model.js';
import { Sequential } from '../../src/models/sequential.js';
import { Lambda } from '../../src/layers/core/lambda.js';
import { FIXTURES, maxAbsDiff, random, randomTensor, randomizeWeights, tempDir } from './helpers.js';

before(async () => {
  await ioReady();
});

async function compare(model: Model, batch = 2, dtype: 'float32' | 'float64' = 'float32'): Promise<number> {
  const shape = [batch, ...((model.inputs[0].shape).slice(1) as number[])];
  const x = randomTensor(shape, dtype, random(5));
  const file = path.join(tempDir(), 'm.onnx');
  exportOnnx(model, file);
  const session = await ort.InferenceSession.create(file);
  const result = await session.run({ input: new ort.Tensor(dtype, x.dataSync() as Float32Array | Float64Array, shape) });
  const expected = model.predict(x);
  assert.deepEqual([...result.output.dims], expected.shape);
  return maxAbsDiff(result.output.data as Float32Array, expected.dataSync());
}

/** One export check: a one-layer model of `className` with this config on inputs of this shape. */
interface OnnxCase {
  label: string;
  config: Record<string, unknown>;
  input: number[];
}

const cl = { data_format: 'channels_last' };
const cf = { data_format: 'channels_first' };

/**
 * Extra configurations per class beyond `LAYER_CASES` (which every class gets): both data formats, and
 * the paddings, strides and dilations whose ONNX attributes differ.
 */
const ONNX_CASES: Record<string, OnnxCase[]> = {
  Conv1D: [
    { label: 'causal, dilated', config: { filters: 3, kernel_size: [3], padding: 'causal', dilation_rate: [2] }, input: [9, 2] },
    { label: 'same, strided, channels_first', config: { ...cf, filters: 3, kernel_size: [4], padding: 'same', strides: [2] }, input: [2, 9] },
    { label: 'groups', config: { filters: 4, kernel_size: [3], groups: 2, activation: 'relu' }, input: [7, 4] },
  ],
  Conv2D: [{ label: 'channels_first, strided, valid', config: { ...cf, filters: 3, kernel_size: [3, 2], strides: [2, 1] }, input: [2, 7, 6] }],
  Conv2DTranspose: [
    { label: 'same, stride 2', config: { filters: 2, kernel_size: [3, 3], strides: [2, 2], padding: 'same' }, input: [4, 5, 3] },
    { label: 'same, even kernel, stride 2', config: { filters: 2, kernel_size: [4, 4], strides: [2, 2], padding: 'same' }, input: [4, 5, 3] },
    { label: 'valid, stride 3, kernel 2', config: { filters: 2, kernel_size: [2, 2], strides: [3, 3] }, input: [3, 4, 2] },
    { label: 'output_padding, same', config: { filters: 2, kernel_size: [3, 3], strides: [2, 2], padding: 'same', output_padding: [1, 0] }, input: [4, 4, 2] },
    { label: 'output_padding, valid', config: { filters: 2, kernel_size: [3, 3], strides: [3, 2], output_padding: [2, 1] }, input: [3, 4, 2] },
    { label: 'dilated', config: { filters: 2, kernel_size: [3, 3], dilation_rate: [2, 2], padding: 'same' }, input: [5, 5, 2] },
    { label: 'channels_first, no bias', config: { ...cf, filters: 3, kernel_size: [3, 3], strides: [2, 2], padding: 'same', use_bias: false }, input: [2, 4, 5] },
  ],
  Cropping1D: [{ label: 'asymmetric', config: { cropping: [0, 2] }, input: [6, 3] }],
  Cropping2D: [
    { label: 'asymmetric', config: { cropping: [[0, 2], [1, 0]] }, input: [6, 5, 3] },
    { label: 'channels_first', config: { ...cf, cropping: [[1, 0], [2, 1]] }, input: [3, 6, 5] },
  ],
  DepthwiseConv1D: [
    { label: 'same, depth multiplier, strided', config: { kernel_size: [3], depth_multiplier: 2, padding: 'same', strides: [2] }, input: [9, 3] },
    { label: 'channels_first', config: { ...cf, kernel_size: [3], dilation_rate: [2] }, input: [3, 9] },
  ],
  DepthwiseConv2D: [{ label: 'channels_first', config: { ...cf, kernel_size: [3, 3], padding: 'same' }, input: [3, 5, 5] }],
  SeparableConv1D: [
    { label: 'same, depth multiplier, strided', config: { filters: 4, kernel_size: [3], depth_multiplier: 2, padding: 'same', strides: [2], activation: 'relu' }, input: [9, 3] },
    { label: 'channels_first, no bias', config: { ...cf, filters: 2, kernel_size: [2], use_bias: false }, input: [3, 7] },
  ],
  SeparableConv2D: [
    { label: 'same, depth multiplier, dilated', config: { filters: 4, kernel_size: [3, 3], depth_multiplier: 2, padding: 'same', dilation_rate: [2, 2] }, input: [7, 6, 3] },
    { label: 'channels_first, strided', config: { ...cf, filters: 2, kernel_size: [3, 3], strides: [2, 2], padding: 'same' }, input: [3, 7, 6] },
  ],
  UpSampling1D: [{ label: 'size 3', config: { size: 3 }, input: [4, 2] }],
  UpSampling2D: [
    { label: 'nearest, [2, 3]', config: { ...cl, size: [2, 3] }, input: [3, 4, 2] },
    { label: 'nearest, channels_first', config: { ...cf, size: [3, 2] }, input: [2, 3, 4] },
    { label: 'bilinear, [2, 3]', config: { ...cl, size: [2, 3], interpolation: 'bilinear' }, input: [3, 4, 2] },
    { label: 'bilinear, channels_first', config: { ...cf, size: [3, 2], interpolation: 'bilinear' }, input: [2, 3, 4] },
  ],
  ZeroPadding1D: [
    { label: 'asymmetric', config: { padding: [0, 2] }, input: [4, 3] },
    { label: 'channels_first', config: { ...cf, padding: [2, 1] }, input: [3, 4] },
  ],
  ZeroPadding2D: [{ label: 'channels_first, asymmetric', config: { ...cf, padding: [[0, 1], [2, 0]] }, input: [3, 4, 4] }],
  Conv3D: [
    { label: 'channels_first, strided, valid', config: { ...cf, filters: 3, kernel_size: [2, 3, 2], strides: [1, 2, 2] }, input: [2, 3, 6, 5] },
    { label: 'same, dilated, groups', config: { filters: 4, kernel_size: [3, 3, 3], padding: 'same', dilation_rate: [1, 2, 1], groups: 2 }, input: [3, 5, 4, 4] },
  ],
  Conv1DTranspose: [
    { label: 'valid, output_padding', config: { filters: 2, kernel_size: [3], strides: [3], output_padding: [2] }, input: [4, 2] },
    { label: 'channels_first, dilated', config: { ...cf, filters: 3, kernel_size: [3], dilation_rate: [2], padding: 'same' }, input: [2, 5] },
  ],
  Conv3DTranspose: [
    { label: 'same, stride 2', config: { filters: 2, kernel_size: [3, 3, 3], strides: [2, 2, 2], padding: 'same' }, input: [2, 3, 2, 2] },
    { label: 'channels_first, output_padding', config: { ...cf, filters: 2, kernel_size: [2, 3, 3], strides: [2, 2, 1], output_padding: [1, 0, 0] }, input: [2, 2, 3, 3] },
  ],
  BatchNormalization: [
    { label: 'sequences, last axis', config: {}, input: [5, 3] },
    { label: 'sequences, axis 1', config: { axis: 1 }, input: [3, 5] },
    { label: 'images, axis 2', config: { axis: 2, center: false }, input: [4, 3, 5] },
    { label: 'volumes, last axis', config: { scale: false }, input: [2, 3, 2, 3] },
  ],
  Softmax: [
    { label: 'axis 1', config: { axis: 1 }, input: [4, 3] },
    { label: 'axes [1, 2]', config: { axis: [1, 2] }, input: [4, 3, 2] },
    { label: 'axes [-1, -3] of images', config: { axis: [-1, -3] }, input: [3, 4, 2] },
  ],
  Rescaling: [
    { label: 'per-channel scale and offset', config: { scale: [0.5, 2, -1], offset: [1, 0, 0.25] }, input: [4, 4, 3] },
    { label: 'per-channel scale, scalar offset', config: { scale: [0.5, 2], offset: 0.5 }, input: [3, 2] },
  ],
  ReLU: [
    { label: 'negative_slope, threshold', config: { negative_slope: 0.3, threshold: 0.1 }, input: [4, 3] },
    { label: 'negative_slope, max_value', config: { negative_slope: 0.2, max_value: 0.25 }, input: [4, 3] },
    { label: 'threshold, max_value', config: { threshold: 0.05, max_value: 0.3 }, input: [4, 3] },
  ],
  PReLU: [{ label: 'shared_axes [1, 2]', config: { shared_axes: [1, 2] }, input: [4, 5, 3] }],
  LayerNormalization: [
    { label: 'axes [1, 2]', config: { axis: [1, 2] }, input: [4, 3, 2] },
    { label: 'axis 1 of images, no center', config: { axis: 1, center: false }, input: [3, 4, 4] },
    { label: 'rms_scaling', config: { rms_scaling: true }, input: [4, 5] },
    { label: 'no scale, no center', config: { scale: false, center: false, epsilon: 0.01 }, input: [4, 5] },
  ],
  GroupNormalization: [
    { label: 'axis 1 (channels_first)', config: { groups: 3, axis: 1 }, input: [6, 4, 4] },
    { label: 'one group per channel, 1D', config: { groups: 4 }, input: [5, 4] },
    { label: 'no scale, no center', config: { groups: 2, scale: false, center: false }, input: [3, 3, 2, 4] },
  ],
  UnitNormalization: [{ label: 'axes [1, 2]', config: { axis: [1, 2] }, input: [4, 3, 2] }],
  Normalization: [
    { label: 'axis null (one mean)', config: { axis: null, mean: 0.5, variance: 2 }, input: [4, 3] },
    { label: 'invert', config: { invert: true, mean: [0.5, -1, 2], variance: [2, 0.5, 1] }, input: [4, 3] },
    { label: 'adapted weights, axes [1, 3]', config: { axis: [1, 3] }, input: [3, 4, 2] },
    { label: 'channels_first images, axis 1', config: { axis: 1, mean: [0.5, -1], variance: [2, 0.5] }, input: [2, 3, 3] },
  ],
  Embedding: [{ label: 'rank-2 indices', config: { input_dim: 6, output_dim: 2 }, input: [3, 2] }],
  CenterCrop: [
    { label: 'smaller input: aspect crop and bilinear resize', config: { height: 6, width: 4 }, input: [4, 5, 3] },
    { label: 'channels_first', config: { ...cf, height: 3, width: 2 }, input: [2, 5, 4] },
  ],
  RandomCrop: [
    { label: 'larger input: aspect crop and resize', config: { height: 3, width: 2 }, input: [7, 5, 2] },
    { label: 'channels_first, upsizing', config: { ...cf, height: 6, width: 6 }, input: [2, 4, 5] },
  ],
  Resizing: [
    ...(['nearest', 'bilinear', 'bicubic', 'lanczos3', 'lanczos5', 'area'] as const).flatMap((interpolation) => [
      { label: `${interpolation}, up`, config: { height: 7, width: 9, interpolation }, input: [4, 5, 2] },
      { label: `${interpolation}, down`, config: { height: 3, width: 4, interpolation }, input: [7, 9, 2] },
    ]),
    { label: 'bilinear, down, antialias', config: { height: 3, width: 4, antialias: true }, input: [7, 9, 2] },
    { label: 'bicubic, antialias, one axis', config: { height: 3, width: 9, interpolation: 'bicubic', antialias: true }, input: [8, 9, 2] },
    { label: 'crop_to_aspect_ratio', config: { height: 4, width: 4, crop_to_aspect_ratio: true }, input: [5, 9, 2] },
    { label: 'pad_to_aspect_ratio, fill_value', config: { height: 4, width: 4, pad_to_aspect_ratio: true, fill_value: 0.7 }, input: [5, 9, 2] },
    { label: 'pad_to_aspect_ratio, wide target', config: { height: 3, width: 9, pad_to_aspect_ratio: true, fill_value: -1 }, input: [4, 4, 2] },
    { label: 'channels_first, nearest', config: { ...cf, height: 5, width: 3, interpolation: 'nearest' }, input: [2, 3, 7] },
  ],
  MaxPooling3D: [{ label: 'same, channels_first', config: { ...cf, pool_size: [2, 3, 2], padding: 'same' }, input: [2, 3, 5, 4] }],
  AveragePooling3D: [{ label: 'same, strided', config: { pool_size: [3, 3, 3], strides: [2, 1, 2], padding: 'same' }, input: [4, 5, 5, 2] }],
  GlobalAveragePooling3D: [{ label: 'keepdims, channels_first', config: { ...cf, keepdims: true }, input: [2, 3, 4, 4] }],
  ZeroPadding3D: [{ label: 'channels_first', config: { ...cf, padding: 1 }, input: [2, 2, 3, 3] }],
  Cropping3D: [{ label: 'channels_first', config: { ...cf, cropping: [[0, 1], [1, 0], [0, 0]] }, input: [2, 3, 3, 3] }],
  UpSampling3D: [{ label: 'channels_first', config: { ...cf, size: [2, 1, 3] }, input: [2, 2, 3, 2] }],
};

function oneLayer(className: string, c: OnnxCase): Model {
  const fromConfig = findLayerClass(className) as NonNullable<ReturnType<typeof findLayerClass>>;
  const model = new Sequential({ inputShape: c.input, layers: [fromConfig({ ...c.config, dtype: 'float32' })] });
  randomizeWeights(model);
  return model;
}

describe('ONNX export', () => {
  it('a Lambda layer is refused with an error naming it', () => {
    const model = new Sequential({ inputShape: [3], layers: [new Lambda({ f: (t) => t, name: 'my_lambda' })] });
    assert.throws(() => exportOnnx(model, path.join(tempDir(), 'x.onnx')), (e: unknown) => e instanceof ModelFileError && e.message.includes('my_lambda') && /JavaScript function/.test(e.message));
  });

  // Every class alone, in both formats and both dtypes: onnx-every-layer.test.ts. Here, the configurations
  // whose ONNX graphs differ.
  for (const [className, cases] of Object.entries(ONNX_CASES)) {
    for (const c of cases) {
      it(`${className} (${c.label}) runs in onnxruntime as in predict`, async () => {
        assert.ok((await compare(oneLayer(className, c))) < 1e-5);
      });
    }
  }

  for (const [label, axes, normalize, shapes] of [
    ['axes 1 of vectors, normalized', 1, true, [[4], [4]]],
    ['axes [2, 2] of sequences', [2, 2], false, [[4, 3], [5, 3]]],
    ['axes [1, 2], normalized', [1, 2], true, [[4, 3], [2, 4]]],
    ['axes [-1, 1], rank 4 and rank 3', [-1, 1], false, [[2, 3, 4], [4, 5]]],
  ] as const) {
    it(`Dot (${label}) runs in onnxruntime as in predict`, async () => {
      const x = layerInput({ shape: [...shapes[0]] });
      const y = layerInput({ shape: [...shapes[1]] });
      const dot = new Dot({ axes: typeof axes === 'number' ? axes : [axes[0], axes[1]], normalize });
      const model = new Functional({ inputs: [x, y], outputs: dot.apply([x, y]) });
      const next = random(3);
      const xs = [randomTensor([2, ...shapes[0]], 'float32', next), randomTensor([2, ...shapes[1]], 'float32', next)];
      const file = path.join(tempDir(), 'dot.onnx');
      exportOnnx(model, file);
      const session = await ort.InferenceSession.create(file);
      const feeds = Object.fromEntries(model.inputNames.map((n, i) => [n, new ort.Tensor('float32', xs[i].dataSync() as Float32Array, xs[i].shape)]));
      const result = await session.run(feeds);
      const expected = model.predict(xs);
      assert.deepEqual([...result.output.dims], expected.shape);
      assert.ok(maxAbsDiff(result.output.data as Float32Array, expected.dataSync()) < 1e-5);
    });
  }

  it('layers after a channels_last convolution compute on its channels-first output, without transposing back', async () => {
    const make = (name: string, config: Record<string, unknown>) => (findLayerClass(name) as NonNullable<ReturnType<typeof findLayerClass>>)(config as never);
    const after: [string, Record<string, unknown>][] = [
      ['PReLU', { shared_axes: [1, 2] }],
      ['PReLU', {}],
      ['LayerNormalization', {}],
      ['LayerNormalization', { axis: [1, 3] }],
      ['GroupNormalization', { groups: 2 }],
      ['UnitNormalization', { axis: [2, 3] }],
      ['Normalization', { mean: [0.5, -1, 2, 0], variance: [2, 0.5, 1, 3] }],
      ['Normalization', { axis: [1, 3] }],
      ['Resizing', { height: 7, width: 3, interpolation: 'bicubic' }],
      ['CenterCrop', { height: 3, width: 4 }],
      ['RandomCrop', { height: 6, width: 6 }],
      ['ReLU', { negative_slope: 0.1, threshold: 0.2 }],
      ['Rescaling', { scale: [1, 2, 3, 4], offset: [0, -1, 0.5, 2] }],
      ['Softmax', {}],
      ['Softmax', { axis: [1, 2] }],
      ['BatchNormalization', {}],
    ];
    for (const [name, config] of after) {
      const model = new Sequential({
        inputShape: [5, 6, 3],
        layers: [make('Conv2D', { filters: 4, kernel_size: [3, 3], padding: 'same' }), make(name, config), make('Conv2D', { filters: 2, kernel_size: [1, 1] })],
      });
      randomizeWeights(model);
      assert.ok((await compare(model)) < 1e-5, `${name} ${JSON.stringify(config)}`);
      // Node names are `<hint>/<op type>_<n>`.
      const transposes = Buffer.from(modelToOnnxBytes(model)).toString('latin1').split('/Transpose_').length - 1;
      assert.equal(transposes, 2, `${name}: one Transpose in, one out`);
    }
  });

  it('a 1D stack (causal Conv1D, padding, separable, upsampling, cropping) exports as one graph', async () => {
    const make = (name: string, config: Record<string, unknown>) => (findLayerClass(name) as NonNullable<ReturnType<typeof findLayerClass>>)(config as never);
    const model = new Sequential({
      inputShape: [10, 3],
      layers: [
        make('Conv1D', { filters: 4, kernel_size: [3], padding: 'causal', activation: 'relu' }),
        make('ZeroPadding1D', { padding: [1, 2] }),
        make('SeparableConv1D', { filters: 5, kernel_size: [3], padding: 'same' }),
        make('UpSampling1D', { size: 2 }),
        make('Cropping1D', { cropping: [2, 1] }),
        make('DepthwiseConv1D', { kernel_size: [3] }),
        make('Flatten', {}),
        make('Dense', { units: 3 }),
      ],
    });
    randomizeWeights(model);
    assert.ok((await compare(model, 3)) < 1e-5);
  });

  it('an image decoder (transposed conv, upsampling, cropping, separable) exports as one graph', async () => {
    const make = (name: string, config: Record<string, unknown>) => (findLayerClass(name) as NonNullable<ReturnType<typeof findLayerClass>>)(config as never);
    const model = new Sequential({
      inputShape: [5, 5, 3],
      layers: [
        make('Conv2DTranspose', { filters: 4, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' }),
        make('UpSampling2D', { size: [2, 2], interpolation: 'bilinear' }),
        make('Cropping2D', { cropping: [[1, 2], [0, 3]] }),
        make('SeparableConv2D', { filters: 3, kernel_size: [3, 3], padding: 'same' }),
        make('UpSampling2D', { size: [1, 2] }),
        make('ZeroPadding2D', { padding: [[1, 0], [0, 1]] }),
      ],
    });
    randomizeWeights(model);
    assert.ok((await compare(model, 2)) < 1e-5);
  });

  it('depthwise with strides, dilation, "same" padding and depth multiplier, NHWC through BN, pooling, Dense', async () => {
    const make = (name: string, config: Record<string, unknown>) => (findLayerClass(name) as NonNullable<ReturnType<typeof findLayerClass>>)(config as never);
    const model = new Sequential({
      inputShape: [9, 11, 3],
      layers: [
        make('DepthwiseConv2D', { kernel_size: [3, 3], depth_multiplier: 3, padding: 'same', strides: [2, 2], activation: 'relu6' }),
        make('BatchNormalization', {}),
        make('DepthwiseConv2D', { kernel_size: [3, 3], padding: 'same', dilation_rate: [2, 2] }),
        make('Conv2D', { filters: 4, kernel_size: [1, 1], activation: 'silu' }),
        make('MaxPooling2D', { pool_size: [2, 2], padding: 'same' }),
        make('Flatten', {}),
        make('Dense', { units: 5, activation: 'softmax' }),
      ],
    });
    randomizeWeights(model);
    assert.ok((await compare(model, 3)) < 1e-5);
  });

  it('channels_first models with Flatten export in predict\'s element order (Keras moves the channels last)', async () => {
    const make = (name: string, config: Record<string, unknown>) => (findLayerClass(name) as NonNullable<ReturnType<typeof findLayerClass>>)(config as never);
    const stacks: [number[], string, Record<string, unknown>][] = [
      [[3, 5, 4], 'Conv2D', { kernel_size: [3, 3] }],
      [[3, 7], 'Conv1D', { kernel_size: [3] }],
      [[2, 3, 4, 3], 'Conv3D', { kernel_size: [2, 2, 2] }],
    ];
    // float32 only: onnxruntime's CPU provider has no float64 Conv.
    for (const [inputShape, conv, config] of stacks) {
      for (const flatten of ['channels_first', 'channels_last']) {
        const model = new Sequential({
          inputShape,
          layers: [make(conv, { ...cf, ...config, filters: 2, dtype: 'float32' }), make('Flatten', { data_format: flatten }), make('Dense', { units: 3 })],
        });
        randomizeWeights(model);
        assert.ok((await compare(model)) < 1e-5, `${conv} channels_first, Flatten ${flatten}`);
      }
    }
  });

  it('float64 graphs avoid the operators onnxruntime has no float64 kernel for (Resize, Elu, LeakyRelu)', async () => {
    const make = (name: string, config: Record<string, unknown>) => (findLayerClass(name) as NonNullable<ReturnType<typeof findLayerClass>>)({ ...config, dtype: 'float64' } as never);
    const cases: [number[], string, Record<string, unknown>][] = [
      [[3, 4, 2], 'UpSampling2D', { size: [2, 3], interpolation: 'bilinear' }],
      [[2, 3, 4], 'UpSampling2D', { ...cf, size: [3, 2], interpolation: 'bilinear' }],
      [[2, 3, 4], 'UpSampling2D', { ...cf, size: [3, 2] }],
      [[2, 2, 3, 2], 'UpSampling3D', { size: [2, 1, 3] }],
      [[4], 'Dense', { units: 3, activation: 'elu' }],
      [[4], 'Dense', { units: 3, activation: 'leaky_relu' }],
      [[5], 'ELU', { alpha: 0.7 }],
      [[5], 'LeakyReLU', { negative_slope: 0.3 }],
    ];
    for (const [inputShape, name, config] of cases) {
      const model = new Sequential({ inputShape, inputDtype: 'float64', layers: [make(name, config)] });
      randomizeWeights(model);
      assert.ok((await compare(model, 2, 'float64')) < 1e-12, `${name} ${JSON.stringify(config)}`);
    }
  });

  it('per-channel Rescaling under the global channels_first image data format broadcasts over axis 1', async () => {
    setImageDataFormat('channels_first');
    try {
      const model = oneLayer('Rescaling', { label: 'channels_first', config: { scale: [0.5, 2, -1], offset: [1, 0, 0.25] }, input: [3, 4, 5] });
      assert.ok((await compare(model)) < 1e-5);
    } finally {
      setImageDataFormat(null);
    }
  });

  it('the Keras 3 fixtures export and agree', async () => {
    for (const f of ['keras3_sequential.keras', 'keras3_functional.keras']) {
      assert.ok((await compare(loadModelSync(path.join(FIXTURES, f), { compile: false }))) < 1e-5, f);
    }
  });

  it('refuses what has no mapping, naming the layer', () => {
    const model = oneLayer('Dense', { label: 'sparsemax', config: { units: 2, activation: 'sparsemax' }, input: [3] });
    const name = model.layers[model.layers.length - 1].name;
    assert.throws(
      () => exportOnnx(model, path.join(tempDir(), 'x.onnx')),
      (e: unknown) => e instanceof ModelFileError && e.message.includes(name) && /activation "sparsemax" has no ONNX mapping/.test(e.message),
    );
  });

  for (const activation of ['gelu', 'hard_sigmoid', 'hard_silu', 'hard_swish', 'log_softmax']) {
    it(`the ${activation} activation runs in onnxruntime as in predict`, async () => {
      const model = oneLayer('Activation', { label: activation, config: { activation }, input: [4, 5] });
      assert.ok((await compare(model)) < 1e-5);
    });
  }
  for (const activation of ['hard_sigmoid', 'hard_silu', 'log_softmax']) {
    it(`the ${activation} activation runs in onnxruntime as in predict in float64`, async () => {
      const layer = (findLayerClass('Activation') as NonNullable<ReturnType<typeof findLayerClass>>)({ activation, dtype: 'float64' });
      const model = new Sequential({ inputShape: [4, 5], inputDtype: 'float64', layers: [layer] });
      assert.ok((await compare(model, 2, 'float64')) < 1e-12);
    });
  }
});
