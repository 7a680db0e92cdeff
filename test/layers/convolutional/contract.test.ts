// runLayerTest (build, symbolic vs eager, model replay, config round trip, float32/float64, gradients
// by finite differences) for every convolution layer over its arguments.
import { beforeEach, describe, test } from 'node:test';
import { clearSession } from '../../../src/index.js';
import {
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  DepthwiseConv1D,
  SeparableConv1D,
  SeparableConv2D,
} from '../../../src/layers/convolutional/index.js';
import type { Config } from '../../../src/serialization/keras-object.js';
import { runLayerTest } from '../../helpers/layer-test.js';
import { caseName, product } from '../../helpers/product.js';

type Format = 'channels_last' | 'channels_first';

/** `[batch, ...spatial, channels]` in the given format. */
function shapeOf(format: Format, spatial: number[], channels: number, batch = 2): number[] {
  return format === 'channels_last' ? [batch, ...spatial, channels] : [batch, channels, ...spatial];
}

const ACTIVATIONS = ['linear', 'tanh', 'relu'] as const;

beforeEach(() => clearSession());

describe('Conv2D layer contract', () => {
  product({
    kernelSize: [1, 3, [2, 3]] as (number | number[])[],
    strides: [1, 2] as (number | number[])[],
    padding: ['valid', 'same'] as const,
    dataFormat: ['channels_last', 'channels_first'] as const,
    groups: [1, 2, 4],
  }).forEach((c, i) => {
    test(caseName(c), () => {
      const useBias = i % 4 !== 3;
      const dilationRate = c.strides === 1 && i % 3 === 0 ? 2 : 1;
      runLayerTest({
        make: (dtype) => new Conv2D({ filters: 4, ...c, dilationRate, useBias, activation: ACTIVATIONS[i % 3], biasInitializer: 'random_uniform', dtype }),
        fromConfig: (config: Config) => Conv2D.fromConfig(config),
        inputShape: shapeOf(c.dataFormat, [7, 6], 4),
        expectedWeightShapes: useBias ? [[...(Array.isArray(c.kernelSize) ? c.kernelSize : [c.kernelSize, c.kernelSize]), 4 / c.groups, 4], [4]] : undefined,
        seed: i + 1,
      });
    });
  });
});

describe('Conv1D layer contract', () => {
  product({
    kernelSize: [1, 3],
    strides: [1, 2],
    padding: ['valid', 'same', 'causal'] as const,
    dataFormat: ['channels_last', 'channels_first'] as const,
    groups: [1, 2],
  }).forEach((c, i) => {
    test(caseName(c), () => {
      const dilationRate = c.strides === 1 && i % 2 === 0 ? 2 : 1;
      runLayerTest({
        make: (dtype) => new Conv1D({ filters: 6, ...c, dilationRate, activation: ACTIVATIONS[i % 3], biasInitializer: 'random_uniform', dtype }),
        fromConfig: (config: Config) => Conv1D.fromConfig(config),
        inputShape: shapeOf(c.dataFormat, [9], 4),
        expectedWeightShapes: [[c.kernelSize, 4 / c.groups, 6], [6]],
        seed: i + 1,
      });
    });
  });
});

describe('Conv2DTranspose layer contract', () => {
  product({
    kernelSize: [1, 3, [2, 3]] as (number | number[])[],
    strides: [1, 2, [2, 3]] as (number | number[])[],
    padding: ['valid', 'same'] as const,
    dataFormat: ['channels_last', 'channels_first'] as const,
    outputPadding: ['default', 'explicit'] as const,
  }).forEach((c, i) => {
    const { outputPadding: opKind, ...rest } = c;
    // Explicit output padding: the largest allowed (stride - 1) on each axis.
    const outputPadding = opKind === 'default' ? null : typeof c.strides === 'number' ? c.strides - 1 : c.strides.map((s) => s - 1);
    test(caseName({ ...rest, outputPadding }), () => {
      const dilationRate = c.strides === 1 && i % 2 === 0 ? 2 : 1;
      runLayerTest({
        make: (dtype) =>
          new Conv2DTranspose({ filters: 3, ...rest, outputPadding, dilationRate, activation: ACTIVATIONS[i % 3], biasInitializer: 'random_uniform', dtype }),
        fromConfig: (config: Config) => Conv2DTranspose.fromConfig(config),
        inputShape: shapeOf(c.dataFormat, [3, 4], 2),
        seed: i + 1,
      });
    });
  });
});

describe('DepthwiseConv1D layer contract', () => {
  product({
    kernelSize: [1, 3],
    strides: [1, 2],
    padding: ['valid', 'same'] as const,
    dataFormat: ['channels_last', 'channels_first'] as const,
    depthMultiplier: [1, 2],
  }).forEach((c, i) => {
    test(caseName(c), () => {
      runLayerTest({
        make: (dtype) => new DepthwiseConv1D({ ...c, activation: ACTIVATIONS[i % 3], biasInitializer: 'random_uniform', dtype }),
        fromConfig: (config: Config) => DepthwiseConv1D.fromConfig(config),
        inputShape: shapeOf(c.dataFormat, [8], 3),
        expectedWeightShapes: [[c.kernelSize, 3, c.depthMultiplier], [3 * c.depthMultiplier]],
        seed: i + 1,
      });
    });
  });
});

describe('SeparableConv2D and SeparableConv1D layer contract', () => {
  product({
    rank: [1, 2],
    kernelSize: [1, 3],
    strides: [1, 2],
    padding: ['valid', 'same'] as const,
    dataFormat: ['channels_last', 'channels_first'] as const,
    depthMultiplier: [1, 2],
  }).forEach((c, i) => {
    const { rank, ...options } = c;
    test(caseName(c), () => {
      const dilationRate = c.strides === 1 && i % 2 === 0 ? 2 : 1;
      const useBias = i % 4 !== 1;
      const common = { filters: 5, ...options, dilationRate, useBias, activation: ACTIVATIONS[i % 3], biasInitializer: 'random_uniform' };
      const pointwise = rank === 2 ? [1, 1, 3 * c.depthMultiplier, 5] : [1, 3 * c.depthMultiplier, 5];
      const depthwise = rank === 2 ? [c.kernelSize, c.kernelSize, 3, c.depthMultiplier] : [c.kernelSize, 3, c.depthMultiplier];
      runLayerTest({
        make: (dtype) => (rank === 2 ? new SeparableConv2D({ ...common, dtype }) : new SeparableConv1D({ ...common, dtype })),
        fromConfig: (config: Config) => (rank === 2 ? SeparableConv2D.fromConfig(config) : SeparableConv1D.fromConfig(config)),
        inputShape: shapeOf(c.dataFormat, rank === 2 ? [6, 5] : [7], 3),
        expectedWeightShapes: useBias ? [depthwise, pointwise, [5]] : [depthwise, pointwise],
        seed: i + 1,
      });
    });
  });
});
