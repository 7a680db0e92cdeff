// Pooling layers against real Keras 3 (golden fixtures): config, output and input gradient, float64.
import { describe } from 'node:test';
import { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from '../../../src/layers/pooling/index.js';
import { runGoldenCases } from './golden.js';

describe('pooling layers match Keras 3', () => {
  runGoldenCases({
    MaxPooling2D: (c) => MaxPooling2D.fromConfig(c),
    AveragePooling2D: (c) => AveragePooling2D.fromConfig(c),
    GlobalAveragePooling2D: (c) => GlobalAveragePooling2D.fromConfig(c),
    GlobalMaxPooling2D: (c) => GlobalMaxPooling2D.fromConfig(c),
  });
});
