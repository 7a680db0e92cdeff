/**
 * The model the kill test saves, made the same way in the child that is killed and in the parent that
 * checks what the child left: a few layers, large enough (about 0.4 MB of weights) that a save takes a few
 * milliseconds and a random kill lands inside one, in every format (float32, so TF.js can hold it).
 */

import { layerInput } from '../../../src/layers/input-layer.js';
import { Conv2D, DepthwiseConv2D } from '../../../src/layers/convolutional/index.js';
import { Dense, Flatten } from '../../../src/layers/core/index.js';
import { Functional } from '../../../src/models/functional.js';
import type { Model } from '../../../src/models/model.js';
import { randomizeWeights } from '../helpers.js';

/** The formats saves are killed in, by the name the kill test and `npm run fuzz` print. */
export const KILL_FORMATS = ['.keras', '.weights.h5', 'TF.js'] as const;
export type KillFormat = (typeof KILL_FORMATS)[number];

/** The target file name for a format. */
export function killTarget(format: KillFormat): string {
  return format === '.keras' ? 'model.keras' : format === '.weights.h5' ? 'model.weights.h5' : 'model.json';
}

/** The model, its weights drawn from `seed` (the child alternates seeds, so consecutive saves differ). */
export function killModel(seed: number): Model {
  const input = layerInput({ shape: [16, 16, 8] });
  let x = new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, padding: 'same', name: 'dw' }).apply(input);
  x = new Conv2D({ filters: 32, kernelSize: 3, name: 'conv' }).apply(x);
  x = new Flatten({ name: 'flat' }).apply(x);
  const output = new Dense({ units: 12, name: 'head' }).apply(x);
  const model = new Functional({ inputs: input, outputs: output, name: 'killed' });
  randomizeWeights(model, seed);
  return model;
}
