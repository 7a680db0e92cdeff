/** Keras's `keras.applications.MobileNetV2`, built with `weights=None`: same graph, names and counts. */

import type { ActivationIdentifier } from '../activations/registry.js';
import { InvalidArgumentError } from '../errors.js';
import { layerConv2d, layerDepthwiseConv2d } from '../layers/convolutional/index.js';
import { layerDense, layerRelu } from '../layers/core/index.js';
import { layerAdd } from '../layers/merging/index.js';
import { layerBatchNormalization } from '../layers/normalization/index.js';
import { layerGlobalAveragePooling2d, layerGlobalMaxPooling2d } from '../layers/pooling/index.js';
import { layerZeroPadding2d } from '../layers/reshaping/index.js';
import type { Functional } from '../models/functional.js';
import { formatFixed } from '../utils/python-format.js';
import { kerasModel } from '../models/functional.js';
import type { ImageGeometry, Pooling } from './imagenet-utils.js';
import {
  correctPad,
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

export interface MobileNetV2Options {
  /** Shape without the batch axis, e.g. [224, 224, 3]; sides ≥ 32. Default 224×224×3 with the top, else unknown sides. */
  inputShape?: readonly (number | null)[] | null;
  /** Width multiplier, applied to every block and rounded to multiples of 8. Default 1. */
  alpha?: number;
  /** Whether to add the classifier (global average pooling and a Dense layer). Default true. */
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
  /** Model name; default `mobilenetv2_{alpha:.2f}_{rows}`. */
  name?: string;
}

const CONTEXT = 'mobilenetV2';

const MOBILENET_V2_KEYS = optionKeys<MobileNetV2Options>()(['weights', 'inputShape', 'alpha', 'includeTop', 'classes', 'pooling', 'classifierActivation', 'inputTensor', 'name']);

/**
 * Keras's `_make_divisible`: `v` rounded to the nearest multiple of `divisor` (at least `divisor`), one
 * step up when rounding would lose more than 10%.
 */
export function makeDivisible(v: number, divisor: number, minValue: number = divisor): number {
  let result = Math.max(minValue, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (result < 0.9 * v) result += divisor;
  return result;
}

function channels(x: SymbolicTensor, geometry: ImageGeometry): number {
  return x.shape[geometry.channelAxis === 1 ? 1 : x.rank - 1] as number;
}

/**
 * Keras's `_inverted_res_block`: 1×1 expansion (absent in block 0, whose prefix is `expanded_conv_`),
 * 3×3 depthwise convolution (stride 2 after `correct_pad`), linear 1×1 projection, and a residual `Add`
 * when the block keeps both the channel count and the resolution.
 */
function invertedResBlock(
  inputs: SymbolicTensor,
  expansion: number,
  stride: 1 | 2,
  alpha: number,
  filters: number,
  blockId: number,
  geometry: ImageGeometry,
): SymbolicTensor {
  const bn = { axis: geometry.channelAxis, epsilon: 1e-3, momentum: 0.999 };
  const inChannels = channels(inputs, geometry);
  const pointwiseFilters = makeDivisible(Math.trunc(filters * alpha), 8);
  let x = inputs;
  let prefix = `block_${blockId}_`;
  if (blockId) {
    x = layerConv2d(x, { filters: expansion * inChannels, kernelSize: 1, padding: 'same', useBias: false, activation: null, name: `${prefix}expand` });
    x = layerBatchNormalization(x, { ...bn, name: `${prefix}expand_BN` });
    x = layerRelu(x, { maxValue: 6, name: `${prefix}expand_relu` });
  } else {
    prefix = 'expanded_conv_';
  }
  if (stride === 2) x = layerZeroPadding2d(x, { padding: correctPad(x.shape, 3, geometry.dataFormat), name: `${prefix}pad` });
  x = layerDepthwiseConv2d(x, {
    kernelSize: 3,
    strides: stride,
    activation: null,
    useBias: false,
    padding: stride === 1 ? 'same' : 'valid',
    name: `${prefix}depthwise`,
  });
  x = layerBatchNormalization(x, { ...bn, name: `${prefix}depthwise_BN` });
  x = layerRelu(x, { maxValue: 6, name: `${prefix}depthwise_relu` });
  x = layerConv2d(x, { filters: pointwiseFilters, kernelSize: 1, padding: 'same', useBias: false, activation: null, name: `${prefix}project` });
  x = layerBatchNormalization(x, { ...bn, name: `${prefix}project_BN` });
  if (inChannels === pointwiseFilters && stride === 1) return layerAdd([inputs, x], { name: `${prefix}add` });
  return x;
}

/** The 17 inverted residual blocks: output filters (before alpha), stride and expansion factor. */
const BLOCKS: readonly (readonly [number, 1 | 2, number])[] = [
  [16, 1, 1],
  [24, 2, 6], [24, 1, 6],
  [32, 2, 6], [32, 1, 6], [32, 1, 6],
  [64, 2, 6], [64, 1, 6], [64, 1, 6], [64, 1, 6],
  [96, 1, 6], [96, 1, 6], [96, 1, 6],
  [160, 2, 6], [160, 1, 6], [160, 1, 6],
  [320, 1, 6],
];

/**
 * Builds MobileNetV2 as Keras's `keras.applications.MobileNetV2(weights=None, ...)`: the same layers,
 * names (`Conv1`, `bn_Conv1`, `expanded_conv_depthwise`, `block_1_expand`, `block_1_pad`,
 * `block_2_add`, ..., `Conv_1`, `out_relu`, `predictions`), shapes and parameter counts, randomly
 * initialized. The default model has 3,538,984 parameters.
 *
 * @example
 * ```ts
 * const features = applications.mobilenetV2({ inputShape: [96, 96, 3], alpha: 0.35, includeTop: false, pooling: 'avg' });
 * ```
 */
export function mobilenetV2(options: MobileNetV2Options = {}): Functional {
  checkOptions(options, MOBILENET_V2_KEYS, CONTEXT);
  requireNoWeights(options.weights, CONTEXT);
  const alpha = requirePositiveNumber(options.alpha, 'alpha', 1, CONTEXT);
  const includeTop = requireBoolean(options.includeTop, 'includeTop', true, CONTEXT);
  const classes = requirePositiveInteger(options.classes, 'classes', 1000, CONTEXT);
  const pooling = requirePooling(options.pooling, CONTEXT);
  const requestedShape = requireInputShape(options.inputShape, CONTEXT);
  const geometry = imageGeometry();
  const { dataFormat } = geometry;
  const tensor = options.inputTensor ?? null;

  // Keras checks a given shape against a given tensor, and otherwise takes the default size from the
  // tensor; the size only decides the default shape, since there are no weights to match.
  if (requestedShape !== null && tensor !== null && tensor.shape[2] !== requestedShape[1]) {
    throw new InvalidArgumentError('inputShape', requestedShape, `a shape matching inputTensor's shape ${JSON.stringify(tensor.shape)}`, CONTEXT);
  }
  const sized = requestedShape ?? (tensor !== null && tensor.rank === 4 ? tensor.shape.slice(1) : null);
  let defaultSize = 224;
  if (sized !== null && sized.length === 3) {
    const [r, c] = rowsCols(sized, dataFormat);
    if (r === c && r !== null && [96, 128, 160, 192, 224].includes(r)) defaultSize = r;
  }
  const inputShape = obtainInputShape(requestedShape, defaultSize, dataFormat, includeTop, CONTEXT);
  const rows = rowsCols(inputShape, dataFormat)[0];
  const [imageInput, modelInput] = resolveInput(tensor, inputShape, CONTEXT);

  const bn = { axis: geometry.channelAxis, epsilon: 1e-3, momentum: 0.999 };
  let x = layerConv2d(imageInput, { filters: makeDivisible(32 * alpha, 8), kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'Conv1' });
  x = layerBatchNormalization(x, { ...bn, name: 'bn_Conv1' });
  x = layerRelu(x, { maxValue: 6, name: 'Conv1_relu' });
  BLOCKS.forEach(([filters, stride, expansion], blockId) => {
    x = invertedResBlock(x, expansion, stride, alpha, filters, blockId, geometry);
  });
  // The paper applies no alpha to the last convolution unless it widens the network.
  const lastBlockFilters = alpha > 1 ? makeDivisible(1280 * alpha, 8) : 1280;
  x = layerConv2d(x, { filters: lastBlockFilters, kernelSize: 1, useBias: false, name: 'Conv_1' });
  x = layerBatchNormalization(x, { ...bn, name: 'Conv_1_bn' });
  x = layerRelu(x, { maxValue: 6, name: 'out_relu' });

  if (includeTop) {
    x = layerGlobalAveragePooling2d(x);
    const activation = options.classifierActivation === undefined ? 'softmax' : options.classifierActivation;
    x = layerDense(x, { units: classes, activation, name: 'predictions' });
  } else if (pooling === 'avg') {
    x = layerGlobalAveragePooling2d(x);
  } else if (pooling === 'max') {
    x = layerGlobalMaxPooling2d(x);
  }
  return kerasModel({ inputs: modelInput, outputs: x, name: options.name ?? `mobilenetv2_${formatFixed(alpha, 2)}_${formatRows(rows)}` });
}
