// Keras's other names for the same layer classes are exported under those names, so `layers.MaxPool2D(...)`
// ports as `new MaxPool2D(...)`; the instance is the canonical class and serializes under its name, as Keras.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dw from '../../src/index.js';

const ALIASES: Record<string, string> = {
  MaxPool1D: 'MaxPooling1D', MaxPool2D: 'MaxPooling2D', MaxPool3D: 'MaxPooling3D',
  AvgPool1D: 'AveragePooling1D', AvgPool2D: 'AveragePooling2D', AvgPool3D: 'AveragePooling3D',
  GlobalAvgPool1D: 'GlobalAveragePooling1D', GlobalAvgPool2D: 'GlobalAveragePooling2D', GlobalAvgPool3D: 'GlobalAveragePooling3D',
  GlobalMaxPool1D: 'GlobalMaxPooling1D', GlobalMaxPool2D: 'GlobalMaxPooling2D', GlobalMaxPool3D: 'GlobalMaxPooling3D',
  Convolution1D: 'Conv1D', Convolution2D: 'Conv2D', Convolution3D: 'Conv3D',
  Convolution1DTranspose: 'Conv1DTranspose', Convolution2DTranspose: 'Conv2DTranspose', Convolution3DTranspose: 'Conv3DTranspose',
  SeparableConvolution1D: 'SeparableConv1D', SeparableConvolution2D: 'SeparableConv2D',
};

test("Keras's alias class names are exported as the canonical classes", () => {
  const exports = dw as unknown as Record<string, unknown>;
  for (const [alias, canonical] of Object.entries(ALIASES)) {
    assert.equal(exports[alias], exports[canonical], `${alias} is ${canonical}`);
    assert.ok(dw.BUILT_IN_LAYER_CLASSES.includes(canonical), canonical);
  }
  const layer = new dw.MaxPool2D({ poolSize: 2 });
  assert.equal(layer.className, 'MaxPooling2D');
});
