/**
 * MobileNetV1 in TensorFlow.js core ops, from the plans of `network.ts` (same weights as ours).
 *
 * Inference is what a converted TF.js graph model runs: batch norm folded, `tf.fused.conv2d` /
 * `tf.fused.depthwiseConv2d` with bias and relu6 (XNNPACK-fused on tfjs-wasm). Training is the plain
 * network with batch normalization on batch statistics, `tf.variableGrads` and an SGD step; the moving
 * statistics are not updated (a few thousand multiply-adds per step, negligible beside the convolutions).
 */
import type * as TfCore from '@tensorflow/tfjs-core';

import type { Step } from './network.js';

type Tf = typeof TfCore;

export interface TfjsInference {
  predict(x: TfCore.Tensor4D): TfCore.Tensor;
  dispose(): void;
}

/** The fused inference network; weight tensors are created once, on the current backend. */
export function tfjsInference(tf: Tf, steps: readonly Step[]): TfjsInference {
  const owned: TfCore.Tensor[] = [];
  const keep = <T extends TfCore.Tensor>(t: T): T => {
    owned.push(t);
    return t;
  };
  const layers = steps.map((s) => {
    if (s.kind !== 'conv' && s.kind !== 'depthwise') return { step: s, filter: null, bias: null };
    if (s.batchNorm !== null) throw new Error(`bench: ${s.name}: inference expects folded batch norm`);
    return {
      step: s,
      filter: keep(tf.tensor4d(s.kernel, s.kernelShape)),
      bias: s.bias === null ? null : keep(tf.tensor1d(s.bias)),
    };
  });
  return {
    predict: (input) =>
      tf.tidy(() => {
        let x: TfCore.Tensor = input;
        for (const { step: s, filter, bias } of layers) {
          switch (s.kind) {
            case 'conv':
            case 'depthwise': {
              const args = {
                x: x as TfCore.Tensor4D,
                filter: filter as TfCore.Tensor4D,
                strides: s.strides,
                pad: s.padding,
                bias: bias ?? undefined,
                activation: s.relu6 ? ('relu6' as const) : ('linear' as const),
              };
              x = s.kind === 'conv' ? tf.fused.conv2d(args) : tf.fused.depthwiseConv2d(args);
              break;
            }
            case 'pad':
              x = tf.pad(x, [[0, 0], s.pads[0], s.pads[1], [0, 0]]);
              break;
            case 'globalAveragePool':
              x = tf.mean(x, [1, 2], true);
              break;
            case 'dropout':
              break; // identity at inference
            case 'reshape':
              x = tf.reshape(x, [-1, ...s.shape]);
              break;
            case 'softmax':
              x = tf.softmax(x);
              break;
          }
        }
        return x;
      }),
    dispose: () => owned.forEach((t) => t.dispose()),
  };
}

export interface TfjsTraining {
  /** One SGD step on (x, one-hot y); returns the loss. */
  step(x: TfCore.Tensor4D, y: TfCore.Tensor2D): number;
  dispose(): void;
}

let instances = 0;

/** The trainable network (kernels, biases, batch-norm gamma and beta as variables) and an SGD optimizer. */
export function tfjsTraining(tf: Tf, steps: readonly Step[], learningRate = 0.01): TfjsTraining {
  const prefix = `bench${instances++}`; // variable names are global in tfjs
  const variables: TfCore.Variable[] = [];
  const variable = (t: TfCore.Tensor, name: string): TfCore.Variable => {
    const v = tf.variable(t, true, `${prefix}/${name}`);
    t.dispose();
    variables.push(v);
    return v;
  };
  const layers = steps.map((s) => {
    if (s.kind !== 'conv' && s.kind !== 'depthwise') return { step: s, filter: null, bias: null, gamma: null, beta: null, epsilon: 0 };
    return {
      step: s,
      filter: variable(tf.tensor4d(s.kernel, s.kernelShape), `${s.name}/kernel`),
      bias: s.bias === null ? null : variable(tf.tensor1d(s.bias), `${s.name}/bias`),
      gamma: s.batchNorm === null ? null : variable(tf.tensor1d(s.batchNorm.gamma), `${s.name}/gamma`),
      beta: s.batchNorm === null ? null : variable(tf.tensor1d(s.batchNorm.beta), `${s.name}/beta`),
      epsilon: s.batchNorm?.epsilon ?? 0,
    };
  });
  const optimizer = tf.train.sgd(learningRate);

  const logits = (input: TfCore.Tensor4D): TfCore.Tensor => {
    let x: TfCore.Tensor = input;
    for (const { step: s, filter, bias, gamma, beta, epsilon } of layers) {
      switch (s.kind) {
        case 'conv':
        case 'depthwise': {
          const f = filter as TfCore.Variable<TfCore.Rank.R4>;
          x =
            s.kind === 'conv'
              ? tf.conv2d(x as TfCore.Tensor4D, f, s.strides, s.padding)
              : tf.depthwiseConv2d(x as TfCore.Tensor4D, f, s.strides, s.padding);
          if (bias !== null) x = tf.add(x, bias);
          if (gamma !== null && beta !== null) {
            const { mean, variance } = tf.moments(x, [0, 1, 2]);
            x = tf.batchNorm(x, mean, variance, beta, gamma, epsilon);
          }
          if (s.relu6) x = tf.relu6(x);
          break;
        }
        case 'pad':
          x = tf.pad(x, [[0, 0], s.pads[0], s.pads[1], [0, 0]]);
          break;
        case 'globalAveragePool':
          x = tf.mean(x, [1, 2], true);
          break;
        case 'dropout':
          x = tf.dropout(x, s.rate);
          break;
        case 'reshape':
          x = tf.reshape(x, [-1, ...s.shape]);
          break;
        case 'softmax':
          break; // folded into the loss below
      }
    }
    return x;
  };

  return {
    step(x, y) {
      return tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, logits(x)) as TfCore.Scalar, variables);
        optimizer.applyGradients(grads);
        return value.dataSync()[0];
      });
    },
    dispose() {
      variables.forEach((v) => v.dispose());
      optimizer.dispose();
    },
  };
}
