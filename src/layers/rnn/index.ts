/** The recurrent layers: convolutional LSTMs, 1D to 3D. */
export { ConvLSTM } from './conv-lstm.js';
export type { ConvLSTMOptions } from './conv-lstm.js';
export type { ConvLstmFunction } from './conv-lstm-function.js';
export { ConvLSTM1D, layerConvLstm1d } from './conv-lstm1d.js';
export type { ConvLSTM1DOptions } from './conv-lstm1d.js';
export { ConvLSTM2D, layerConvLstm2d } from './conv-lstm2d.js';
export type { ConvLSTM2DOptions } from './conv-lstm2d.js';
export { ConvLSTM3D, layerConvLstm3d } from './conv-lstm3d.js';
export type { ConvLSTM3DOptions } from './conv-lstm3d.js';
