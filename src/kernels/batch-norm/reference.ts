/**
 * Naive float64 reference for batch normalization, for tests only (not re-exported).
 *
 * Straight from the definitions and sharing no code with `js.ts`: each channel's members are gathered by
 * index arithmetic on the full shape, statistics use fresh float64 sums, and the input gradient is the
 * explicit Jacobian–vector product `dx_i = Σ_j dy_j ∂y_j/∂x_i` with
 * `∂y_j/∂x_i = gamma * invstd * (δ_ij − 1/M − xhat_i * xhat_j / M)`, O(M²) per channel, rather than the
 * kernels' factored closed form, so the two cannot share a mistake.
 */

export interface ReferenceBatchNorm {
  y: Float64Array;
  mean: Float64Array;
  variance: Float64Array;
}

export interface ReferenceBatchNormGrads {
  dx: Float64Array;
  dgamma: Float64Array;
  dbeta: Float64Array;
}

/** Flat indices of each channel's members, channel by channel. */
function members(shape: readonly number[], axis: number): number[][] {
  const a = axis < 0 ? axis + shape.length : axis;
  const channels = shape[a];
  const inner = shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const total = shape.reduce((p, d) => p * d, 1);
  const groups = Array.from({ length: channels }, () => [] as number[]);
  for (let i = 0; i < total; i++) groups[Math.floor(i / inner) % channels].push(i);
  return groups;
}

function statistics(x: ArrayLike<number>, group: readonly number[]): [number, number] {
  let s = 0;
  for (const i of group) s += x[i];
  const m = s / group.length;
  let v = 0;
  for (const i of group) v += (x[i] - m) ** 2;
  return [m, v / group.length];
}

/** Training-mode forward; `gamma`/`beta` null mean 1/0. */
export function referenceBatchNormTraining(
  x: ArrayLike<number>,
  shape: readonly number[],
  axis: number,
  gamma: ArrayLike<number> | null,
  beta: ArrayLike<number> | null,
  epsilon: number,
): ReferenceBatchNorm {
  const groups = members(shape, axis);
  const y = new Float64Array(x.length);
  const mean = new Float64Array(groups.length);
  const variance = new Float64Array(groups.length);
  groups.forEach((group, c) => {
    const [m, v] = statistics(x, group);
    mean[c] = m;
    variance[c] = v;
    for (const i of group) y[i] = (gamma ? gamma[c] : 1) * ((x[i] - m) / Math.sqrt(v + epsilon)) + (beta ? beta[c] : 0);
  });
  return { y, mean, variance };
}

/** Training-mode gradients through the batch statistics, by the explicit Jacobian. */
export function referenceBatchNormTrainingBackward(
  x: ArrayLike<number>,
  shape: readonly number[],
  axis: number,
  gamma: ArrayLike<number> | null,
  epsilon: number,
  dy: ArrayLike<number>,
): ReferenceBatchNormGrads {
  const groups = members(shape, axis);
  const dx = new Float64Array(x.length);
  const dgamma = new Float64Array(groups.length);
  const dbeta = new Float64Array(groups.length);
  groups.forEach((group, c) => {
    const [m, v] = statistics(x, group);
    const invstd = 1 / Math.sqrt(v + epsilon);
    const g = gamma ? gamma[c] : 1;
    const M = group.length;
    const xhat = (i: number) => (x[i] - m) * invstd;
    for (const j of group) {
      dbeta[c] += dy[j];
      dgamma[c] += dy[j] * xhat(j);
    }
    for (const i of group) {
      let s = 0;
      for (const j of group) s += dy[j] * g * invstd * ((i === j ? 1 : 0) - 1 / M - (xhat(i) * xhat(j)) / M);
      dx[i] = s;
    }
  });
  return { dx, dgamma, dbeta };
}

/** Inference-mode forward with the given moving statistics. */
export function referenceBatchNormInference(
  x: ArrayLike<number>,
  shape: readonly number[],
  axis: number,
  movingMean: ArrayLike<number>,
  movingVariance: ArrayLike<number>,
  gamma: ArrayLike<number> | null,
  beta: ArrayLike<number> | null,
  epsilon: number,
): Float64Array {
  const y = new Float64Array(x.length);
  members(shape, axis).forEach((group, c) => {
    for (const i of group) {
      y[i] = ((gamma ? gamma[c] : 1) * (x[i] - movingMean[c])) / Math.sqrt(movingVariance[c] + epsilon) + (beta ? beta[c] : 0);
    }
  });
  return y;
}
