/** Keras refuses models whose layers share a name, since weights are saved and found by layer name. */

import { InvalidArgumentError } from '../errors.js';
import type { Layer } from '../layers/layer.js';

export function assertUniqueLayerNames(layers: readonly Layer[], context: string): void {
  const seen = new Set<string>();
  for (const layer of layers) {
    if (seen.has(layer.name)) {
      throw new InvalidArgumentError('name', layer.name, 'a layer name unique within the model (all layer names should be unique)', context);
    }
    seen.add(layer.name);
  }
}
