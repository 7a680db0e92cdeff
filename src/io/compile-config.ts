/** Keras's `compile_config` in `config.json`: the optimizer, loss and metrics, so a loaded model resumes training. */

import type { Model } from '../models/model.js';
import type { Config, ConfigValue } from '../serialization/keras-object.js';
import type { CompileOptions, LossSpec, MetricsSpec } from '../training/trainer.js';
import type { OptimizerIdentifier } from '../training/optimizers/index.js';
import { getOptimizer } from '../training/optimizers/index.js';

/** A loss or metric spec as Keras writes it (names, serialized objects, and lists/dicts of them), or undefined when some part cannot be. */
function serializable(value: unknown): ConfigValue | undefined {
  if (typeof value === 'string' || typeof value === 'number' || value === null) return value;
  if (typeof value === 'object' && typeof (value as { serialize?: unknown }).serialize === 'function') {
    return (value as { serialize(): ConfigValue }).serialize();
  }
  if (Array.isArray(value)) {
    const items = value.map(serializable);
    return items.some((v) => v === undefined) ? undefined : (items as ConfigValue[]);
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const items = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, serializable(v)] as const);
    return items.some(([, v]) => v === undefined) ? undefined : (Object.fromEntries(items) as ConfigValue);
  }
  return undefined;
}

/** An optional spec: null when not given or not serializable (Keras then rebuilds without it). */
function optional(value: unknown): ConfigValue {
  const serialized = value === undefined ? null : serializable(value);
  return serialized === undefined || (Array.isArray(serialized) && serialized.length === 0) ? null : serialized;
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
  return {
    optimizer: optimizer.serialize(),
    loss,
    loss_weights: optional(compiled.lossWeights),
    metrics: optional(compiled.metrics),
    weighted_metrics: optional(compiled.weightedMetrics),
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
}

/** Compiles `model` from a compile_config; returns why not when it cannot (Keras warns and goes on uncompiled). */
export function applyCompileConfig(model: Model, config: unknown): string | null {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return null;
  const { optimizer, loss, metrics, loss_weights: lossWeights, weighted_metrics: weightedMetrics } = config as Record<string, unknown>;
  if (optimizer === undefined || loss === undefined || loss === null) return null;
  try {
    const options: CompileOptions = {
      optimizer: getOptimizer(optimizer as OptimizerIdentifier),
      loss: loss as LossSpec,
      ...(lossWeights === null || lossWeights === undefined ? {} : { lossWeights: lossWeights as CompileOptions['lossWeights'] }),
      ...(metrics === null || metrics === undefined ? {} : { metrics: metrics as MetricsSpec }),
      ...(weightedMetrics === null || weightedMetrics === undefined ? {} : { weightedMetrics: weightedMetrics as MetricsSpec }),
    };
    model.compile(options);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
