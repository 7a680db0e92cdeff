/** Keras's `compile_config` in `config.json`: the optimizer, loss and metrics, so a loaded model resumes training. */

import type { Model } from '../models/model.js';
import type { Config, ConfigValue } from '../serialization/keras-object.js';
import type { CompileOptions } from '../training/trainer.js';
import type { LossIdentifier } from '../training/losses/index.js';
import type { MetricIdentifier } from '../training/metrics/index.js';
import type { OptimizerIdentifier } from '../training/optimizers/index.js';
import { getOptimizer } from '../training/optimizers/index.js';

function serializable(value: unknown): ConfigValue | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { serialize?: unknown }).serialize === 'function') {
    return (value as { serialize(): ConfigValue }).serialize();
  }
  return undefined;
}

/**
 * Keras's compile_config for a compiled model, or null (uncompiled, or a loss given as a bare function,
 * which Keras also cannot serialize without registration).
 */
export function compileConfigOf(model: Model): Config | null {
  const compiled = model.compiledWith;
  const optimizer = model.optimizer;
  if (compiled === null || optimizer === null) return null;
  const loss = serializable(compiled.loss);
  if (loss === undefined) return null;
  const metrics = compiled.metrics.map(serializable);
  return {
    optimizer: optimizer.serialize(),
    loss,
    loss_weights: null,
    metrics: metrics.length === 0 || metrics.some((m) => m === undefined) ? null : (metrics as ConfigValue[]),
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
}

/** Compiles `model` from a compile_config; returns why not when it cannot (Keras warns and goes on uncompiled). */
export function applyCompileConfig(model: Model, config: unknown): string | null {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return null;
  const { optimizer, loss, metrics } = config as Record<string, unknown>;
  if (optimizer === undefined || loss === undefined || loss === null) return null;
  try {
    const options: CompileOptions = {
      optimizer: getOptimizer(optimizer as OptimizerIdentifier),
      loss: loss as LossIdentifier,
      metrics: Array.isArray(metrics) ? (metrics as MetricIdentifier[]) : undefined,
    };
    model.compile(options);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
