/**
 * Seeded random numbers with Keras 3's seeding model.
 *
 * Keras's random ops are stateless: a draw is a pure function of a seed *pair* `[seed, counter]`. An integer
 * `seed` always means the pair `[seed, 0]`, so the same integer gives the same values on every call; a
 * {@link SeedGenerator} hands out `[seed, 0]`, `[seed, 1]`, ... so each call differs; no seed draws from a
 * global generator. We mirror that with the Philox4x32-10 counter-based generator (the one TensorFlow and
 * JAX's `rbg` use): the seed is the 64-bit key, the pair's counter selects an independent stream, so every
 * `[seed, counter]` pair is a reproducible, independent sequence with no state shared between draws.
 *
 * The global side mirrors `keras.utils.set_random_seed`: it reseeds the source of default seeds (Keras uses
 * Python's `random` for `make_default_seed()`) and forgets the global `SeedGenerator` so it is rebuilt from
 * the new seed.
 */

import { InvalidArgumentError } from '../errors.js';
import type { Config, SerializedKerasObject } from '../serialization/keras-object.js';
import { serializeKerasObject } from '../serialization/keras-object.js';
import type { FloatArray, FloatDType } from './dtype.js';
import { FLOAT_DTYPES, allocArray, parseDType } from './dtype.js';
import { assertValidShape, sizeOf } from './shape.js';
import type { Tensor } from './tensor.js';
import { tensorFromArray } from './tensor.js';

// Philox4x32 multipliers and Weyl key increments (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3").
const PHILOX_M0 = 0xd2511f53;
const PHILOX_M1 = 0xcd9e8d57;
const PHILOX_W0 = 0x9e3779b9;
const PHILOX_W1 = 0xbb67ae85;
const TWO_POW_32 = 4294967296;
const TWO_POW_NEG_53 = 1 / 9007199254740992;

/**
 * High 32 bits of the 64-bit product of two uint32s. Doubles hold only 53 bits exactly, so one factor is
 * split into 16-bit halves: each partial product stays below 2^48.
 */
function mulhi32(a: number, b: number): number {
  const aHi = a >>> 16;
  const aLo = a & 0xffff;
  const low = aLo * b; // < 2^48, exact
  const mid = aHi * b + Math.floor(low / 65536); // < 2^48 + 2^32, exact
  return Math.floor(mid / 65536) >>> 0;
}

/**
 * One Philox4x32-10 block: encrypts the 128-bit counter `c` under the 64-bit key `k` into `out`.
 *
 * @example
 * ```ts
 * const out = new Uint32Array(4);
 * philox4x32(new Uint32Array(4), new Uint32Array(2), out); // 0x6627e8d5, 0xe169c58d, ...
 * ```
 */
export function philox4x32(c: ArrayLike<number>, k: ArrayLike<number>, out: Uint32Array): void {
  let c0 = c[0] >>> 0;
  let c1 = c[1] >>> 0;
  let c2 = c[2] >>> 0;
  let c3 = c[3] >>> 0;
  let k0 = k[0] >>> 0;
  let k1 = k[1] >>> 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi32(PHILOX_M0, c0);
    const lo0 = Math.imul(PHILOX_M0, c0) >>> 0;
    const hi1 = mulhi32(PHILOX_M1, c2);
    const lo1 = Math.imul(PHILOX_M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + PHILOX_W0) >>> 0;
    k1 = (k1 + PHILOX_W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/** The low and high 32-bit words of an integer's 64-bit two's complement (exact for safe integers). */
function splitWords(value: number): [number, number] {
  return [value >>> 0, Math.floor(value / TWO_POW_32) >>> 0];
}

/** A Keras seed pair `[seed, counter]`, as `SeedGenerator.next()` returns and `draw_seed(int)` builds. */
export type SeedState = readonly [seed: number, counter: number];

/**
 * A reproducible stream of random numbers for one seed pair.
 *
 * The stream is Philox4x32-10 with key = `seed` and counter = (block index, `stream`), so two streams with
 * different `stream` values are independent even for the same seed.
 *
 * @example
 * ```ts
 * const rng = new Random(42);
 * rng.nextDouble(); // same value on every run
 * rng.nextNormal();
 * ```
 */
export class Random {
  private readonly key: Uint32Array;
  private readonly counter = new Uint32Array(4);
  private readonly block = new Uint32Array(4);
  private blockIndex = 0;
  private used = 4;
  /** Box–Muller yields normals in pairs; the second is kept for the next call, per instance only. */
  private spareNormal: number | null = null;

  /** @param seed a safe integer (the Philox key); @param stream a safe integer selecting the sub-stream. */
  constructor(seed: number, stream = 0) {
    checkSeedInteger(seed, 'seed');
    checkSeedInteger(stream, 'stream');
    this.key = new Uint32Array(splitWords(seed));
    const [s0, s1] = splitWords(stream);
    this.counter[2] = s0;
    this.counter[3] = s1;
  }

  /** A fresh stream for a Keras seed pair. */
  static fromState(state: SeedState): Random {
    return new Random(state[0], state[1]);
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    if (this.used === 4) {
      const index = this.blockIndex++;
      this.counter[0] = index >>> 0;
      this.counter[1] = Math.floor(index / TWO_POW_32) >>> 0;
      philox4x32(this.counter, this.key, this.block);
      this.used = 0;
    }
    return this.block[this.used++];
  }

  /** A uniform double in [0, 1) with 53 random bits (two 32-bit draws: 27 high bits + 26 low bits). */
  nextDouble(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) * TWO_POW_NEG_53;
  }

  /** A standard normal sample (Box–Muller; the paired sample is returned by the next call). */
  nextNormal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    // 1 - u lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.nextDouble()));
    const angle = 2 * Math.PI * this.nextDouble();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /**
   * A standard normal sample conditioned on |z| < 2: out-of-range draws are discarded and re-drawn, as
   * `keras.random.truncated_normal` does (jax: `truncated_normal(lower=-2, upper=2)`).
   */
  nextTruncatedNormal(): number {
    for (;;) {
      const z = this.nextNormal();
      if (z > -2 && z < 2) return z;
    }
  }
}

function checkSeedInteger(value: unknown, argument: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new InvalidArgumentError(argument, value, 'a safe integer');
  }
}

