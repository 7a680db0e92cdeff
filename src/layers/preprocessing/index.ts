/** The preprocessing and augmentation layers. */
export { Rescaling, layerRescaling } from './rescaling.js';
export type { RescalingOptions, ScaleValue } from './rescaling.js';
export { Normalization, layerNormalization } from './normalization.js';
export type { NormalizationOptions, Statistic } from './normalization.js';
export { CenterCrop, Resizing, layerCenterCrop, layerResizing } from './resizing.js';
export type { CenterCropOptions, ResizingOptions } from './resizing.js';
export { RandomFlip, layerRandomFlip } from './random-flip.js';
export type { FlipMode, FlipTransformation, RandomFlipOptions } from './random-flip.js';
export { RandomRotation, RandomTranslation, RandomZoom, layerRandomRotation, layerRandomTranslation, layerRandomZoom, rotationTransform, translationTransform, zoomTransform } from './affine-augmentation.js';
export type { AffineTransformation, AugmentFillMode, AugmentInterpolation, RandomRotationOptions, RandomTranslationOptions, RandomZoomOptions } from './affine-augmentation.js';
export { RandomCrop, layerRandomCrop } from './random-crop.js';
export type { CropTransformation, RandomCropOptions } from './random-crop.js';
export { RandomBrightness, RandomContrast, layerRandomBrightness, layerRandomContrast } from './color-augmentation.js';
export type { ColorTransformation, RandomBrightnessOptions, RandomContrastOptions } from './color-augmentation.js';
