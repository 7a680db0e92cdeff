/** Weight penalties, as `keras.regularizers`. */

import { InvalidArgumentError } from '../errors.js';
import type { SerializedKerasObject } from '../serialization/keras-object.js';
import { isSerializedForm } from '../serialization/keras-object.js';
import { applyRegularizer, getRegularizer, REGULARIZER_NAMES } from './get.js';
import { L1, L1L2, L2, l1, l1L2, l2 } from './l1-l2.js';
import { OrthogonalRegularizer, orthogonalRegularizer } from './orthogonal.js';
import { Regularizer } from './regularizer.js';

export { FunctionRegularizer, Regularizer, REGULARIZERS_MODULE } from './regularizer.js';
export type { RegularizerFn } from './regularizer.js';
export { L1, L2, L1L2, l1, l2, l1L2 } from './l1-l2.js';
export type { L1Options, L2Options, L1L2Options, L1Config, L2Config, L1L2Config } from './l1-l2.js';
export { OrthogonalRegularizer, orthogonalRegularizer } from './orthogonal.js';
export type { OrthogonalMode, OrthogonalRegularizerOptions, OrthogonalRegularizerConfig } from './orthogonal.js';
export { getRegularizer, applyRegularizer, REGULARIZER_NAMES } from './get.js';
export type { RegularizerIdentifier } from './get.js';

/**
 * The `regularizers` namespace of the public API, mirroring `keras.regularizers` (`get`, `serialize`,
 * `deserialize`, the classes and their lower-case factories).
 *
 * @example
 * ```ts
 * const reg = regularizers.l2({ l2: 1e-4 });
 * regularizers.get(regularizers.serialize(reg)); // an equal L2
 * ```
 */
export const regularizers = Object.freeze({
  Regularizer,
  L1,
  L2,
  L1L2,
  OrthogonalRegularizer,
  l1,
  l2,
  l1L2,
  orthogonalRegularizer,
  get: getRegularizer,
  /** `keras.regularizers.serialize` for a regularizer object. */
  serialize: (regularizer: Regularizer): SerializedKerasObject => regularizer.serialize(),
  /** `keras.regularizers.deserialize`: a serialized `{ class_name, config }` back to its regularizer. */
  deserialize: (config: unknown): Regularizer => {
    if (!isSerializedForm(config)) {
      throw new InvalidArgumentError('config', config, 'a serialized regularizer { class_name, config }');
    }
    // A serialized form always names a registered class, so the result is an instance, never null or a function.
    return getRegularizer(config, 'config') as Regularizer;
  },
  apply: applyRegularizer,
  names: REGULARIZER_NAMES,
});
