/** Keras's `keras.applications.MobileNet` (v1), built with `weights=None`: same graph, names and counts. */

import type { ActivationIdentifier } from '../activations/registry.js';
import { InvalidArgumentError } from '../errors.js';
import { layerConv2d, layerDepthwiseConv2d } from '../layers/convolutional/index.js';
import { layerActivation, layerDropout, layerRelu, layerReshape } from '../layers/core/index.js';
import { layerBatchNormalization } from '../layers/normalization/index.js';
import { layerGlobalAveragePooling2d, layerGlobalMaxPooling2d } from '../layers/pooling/index.js';
import { layerZeroPadding2d } from '../layers/reshaping/index.js';
import type { Functional } from '../models/functional.js';
import { formatFixed } from '../utils/python-format.js';
import { kerasModel } from '../models/functional.js';
import type { ImageGeometry, Pooling } from './imagenet-utils.js';
import {
  formatRows,
  imageGeometry,
  obtainInputShape,
  requireBoolean,
  requireInputShape,
  requireNoWeights,
  requirePooling,
  requirePositiveInteger,
  requirePositiveNumber,
  resolveInput,
  rowsCols,
} from './imagenet-utils.js';
import type { SymbolicTensor } from '../layers/layer.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';

export interface MobileNetOptions {
  /** Shape without the batch axis, e.g. [224, 224, 3]; sides ≥ 32. Default 224×224×3 with the top, else unknown sides. */
  inputShape?: readonly (number | null)[] | null;
  /** Width multiplier: every layer's filter count is `floor(filters * alpha)`. Default 1. */
  alpha?: number;
  /** Depth multiplier of every depthwise convolution (the paper's resolution multiplier). Default 1. */
  depthMultiplier?: number;
  /** Dropout rate before the classifier. Default 0.001. */
  dropout?: number;
  /** Whether to add the classifier (pooling, dropout, 1×1 conv, softmax). Default true. */
  includeTop?: boolean;
  /** Number of classes of the classifier. Default 1000. */
  classes?: number;
  /** Without the top: null (4D features, default), 'avg' or 'max' global pooling. */
  pooling?: Pooling;
  /** Activation of the 'predictions' layer; null gives logits. Default 'softmax'. */
  classifierActivation?: ActivationIdentifier;
  /** A symbolic tensor to build on instead of a new input (its source input becomes the model input). */
  inputTensor?: SymbolicTensor | null;
  /** Keras's `weights`: only null (random initialization); the library ships no pretrained weights. */
  weights?: null;
  /** Model name; default `mobilenet_{alpha:.2f}_{rows}`. */
  name?: string;
}

const CONTEXT = 'mobilenet';

const MOBILENET_KEYS = optionKeys<MobileNetOptions>()([
  'weights', 'inputShape', 'alpha', 'depthMultiplier', 'dropout', 'includeTop', 'classes', 'pooling', 'classifierActivation', 'inputTensor', 'name',
]);

/** Keras's `_conv_block`: a strided 3×3 convolution, batch normalization and ReLU6. */
function convBlock(x: SymbolicTensor, filters: number, alpha: number, geometry: ImageGeometry): SymbolicTensor {
  let y = layerConv2d(x, { filters: Math.floor(filters * alpha), kernelSize: 3, padding: 'same', useBias: false, strides: 2, name: 'conv1' });
  y = layerBatchNormalization(y, { axis: geometry.channelAxis, name: 'conv1_bn' });
  return layerRelu(y, { maxValue: 6, name: 'conv1_relu' });
}

/**
 * Keras's `_depthwise_conv_block`: a 3×3 depthwise convolution and a 1×1 pointwise one, each followed by
 * batch normalization and ReLU6. Strided blocks pad bottom/right by one and convolve 'valid', which is
 * TensorFlow's 'same' for even sizes, written out so that odd sizes behave as in the original model.
 */