// ---------------------------------------------------------------------------------------------------------
// Global seeding (keras.utils.set_random_seed / make_default_seed / global SeedGenerator)
// ---------------------------------------------------------------------------------------------------------

/** Start-up entropy when no seed was set, so unseeded programs differ from run to run as in Keras. */
function entropySeed(): number {
  const words = new Uint32Array(2);
  const cryptoApi = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (cryptoApi?.getRandomValues) cryptoApi.getRandomValues(words);
  else {
    words[0] = Math.floor(Math.random() * TWO_POW_32);
    words[1] = Math.floor(Math.random() * TWO_POW_32);
  }
  // 53 bits: keeps the value a safe integer.
  return (words[1] & 0x1fffff) * TWO_POW_32 + words[0];
}

/** Stream id of the default-seed source, so it never coincides with a `SeedGenerator` stream of the same seed. */
const DEFAULT_SEED_STREAM = 0x6b657261; // "kera"

let explicitSeed: number | null = null;
let defaultSeedSource = new Random(entropySeed(), DEFAULT_SEED_STREAM);
let globalGenerator: SeedGenerator | null = null;

/**
 * Makes every later unseeded random draw reproducible, like `keras.utils.set_random_seed(seed)`: reseeds the
 * source of default seeds (used by unseeded initializers and `SeedGenerator`s) and resets the global
 * generator used by unseeded `sample*` calls.
 *
 * @example
 * ```ts
 * setRandomSeed(42);
 * const a = initializers.glorotUniform().call([3, 3]);
 * setRandomSeed(42);
 * const b = initializers.glorotUniform().call([3, 3]); // bit-identical to a
 * ```
 */
export function setRandomSeed(seed: number): void {
  checkSeedInteger(seed, 'seed');
  explicitSeed = seed;
  defaultSeedSource = new Random(seed, DEFAULT_SEED_STREAM);
  globalGenerator = null;
}

/**
 * The seed last passed to {@link setRandomSeed}, or `null` if none was (Keras's `get_random_seed()`).
 *
 * @example
 * ```ts
 * setRandomSeed(7);
 * getRandomSeed(); // 7
 * ```
 */
export function getRandomSeed(): number | null {
  return explicitSeed;
}

/**
 * A fresh integer seed in [1, 1e9] from the global source, as Keras's `make_default_seed()` draws with
 * `random.randint(1, int(1e9))`. Unseeded initializers call this once, at construction.
 *
 * @example
 * ```ts
 * const seed = makeDefaultSeed(); // e.g. 800353099
 * ```
 */
export function makeDefaultSeed(): number {
  return 1 + Math.floor(defaultSeedSource.nextDouble() * 1e9);
}

const generatorNameCounts = new Map<string, number>();

/** Keras's `auto_name`: `seed_generator`, `seed_generator_1`, ... */
function autoName(base: string): string {
  const count = generatorNameCounts.get(base) ?? 0;
  generatorNameCounts.set(base, count + 1);
  return count === 0 ? base : `${base}_${count}`;
}

