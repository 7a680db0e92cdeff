/**
 * Loading weights into a model is all or nothing. Every reader (Keras 3 `.weights.h5`, Keras 2 `.h5`,
 * TF.js shards, the optimizer's state) collects the values it read and checked (counts, shapes, dtypes,
 * names) without assigning any; only once the whole file passed does {@link applyWeights} change the
 * model. A refused file leaves every weight bit for bit as it was.
 */

import type { Tensor } from '../engine/tensor.js';
import type { Variable } from '../engine/variable.js';
import type { Layer } from '../layers/layer.js';
import type { Optimizer, OptimizerState } from '../training/optimizers/index.js';
import { withFileContext } from './errors.js';

/** Values for some layers, each list in the order of the layer's `weights`, already checked against them. */
export type WeightAssignment = (readonly [Layer, readonly Tensor[]])[];

/** An optimizer's state read from a file, with the variables its slots belong to. */
export interface PendingOptimizerState {
  optimizer: Optimizer;
  state: OptimizerState;
  variables: readonly Variable[];
}

/**
 * Assigns checked values: the optimizer's state first, since `setState` checks it all and changes nothing
 * when it throws; then the layers' values, whose counts and shapes were checked as they were read, so no
 * assignment can fail half-way.
 *
 * @example
 * ```ts
 * applyWeights('w.weights.h5', readModelWeights(tree, model), null);
 * ```
 */
export function applyWeights(file: string, assignment: WeightAssignment, optimizer: PendingOptimizerState | null): void {
  if (optimizer !== null) withFileContext(file, 'the optimizer state does not fit the model', () => optimizer.optimizer.setState(optimizer.state, optimizer.variables));
  withFileContext(file, 'the weights do not fit the model', () => {
    for (const [layer, values] of assignment) layer.setWeights(values);
  });
}
