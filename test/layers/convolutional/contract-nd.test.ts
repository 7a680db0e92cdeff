// runLayerTest (build, symbolic vs eager, model replay, config round trip, float32/float64, gradients by
// finite differences, a training step, save/load) for the layers of issue #15: Conv3D, Conv1DTranspose,
// Conv3DTranspose, and the pooling and reshaping layers of volumes.
import { beforeEach, describe, test } from 'node:test';
import {
  AveragePooling3D,
  clearSession,
  Conv1DTranspose,
  Conv3D,
  Conv3DTranspose,
  Cropping3D,
  GlobalAveragePooling3D,
  GlobalMaxPooling3D,
  MaxPooling3D,
  UpSampling3D,
  ZeroPadding3D,
} from '../../../src/index.js';
import type { Layer } from '../../../src/index.js';
import type { Config } from '../../../src/serialization/keras-object.js';
import { runLayerTest } from '../../helpers/layer-test.js';
import { caseName, product } from '../../helpers/product.js';

type Format = 'channels_last' | 'channels_first';

function shapeOf(format: Format, spatial: number[], channels: number, batch = 2): number[] {
  return format === 'channels_last' ? [batch, ...spatial, channels] : [batch, channels, ...spatial];
}

beforeEach(() => clearSession());

describe('Conv3D layer contract', () => {
  product({
    kernelSize: [1, 2, [2, 1, 2]] as (number | number[])[],
    strides: [1, 2] as (number | number[])[],
    padding: ['valid', 'same'] as const,
    dataFormat: ['channels_last', 'channels_first'] as const,
    groups: [1, 2],
  }).forEach((c, i) => {
    test(caseName(c), () => {
      const dilationRate = c.strides === 1 && i % 3 === 0 ? 2 : 1;
      runLayerTest({
        make: (dtype) => new Conv3D({ filters: 2, ...c, dilationRate, useBias: i % 4 !== 3, activation: ['linear', 'tanh'][i % 2], dtype }),
        fromConfig: (config: Config) => Conv3D.fromConfig(config),
        inputShape: shapeOf(c.dataFormat, [3, 4, 3], 2),
        seed: i + 1,
      });
    });
  });
});

describe('Conv1DTranspose and Conv3DTranspose layer contract', () => {
  product({
    rank: [1, 3] as const,
    strides: [1, 2] as const,
    padding: ['valid', 'same'] as const,
    outputPadding: [null, 1] as const,
    dataFormat: ['channels_last', 'channels_first'] as const,
  })
    .filter((c) => c.outputPadding === null || c.strides === 2)
    .forEach((c, i) => {
      test(caseName(c), () => {
        const { rank, ...options } = c;
        const cls = rank === 1 ? Conv1DTranspose : Conv3DTranspose;
        runLayerTest({
          make: (dtype) => new cls({ filters: 2, kernelSize: 3, ...options, dtype }),
          fromConfig: (config: Config) => cls.fromConfig(config),
          inputShape: shapeOf(c.dataFormat, rank === 1 ? [4] : [2, 3, 2], 2),
          seed: i + 1,
        });
      });
    });
});

type Make = (options: Record<string, unknown>) => Layer;
const VOLUMES: Array<{ name: string; make: Make; fromConfig: (c: Config) => Layer; options: Record<string, unknown>; inputShape: number[]; out: number[] }> = [
  { name: 'MaxPooling3D', make: (o) => new MaxPooling3D(o), fromConfig: (c) => MaxPooling3D.fromConfig(c), options: {}, inputShape: [2, 4, 4, 5, 2], out: [2, 2, 2, 2, 2] },
  { name: 'MaxPooling3D', make: (o) => new MaxPooling3D(o), fromConfig: (c) => MaxPooling3D.fromConfig(c), options: { poolSize: [2, 3, 1], strides: 1, padding: 'same', dataFormat: 'channels_first' }, inputShape: [1, 2, 3, 4, 2], out: [1, 2, 3, 4, 2] },
  { name: 'AveragePooling3D', make: (o) => new AveragePooling3D({ poolSize: 2, ...o }), fromConfig: (c) => AveragePooling3D.fromConfig(c), options: {}, inputShape: [2, 4, 2, 4, 1], out: [2, 2, 1, 2, 1] },
  { name: 'AveragePooling3D', make: (o) => new AveragePooling3D({ poolSize: 2, ...o }), fromConfig: (c) => AveragePooling3D.fromConfig(c), options: { poolSize: 3, strides: 2, padding: 'same' }, inputShape: [1, 3, 5, 4, 2], out: [1, 2, 3, 2, 2] },
  { name: 'GlobalAveragePooling3D', make: (o) => new GlobalAveragePooling3D(o), fromConfig: (c) => GlobalAveragePooling3D.fromConfig(c), options: { keepdims: true }, inputShape: [2, 2, 3, 2, 3], out: [2, 1, 1, 1, 3] },
  { name: 'GlobalMaxPooling3D', make: (o) => new GlobalMaxPooling3D(o), fromConfig: (c) => GlobalMaxPooling3D.fromConfig(c), options: { dataFormat: 'channels_first' }, inputShape: [2, 3, 2, 3, 2], out: [2, 3] },
  { name: 'ZeroPadding3D', make: (o) => new ZeroPadding3D(o), fromConfig: (c) => ZeroPadding3D.fromConfig(c), options: { padding: [[1, 0], [0, 2], 1] }, inputShape: [1, 2, 2, 3, 2], out: [1, 3, 4, 5, 2] },
  { name: 'Cropping3D', make: (o) => new Cropping3D(o), fromConfig: (c) => Cropping3D.fromConfig(c), options: { dataFormat: 'channels_first' }, inputShape: [1, 2, 3, 4, 5], out: [1, 2, 1, 2, 3] },
  { name: 'UpSampling3D', make: (o) => new UpSampling3D(o), fromConfig: (c) => UpSampling3D.fromConfig(c), options: { size: [1, 2, 3] }, inputShape: [1, 2, 2, 2, 2], out: [1, 2, 4, 6, 2] },
];

describe('pooling and reshaping of volumes: layer contract', () => {
  for (const c of VOLUMES) {
    test(`${c.name} ${caseName(c.options)} on ${c.inputShape.join('x')}`, () => {
      runLayerTest({ make: (dtype) => c.make({ ...c.options, dtype }), fromConfig: c.fromConfig, inputShape: c.inputShape, expectedOutputShape: c.out, expectedWeightShapes: [] });
    });
  }
});
