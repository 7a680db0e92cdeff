/**
 * The `layerConvLstmNd(object, options)` functions: the R interface's `object` rule, plus Keras's
 * `return_state=True` result on a tensor or a symbolic tensor, `[output, h, c]`.
 */

import { isTensor } from '../../engine/tensor.js';
import type { Tensor } from '../../engine/tensor.js';
import type { SymbolicTensor } from '../layer.js';
import { isSymbolicTensor } from '../layer.js';
import { splitArguments } from '../compose.js';
import type { LayerFunction } from '../layer-function.js';
import { layerFunction } from '../layer-function.js';
import type { ConvLSTM, ConvLSTMOptions } from './conv-lstm.js';

/** A layer function whose call on a tensor (or symbolic tensor) with `returnState: true` gives `[output, h, c]`. */
export type ConvLstmFunction<O, L extends ConvLSTM> = ((object: Tensor, options: O & { returnState: true }) => [Tensor, Tensor, Tensor]) &
  ((object: SymbolicTensor, options: O & { returnState: true }) => [SymbolicTensor, SymbolicTensor, SymbolicTensor]) &
  LayerFunction<O, L>;

/** Builds the layer function of one ConvLSTM class. */
export function convLstmFunction<O extends ConvLSTMOptions, L extends ConvLSTM>(create: (options: O) => L): ConvLstmFunction<O, L> {
  const plain = layerFunction(create) as (first?: unknown, second?: unknown) => unknown;
  return ((first?: unknown, second?: O) => {
    const [object, options] = splitArguments(first, second);
    if ((isTensor(object) || isSymbolicTensor(object)) && options.returnState === true) return create(options).applyAll(object);
    return plain(first, second);
  }) as ConvLstmFunction<O, L>;
}
