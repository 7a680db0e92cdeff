/** ONNX export, checked by running the exported file in onnxruntime-node and comparing with predict. */

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { exportOnnx, ioReady, loadModelSync, ModelFileError } from '../../src/io/index.js';
import { findLayerClass } from '../../src/io/layer-registry.js';
import type { Model } from '../../src/models/model.js';
import { Sequential } from '../../src/models/sequential.js';
import { FIXTURES, maxAbsDiff, random, randomTensor, randomizeWeights, singleLayerModel, tempDir } from './helpers.js';

before(async () => {
  await ioReady();
});

async function compare(model: Model, batch = 2): Promise<number> {
  const shape = [batch, ...((model.input?.shape ?? []).slice(1) as number[])];
  const x = randomTensor(shape, 'float32', random(5));
  const file = path.join(tempDir(), 'm.onnx');
  exportOnnx(model, file);
  const session = await ort.InferenceSession.create(file);
  const result = await session.run({ input: new ort.Tensor('float32', x.dataSync() as Float32Array, shape) });
  const expected = model.predict(x);
  assert.deepEqual([...result.output.dims], expected.shape);
  return maxAbsDiff(result.output.data as Float32Array, expected.dataSync());
}

const EXPORTABLE = [
  'Activation', 'Add', 'AveragePooling2D', 'BatchNormalization', 'Concatenate', 'Conv2D', 'Dense', 'DepthwiseConv2D',
  'Dropout', 'Flatten', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'MaxPooling2D', 'ReLU', 'Reshape', 'ZeroPadding2D',
];

describe('ONNX export', () => {
  for (const className of EXPORTABLE) {
    it(`${className} runs in onnxruntime as in predict`, async () => {
      assert.ok((await compare(singleLayerModel(className, 'float32'))) < 1e-5);
    });
  }

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

  it('the Keras 3 fixtures export and agree', async () => {
    for (const f of ['keras3_sequential.keras', 'keras3_functional.keras']) {
      assert.ok((await compare(loadModelSync(path.join(FIXTURES, f), { compile: false }))) < 1e-5, f);
    }
  });

  it('refuses layers without a mapping, naming the layer', () => {
    const model = singleLayerModel('UpSampling2D', 'float32');
    assert.throws(() => exportOnnx(model, path.join(tempDir(), 'x.onnx')), (e: unknown) => e instanceof ModelFileError && /UpSampling2D has no ONNX mapping/.test(e.message));
  });
});
