/**
 * What the R interface's `object` argument means when it is a model: something layers are appended to.
 * Sequential (in models/, above this folder) implements it, so the layer functions need not know models.
 */

import type { Layer } from './layer.js';

/** Marks an object that `layerXxx(object, options)` appends the new layer to. */
export const LAYER_STACK: unique symbol = Symbol('depthwise.LayerStack');

/** A model that layers are appended to (a Sequential model). */
export interface LayerStack {
  readonly [LAYER_STACK]: true;
  add(layer: Layer): this;
}

export function isLayerStack(value: unknown): value is LayerStack {
  return typeof value === 'object' && value !== null && (value as Partial<LayerStack>)[LAYER_STACK] === true;
}
