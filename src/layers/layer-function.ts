/**
 * The shape of every `layerXxx` function: Keras's R interface, where the first argument says what the new
 * layer is composed with and decides what is returned.
 */

import type { Tensor } from '../engine/tensor.js';
import type { Sequential } from '../models/sequential.js';
import { compose, splitArguments } from './compose.js';
import type { Layer } from './layer.js';
import type { SymbolicTensor } from './symbolic-tensor.js';

export interface LayerCalls<O, L extends Layer> {
  /** The layer itself. */
  (options: O): L;
  /** The layer itself. */
  (object: null | undefined, options: O): L;
  /** The same model, with the layer appended. */
  (object: Sequential, options: O): Sequential;
  /** The output placeholder of the layer applied to `object` (functional API). */
  (object: SymbolicTensor, options: O): SymbolicTensor;
  /** The layer's output computed on `object`. */
  (object: Tensor, options: O): Tensor;
  /** For layers that merge inputs: the output placeholder. */
  (object: readonly SymbolicTensor[], options?: O): SymbolicTensor;
  /** For layers that merge inputs: the computed output. */
  (object: readonly Tensor[], options?: O): Tensor;
}

/** The same calls without options, for layers whose every option has a default. */
export interface OptionlessCalls<O, L extends Layer> {
  (): L;
  (object: Sequential, options?: O): Sequential;
  (object: SymbolicTensor, options?: O): SymbolicTensor;
  (object: Tensor, options?: O): Tensor;
}

export type LayerFunction<O, L extends Layer> = LayerCalls<O, L> & (Partial<O> extends O ? OptionlessCalls<O, L> : unknown);

export function layerFunction<O, L extends Layer>(create: (options: O) => L): LayerFunction<O, L> {
  return ((first?: unknown, second?: O) => {
    const [object, options] = splitArguments(first, second);
    return compose(object, () => create(options));
  }) as LayerFunction<O, L>;
}
