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
import type { EpilogueActivation } from '../kernels/epilogue.js';
import { ShapeError } from '../errors.js';
import { depthwiseConv2d } from '../ops/depthwise-conv.js';
import type { EpilogueTensors } from '../ops/windowed-op.js';
import { ZeroPadding2D } from '../layers/reshaping/zero-padding.js';
import { Conv } from '../layers/convolutional/conv.js';
import { DepthwiseConv } from '../layers/convolutional/depthwise-conv.js';
import { Activation as ActivationLayer } from '../layers/core/activation.js';
import { ReLU } from '../layers/core/relu.js';
import type { Layer } from '../layers/layer.js';
import { add, div, mul, sub } from '../ops/elementwise.js';
import { sqrt } from '../ops/pointwise.js';
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

/**
 * The batch normalization's inverse deviation and offset, `y = x * scale + shift`, computed in float64
 * (as JavaScript numbers round) and then stored in its dtype.
 */
function batchNormAffine(bn: BatchNormalization, dtype: 'float32' | 'float64'): { scale: Tensor; shift: Tensor } {
  const f64 = (t: Tensor): Tensor => cast(t, 'float64');
  const inv = div(bn.gamma === null ? 1 : f64(bn.gamma), sqrt(add(f64(bn.movingVariance as Tensor), bn.epsilon)));
  const shift = sub(bn.beta === null ? 0 : f64(bn.beta), mul(f64(bn.movingMean as Tensor), inv));
  return { scale: cast(inv, dtype), shift: cast(shift, dtype) };
}

function bnMatches(bn: Layer, conv: FusableConv): bn is BatchNormalization {
  if (!(bn instanceof BatchNormalization) || !plain(bn, conv.dtype) || bn.movingMean === null) return false;
  const axis = bn.axis < 0 ? bn.axis + 4 : bn.axis;
  return axis === (conv.dataFormat === 'channels_last' ? 3 : 1);
}

/** A Conv [→ BN] [→ ReLU] chain: how many layers it covers and its epilogue (built per call). */
interface ConvChain {
  readonly conv: FusableConv;
  readonly length: number;
  epilogue(): EpilogueTensors;
}

/** The longest fusable chain starting at the conv `layers[0]` (conv, optionally BN, optionally ReLU/ReLU6). */
function matchConvChain(layers: readonly Layer[]): ConvChain | null {
  const conv = convOf(layers[0]);
  if (conv === null || !plain(conv, conv.dtype)) return null;
  const ownActivation = conv.activation.name;
  if (ownActivation === 'relu' || ownActivation === 'relu6') {
    return { conv, length: 1, epilogue: () => ({ scale: null, shift: null, activation: ownActivation }) };
  }
  if (ownActivation !== 'linear') return null;
  const next = layers[1];
  const bn = next !== undefined && bnMatches(next, conv) ? next : null;
  const afterBn = layers[bn === null ? 1 : 2];
  const activation = afterBn !== undefined && plain(afterBn, conv.dtype) ? activationOf(afterBn) : null;
  const length = 1 + (bn === null ? 0 : 1) + (activation === null ? 0 : 1);
  return {
    conv,
    length,
    epilogue: () => {
      // Recomputed per call: the moving statistics change with every training step.
      const affine = bn === null ? null : batchNormAffine(bn, conv.dtype as 'float32' | 'float64');
      return { scale: affine?.scale ?? null, shift: affine?.shift ?? null, activation: activation ?? 'linear' };
    },
  };
}

/** Conv [→ BN] [→ ReLU] layers at most, after an optional leading ZeroPadding2D. */
const MAX_CONV_CHAIN = 3;

/**
 * ZeroPadding2D → DepthwiseConv2D ('valid') [→ BN] [→ ReLU]: the padding becomes the convolution's explicit
 * padding, so the padded copy is never made. Taken only when the conv chain after the padding is complete
 * (its full length, or it stopped before the end of `layers`): with too short a window, swallowing the
 * padding could otherwise cost the chain its activation, which would then run as a separate pass.
 */
function matchPaddedChain(layers: readonly Layer[]): FusedChain | null {
  const padLayer = layers[0];
  if (!(padLayer instanceof ZeroPadding2D)) return null;
  const chain = matchConvChain(layers.slice(1));
  if (chain === null || !(chain.conv instanceof DepthwiseConv) || chain.conv.padding !== 'valid') return null;
  const conv = chain.conv;
  if (!plain(padLayer, conv.dtype) || padLayer.dataFormat !== conv.dataFormat) return null;
  if (chain.length < MAX_CONV_CHAIN && chain.length === layers.length - 1) return null;
  const [h, w] = padLayer.padding;
  const explicitPadding: [number, number][] = [[h[0], h[1]], [w[0], w[1]]];
  return {
    length: 1 + chain.length,
    run: (input) => {
      const kernel = conv.depthwiseKernel;
      if (kernel === null) throw new ShapeError(`layer '${conv.name}' used before it was built`);
      return depthwiseConv2d(cast(input, conv.dtype), kernel, {
        strides: [conv.strides[0], conv.strides[1]],
        padding: 'valid',
        explicitPadding,
        dilationRate: [conv.dilationRate[0], conv.dilationRate[1]],
        dataFormat: conv.dataFormat,
        bias: conv.bias,
        epilogue: chain.epilogue(),
      });
    },
  };
}

/**
 * The longest fusable chain starting at `layers[0]` (an optional ZeroPadding2D before a depthwise
 * convolution, the conv, optionally BN, optionally ReLU/ReLU6), or null. `layers` are consecutive, each
 * consuming only the previous one's output; `x` is the input.
 */
export function matchFusedChain(layers: readonly Layer[], x: Tensor): FusedChain | null {
  // Conv layers autocast their input (Layer.apply), so the input's own dtype does not matter.
  if (x.rank !== 4) return null;
  const padded = matchPaddedChain(layers);
  if (padded !== null) return padded;
  const chain = matchConvChain(layers);
  // A lone linear conv gains nothing from the fused path.
  if (chain === null || (chain.length === 1 && chain.conv.activation.name === 'linear')) return null;
  const conv = chain.conv;
  return { length: chain.length, run: (input) => conv.callFused(cast(input, conv.dtype), chain.epilogue()) };
}
