/**
 * depthwise: Keras-style convolutional networks in TypeScript, built around the depthwise 2D convolution.
 * This file is the whole public surface; everything else may move.
 */

export { Tensor, tensor, zeros, ones, fill, scalar, isTensor } from './engine/tensor.js';
export type { NestedArray, TensorLike } from './engine/tensor.js';
export type { DType, FloatDType, DataArray, FloatArray } from './engine/dtype.js';
export { Variable } from './engine/variable.js';
export { valueAndGrads } from './ops/autograd.js';
export type { ValueAndGrads } from './ops/autograd.js';
export { noGrad } from './engine/tape.js';
export { tidy } from './engine/scope.js';
export { getBackendName, memoryInfo, ready, setBackend } from './kernels/backend.js';
export type { KernelBackend, MemoryInfo } from './kernels/backend.js';
export { getNumThreads, setNumThreads } from './kernels/wasm/thread-pool.js';
export { setWasmPaths } from './kernels/wasm/loader.js';
export { setRandomSeed } from './engine/random.js';

export * as ops from './ops/index.js';

export * as activations from './activations/index.js';
export { initializers } from './initializers/index.js';
export { regularizers } from './regularizers/index.js';
export { constraints } from './constraints/index.js';

export { Layer } from './layers/layer.js';
export type { LayerOptions, CallOptions } from './layers/layer.js';
export { SymbolicTensor } from './layers/layer.js';
export { InputLayer, layerInput } from './layers/input-layer.js';
export type { InputOptions } from './layers/input-layer.js';
export * from './layers/convolutional/index.js';
export type { LayerFunction } from './layers/layer-function.js';
export { Dense, layerDense, Flatten, layerFlatten, Reshape, layerReshape, Activation, layerActivation, ReLU, layerRelu, Dropout, layerDropout } from './layers/core/index.js';
export type { DenseOptions, FlattenOptions, ReshapeOptions, ActivationOptions, ReLUOptions, DropoutOptions } from './layers/core/index.js';
export * from './layers/normalization/index.js';
export * from './layers/activations/index.js';
export * from './layers/regularization/index.js';
export * from './layers/preprocessing/index.js';
export { Embedding, layerEmbedding, Identity, layerIdentity, Lambda, layerLambda } from './layers/core/index.js';
export type { EmbeddingOptions, IdentityOptions, LambdaOptions } from './layers/core/index.js';
export * from './layers/pooling/index.js';
export * from './layers/reshaping/index.js';
export * from './layers/rnn/index.js';
export * from './layers/merging/index.js';
export { applications } from './applications/index.js';
export type { ApplicationWeights, MobileNetOptions, MobileNetV2Options, Pooling } from './applications/index.js';
export { clearSession } from './layers/naming.js';

export { Model } from './models/model.js';
export type { PredictOptions, SummaryOptions } from './models/model.js';
export { Sequential, kerasModelSequential } from './models/sequential.js';
export type { SequentialOptions } from './models/sequential.js';
export { Functional, kerasModel } from './models/functional.js';
export type { FunctionalOptions } from './models/functional.js';

export type { FitOptions, EvaluateOptions } from './models/training-options.js';

export { optimizers, schedules, Optimizer } from './training/optimizers/index.js';
export type { OptimizerIdentifier, OptimizerState, LearningRateSchedule } from './training/optimizers/index.js';
export { losses, Loss } from './training/losses/index.js';
export type { LossIdentifier, LossFn } from './training/losses/index.js';
export { metrics, Metric } from './training/metrics/index.js';
export type { MetricIdentifier, MetricFn } from './training/metrics/index.js';
export {
  Callback,
  CallbackList,
  History,
  ProgbarLogger,
  EarlyStopping,
  ReduceLROnPlateau,
  LambdaCallback,
  CSVLogger,
  TerminateOnNaN,
  ModelCheckpoint,
} from './training/callbacks/index.js';
export type {
  CallbackModel,
  Logs,
  TrainingParams,
  Writer,
  EarlyStoppingOptions,
  ReduceLROnPlateauOptions,
  LambdaCallbackOptions,
  CSVLoggerOptions,
  TerminateOnNaNOptions,
  ModelCheckpointOptions,
  ProgbarLoggerOptions,
} from './training/callbacks/index.js';
export { Progbar } from './training/progbar.js';
export type { CompileOptions } from './training/trainer.js';
export type { DataLike, Dataset, DatasetBatch } from './training/data.js';

export * from './io/index.js';

export { imageDataFormat, setImageDataFormat, reloadKerasConfig } from './config/keras-config.js';
export { InvalidArgumentError, ShapeError, UnknownNameError } from './errors.js';
