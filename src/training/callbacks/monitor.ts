/** What EarlyStopping, ReduceLROnPlateau and ModelCheckpoint share: which way a monitored value improves. */

import { InvalidArgumentError } from '../../errors.js';

/** `'min'`: lower is better; `'max'`: higher is better; `'auto'`: inferred from the monitor's name. */
export type MonitorMode = 'auto' | 'min' | 'max';

// Keras 3 infers 'auto' from the compiled metric's `_direction`. Our callbacks see no metric objects, so
// these are the names Keras's built-in metrics carry (with 'acc', which Keras maps to accuracy).
const HIGHER_IS_BETTER = new Set([
  'acc', 'accuracy', 'binary_accuracy', 'categorical_accuracy', 'sparse_categorical_accuracy',
  'top_k_categorical_accuracy', 'sparse_top_k_categorical_accuracy', 'auc', 'precision', 'recall',
  'f1_score', 'fbeta_score', 'binary_io_u', 'mean_io_u', 'one_hot_mean_io_u', 'iou', 'r2_score',
  'cosine_similarity', 'pearson_correlation', 'concordance_correlation',
]);
const LOWER_IS_BETTER = new Set([
  'loss', 'mse', 'mae', 'mape', 'msle', 'mean_squared_error', 'mean_absolute_error',
  'mean_absolute_percentage_error', 'mean_squared_logarithmic_error', 'root_mean_squared_error',
  'binary_crossentropy', 'bce', 'categorical_crossentropy', 'sparse_categorical_crossentropy', 'hinge',
  'squared_hinge', 'categorical_hinge', 'kl_divergence', 'kld', 'poisson', 'log_cosh_error', 'logcosh',
]);

/** Whether higher values of `monitor` are better, resolving 'auto' by name as Keras does for its metrics. */
export function resolveMonitorDirection(className: string, monitor: string, mode: MonitorMode): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  const name = monitor.startsWith('val_') ? monitor.slice(4) : monitor;
  if (HIGHER_IS_BETTER.has(name)) return 'max';
  if (LOWER_IS_BETTER.has(name)) return 'min';
  throw new InvalidArgumentError(
    'monitor',
    monitor,
    "a metric whose direction is known (loss, accuracy, auc, mse, ...), or pass mode: 'max' or 'min'",
    `${className}: cannot tell whether '${monitor}' should be maximized or minimized`,
  );
}

/**
 * Keras's `MonitorCallback._is_improvement`: `current - minDelta` beats `reference`, where minDelta is
 * |minDelta| in max mode and -|minDelta| in min mode. Keras compares through `keras.ops`, which turns
 * Python floats into float32 tensors, so the comparison is made on float32-rounded values here too.
 */
export function isImprovement(direction: 'min' | 'max', minDelta: number, current: number, reference: number | null): boolean {
  if (reference === null) return true;
  const signed = direction === 'min' ? -Math.abs(minDelta) : Math.abs(minDelta);
  const a = Math.fround(current - signed);
  const b = Math.fround(reference);
  return direction === 'min' ? a < b : a > b;
}

export function validateMode(className: string, mode: unknown): MonitorMode {
  if (mode !== 'auto' && mode !== 'min' && mode !== 'max') {
    throw new InvalidArgumentError('mode', mode, "'auto', 'min' or 'max'", className);
  }
  return mode;
}

export function validateMonitor(className: string, monitor: unknown): string {
  if (typeof monitor !== 'string' || monitor === '') throw new InvalidArgumentError('monitor', monitor, 'a metric name such as \'val_loss\'', className);
  return monitor;
}

export function validateNonNegativeInt(className: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new InvalidArgumentError(name, value, 'a non-negative integer', className);
  }
  return value;
}

export function validateFinite(className: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidArgumentError(name, value, 'a finite number', className);
  return value;
}

export function validateVerbose(className: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new InvalidArgumentError('verbose', value, '0 or 1', className);
  return value;
}

