/** Losses, as `keras.losses`. */

import { InvalidArgumentError } from '../../errors.js';
import type { SerializedKerasObject } from '../../serialization/keras-object.js';
import {
  BinaryCrossentropy,
  binaryCrossentropy,
  CategoricalCrossentropy,
  categoricalCrossentropy,
  SparseCategoricalCrossentropy,
  sparseCategoricalCrossentropy,
} from './crossentropy.js';
import { Loss } from './loss.js';
import { FunctionLoss, getLoss, LOSS_NAMES } from './registry.js';
import { MeanAbsoluteError, meanAbsoluteError, MeanSquaredError, meanSquaredError } from './regression.js';

export { Loss, LOSSES_MODULE, REDUCTIONS, alignRanks, alignedShapes, reduceWeightedValues } from './loss.js';
export type { LossOptions, LossValues, Reduction, SampleWeight } from './loss.js';
export { MeanSquaredError, MeanAbsoluteError, meanSquaredError, meanAbsoluteError } from './regression.js';
export {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  binaryCrossentropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
  EPSILON,
} from './crossentropy.js';
export type {
  BinaryCrossentropyOptions,
  CategoricalCrossentropyOptions,
  SparseCategoricalCrossentropyOptions,
} from './crossentropy.js';
export { FunctionLoss, getLoss, LOSS_NAMES, classifyTargets } from './registry.js';
export type { LossFn, LossIdentifier, LossResolveContext } from './registry.js';

/**
 * The `losses` namespace of the public API, mirroring `keras.losses` (the classes, their camelCase
 * factories, `get`, `serialize`, `deserialize`).
 *
 * @example
 * ```ts
 * const loss = losses.sparseCategoricalCrossentropy({ fromLogits: true });
 * const { value, grads } = valueAndGrads(() => loss.call(labels, logits), [logits]);
 * ```
 */
export const losses = Object.freeze({
  Loss,
  MeanSquaredError,
  MeanAbsoluteError,
  BinaryCrossentropy,
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  FunctionLoss,
  meanSquaredError,
  meanAbsoluteError,
  binaryCrossentropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
  get: getLoss,
  /** `keras.losses.serialize` for a loss object. */
  serialize: (loss: Loss): SerializedKerasObject => loss.serialize(),
  /** `keras.losses.deserialize`: a serialized `{ class_name, config }` back to its loss. */
  deserialize: (config: unknown): Loss => {
    if (typeof config !== 'object' || config === null || typeof (config as { class_name?: unknown }).class_name !== 'string') {
      throw new InvalidArgumentError('config', config, 'a serialized loss { class_name, config }');
    }
    return getLoss(config, {}, 'config');
  },
  names: LOSS_NAMES,
});