/**
 * Hands out a new seed pair on every call, like `keras.random.SeedGenerator`: pass one as the `seed` of an
 * initializer or a `sample*` function to get different values each call yet a reproducible sequence.
 *
 * @example
 * ```ts
 * const gen = new SeedGenerator(1337);
 * const a = sampleNormal([2, 3], { seed: gen });
 * const b = sampleNormal([2, 3], { seed: gen }); // differs from a; the pair (a, b) is reproducible
 * gen.nextRandom().nextDouble(); // a raw stream for shuffling or dropout masks
 * ```
 */
export class SeedGenerator {
  readonly name: string;
  /** The seed given to the constructor (`null` when it drew a default seed); what `getConfig` reports. */
  readonly initialSeed: number | null;
  private readonly seedValue: number;
  private counter = 0;

  constructor(seed: number | null = null, name?: string) {
    if (seed !== null) checkSeedInteger(seed, 'seed');
    if (name !== undefined && typeof name !== 'string') throw new InvalidArgumentError('name', name, 'a string');
    this.name = name ?? autoName('seed_generator');
    this.initialSeed = seed;
    this.seedValue = seed ?? makeDefaultSeed();
  }

  /** The pair the next call to {@link next} returns. */
  get state(): SeedState {
    return [this.seedValue, this.counter];
  }

  /** Returns the current seed pair and advances the counter (Keras's `next(ordered=True)`). */
  next(): SeedState {
    const state: SeedState = [this.seedValue, this.counter];
    this.counter++;
    return state;
  }

  /** A fresh {@link Random} stream for the next seed pair. */
  nextRandom(): Random {
    return Random.fromState(this.next());
  }

  /** `{seed, name}` exactly as Keras's `SeedGenerator.get_config()`. */
  getConfig(): Config {
    return { seed: this.initialSeed, name: this.name };
  }

  serialize(): SerializedKerasObject {
    return serializeKerasObject('keras.random', 'SeedGenerator', this.getConfig());
  }

  static fromConfig(config: Config): SeedGenerator {
    for (const key of Object.keys(config)) {
      if (key !== 'seed' && key !== 'name') {
        throw new InvalidArgumentError('config', key, "only the keys 'seed' and 'name'", 'SeedGenerator.fromConfig');
      }
    }
    const seed = config.seed ?? null;
    if (seed !== null && typeof seed !== 'number') throw new InvalidArgumentError('seed', seed, 'an integer or null');
    const name = config.name;
    if (name !== undefined && name !== null && typeof name !== 'string') {
      throw new InvalidArgumentError('name', name, 'a string');
    }
    return new SeedGenerator(seed, name ?? undefined);
  }
}

/**
 * The generator unseeded `sample*` calls draw from; rebuilt from the default-seed source after
 * {@link setRandomSeed}, as Keras rebuilds its global `SeedGenerator`.
 *
 * @example
 * ```ts
 * const pair = globalSeedGenerator().next();
 * ```
 */
export function globalSeedGenerator(): SeedGenerator {
  globalGenerator ??= new SeedGenerator(null, 'global_seed_generator');
  return globalGenerator;
}

/** What a random function accepts as `seed`: an integer (same values every call), a generator, or nothing. */
export type Seed = number | SeedGenerator | null | undefined;

/**
 * Validates a user-supplied seed, naming the argument on failure.
 *
 * @example
 * ```ts
 * parseSeed(3); // 3
 * parseSeed('x'); // throws InvalidArgumentError: invalid `seed`
 * ```
 */
export function parseSeed(value: unknown, argument = 'seed'): number | SeedGenerator | null {
  if (value === undefined || value === null) return null;
  if (value instanceof SeedGenerator) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw new InvalidArgumentError(argument, value, 'an integer, a SeedGenerator, or null');
}

/**
 * The seed pair for one draw, as Keras's `draw_seed`: an integer gives `[seed, 0]` every time, a generator
 * its next pair, and no seed the global generator's next pair.
 *
 * @example
 * ```ts
 * drawSeed(5); // [5, 0]
 * ```
 */
export function drawSeed(seed: Seed): SeedState {
  const parsed = parseSeed(seed);
  if (parsed === null) return globalSeedGenerator().next();
  if (parsed instanceof SeedGenerator) return parsed.next();
  return [parsed, 0];
}

/**
 * A stream for one draw with `seed` (see {@link drawSeed}).
 *
 * @example
 * ```ts
 * const rng = randomFor(new SeedGenerator(1));
 * ```
 */
