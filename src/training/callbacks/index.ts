/** The callbacks `fit` drives, after `keras.callbacks`. */

export type { CallbackModel, Logs, TrainingParams, Writer } from './callback.js';
export { Callback } from './callback.js';
export type { CallbackListOptions } from './callback-list.js';
export { CallbackList } from './callback-list.js';
export type { CSVLoggerOptions } from './csv-logger.js';
export { CSVLogger } from './csv-logger.js';
export type { EarlyStoppingOptions } from './early-stopping.js';
export { EarlyStopping } from './early-stopping.js';
export { History } from './history.js';
export type { LambdaCallbackOptions } from './lambda-callback.js';
export { LambdaCallback } from './lambda-callback.js';
export type { CheckpointSaver, ModelCheckpointOptions, SaveFunction } from './model-checkpoint.js';
export { installCheckpointSaver, ModelCheckpoint } from './model-checkpoint.js';
export type { MonitorMode } from './monitor.js';
export type { ProgbarLoggerOptions } from './progbar-logger.js';
export { ProgbarLogger } from './progbar-logger.js';
export type { ReduceLROnPlateauOptions } from './reduce-lr-on-plateau.js';
export { ReduceLROnPlateau } from './reduce-lr-on-plateau.js';
export type { TerminateOnNaNOptions } from './terminate-on-nan.js';
export { TerminateOnNaN } from './terminate-on-nan.js';