function depthwiseConvBlock(
  x: SymbolicTensor,
  pointwiseFilters: number,
  alpha: number,
  depthMultiplier: number,
  strides: 1 | 2,
  blockId: number,
  geometry: ImageGeometry,
): SymbolicTensor {
  const filters = Math.floor(pointwiseFilters * alpha);
  let y = strides === 1 ? x : layerZeroPadding2d(x, { padding: [[0, 1], [0, 1]], name: `conv_pad_${blockId}` });
  y = layerDepthwiseConv2d(y, {
    kernelSize: 3,
    padding: strides === 1 ? 'same' : 'valid',
    depthMultiplier,
    strides,
    useBias: false,
    name: `conv_dw_${blockId}`,
  });
  y = layerBatchNormalization(y, { axis: geometry.channelAxis, name: `conv_dw_${blockId}_bn` });
  y = layerRelu(y, { maxValue: 6, name: `conv_dw_${blockId}_relu` });
  y = layerConv2d(y, { filters, kernelSize: 1, padding: 'same', useBias: false, strides: 1, name: `conv_pw_${blockId}` });
  y = layerBatchNormalization(y, { axis: geometry.channelAxis, name: `conv_pw_${blockId}_bn` });
  return layerRelu(y, { maxValue: 6, name: `conv_pw_${blockId}_relu` });
}

/** The 13 depthwise blocks: pointwise filters (before alpha) and stride. */
const BLOCKS: readonly (readonly [number, 1 | 2])[] = [
  [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
  [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
];

/**
 * Builds MobileNet v1 as Keras's `keras.applications.MobileNet(weights=None, ...)`: the same layers,
 * names (`conv1`, `conv_dw_1`, `conv_pw_1_bn`, `conv_pad_2`, ..., `conv_preds`, `reshape_2`,
 * `predictions`), shapes and parameter counts, randomly initialized. The default model has 4,253,864
 * parameters. As in Keras with `weights=None`, any positive `alpha` and input size ≥ 32 is accepted.
 *
 * @example
 * ```ts
 * const model = applications.mobilenet({ inputShape: [128, 128, 3], alpha: 0.5, classes: 10 });
 * model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
 * ```
 */
export function mobilenet(options: MobileNetOptions = {}): Functional {
  checkOptions(options, MOBILENET_KEYS, CONTEXT);
  requireNoWeights(options.weights, CONTEXT);
  const alpha = requirePositiveNumber(options.alpha, 'alpha', 1, CONTEXT);
  const depthMultiplier = requirePositiveInteger(options.depthMultiplier, 'depthMultiplier', 1, CONTEXT);
  const dropout = options.dropout ?? 1e-3;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) throw new InvalidArgumentError('dropout', dropout, 'a number in [0, 1)', CONTEXT);
  const includeTop = requireBoolean(options.includeTop, 'includeTop', true, CONTEXT);
  const classes = requirePositiveInteger(options.classes, 'classes', 1000, CONTEXT);
  const pooling = requirePooling(options.pooling, CONTEXT);
  const requestedShape = requireInputShape(options.inputShape, CONTEXT);
  const geometry = imageGeometry();

  // Keras picks 224 unless the given shape is one of the square sizes it has weights for; with
  // weights=None this only matters when no shape is given, but we follow the same path.
  let defaultSize = 224;
  if (requestedShape !== null && requestedShape.length === 3) {
    const [r, c] = rowsCols(requestedShape, geometry.dataFormat);
    if (r === c && r !== null && [128, 160, 192, 224].includes(r)) defaultSize = r;
  }
  const inputShape = obtainInputShape(requestedShape, defaultSize, geometry.dataFormat, includeTop, CONTEXT);
  // The name uses the resolved shape even when `inputTensor` differs from it, as Keras does.
  const rows = rowsCols(inputShape, geometry.dataFormat)[0];
  const [imageInput, modelInput] = resolveInput(options.inputTensor, inputShape, CONTEXT);

  let x = convBlock(imageInput, 32, alpha, geometry);
  BLOCKS.forEach(([filters, strides], i) => {
    x = depthwiseConvBlock(x, filters, alpha, depthMultiplier, strides, i + 1, geometry);
  });

  if (includeTop) {
    x = layerGlobalAveragePooling2d(x, { keepdims: true });
    x = layerDropout(x, { rate: dropout, name: 'dropout' });
    x = layerConv2d(x, { filters: classes, kernelSize: 1, padding: 'same', name: 'conv_preds' });
    x = layerReshape(x, { targetShape: [classes], name: 'reshape_2' });
    x = layerActivation(x, { activation: options.classifierActivation === undefined ? 'softmax' : options.classifierActivation, name: 'predictions' });
  } else if (pooling === 'avg') {
    x = layerGlobalAveragePooling2d(x);
  } else if (pooling === 'max') {
    x = layerGlobalMaxPooling2d(x);
  }
  return kerasModel({ inputs: modelInput, outputs: x, name: options.name ?? `mobilenet_${formatFixed(alpha, 2)}_${formatRows(rows)}` });
}
