/** Shared helpers for the io tests: temp dirs, fixture paths, model builders with random weights. */

import { fileURLToPath } from 'node:url';
import type { FloatDType } from '../../src/engine/dtype.js';
import { tensorFromArray } from '../../src/engine/tensor.js';
import type { Tensor } from '../../src/engine/tensor.js';
import { layerInput } from '../../src/layers/input-layer.js';
import type { Layer } from '../../src/layers/layer.js';
import type { Config } from '../../src/serialization/keras-object.js';
import { findLayerClass } from '../../src/layers/registry.js';
import { Functional } from '../../src/models/functional.js';
import type { Model } from '../../src/models/model.js';
import { Sequential } from '../../src/models/sequential.js';
import { KERAS_LAYER_CASES } from './keras-layer-cases.js';
import { CONV_FAMILY_LAYER_CASES } from './conv-family-cases.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/keras/io/', import.meta.url));

export { tempDir } from '../helpers/temp-dir.js';

/** A deterministic pseudo-random stream (xorshift), so failures reproduce. */
export function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32 - 0.5;
  };
}

export function randomTensor(shape: readonly number[], dtype: FloatDType, next: () => number, positive = false): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = positive ? 0.5 + Math.abs(next()) : next();
  return tensorFromArray(data, shape, dtype);
}

/** Every weight replaced by random values (variances positive), so a round trip has something to keep. */
export function randomizeWeights(model: Model, seed = 7): void {
  const next = random(seed);
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    layer.setWeights(layer.weights.map((w) => randomTensor(w.shape, w.dtype as FloatDType, next, w.name.includes('variance'))));
  }
}

/** How each built-in layer class is exercised: a minimal Keras config and an input shape (no batch axis). */
export interface LayerCase {
  config: Config;
  input: number[];
  /** Merge layers take two inputs of the same shape. */
  merge?: boolean;
}

export const LAYER_CASES: Record<string, LayerCase> = {
  Activation: { config: { activation: 'tanh' }, input: [4, 4, 3] },
  Add: { config: {}, input: [4, 4, 3], merge: true },
  AveragePooling2D: { config: { pool_size: [2, 2] }, input: [6, 6, 3] },
  BatchNormalization: { config: {}, input: [4, 4, 3] },
  Concatenate: { config: { axis: -1 }, input: [4, 4, 3], merge: true },
  Conv1D: { config: { filters: 2, kernel_size: [3] }, input: [8, 3] },
  Conv2D: { config: { filters: 2, kernel_size: [3, 3], padding: 'same' }, input: [6, 6, 3] },
  Conv2DTranspose: { config: { filters: 2, kernel_size: [3, 3] }, input: [4, 4, 3] },
  Cropping1D: { config: { cropping: [1, 1] }, input: [6, 3] },
  Cropping2D: { config: { cropping: [[1, 1], [1, 1]] }, input: [6, 6, 3] },
  Dense: { config: { units: 3, activation: 'relu' }, input: [5] },
  DepthwiseConv1D: { config: { kernel_size: [3] }, input: [8, 3] },
  DepthwiseConv2D: { config: { kernel_size: [3, 3], depth_multiplier: 2 }, input: [6, 6, 3] },
  Dropout: { config: { rate: 0.5 }, input: [5] },
  Flatten: { config: {}, input: [3, 3, 2] },
  GlobalAveragePooling2D: { config: {}, input: [4, 4, 3] },
  GlobalMaxPooling2D: { config: {}, input: [4, 4, 3] },
  MaxPooling2D: { config: { pool_size: [2, 2] }, input: [6, 6, 3] },
  ReLU: { config: {}, input: [5] },
  Reshape: { config: { target_shape: [3, 6] }, input: [3, 3, 2] },
  SeparableConv1D: { config: { filters: 2, kernel_size: [3] }, input: [8, 3] },
  SeparableConv2D: { config: { filters: 2, kernel_size: [3, 3] }, input: [6, 6, 3] },
  UpSampling1D: { config: { size: 2 }, input: [4, 3] },
  UpSampling2D: { config: { size: [2, 2] }, input: [4, 4, 3] },
  ZeroPadding1D: { config: { padding: [1, 1] }, input: [4, 3] },
  ZeroPadding2D: { config: { padding: [[1, 1], [1, 1]] }, input: [4, 4, 3] },
  ...KERAS_LAYER_CASES,
  ...CONV_FAMILY_LAYER_CASES,
};

function make(className: string, config: Config, dtype: FloatDType): Layer {
  const fromConfig = findLayerClass(className);
  if (fromConfig === null) throw new Error(`no class ${className}`);
  return fromConfig({ ...config, dtype });
}

/** A one-layer model around `className` (Functional for merge layers, Sequential otherwise), weights random. */
export function singleLayerModel(className: string, dtype: FloatDType): Model {
  const spec = LAYER_CASES[className];
  const layer = make(className, spec.config, dtype);
  let model: Model;
  if (spec.merge) {
    const input = layerInput({ shape: spec.input, dtype });
    const side = make('Dense', { units: spec.input[spec.input.length - 1] }, dtype).apply(input);
    model = new Functional({ inputs: input, outputs: layer.apply([input, side]) });
  } else {
    model = new Sequential({ inputShape: spec.input, inputDtype: dtype, layers: [layer] });
  }
  randomizeWeights(model);
  return model;
}

export function bits(t: Tensor): string {
  const d = t.dataSync();
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('hex');
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
