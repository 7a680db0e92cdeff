/**
 * The resource budget for untrusted model files: how many bytes of weights a file may declare or hold,
 * how many layers its config may list and how large its JSON may be. Every loader checks a declared size
 * against the budget before allocating anything for it, so a 40 kB file that claims 17 GB of weights is
 * refused in milliseconds. Sizes are computed in doubles from integers checked one by one: a product can
 * grow to Infinity but never wraps around, so an absurd shape can only ever look too large.
 */

import { InvalidArgumentError } from '../errors.js';
import { checkOptions } from '../utils/option-keys.js';
import { ModelFileError } from './errors.js';

/** Limits on what one file may make the loader allocate; each defaults to {@link DEFAULT_LIMITS}. */
export interface LoadLimits {
  /**
   * Bytes of weights (and optimizer state) a file may declare in its config or hold in its weight data.
   * Default 2 GiB.
   */
  maxBytes?: number;
  /**
   * Layers, and layer calls, in one model config. Default 10,000: ten times the largest keras.applications
   * models (about 1,000 layers). A `.keras` file of 10,000 Dense and ReLU layers loads in 2.4 s (5.6 s as a
   * process's first load) on 2 shared cores at a load average of 7 to 8, most of it in the HDF5 library.
   */
  maxLayers?: number;
  /** Bytes of JSON (`config.json`, `model.json`, Keras 2's `model_config`). Default 16 MiB. */
  maxConfigBytes?: number;
}

/** Deflate's ceiling: no stream inflates to more than about 1032 times its size (a run of zeros does). */
export const DEFLATE_CEILING = 1032;

const GiB = 2 ** 30;
const MiB = 2 ** 20;

/** About ten times the largest real models we know of, small enough that refusing an absurd file is instant. */
export const DEFAULT_LIMITS: Readonly<Required<LoadLimits>> = Object.freeze({ maxBytes: 2 * GiB, maxLayers: 10_000, maxConfigBytes: 16 * MiB });

const LIMIT_KEYS = Object.keys(DEFAULT_LIMITS) as (keyof LoadLimits)[];

/** HDF5 and zip framing allowed per layer on top of the weights: object headers, names, attributes. */
const FRAMING_PER_LAYER = 16 * 1024;

/** Byte counts for messages, to 3 significant digits ("17.2 GB", "412 kB"). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return 'more than 1e308 bytes';
  if (n >= 1e15) return `${n.toExponential(2)} bytes`;
  for (const [unit, size] of [['TB', 1e12], ['GB', 1e9], ['MB', 1e6], ['kB', 1e3]] as const) if (n >= size) return `${Number((n / size).toPrecision(3))} ${unit}`;
  return `${n} bytes`;
}

/** A limit as it was most likely set: exact binary units when it is a multiple of one ("2 GiB"). */
export function formatLimit(n: number): string {
  for (const [unit, size] of [['GiB', GiB], ['MiB', MiB], ['KiB', 1024]] as const) if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  return formatBytes(n);
}

/**
 * The number of elements of a shape, or NaN when a dimension is not a non-negative integer. Doubles keep
 * the product exact below 2^53 and saturate to Infinity above, so a comparison with a limit stays right.
 */
export function elementCount(shape: readonly unknown[]): number {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) return NaN;
    n *= d;
  }
  return n;
}

/**
 * A validated set of limits, and the wording of every refusal that names one.
 *
 * @example
 * ```ts
 * const budget = LoadBudget.from({ maxBytes: 8 * 2 ** 30 }, 'loadModel');
 * budget.checkWeightBytes('model.keras', 'the config', 17.2e9); // throws: ... the limit is 8 GiB ...
 * ```
 */
export class LoadBudget {
  private constructor(
    readonly maxBytes: number,
    readonly maxLayers: number,
    readonly maxConfigBytes: number,
  ) {}

  static readonly DEFAULT = new LoadBudget(DEFAULT_LIMITS.maxBytes, DEFAULT_LIMITS.maxLayers, DEFAULT_LIMITS.maxConfigBytes);

  /**
   * The budget of a loader's options, refusing unknown keys and values that are not positive integers.
   * `otherKeys` are the loader's own options (such as `compile`), allowed beside the limits.
   */
  static from(options: unknown, context: string, otherKeys: readonly string[] = []): LoadBudget {
    if (options === undefined) return LoadBudget.DEFAULT;
    checkOptions(options, [...otherKeys, ...LIMIT_KEYS], context);
    const given = options as Record<string, unknown>;
    const value = (key: keyof LoadLimits): number => {
      const v = given[key];
      if (v === undefined) return DEFAULT_LIMITS[key];
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new InvalidArgumentError(key, v, 'a positive integer (at most 2^53 - 1)', context);
      return v;
    };
    return new LoadBudget(value('maxBytes'), value('maxLayers'), value('maxConfigBytes'));
  }

  /** The largest model or weights file worth reading: the weights, the config and generous framing. */
  get maxFileBytes(): number {
    return this.maxBytes + this.maxConfigBytes + this.maxLayers * FRAMING_PER_LAYER;
  }

  /**
   * Refuses `bytes` of weights that `what` declares or holds, when over `maxBytes`; `atLeast` when counting
   * stopped there, `detail` (in parentheses) says more.
   */
  checkWeightBytes(file: string, what: string, bytes: number, detail = '', atLeast = false): void {
    if (bytes <= this.maxBytes) return;
    throw new ModelFileError(file, `${what} declares ${atLeast ? 'at least ' : ''}${formatBytes(bytes)} of weights${detail === '' ? '' : ` (${detail})`}; the limit is ${formatLimit(this.maxBytes)}; pass { maxBytes } to raise it`);
  }

  checkLayers(file: string, what: string, count: number): void {
    if (count <= this.maxLayers) return;
    throw new ModelFileError(file, `${what} lists ${count} layers; the limit is ${this.maxLayers}; pass { maxLayers } to raise it`);
  }

  checkConfigBytes(file: string, what: string, bytes: number): void {
    if (bytes <= this.maxConfigBytes) return;
    throw new ModelFileError(file, `${what} is ${formatBytes(bytes)}; the limit is ${formatLimit(this.maxConfigBytes)}; pass { maxConfigBytes } to raise it`);
  }

  checkFileBytes(file: string, bytes: number): void {
    if (bytes <= this.maxFileBytes) return;
    throw new ModelFileError(
      file,
      `is ${formatBytes(bytes)}, more than any file within the limits can be (${formatBytes(this.maxFileBytes)} for ${formatLimit(this.maxBytes)} of weights); pass { maxBytes } to raise it`,
    );
  }
}
