/**
 * Inference-time fusion of Conv → BatchNormalization → ReLU chains into one kernel call.
 *
 * In inference a batch normalization is a per-channel affine map and ReLU/ReLU6 a clamp, so both fold
 * into the convolution's epilogue (`kernels/epilogue.ts`): MobileNet's 27 conv-BN-ReLU6 blocks then make
 * one pass over memory each instead of three. The chain is fused only when the result cannot differ in
 * meaning from running the layers one by one: layers built, same dtype, no activity regularizer, the
 * batch normalization on the convolution's channel axis, and (in a functional graph) no other consumer
 * of the intermediate outputs. Training never takes this path.
 */

import type { Tensor } from '../engine/tensor.js';
import { tensorFromArray } from '../engine/tensor.js';
import { allocArray } from '../engine/dtype.js';
import type { EpilogueActivation } from '../kernels/epilogue.js';
import { Conv } from '../layers/convolutional/conv2d.js';
import { DepthwiseConv } from '../layers/convolutional/depthwise-conv2d.js';
import { Activation as ActivationLayer } from '../layers/core/activation.js';
import { ReLU } from '../layers/core/relu.js';
import type { Layer } from '../layers/layer.js';
import { cast } from '../ops/shape-ops.js';
import { BatchNormalization } from '../layers/normalization/batch-normalization.js';

type FusableConv = Conv | DepthwiseConv;

/** A matched chain: the layers it replaces, in order, and how to run it. */
export interface FusedChain {
  readonly length: number;
  run(x: Tensor): Tensor;
}

function activationOf(layer: Layer): EpilogueActivation | null {
  if (layer instanceof ReLU) {
    if (layer.threshold !== 0 || layer.negativeSlope !== 0) return null;
    if (layer.maxValue === null) return 'relu';
    return layer.maxValue === 6 ? 'relu6' : null;
  }
  if (layer instanceof ActivationLayer) {
    const name = layer.activation.name;
    return name === 'relu' || name === 'relu6' ? name : null;
  }
  return null;
}

function plain(layer: Layer, dtype: string): boolean {
  return layer.built && layer.activityRegularizer === null && layer.dtype === dtype;
}

function convOf(layer: Layer): FusableConv | null {
  if (!(layer instanceof Conv || layer instanceof DepthwiseConv) || layer.rank !== 2) return null;
  return layer;
}

/** The batch normalization's inverse deviation and offset, `y = x * scale + shift`, in its dtype. */
function batchNormAffine(bn: BatchNormalization, dtype: 'float32' | 'float64'): { scale: Tensor; shift: Tensor } {
  const mean = (bn.movingMean as Tensor).dataSync();
  const variance = (bn.movingVariance as Tensor).dataSync();
  const gamma = bn.gamma?.dataSync() ?? null;
  const beta = bn.beta?.dataSync() ?? null;
  const scale = allocArray(dtype, mean.length);
  const shift = allocArray(dtype, mean.length);
  for (let c = 0; c < mean.length; c++) {
    const inv = (gamma === null ? 1 : gamma[c]) / Math.sqrt(variance[c] + bn.epsilon);
    scale[c] = inv;
    shift[c] = (beta === null ? 0 : beta[c]) - mean[c] * inv;
  }
  return { scale: tensorFromArray(scale, [mean.length], dtype), shift: tensorFromArray(shift, [mean.length], dtype) };
}

function bnMatches(bn: Layer, conv: FusableConv): bn is BatchNormalization {
  if (!(bn instanceof BatchNormalization) || !plain(bn, conv.dtype) || bn.movingMean === null) return false;
  const axis = bn.axis < 0 ? bn.axis + 4 : bn.axis;
  return axis === (conv.dataFormat === 'channels_last' ? 3 : 1);
}

/**
 * The longest fusable chain starting at `layers[0]` (conv, optionally BN, optionally ReLU/ReLU6), or
 * null. `layers` are consecutive, each consuming only the previous one's output; `x` is the input.
 */
export function matchFusedChain(layers: readonly Layer[], x: Tensor): FusedChain | null {
  const conv = convOf(layers[0]);
  // Conv layers autocast their input (Layer.apply), so the input's own dtype does not matter.
  if (conv === null || !plain(conv, conv.dtype) || x.rank !== 4) return null;
  const ownActivation = conv.activation.name;
  if (ownActivation === 'relu' || ownActivation === 'relu6') {
    return { length: 1, run: (input) => conv.callFused(cast(input, conv.dtype), { scale: null, shift: null, activation: ownActivation }) };
  }
  if (ownActivation !== 'linear') return null;
  const next = layers[1];
  const bn = next !== undefined && bnMatches(next, conv) ? next : null;
  const afterBn = layers[bn === null ? 1 : 2];
  const activation = afterBn !== undefined && plain(afterBn, conv.dtype) ? activationOf(afterBn) : null;
  if (bn === null && activation === null) return null;
  const length = 1 + (bn === null ? 0 : 1) + (activation === null ? 0 : 1);
  return {
    length,
    run: (input) => {
      const affine = bn === null ? null : batchNormAffine(bn, conv.dtype as 'float32' | 'float64');
      return conv.callFused(cast(input, conv.dtype), { scale: affine?.scale ?? null, shift: affine?.shift ?? null, activation: activation ?? 'linear' });
    },
  };
}
