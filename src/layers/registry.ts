/**
 * Keras class name → `fromConfig`, for every layer class this library has, plus the classes users
 * register. Loading an untrusted file only ever calls a function found here, so a file cannot name code.
 */

import type { Config } from '../serialization/keras-object.js';
import { Registry } from '../serialization/registry.js';
import type { Layer } from './layer.js';
import { Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract } from './merging/index.js';
import { ELU, LeakyReLU, PReLU, Softmax } from './activations/index.js';
import { Embedding, Identity, Lambda } from './core/index.js';
import { GroupNormalization, LayerNormalization, UnitNormalization } from './normalization/index.js';
import {
  AveragePooling1D,
  AveragePooling3D,
  GlobalAveragePooling1D,
  GlobalAveragePooling3D,
  GlobalMaxPooling1D,
  GlobalMaxPooling3D,
  MaxPooling1D,
  MaxPooling3D,
} from './pooling/index.js';
import { ConvLSTM1D, ConvLSTM2D, ConvLSTM3D } from './rnn/index.js';
import { ActivityRegularization, GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D } from './regularization/index.js';
import { Permute, RepeatVector } from './reshaping/index.js';
import {
  CenterCrop,
  Normalization,
  RandomBrightness,
  RandomContrast,
  RandomCrop,
  RandomFlip,
  RandomRotation,
  RandomTranslation,
  RandomZoom,
  Rescaling,
  Resizing,
} from './preprocessing/index.js';
import {
  Conv1D,
  Conv1DTranspose,
  Conv2D,
  Conv2DTranspose,
  Conv3D,
  Conv3DTranspose,
  DepthwiseConv1D,
  DepthwiseConv2D,
  SeparableConv1D,
  SeparableConv2D,
} from './convolutional/index.js';
import { Activation, Dense, Dropout, Flatten, ReLU, Reshape } from './core/index.js';
import { BatchNormalization } from './normalization/index.js';
import { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from './pooling/index.js';
import { Cropping1D, Cropping2D, Cropping3D, UpSampling1D, UpSampling2D, UpSampling3D, ZeroPadding1D, ZeroPadding2D, ZeroPadding3D } from './reshaping/index.js';

/** Builds a layer from its Keras config (snake_case keys). */
export type LayerFromConfig = (config: Config) => Layer;

const LAYER_CLASSES: readonly (readonly [className: string, fromConfig: LayerFromConfig])[] = [
  ['Activation', (c) => Activation.fromConfig(c)],
  ['Add', (c) => Add.fromConfig(c)],
  ['AveragePooling2D', (c) => AveragePooling2D.fromConfig(c)],
  ['BatchNormalization', (c) => BatchNormalization.fromConfig(c)],
  ['Concatenate', (c) => Concatenate.fromConfig(c)],
  ['Conv1D', (c) => Conv1D.fromConfig(c)],
  ['Conv2D', (c) => Conv2D.fromConfig(c)],
  ['Conv2DTranspose', (c) => Conv2DTranspose.fromConfig(c)],
  ['Cropping1D', (c) => Cropping1D.fromConfig(c)],
  ['Cropping2D', (c) => Cropping2D.fromConfig(c)],
  ['Dense', (c) => Dense.fromConfig(c)],
  ['DepthwiseConv1D', (c) => DepthwiseConv1D.fromConfig(c)],
  ['DepthwiseConv2D', (c) => DepthwiseConv2D.fromConfig(c)],
  ['Dropout', (c) => Dropout.fromConfig(c)],
  ['Flatten', (c) => Flatten.fromConfig(c)],
  ['GlobalAveragePooling2D', (c) => GlobalAveragePooling2D.fromConfig(c)],
  ['GlobalMaxPooling2D', (c) => GlobalMaxPooling2D.fromConfig(c)],
  ['MaxPooling2D', (c) => MaxPooling2D.fromConfig(c)],
  ['ReLU', (c) => ReLU.fromConfig(c)],
  ['Reshape', (c) => Reshape.fromConfig(c)],
  ['SeparableConv1D', (c) => SeparableConv1D.fromConfig(c)],
  ['SeparableConv2D', (c) => SeparableConv2D.fromConfig(c)],
  ['UpSampling1D', (c) => UpSampling1D.fromConfig(c)],
  ['UpSampling2D', (c) => UpSampling2D.fromConfig(c)],
  ['ZeroPadding1D', (c) => ZeroPadding1D.fromConfig(c)],
  ['ZeroPadding2D', (c) => ZeroPadding2D.fromConfig(c)],
  ['ActivityRegularization', (c) => ActivityRegularization.fromConfig(c)],
  ['Average', (c) => Average.fromConfig(c)],
  ['AveragePooling1D', (c) => AveragePooling1D.fromConfig(c)],
  ['CenterCrop', (c) => CenterCrop.fromConfig(c)],
  ['Dot', (c) => Dot.fromConfig(c)],
  ['ELU', (c) => ELU.fromConfig(c)],
  ['Embedding', (c) => Embedding.fromConfig(c)],
  ['GaussianDropout', (c) => GaussianDropout.fromConfig(c)],
  ['GaussianNoise', (c) => GaussianNoise.fromConfig(c)],
  ['GlobalAveragePooling1D', (c) => GlobalAveragePooling1D.fromConfig(c)],
  ['GlobalMaxPooling1D', (c) => GlobalMaxPooling1D.fromConfig(c)],
  ['GroupNormalization', (c) => GroupNormalization.fromConfig(c)],
  ['Identity', (c) => Identity.fromConfig(c)],
  ['LayerNormalization', (c) => LayerNormalization.fromConfig(c)],
  ['LeakyReLU', (c) => LeakyReLU.fromConfig(c)],
  ['MaxPooling1D', (c) => MaxPooling1D.fromConfig(c)],
  ['Maximum', (c) => Maximum.fromConfig(c)],
  ['Minimum', (c) => Minimum.fromConfig(c)],
  ['Multiply', (c) => Multiply.fromConfig(c)],
  ['Normalization', (c) => Normalization.fromConfig(c)],
  ['PReLU', (c) => PReLU.fromConfig(c)],
  ['Permute', (c) => Permute.fromConfig(c)],
  ['RandomBrightness', (c) => RandomBrightness.fromConfig(c)],
  ['RandomContrast', (c) => RandomContrast.fromConfig(c)],
  ['RandomCrop', (c) => RandomCrop.fromConfig(c)],
  ['RandomFlip', (c) => RandomFlip.fromConfig(c)],
  ['RandomRotation', (c) => RandomRotation.fromConfig(c)],
  ['RandomTranslation', (c) => RandomTranslation.fromConfig(c)],
  ['RandomZoom', (c) => RandomZoom.fromConfig(c)],
  ['RepeatVector', (c) => RepeatVector.fromConfig(c)],
  ['Rescaling', (c) => Rescaling.fromConfig(c)],
  ['Resizing', (c) => Resizing.fromConfig(c)],
  ['Softmax', (c) => Softmax.fromConfig(c)],
  ['SpatialDropout1D', (c) => SpatialDropout1D.fromConfig(c)],
  ['SpatialDropout2D', (c) => SpatialDropout2D.fromConfig(c)],
  ['SpatialDropout3D', (c) => SpatialDropout3D.fromConfig(c)],
  ['Subtract', (c) => Subtract.fromConfig(c)],
  ['UnitNormalization', (c) => UnitNormalization.fromConfig(c)],
  ['AveragePooling3D', (c) => AveragePooling3D.fromConfig(c)],
  ['Conv1DTranspose', (c) => Conv1DTranspose.fromConfig(c)],
  ['Conv3D', (c) => Conv3D.fromConfig(c)],
  ['Conv3DTranspose', (c) => Conv3DTranspose.fromConfig(c)],
  ['ConvLSTM1D', (c) => ConvLSTM1D.fromConfig(c)],
  ['ConvLSTM2D', (c) => ConvLSTM2D.fromConfig(c)],
  ['ConvLSTM3D', (c) => ConvLSTM3D.fromConfig(c)],
  ['Cropping3D', (c) => Cropping3D.fromConfig(c)],
  ['GlobalAveragePooling3D', (c) => GlobalAveragePooling3D.fromConfig(c)],
  ['GlobalMaxPooling3D', (c) => GlobalMaxPooling3D.fromConfig(c)],
  ['MaxPooling3D', (c) => MaxPooling3D.fromConfig(c)],
  ['UpSampling3D', (c) => UpSampling3D.fromConfig(c)],
  ['ZeroPadding3D', (c) => ZeroPadding3D.fromConfig(c)],
];

/** Keras 3's aliases, and Keras 2 / TF.js spellings of classes Keras 3 renamed. */
const ALIASES: Readonly<Record<string, string>> = {
  Convolution2D: 'Conv2D',
  Convolution1D: 'Conv1D',
  Convolution3D: 'Conv3D',
  Convolution1DTranspose: 'Conv1DTranspose',
  Convolution2DTranspose: 'Conv2DTranspose',
  Convolution3DTranspose: 'Conv3DTranspose',
  Deconvolution2D: 'Conv2DTranspose',
  Deconvolution3D: 'Conv3DTranspose',
  SeparableConvolution1D: 'SeparableConv1D',
  SeparableConvolution2D: 'SeparableConv2D',
  MaxPool3D: 'MaxPooling3D',
  AvgPool3D: 'AveragePooling3D',
  GlobalAvgPool3D: 'GlobalAveragePooling3D',
  GlobalMaxPool3D: 'GlobalMaxPooling3D',
  MaxPool2D: 'MaxPooling2D',
  AvgPool2D: 'AveragePooling2D',
  GlobalAvgPool2D: 'GlobalAveragePooling2D',
  GlobalMaxPool2D: 'GlobalMaxPooling2D',
  MaxPool1D: 'MaxPooling1D',
  AvgPool1D: 'AveragePooling1D',
  GlobalAvgPool1D: 'GlobalAveragePooling1D',
  GlobalMaxPool1D: 'GlobalMaxPooling1D',
};

const REGISTRY = new Registry<LayerFromConfig>({
  kind: 'layer class',
  registerFunction: 'registerLayer',
  value: ['fromConfig', 'a function (config) => Layer'],
});
for (const [className, fromConfig] of LAYER_CLASSES) {
  REGISTRY.builtin([className, ...Object.keys(ALIASES).filter((alias) => ALIASES[alias] === className)], fromConfig);
}

// Lambda is known but never loads: its config would have to carry code (Keras's safe mode refuses it too).
REGISTRY.builtin(['Lambda'], (c) => Lambda.fromConfig(c));

/** The Keras class names that load without registration. */
export const BUILT_IN_LAYER_CLASSES: readonly string[] = Object.freeze(LAYER_CLASSES.map(([className]) => className));

/**
 * Registers a custom layer class so that model files naming it load. `className` is what the file's
 * `class_name` (or Keras's `registered_name`, `package>Name`) says; `fromConfig` gets the layer's config.
 *
 * @example
 * ```ts
 * registerLayer('MyScale', (config) => new MyScale({ name: config.name as string, factor: config.factor as number }));
 * ```
 */
export function registerLayer(className: string, fromConfig: LayerFromConfig): void {
  REGISTRY.register(className, fromConfig);
}

/** Removes a registration made with {@link registerLayer} (tests, plugins unloading). */
export function unregisterLayer(className: string): boolean {
  return REGISTRY.unregister(className);
}

/**
 * The `fromConfig` for a class, looking at the registered name first (Keras writes `package>Class` for
 * registered custom objects), or null when neither is known.
 */
export function findLayerClass(className: string, registeredName: string | null = null): LayerFromConfig | null {
  return REGISTRY.get(className, registeredName) ?? null;
}
