/** Keras's `keras.applications`: reference architectures built from this library's layers. */

import { mobilenet } from './mobilenet.js';
import { mobilenetV2 } from './mobilenet-v2.js';

export { mobilenet } from './mobilenet.js';
export type { MobileNetOptions } from './mobilenet.js';
export { mobilenetV2, makeDivisible } from './mobilenet-v2.js';
export type { MobileNetV2Options } from './mobilenet-v2.js';
export type { Pooling } from './imagenet-utils.js';
export type { ApplicationWeights } from './weights.js';

/**
 * The application builders as one namespace object, as Keras's `keras.applications`.
 *
 * @example
 * ```ts
 * const model = applications.mobilenet({ alpha: 0.25, inputShape: [32, 32, 3], classes: 10 });
 * ```
 */
export const applications = { mobilenet, mobilenetV2 } as const;
