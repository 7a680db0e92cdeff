/** A synthetic task that needs spatial filtering: vertical vs horizontal stripes hidden in noise. */
import { tensor } from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { mulberry32 } from '../helpers/close.js';

export function stripes(count: number, size: number, seed: number): { x: Tensor; y: Tensor } {
  const rng = mulberry32(seed);
  const x = new Float32Array(count * size * size);
  const y = new Float32Array(count);
  for (let n = 0; n < count; n++) {
    const vertical = rng() < 0.5;
    const phase = Math.floor(rng() * 2);
    y[n] = vertical ? 1 : 0;
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        const stripe = ((vertical ? j : i) + phase) % 2 === 0 ? 1 : -1;
        // Noise as strong as the signal: only a filter that looks across neighbours separates the classes.
        x[(n * size + i) * size + j] = stripe + (rng() * 2 - 1) * 1.0;
      }
    }
  }
  return { x: tensor(x, [count, size, size, 1]), y: tensor(y, [count, 1]) };
}
