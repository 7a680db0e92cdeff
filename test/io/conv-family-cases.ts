/** Minimal configs and input shapes of the issue #15 layer classes (3D, transposed 1D/3D, ConvLSTM), for the round-trip and ONNX tests. */
import type { LayerCase } from './helpers.js';

export const CONV_FAMILY_LAYER_CASES: Record<string, LayerCase> = {
  AveragePooling3D: { config: { pool_size: [2, 2, 2] }, input: [4, 4, 4, 2] },
  Conv1DTranspose: { config: { filters: 2, kernel_size: [3], strides: [2], padding: 'same' }, input: [5, 3] },
  Conv3D: { config: { filters: 2, kernel_size: [3, 3, 3], padding: 'same' }, input: [3, 4, 4, 2] },
  Conv3DTranspose: { config: { filters: 2, kernel_size: [3, 2, 3], strides: [1, 2, 2] }, input: [2, 3, 3, 2] },
  ConvLSTM1D: { config: { filters: 2, kernel_size: [3], padding: 'same' }, input: [3, 6, 2] },
  ConvLSTM2D: { config: { filters: 2, kernel_size: [3, 3], return_sequences: true }, input: [3, 5, 5, 2] },
  ConvLSTM3D: { config: { filters: 2, kernel_size: [2, 2, 2] }, input: [2, 3, 3, 3, 1] },
  Cropping3D: { config: { cropping: [[1, 0], [0, 1], [1, 1]] }, input: [4, 4, 4, 2] },
  GlobalAveragePooling3D: { config: {}, input: [3, 4, 4, 2] },
  GlobalMaxPooling3D: { config: {}, input: [3, 4, 4, 2] },
  MaxPooling3D: { config: { pool_size: [2, 2, 2] }, input: [4, 4, 4, 2] },
  UpSampling3D: { config: { size: [1, 2, 2] }, input: [2, 3, 3, 2] },
  ZeroPadding3D: { config: { padding: [[1, 0], [0, 2], [1, 1]] }, input: [2, 3, 3, 2] },
};
