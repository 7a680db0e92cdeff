/** A tensor whose value can be replaced in place: a layer's weight, as Keras's `Variable`. */

import { InvalidArgumentError, ShapeError } from '../errors.js';
import type { DType } from './dtype.js';
import { formatShape, shapesEqual } from './shape.js';
import { releaseAtScopeEnd } from './scope.js';
import type { Storage } from './storage.js';
import { allocStorage } from './storage.js';
import { Tensor } from './tensor.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';

export interface VariableOptions {
  /** The weight's own name, e.g. `depthwise_kernel`. */
  name: string;
  /** The owning layer's name followed by the weight's, e.g. `depthwise_conv2d/depthwise_kernel`. */
  path: string;
  trainable?: boolean;
}

const VARIABLE_KEYS = optionKeys<VariableOptions>()(['name', 'path', 'trainable']);

/**
 * A mutable tensor. It keeps its identity (and so its place in gradients and optimizer state) while
 * `assign` swaps its contents; the new contents are copied and cast to the variable's dtype.
 */
export class Variable extends Tensor {
  readonly name: string;
  readonly path: string;
  trainable: boolean;

  constructor(initial: Tensor, options: VariableOptions) {
    checkOptions(options, VARIABLE_KEYS, 'Variable', { required: true });
    super(copyAs(initial, initial.dtype), initial.shape);
    this.name = options.name;
    this.path = options.path;
    this.trainable = options.trainable ?? true;
  }

  /** Replaces the value; the shape must match. Values of another float dtype are cast. */
  assign(value: Tensor): void {
    if (!shapesEqual(value.shape, this.shape)) {
      throw new ShapeError(
        `cannot assign a value of shape ${formatShape(value.shape)} to variable '${this.path}' of shape ${formatShape(this.shape)}`,
      );
    }
    if (this.dtype === 'int32' && value.dtype !== 'int32') {
      throw new InvalidArgumentError('value', value.dtype, `an int32 tensor for int32 variable '${this.path}'`);
    }
    const previous = this.storage;
    this.storage = copyAs(value, this.dtype);
    const log = transactions[transactions.length - 1];
    if (log !== undefined && !log.has(this)) {
      log.set(this, previous); // kept for a rollback; released when the transaction succeeds
      return;
    }
    // Freed once the current step's scope ends (tensors of that step may still read the old value).
    releaseAtScopeEnd(previous);
  }

  /** @internal Rolls back to `previous` (a storage this variable held), freeing the current value now. */
  restore(previous: Storage): void {
    const current = this.storage;
    this.storage = previous;
    current.dispose?.();
  }
}

/** Per open transaction, the value each assigned variable held before its first assignment in it. */
const transactions: Map<Variable, Storage>[] = [];

/**
 * Runs `fn` so that every `Variable.assign` it makes is undone if it throws: a training step that fails
 * (bad labels, a shape error in the loss) leaves the model exactly as it was, BatchNormalization's moving
 * statistics included. Assignments take effect at once (later reads see them, as in Keras); only the
 * values before the first assignment of each variable are kept until `fn` returns. Nested calls join
 * the outer transaction.
 *
 * @example
 * ```ts
 * withRollback(() => model.apply(x, { training: true })); // moving statistics restored on error
 * ```
 */
export function withRollback<T>(fn: () => T): T {
  if (transactions.length > 0) return fn();
  const log = new Map<Variable, Storage>();
  transactions.push(log);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    transactions.pop();
    for (const [variable, previous] of log) variable.restore(previous);
    throw error;
  }
  transactions.pop();
  for (const previous of log.values()) releaseAtScopeEnd(previous);
  return result;
}

/** A persistent copy: a variable's value outlives every scope. */
function copyAs(source: Tensor, dtype: DType): Storage {
  const storage = allocStorage(dtype, source.size, true);
  storage.write(source.storageHandle);
  return storage;
}
