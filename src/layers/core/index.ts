/** Core layers: Dense, Activation, ReLU, Dropout, and the reshaping layers Flatten and Reshape. */
export { Dense, layerDense } from './dense.js';
export type { DenseOptions } from './dense.js';
export { Activation, layerActivation } from './activation.js';
export type { ActivationOptions } from './activation.js';
export { ReLU, layerRelu } from './relu.js';
export type { ReLUOptions } from './relu.js';
export { Dropout, layerDropout } from './dropout.js';
export type { DropoutOptions } from './dropout.js';
export { Flatten, layerFlatten } from './flatten.js';
export type { FlattenOptions } from './flatten.js';
export { Reshape, layerReshape } from './reshape.js';
export type { ReshapeOptions } from './reshape.js';
export { Embedding, layerEmbedding } from './embedding.js';
export type { EmbeddingOptions } from './embedding.js';
export { Identity, layerIdentity } from './identity.js';
export type { IdentityOptions } from './identity.js';
export { LAMBDA_NOT_SERIALIZABLE, Lambda, layerLambda } from './lambda.js';
export type { LambdaOptions } from './lambda.js';
