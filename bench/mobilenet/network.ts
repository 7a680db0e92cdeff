/**
 * MobileNetV1 as a flat list of steps with their weights, read from this library's model, so that the
 * peers run exactly the same network with exactly the same weights.
 *
 * Two forms: `inferencePlan` folds each batch normalization into the preceding convolution (scale into
 * the kernel, shift into a bias) and the ReLU6 after it into the same step, which is what a converted
 * TensorFlow.js graph model runs (fused conv + bias + relu6); `trainingPlan` keeps batch normalization as
 * its own step with its parameters, since training normalizes with batch statistics.
 */
import type { Layer, Model } from '../../src/index.js';
import { tensor } from '../../src/index.js';

export interface BatchNormParams {
  gamma: Float32Array;
  beta: Float32Array;
  movingMean: Float32Array;
  movingVariance: Float32Array;
  epsilon: number;
}

export type Step =
  | {
      kind: 'conv' | 'depthwise';
      name: string;
      /** Keras layout: `[kh, kw, Cin, Cout]` (conv) or `[kh, kw, C, 1]` (depthwise). */
      kernel: Float32Array;
      kernelShape: [number, number, number, number];
      strides: [number, number];
      padding: 'same' | 'valid';
      bias: Float32Array | null;
      /** Training plan only: the batch normalization that follows (null when folded or absent). */
      batchNorm: BatchNormParams | null;
      relu6: boolean;
    }
  | { kind: 'pad'; name: string; pads: [[number, number], [number, number]] }
  | { kind: 'globalAveragePool'; name: string }
  | { kind: 'dropout'; name: string; rate: number }
  | { kind: 'reshape'; name: string; shape: number[] }
  | { kind: 'softmax'; name: string };

function weight(layer: Layer, name: string): Float32Array {
  const v = layer.weights.find((w) => w.name === name || w.name.endsWith(`/${name}`));
  if (v === undefined) throw new Error(`bench: layer ${layer.name} has no weight ${name}`);
  return Float32Array.from(v.dataSync() as Float32Array);
}

function batchNormOf(layer: Layer): BatchNormParams {
  return {
    gamma: weight(layer, 'gamma'),
    beta: weight(layer, 'beta'),
    movingMean: weight(layer, 'moving_mean'),
    movingVariance: weight(layer, 'moving_variance'),
    epsilon: Number(layer.getConfig().epsilon),
  };
}

/** The chain of steps of a (sequential-shaped) MobileNet; `fold` folds batch norms and ReLU6 into convs. */
function plan(model: Model, fold: boolean): Step[] {
  const steps: Step[] = [];
  const layers = model.layers.filter((l) => l.className !== 'InputLayer');
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    const config = layer.getConfig();
    switch (layer.className) {
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        if (config.activation !== 'linear') throw new Error(`bench: ${layer.name} has a fused activation`);
        const depthwise = layer.className === 'DepthwiseConv2D';
        const kernelVar = layer.weights.find((w) => /(^|\/)(depthwise_)?kernel$/.test(w.name));
        if (kernelVar === undefined) throw new Error(`bench: ${layer.name} has no kernel`);
        const kernel = Float32Array.from(kernelVar.dataSync() as Float32Array);
        const kernelShape = [...kernelVar.shape] as [number, number, number, number];
        let bias: Float32Array | null = config.use_bias === true ? weight(layer, 'bias') : null;
        let batchNorm: BatchNormParams | null = null;
        let relu6 = false;
        if (layers[i + 1]?.className === 'BatchNormalization') {
          batchNorm = batchNormOf(layers[++i]);
          if (fold) {
            const outChannels = depthwise ? kernelShape[2] * kernelShape[3] : kernelShape[3];
            const scale = batchNorm.gamma.map((g, c) => g / Math.sqrt(batchNorm!.movingVariance[c] + batchNorm!.epsilon));
            for (let j = 0; j < kernel.length; j++) kernel[j] *= scale[j % outChannels];
            bias = Float32Array.from({ length: outChannels }, (_, c) => {
              const b = bias === null ? 0 : bias[c];
              return (b - batchNorm!.movingMean[c]) * scale[c] + batchNorm!.beta[c];
            });
            batchNorm = null;
          }
        }
        const next = layers[i + 1];
        if (next?.className === 'ReLU') {
          const c = next.getConfig();
          if (c.max_value !== 6 || c.negative_slope !== 0 || c.threshold !== 0) throw new Error(`bench: ${next.name} is not ReLU6`);
          relu6 = true;
          i++;
        }
        steps.push({
          kind: depthwise ? 'depthwise' : 'conv',
          name: layer.name,
          kernel,
          kernelShape,
          strides: config.strides as [number, number],
          padding: config.padding as 'same' | 'valid',
          bias,
          batchNorm,
          relu6,
        });
        break;
      }
      case 'ZeroPadding2D':
        steps.push({ kind: 'pad', name: layer.name, pads: config.padding as [[number, number], [number, number]] });
        break;
      case 'GlobalAveragePooling2D':
        if (config.keepdims !== true) throw new Error(`bench: ${layer.name} must keep dims`);
        steps.push({ kind: 'globalAveragePool', name: layer.name });
        break;
      case 'Dropout':
        steps.push({ kind: 'dropout', name: layer.name, rate: Number(config.rate) });
        break;
      case 'Reshape':
        steps.push({ kind: 'reshape', name: layer.name, shape: config.target_shape as number[] });
        break;
      case 'Activation':
        if (config.activation !== 'softmax') throw new Error(`bench: ${layer.name} is not softmax`);
        steps.push({ kind: 'softmax', name: layer.name });
        break;
      default:
        throw new Error(`bench: MobileNet plan has no step for ${layer.className} (${layer.name})`);
    }
  }
  return steps;
}

/** Batch norms and ReLU6 folded into the convolutions (inference). */
export function inferencePlan(model: Model): Step[] {
  return plan(model, true);
}

/** Batch norms kept as parameters of the convolution steps (training). */
export function trainingPlan(model: Model): Step[] {
  return plan(model, false);
}

/** Deterministic uniform values in [lo, hi). */
function uniform(length: number, lo: number, hi: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * s) / 4294967296;
  });
}

/**
 * Gives every batch normalization non-trivial statistics and affine parameters (a fresh model has
 * gamma 1, beta 0, mean 0, variance 1, which would make folding a no-op and hide folding mistakes).
 */
export function randomizeBatchNorms(model: Model): void {
  let seed = 7;
  for (const layer of model.layers) {
    if (layer.className !== 'BatchNormalization') continue;
    const values = layer.weights.map((w) => {
      const n = w.shape.reduce((a, b) => a * b, 1);
      const [lo, hi] = w.name.endsWith('moving_variance') ? [0.5, 1.5] : w.name.endsWith('gamma') ? [0.7, 1.3] : [-0.1, 0.1];
      return tensor(uniform(n, lo, hi, seed++), [...w.shape]);
    });
    layer.setWeights(values);
  }
}
