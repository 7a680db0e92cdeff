/**
 * Keras 3 initializers: classes, camelCase factories (`initializers.heNormal({ seed })`), and lookup by
 * name or config (`getInitializer`).
 */

import type { ConstantOptions } from './constant.js';
import { Constant, Ones, Zeros } from './constant.js';
import type { IdentityOptions } from './identity.js';
import { Identity } from './identity.js';
import type { OrthogonalOptions } from './orthogonal.js';
import { Orthogonal } from './orthogonal.js';
import type { RandomNormalOptions, RandomUniformOptions } from './random.js';
import { RandomNormal, RandomUniform, TruncatedNormal } from './random.js';
import { deserializeInitializer, getInitializer, serializeInitializer } from './registry.js';
import type { FanAxesOptions, VarianceScalingOptions } from './variance-scaling.js';
import {
  GlorotNormal,
  GlorotUniform,
  HeNormal,
  HeUniform,
  LecunNormal,
  LecunUniform,
  VarianceScaling,
} from './variance-scaling.js';

export { Initializer, INITIALIZERS_MODULE } from './initializer.js';
export type { InitializerFunction } from './initializer.js';
export { Constant, Ones, Zeros } from './constant.js';
export type { ConstantOptions } from './constant.js';
export { Identity } from './identity.js';
export type { IdentityOptions } from './identity.js';
export { Orthogonal, householderQr } from './orthogonal.js';
export type { OrthogonalOptions } from './orthogonal.js';
export { RandomInitializer, RandomNormal, RandomUniform, TruncatedNormal } from './random.js';
export type { RandomNormalOptions, RandomUniformOptions, SeedOptions } from './random.js';
export {
  DISTRIBUTIONS,
  FAN_MODES,
  GlorotNormal,
  GlorotUniform,
  HeNormal,
  HeUniform,
  LecunNormal,
  LecunUniform,
  TRUNCATED_NORMAL_STD,
  VarianceScaling,
} from './variance-scaling.js';
export type { FanAxesOptions, FanMode, VarianceScalingDistribution, VarianceScalingOptions } from './variance-scaling.js';
export { computeFans } from './fans.js';
export type { Fans } from './fans.js';
export {
  FunctionInitializer,
  INITIALIZER_NAMES,
  TensorInitializer,
  UNSUPPORTED_KERAS_INITIALIZER_NAMES,
  deserializeInitializer,
  getInitializer,
  serializeInitializer,
} from './registry.js';
export type { InitializerIdentifier } from './registry.js';
export type { InitializerSeed } from './options.js';

/** All zeros. @example `initializers.zeros().call([3])` */
export function zeros(): Zeros {
  return new Zeros();
}

/** All ones. @example `initializers.ones().call([3])` */
export function ones(): Ones {
  return new Ones();
}

/** Every element `value`. @example `initializers.constant({ value: 0.1 })` */
export function constant(options: ConstantOptions = {}): Constant {
  return new Constant(options);
}

/** Normal samples (mean 0, stddev 0.05 by default). @example `initializers.randomNormal({ stddev: 0.02, seed: 1 })` */
export function randomNormal(options: RandomNormalOptions = {}): RandomNormal {
  return new RandomNormal(options);
}

/** Uniform samples in [minval, maxval) (±0.05 by default). @example `initializers.randomUniform({ minval: -1, maxval: 1 })` */
export function randomUniform(options: RandomUniformOptions = {}): RandomUniform {
  return new RandomUniform(options);
}

/** Normal samples truncated at ±2 stddev. @example `initializers.truncatedNormal({ stddev: 0.1, seed: 1 })` */
export function truncatedNormal(options: RandomNormalOptions = {}): TruncatedNormal {
  return new TruncatedNormal(options);
}

/** Glorot/Xavier uniform. @example `initializers.glorotUniform({ seed: 1, inputAxes: [0, 1], outputAxes: [0, 1, 3] })` */
export function glorotUniform(options: FanAxesOptions = {}): GlorotUniform {
  return new GlorotUniform(options);
}

/** Glorot/Xavier (truncated) normal. @example `initializers.glorotNormal({ seed: 1 })` */
export function glorotNormal(options: FanAxesOptions = {}): GlorotNormal {
  return new GlorotNormal(options);
}

/** He uniform. @example `initializers.heUniform({ seed: 1 })` */
export function heUniform(options: FanAxesOptions = {}): HeUniform {
  return new HeUniform(options);
}

/** He (truncated) normal. @example `initializers.heNormal({ seed: 1 })` */
export function heNormal(options: FanAxesOptions = {}): HeNormal {
  return new HeNormal(options);
}

/** LeCun uniform. @example `initializers.lecunUniform({ seed: 1 })` */
export function lecunUniform(options: FanAxesOptions = {}): LecunUniform {
  return new LecunUniform(options);
}

/** LeCun (truncated) normal. @example `initializers.lecunNormal({ seed: 1 })` */
export function lecunNormal(options: FanAxesOptions = {}): LecunNormal {
  return new LecunNormal(options);
}

/** Variance scaling. @example `initializers.varianceScaling({ scale: 2, mode: 'fan_out', distribution: 'uniform' })` */
export function varianceScaling(options: VarianceScalingOptions = {}): VarianceScaling {
  return new VarianceScaling(options);
}

/** Orthogonal matrix times `gain`. @example `initializers.orthogonal({ gain: 1, seed: 1 })` */
export function orthogonal(options: OrthogonalOptions = {}): Orthogonal {
  return new Orthogonal(options);
}

/** Identity matrix times `gain` (2-D shapes only). @example `initializers.identity({ gain: 2 })` */
export function identity(options: IdentityOptions = {}): Identity {
  return new Identity(options);
}

/**
 * The factories under Keras's names (camelCased), plus `get`, `serialize` and `deserialize`.
 *
 * @example
 * ```ts
 * import { initializers } from './initializers/index.js';
 * const kernel = initializers.heNormal({ seed: 1 }).call([3, 3, 32, 1]);
 * const bias = initializers.get('zeros').call([32]);
 * ```
 */
export const initializers = Object.freeze({
  zeros,
  ones,
  constant,
  randomNormal,
  randomUniform,
  truncatedNormal,
  glorotUniform,
  glorotNormal,
  heUniform,
  heNormal,
  lecunUniform,
  lecunNormal,
  varianceScaling,
  orthogonal,
  identity,
  get: getInitializer,
  serialize: serializeInitializer,
  deserialize: deserializeInitializer,
});
