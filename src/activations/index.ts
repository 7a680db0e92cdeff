/**
 * Keras 3 activations (`keras.activations`): every built-in as a function, its pointwise (value, derivative)
 * table entry, and the name-based lookup layers use for their `activation` argument.
 */

export type { Activation, ActivationFn, ActivationIdentifier, SerializedActivation } from './registry.js';
export { ACTIVATION_NAMES, getActivation, serializeActivation } from './registry.js';
export type { ActivationAxis } from './axis-activations.js';
export { glu, logSoftmax, softmax, sparsemax } from './axis-activations.js';
export {
  ACTIVATION_POINTWISE,
  celu,
  celuFn,
  elu,
  eluFn,
  exponential,
  gelu,
  geluFn,
  hardShrink,
  hardShrinkFn,
  hardSigmoid,
  hardSilu,
  hardTanh,
  leakyRelu,
  leakyReluFn,
  linear,
  logSigmoid,
  mish,
  relu,
  relu6,
  selu,
  sigmoid,
  silu,
  softShrink,
  softShrinkFn,
  softplus,
  softsign,
  sparsePlus,
  sparseSigmoid,
  squareplus,
  squareplusFn,
  tanh,
  tanhShrink,
  threshold,
  thresholdFn,
} from './pointwise-activations.js';
export { erf, erfc } from '../kernels/elementwise/erf.js';
