/** The 2D pooling layers. */
export { Pooling2D } from './pooling2d-base.js';
export type { Pooling2DOptions } from './pooling2d-base.js';
export { MaxPooling2D, layerMaxPooling2d } from './max-pooling2d.js';
export type { MaxPooling2DOptions } from './max-pooling2d.js';
export { AveragePooling2D, layerAveragePooling2d } from './average-pooling2d.js';
export type { AveragePooling2DOptions } from './average-pooling2d.js';
export {
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  GlobalPooling2D,
  layerGlobalAveragePooling2d,
  layerGlobalMaxPooling2d,
} from './global-pooling2d.js';
export type { GlobalPooling2DOptions } from './global-pooling2d.js';
export { AveragePooling1D, MaxPooling1D, layerAveragePooling1d, layerMaxPooling1d } from './pooling1d.js';
export type { Pooling1DOptions } from './pooling1d.js';
export { GlobalAveragePooling1D, GlobalMaxPooling1D, layerGlobalAveragePooling1d, layerGlobalMaxPooling1d } from './global-pooling1d.js';
export type { GlobalPooling1DOptions } from './global-pooling1d.js';
