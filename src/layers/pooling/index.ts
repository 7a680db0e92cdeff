/** The pooling layers, 1D to 3D: windowed max and average pooling, and global pooling. */
export { Pooling } from './pooling.js';
export type { PoolingOptions } from './pooling.js';
export { MaxPooling1D, MaxPooling2D, MaxPooling3D, layerMaxPooling1d, layerMaxPooling2d, layerMaxPooling3d } from './max-pooling.js';
export type { MaxPooling1DOptions, MaxPooling2DOptions, MaxPooling3DOptions } from './max-pooling.js';
export { AveragePooling1D, AveragePooling2D, AveragePooling3D, layerAveragePooling1d, layerAveragePooling2d, layerAveragePooling3d } from './average-pooling.js';
export type { AveragePooling1DOptions, AveragePooling2DOptions, AveragePooling3DOptions } from './average-pooling.js';
export {
  GlobalPooling,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalAveragePooling3D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  GlobalMaxPooling3D,
  layerGlobalAveragePooling1d,
  layerGlobalAveragePooling2d,
  layerGlobalAveragePooling3d,
  layerGlobalMaxPooling1d,
  layerGlobalMaxPooling2d,
  layerGlobalMaxPooling3d,
} from './global-pooling.js';
export type { GlobalPoolingOptions } from './global-pooling.js';
/** The options of the 1D and 2D pooling layers (the rank-generic ones). */
export type { PoolingOptions as Pooling1DOptions, PoolingOptions as Pooling2DOptions } from './pooling.js';
export type { GlobalPoolingOptions as GlobalPooling1DOptions, GlobalPoolingOptions as GlobalPooling2DOptions } from './global-pooling.js';
/** Keras's short names for the same classes (`keras.layers.MaxPool2D` is `MaxPooling2D`). */
export {
  MaxPooling1D as MaxPool1D,
  MaxPooling2D as MaxPool2D,
  MaxPooling3D as MaxPool3D,
} from './max-pooling.js';
export { AveragePooling1D as AvgPool1D, AveragePooling2D as AvgPool2D, AveragePooling3D as AvgPool3D } from './average-pooling.js';
export {
  GlobalAveragePooling1D as GlobalAvgPool1D,
  GlobalAveragePooling2D as GlobalAvgPool2D,
  GlobalAveragePooling3D as GlobalAvgPool3D,
  GlobalMaxPooling1D as GlobalMaxPool1D,
  GlobalMaxPooling2D as GlobalMaxPool2D,
  GlobalMaxPooling3D as GlobalMaxPool3D,
} from './global-pooling.js';
