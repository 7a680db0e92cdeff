/**
 * The R interface's `object` argument: every `layerXxx(object, options)` function creates the layer and
 * then composes it with what it was given.
 */

import { isTensor } from '../engine/tensor.js';
import type { Tensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import type { Layer, SymbolicTensor } from './layer.js';
import type { LayerStack } from './layer-stack.js';
import { isLayerStack } from './layer-stack.js';
import { isSymbolicTensor } from './layer.js';

/** What a layer function may be composed with (arrays for layers that merge inputs). */
export type ComposeTarget = LayerStack | SymbolicTensor | Tensor | readonly SymbolicTensor[] | readonly Tensor[] | null | undefined;

function isTensorList(value: unknown): value is readonly Tensor[] | readonly SymbolicTensor[] {
  return Array.isArray(value) && value.length > 0 && (value.every(isTensor) || value.every(isSymbolicTensor));
}

/** Splits `layerXxx(options)` from `layerXxx(object, options)`. */
export function splitArguments<O>(first: unknown, second: O | undefined): [ComposeTarget, O] {
  if (second !== undefined) return [first as ComposeTarget, second];
  if (first === null || first === undefined || isLayerStack(first) || isSymbolicTensor(first) || isTensor(first) || isTensorList(first)) {
    return [first as ComposeTarget, {} as O];
  }
  return [undefined, first as O];
}

/**
 * No object → the layer; a Sequential model (a {@link LayerStack}) → that model with the layer appended; a symbolic tensor → the
 * output placeholder; a tensor → the computed output.
 */
export function compose(object: ComposeTarget, makeLayer: () => Layer): Layer | LayerStack | SymbolicTensor | Tensor {
  if (object === undefined || object === null) return makeLayer();
  if (isLayerStack(object)) return object.add(makeLayer());
  if (isSymbolicTensor(object) || isTensor(object) || isTensorList(object)) return makeLayer().apply(object);
  throw new InvalidArgumentError('object', object, 'nothing, a Sequential model, a SymbolicTensor or a Tensor (or an array of them)');
}
