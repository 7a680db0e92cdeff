/**
 * The `weights` option of the application builders, after Keras's: `null` (random initialization), or a
 * Keras weights file to load once the model is built (a path, or its bytes): Keras 3's `.weights.h5`
 * (matched by Keras's layer keys), a `.keras` file's weights, or Keras 2's `.h5` (weights only or a full model,
 * matched by layer name, every layer with weights required: unlike `loadWeights`, which matches in order as Keras).
 * `'imagenet'` is Keras's default, which downloads the file; this library downloads nothing, so it is
 * refused with the way to get the same weights: download the file once and pass it.
 */

import { InvalidArgumentError } from '../errors.js';
import type { Model } from '../models/model.js';
import { requireNodeBuiltin } from '../platform/node-builtins.js';
import { loadWeightsByLayerNameSync } from '../io/api.js';

/** What `weights` may be: null, a path, or the bytes of a weights file (`'imagenet'` is refused with a hint). */
export type ApplicationWeights = null | 'imagenet' | string | Uint8Array | ArrayBuffer;

/** A checked `weights` value: null, a path that exists, or bytes. */
export type WeightsSource = null | string | Uint8Array | ArrayBuffer;

/**
 * Checks `weights` before anything is built, as Keras does: `'imagenet'` names the Keras file to download
 * (`kerasFile`), a path must exist.
 */
export function checkWeights(weights: unknown, kerasFile: string, context: string): WeightsSource {
  if (weights === undefined || weights === null) return null;
  if (weights instanceof Uint8Array || weights instanceof ArrayBuffer) return weights;
  if (weights === 'imagenet') {
    throw new InvalidArgumentError(
      'weights',
      weights,
      `null (random initialization), or the path or bytes of a Keras weights file: depthwise does not download weights. Download Keras's ${kerasFile} ` +
        `(from https://storage.googleapis.com/tensorflow/keras-applications/) once and pass its path, e.g. { weights: './${kerasFile}' }`,
      context,
    );
  }
  if (typeof weights !== 'string' || weights === '') {
    throw new InvalidArgumentError('weights', weights, "null, 'imagenet', a path to a weights file, or its bytes (Uint8Array / ArrayBuffer)", context);
  }
  if (!requireNodeBuiltin('node:fs', `${context} (weights from a path)`).existsSync(weights)) {
    throw new InvalidArgumentError('weights', weights, "null, 'imagenet', or the path to the weights file to be loaded (no file is there)", context);
  }
  return weights;
}

/** Loads `weights` into the built model (nothing for null); a file that does not fit names the mismatch. */
export function loadApplicationWeights(model: Model, weights: WeightsSource): void {
  if (weights !== null) loadWeightsByLayerNameSync(model, weights);
}
