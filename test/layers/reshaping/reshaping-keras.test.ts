// Reshaping layers against real Keras 3 (golden fixtures): config, output and input gradient, float64.
// Bilinear upsampling matches jax.image.resize to 1e-12 as well.
import { describe } from 'node:test';
import { Cropping1D, Cropping2D } from '../../../src/layers/reshaping/cropping.js';
import { UpSampling1D, UpSampling2D } from '../../../src/layers/reshaping/upsampling.js';
import { ZeroPadding1D, ZeroPadding2D } from '../../../src/layers/reshaping/zero-padding.js';
import { runGoldenCases } from '../pooling/golden.js';

describe('reshaping layers match Keras 3', () => {
  runGoldenCases({
    ZeroPadding2D: (c) => ZeroPadding2D.fromConfig(c),
    ZeroPadding1D: (c) => ZeroPadding1D.fromConfig(c),
    Cropping2D: (c) => Cropping2D.fromConfig(c),
    Cropping1D: (c) => Cropping1D.fromConfig(c),
    UpSampling2D: (c) => UpSampling2D.fromConfig(c),
    UpSampling1D: (c) => UpSampling1D.fromConfig(c),
  });
});
