/** What the inference-fusion tests share: non-trivial batch-norm statistics and the unfused reference. */
import type { BatchNormalization, Layer, Tensor } from '../../src/index.js';
import { tensor } from '../../src/index.js';
import { mulberry32, randomArray } from './close.js';

/** Gives a batch normalization non-trivial statistics, so the folded scale and shift matter. */
export function randomizeBatchNorm(bn: BatchNormalization, seed: number): void {
  const rng = mulberry32(seed);
  for (const v of [bn.gamma, bn.beta, bn.movingMean, bn.movingVariance]) {
    if (v === null) continue;
    const values = randomArray(v.size, rng).map((x, i) => (v === bn.movingVariance ? 0.5 + Math.abs(x) : x + i * 0.01));
    v.assign(tensor(values, v.shape, v.dtype));
  }
}

/** Layer-by-layer reference: each layer's own `apply`, which never fuses. */
export function unfused(layers: readonly Layer[], x: Tensor): Tensor {
  return layers.reduce((value, layer) => layer.apply(value, { training: false }), x);
}
