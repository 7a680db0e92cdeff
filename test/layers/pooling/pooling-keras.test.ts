// Pooling layers against real Keras 3 (golden fixtures): config, output and input gradient, float64.
import { describe } from 'node:test';
import { AveragePooling2D } from '../../../src/layers/pooling/average-pooling2d.js';
import { GlobalAveragePooling2D, GlobalMaxPooling2D } from '../../../src/layers/pooling/global-pooling2d.js';
import { MaxPooling2D } from '../../../src/layers/pooling/max-pooling2d.js';
import { runGoldenCases } from './golden.js';

describe('pooling layers match Keras 3', () => {
  runGoldenCases({
    MaxPooling2D: (c) => MaxPooling2D.fromConfig(c),
    AveragePooling2D: (c) => AveragePooling2D.fromConfig(c),
    GlobalAveragePooling2D: (c) => GlobalAveragePooling2D.fromConfig(c),
    GlobalMaxPooling2D: (c) => GlobalMaxPooling2D.fromConfig(c),
  });
});
