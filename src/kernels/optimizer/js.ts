/** The optimizer loops on typed arrays (see `index.ts`); the arithmetic order is Keras 3's. */

import type { FloatArray } from '../../engine/dtype.js';
import type { ClipRule, UpdateRule } from './rules.js';

function sumOfSquares(g: FloatArray): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return s;
}

/** Keras's `_clip_gradients` into fresh arrays (each in its gradient's dtype); the inputs are not touched. */
export function clipGradients(rule: ClipRule, grads: readonly FloatArray[], out: readonly FloatArray[]): void {
  if (rule.kind === 'norm') {
    const c = rule.clipnorm;
    grads.forEach((g, k) => {
      const l2sum = sumOfSquares(g);
      // Keras's guard: a zero norm stays zero (no 0/0); then values * c / max(norm, c).
      const l2norm = l2sum > 0 ? Math.sqrt(l2sum) : l2sum;
      const denom = Math.max(l2norm, c);
      const o = out[k];
      for (let i = 0; i < g.length; i++) o[i] = (g[i] * c) / denom;
    });
    return;
  }
  if (rule.kind === 'globalNorm') {
    const c = rule.clipnorm;
    let squared = 0;
    for (const g of grads) squared += sumOfSquares(g);
    const norm = Math.sqrt(squared);
    // Keras's clip_by_global_norm: c * min(1/norm, 1/c), plus (norm - norm) so a non-finite norm gives NaN.
    const scale = c * Math.min(1 / norm, 1 / c) + (norm - norm);
    grads.forEach((g, k) => {
      const o = out[k];
      for (let i = 0; i < g.length; i++) o[i] = g[i] * scale;
    });
    return;
  }
  const v = rule.clipvalue;
  grads.forEach((g, k) => {
    const o = out[k];
    // Math.max/min propagate NaN, as jnp.clip does.
    for (let i = 0; i < g.length; i++) o[i] = Math.min(Math.max(g[i], -v), v);
  });
}

export function decay(w: FloatArray, weightDecay: number, learningRate: number): void {
  for (let j = 0; j < w.length; j++) w[j] = w[j] - w[j] * weightDecay * learningRate;
}

export function update(rule: UpdateRule, w: FloatArray, g: FloatArray, slots: readonly FloatArray[]): void {
  switch (rule.kind) {
    case 'sgd':
      return sgd(rule, w, g, slots);
    case 'adam':
      return adam(rule, w, g, slots);
    case 'rmsprop':
      return rmsprop(rule, w, g, slots);
    case 'adagrad':
      return adagrad(rule, w, g, slots);
    default:
      return rule satisfies never;
  }
}

function sgd(rule: Extract<UpdateRule, { kind: 'sgd' }>, w: FloatArray, g: FloatArray, slots: readonly FloatArray[]): void {
  const lr = rule.learningRate;
  if (rule.momentum === 0) {
    for (let i = 0; i < w.length; i++) w[i] = w[i] - g[i] * lr;
    return;
  }
  const m = slots[0];
  const momentum = rule.momentum;
  for (let i = 0; i < w.length; i++) {
    m[i] = m[i] * momentum - g[i] * lr;
    w[i] = rule.nesterov ? w[i] + (m[i] * momentum - g[i] * lr) : w[i] + m[i];
  }
}

function adam(rule: Extract<UpdateRule, { kind: 'adam' }>, w: FloatArray, g: FloatArray, slots: readonly FloatArray[]): void {
  const { alpha, oneMinusBeta1, oneMinusBeta2, epsilon } = rule;
  const [m, v] = slots;
  const vHat = rule.amsgrad ? slots[2] : null;
  for (let i = 0; i < w.length; i++) {
    m[i] = m[i] + (g[i] - m[i]) * oneMinusBeta1;
    v[i] = v[i] + (g[i] * g[i] - v[i]) * oneMinusBeta2;
    let denomV = v[i];
    if (vHat !== null) {
      vHat[i] = Math.max(vHat[i], v[i]);
      denomV = vHat[i];
    }
    w[i] = w[i] - (m[i] * alpha) / (Math.sqrt(denomV) + epsilon);
  }
}

function rmsprop(rule: Extract<UpdateRule, { kind: 'rmsprop' }>, w: FloatArray, g: FloatArray, slots: readonly FloatArray[]): void {
  const { learningRate: lr, rho, epsilon: eps } = rule;
  const oneMinusRho = 1 - rho;
  const velocity = slots[0];
  let next = 1;
  const mom = rule.momentum > 0 ? slots[next++] : null;
  const avg = rule.centered ? slots[next] : null;
  for (let i = 0; i < w.length; i++) {
    velocity[i] = rho * velocity[i] + oneMinusRho * (g[i] * g[i]);
    let denominator: number;
    if (avg !== null) {
      avg[i] = rho * avg[i] + oneMinusRho * g[i];
      denominator = velocity[i] - avg[i] * avg[i] + eps;
    } else {
      denominator = velocity[i] + eps;
    }
    const increment = (lr * g[i]) / Math.sqrt(denominator);
    if (mom !== null) {
      mom[i] = rule.momentum * mom[i] + increment;
      w[i] = w[i] - mom[i];
    } else {
      w[i] = w[i] - increment;
    }
  }
}

function adagrad(rule: Extract<UpdateRule, { kind: 'adagrad' }>, w: FloatArray, g: FloatArray, slots: readonly FloatArray[]): void {
  const { learningRate: lr, epsilon } = rule;
  const acc = slots[0];
  for (let i = 0; i < w.length; i++) {
    acc[i] = acc[i] + g[i] * g[i];
    w[i] = w[i] - (lr * g[i]) / Math.sqrt(acc[i] + epsilon);
  }
}
