/**
 * The shape of every `layerXxx` function: Keras's R interface, where the first argument says what the new
 * layer is composed with and decides what is returned.
 */

import type { Tensor } from '../engine/tensor.js';
import { compose, splitArguments } from './compose.js';
import type { Layer, SymbolicTensor } from './layer.js';
import type { LayerStack } from './layer-stack.js';

export interface LayerCalls<O, L extends Layer> {
  /** The layer itself. */
  (options: O): L;
  /** The layer itself. */
  (object: null | undefined, options: O): L;
  /** The same model, with the layer appended. */
  <S extends LayerStack>(object: S, options: O): S;
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
  <S extends LayerStack>(object: S, options?: O): S;
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
