/** The optimizer steps a backend is asked for: plain data, so a device backend can run them in its own code. */

/** Keras's `_clip_gradients`: by each gradient's norm, by the norm of all of them, or by value. */
export type ClipRule =
  | { readonly kind: 'norm'; readonly clipnorm: number }
  | { readonly kind: 'globalNorm'; readonly clipnorm: number }
  | { readonly kind: 'value'; readonly clipvalue: number };

/**
 * One step of an optimizer with its constants for this step (already in the variable's dtype): slots are
 * passed in the order listed per kind.
 */
export type UpdateRule =
  /** Slots: momentum (when momentum > 0). */
  | { readonly kind: 'sgd'; readonly learningRate: number; readonly momentum: number; readonly nesterov: boolean }
  /** Slots: momentum, velocity, then velocity_hat with amsgrad. `alpha` folds the bias corrections in. */
  | { readonly kind: 'adam'; readonly alpha: number; readonly oneMinusBeta1: number; readonly oneMinusBeta2: number; readonly epsilon: number; readonly amsgrad: boolean }
  /** Slots: velocity, then momentum when momentum > 0, then average_gradient when centered. */
  | {
      readonly kind: 'rmsprop';
      readonly learningRate: number;
      readonly rho: number;
      readonly momentum: number;
      readonly epsilon: number;
      readonly centered: boolean;
    }
  /** Slots: accumulator. */
  | { readonly kind: 'adagrad'; readonly learningRate: number; readonly epsilon: number };
