/** The activation layers beyond ReLU and Activation (which live in core/). */
export { ELU, LeakyReLU, layerActivationElu, layerActivationLeakyRelu } from './leaky-relu.js';
export type { ELUOptions, LeakyReLUOptions } from './leaky-relu.js';
export { PReLU, layerActivationParametricRelu } from './prelu.js';
export type { PReLUOptions } from './prelu.js';
export { Softmax, layerActivationSoftmax } from './softmax.js';
export type { SoftmaxOptions } from './softmax.js';