export function randomFor(seed: Seed): Random {
  return Random.fromState(drawSeed(seed));
}

// ---------------------------------------------------------------------------------------------------------
// Tensor sampling (keras.random.uniform / normal / truncated_normal)
// ---------------------------------------------------------------------------------------------------------

export interface UniformOptions {
  /** Inclusive lower bound (default 0). */
  minval?: number;
  /** Exclusive upper bound (default 1). */
  maxval?: number;
  dtype?: FloatDType;
  seed?: Seed;
}

export interface NormalOptions {
  mean?: number;
  /** Standard deviation (for the truncated normal: before truncation). Default 1. */
  stddev?: number;
  dtype?: FloatDType;
  seed?: Seed;
}

function finiteOption(value: unknown, argument: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidArgumentError(argument, value, 'a finite number');
  }
  return value;
}

function prepare(shape: readonly number[], dtype: unknown): { array: FloatArray; dtype: FloatDType } {
  assertValidShape(shape);
  const floatDType = parseDType(dtype ?? 'float32', 'dtype', FLOAT_DTYPES) as FloatDType;
  return { array: allocArray(floatDType, sizeOf(shape)) as FloatArray, dtype: floatDType };
}

/** Bit views for stepping a float down by one unit in the last place. */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The largest value of the array's float type strictly below `bound` (`bound` itself may not be representable). */
function largestBelow(bound: number, single: boolean): number {
  if (single) {
    f32[0] = bound;
    if (f32[0] < bound) return f32[0];
    if (f32[0] === 0) return -1.401298464324817e-45;
    u32[0] = f32[0] > 0 ? u32[0] - 1 : u32[0] + 1;
    return f32[0];
  }
  if (bound === 0) return -5e-324;
  f64[0] = bound;
  u64[0] = bound > 0 ? u64[0] - 1n : u64[0] + 1n;
  return f64[0];
}

/**
 * Uniform samples in [minval, maxval), as `keras.random.uniform`.
 *
 * @example
 * ```ts
 * const t = sampleUniform([2, 2], { minval: -1, maxval: 1, seed: 3 });
 * ```
 */
export function sampleUniform(shape: readonly number[], options: UniformOptions = {}): Tensor {
  const minval = finiteOption(options.minval, 'minval', 0);
  const maxval = finiteOption(options.maxval, 'maxval', 1);
  if (maxval < minval) throw new InvalidArgumentError('maxval', maxval, `a number >= minval (${minval})`);
  const { array, dtype } = prepare(shape, options.dtype);
  const rng = randomFor(options.seed);
  const range = maxval - minval;
  const ceiling = largestBelow(maxval, dtype === 'float32');
  for (let i = 0; i < array.length; i++) {
    array[i] = minval + rng.nextDouble() * range;
    // Rounding (to float32, or of minval + u*range) can reach maxval; keep the half-open interval.
    if (array[i] >= maxval && range > 0) array[i] = ceiling;
  }
  return tensorFromArray(array, shape, dtype);
}

/**
 * Normal samples, as `keras.random.normal`.
 *
 * @example
 * ```ts
 * const t = sampleNormal([100], { mean: 0, stddev: 0.05, seed: 1 });
 * ```
 */
export function sampleNormal(shape: readonly number[], options: NormalOptions = {}): Tensor {
  const mean = finiteOption(options.mean, 'mean', 0);
  const stddev = finiteOption(options.stddev, 'stddev', 1);
  const { array, dtype } = prepare(shape, options.dtype);
  const rng = randomFor(options.seed);
  for (let i = 0; i < array.length; i++) array[i] = mean + stddev * rng.nextNormal();
  return tensorFromArray(array, shape, dtype);
}

/**
 * Normal samples re-drawn until within two standard deviations of the mean, as
 * `keras.random.truncated_normal`; `stddev` is the pre-truncation value, so the realised standard deviation
 * is about `0.87962566 * stddev`.
 *
 * @example
 * ```ts
 * const t = sampleTruncatedNormal([3, 3], { stddev: 0.05, seed: 2 }); // all |t| < 0.1
 * ```
 */
export function sampleTruncatedNormal(shape: readonly number[], options: NormalOptions = {}): Tensor {
  const mean = finiteOption(options.mean, 'mean', 0);
  const stddev = finiteOption(options.stddev, 'stddev', 1);
  const { array, dtype } = prepare(shape, options.dtype);
  const rng = randomFor(options.seed);
  for (let i = 0; i < array.length; i++) array[i] = mean + stddev * rng.nextTruncatedNormal();
  return tensorFromArray(array, shape, dtype);
}
