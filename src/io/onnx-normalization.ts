/**
 * ONNX emitters of the normalization layers (LayerNormalization, GroupNormalization, UnitNormalization,
 * Normalization). Opset 13 has no LayerNormalization (17) or GroupNormalization (18) operator, and those
 * compute the moments in their own arrangement, so each layer is written out as the elementwise ops and
 * reductions its `call` performs, in the same order: onnxruntime then gives predict's numbers to rounding.
 * Every emitter works in whichever layout its input already has (Keras axes mapped with `physicalAxis`,
 * parameters laid out with `paramFor`), so a normalization between convolutions adds no Transpose.
 */

import type { SymbolicShape } from '../layers/layer.js';
import type { Layer } from '../layers/layer.js';
import { Normalization } from '../layers/preprocessing/normalization.js';
import { EPSILON } from '../config/epsilon.js';
import type { Config } from '../serialization/keras-object.js';
import type { GraphBuilder, Value } from './onnx-graph.js';
import { physicalAxis } from './onnx-graph.js';

/** A Keras `axis` config (an integer or a list) as sorted non-negative axes of a rank-`r` input. */
function axesOf(axis: unknown, r: number): number[] {
  const list = Array.isArray(axis) ? (axis as number[]) : [Number(axis)];
  return [...new Set(list.map((a) => (a < 0 ? a + r : a)))].sort((a, b) => a - b);
}

/** Keras's broadcast shape of a parameter spanning `axes` of `shape` (1 elsewhere). */
function broadcastDims(shape: SymbolicShape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? (d as number) : 1));
}

function weightData(layer: Layer, index: number): Float32Array | Float64Array {
  return layer.weights[index].dataSync() as Float32Array | Float64Array;
}

/**
 * `x · inv + (−mean · inv + beta)` with `inv = gamma / sqrt(var + ε)` (Keras's arrangement, shared by Layer
 * and GroupNormalization): `m` the mean and `d` the deviation `x − m`, reduced over `axes` (physical).
 */
function normalized(g: GraphBuilder, hint: string, x: string, axes: number[], epsilon: number, gamma: string | null, beta: string | null, rms: boolean): string {
  const m = g.op('ReduceMean', [x], hint, { axes, keepdims: 1 });
  const d = g.op('Sub', [x, m], hint);
  const variance = g.op('ReduceMean', [g.op('Mul', [d, d], hint)], hint, { axes, keepdims: 1 });
  let inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.constant(hint, [], [epsilon])], hint)], hint)], hint);
  if (rms) {
    const scaled = g.op('Mul', [x, inv], hint);
    return gamma === null ? scaled : g.op('Mul', [scaled, gamma], hint);
  }
  if (gamma !== null) inv = g.op('Mul', [inv, gamma], hint);
  let res = g.op('Mul', [g.op('Neg', [m], hint), inv], hint);
  if (beta !== null) res = g.op('Add', [res, beta], hint);
  return g.op('Add', [g.op('Mul', [x, inv], hint), res], hint);
}

export function layerNormalization(g: GraphBuilder, layer: Layer, config: Config, x: Value): string {
  const hint = layer.name;
  const axes = axesOf(config.axis, x.shape.length);
  const dims = broadcastDims(x.shape, axes);
  const rms = config.rms_scaling === true;
  let i = 0;
  const gamma = config.scale === true || rms ? g.paramFor(x, hint, dims, weightData(layer, i++)) : null;
  const beta = config.center === true && !rms ? g.paramFor(x, hint, dims, weightData(layer, i)) : null;
  return normalized(g, hint, x.name, axes.map((a) => physicalAxis(x, a)), Number(config.epsilon), gamma, beta, rms);
}

/**
 * The channel axis split into `[groups, C / groups]` with a Reshape (as `call` does), the moments taken over
 * every axis but the batch and the group, and the result reshaped back. Reshape copies the batch size (0)
 * and may infer one other unknown size (-1), so at most one non-batch axis may be unknown.
 */
export function groupNormalization(g: GraphBuilder, layer: Layer, config: Config, x: Value): string {
  const hint = layer.name;
  const r = x.shape.length;
  const groups = Number(config.groups);
  const keras = Number(config.axis) < 0 ? Number(config.axis) + r : Number(config.axis);
  const axis = physicalAxis(x, keras);
  const physical = x.layout === 'keras' ? [...x.shape] : [x.shape[0], x.shape[r - 1], ...x.shape.slice(1, -1)];
  const unknown = physical.slice(1).filter((d) => d === null).length;
  if (unknown > 1) throw new Error(`GroupNormalization needs all but one non-batch size known to reshape; input shape [${x.shape.join(', ')}]`);
  const size = (d: number | null) => (d === null ? -1 : d);
  const channels = physical[axis] as number;
  const grouped = [0, ...physical.slice(1, axis).map(size), groups, channels / groups, ...physical.slice(axis + 1).map(size)];
  const xg = g.op('Reshape', [x.name, g.int64(hint, grouped)], hint);
  const axes = grouped.map((_, i) => i).filter((i) => i !== 0 && i !== axis);
  const paramDims = grouped.map((d, i) => (i === axis || i === axis + 1 ? d : 1));
  let i = 0;
  const gamma = config.scale === true ? g.constant(hint, paramDims, weightData(layer, i++)) : null;
  const beta = config.center === true ? g.constant(hint, paramDims, weightData(layer, i)) : null;
  const y = normalized(g, hint, xg, axes, Number(config.epsilon), gamma, beta, false);
  return g.op('Reshape', [y, g.int64(hint, [0, ...physical.slice(1).map(size)])], hint);
}

/** `x · min(1 / sqrt(Σ x²), 1e12)` over the axes (Keras's UnitNormalization). */
export function unitNormalization(g: GraphBuilder, layer: Layer, config: Config, x: Value): string {
  const hint = layer.name;
  const axes = axesOf(config.axis, x.shape.length).map((a) => physicalAxis(x, a));
  const inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('ReduceSumSquare', [x.name], hint, { axes, keepdims: 1 })], hint)], hint);
  return g.op('Mul', [x.name, g.op('Min', [inv, g.constant(hint, [], [1e12])], hint)], hint);
}

/** `(x − mean) / max(sqrt(variance), ε)`, or `mean + x · max(...)` when inverted (Keras's Normalization). */
export function normalization(g: GraphBuilder, layer: Layer, config: Config, x: Value): string {
  const hint = layer.name;
  if (!(layer instanceof Normalization)) throw new Error('not a Normalization layer');
  const [mean, variance] = layer.statisticsFor(x.shape, g.float64 ? 'float64' : 'float32');
  const m = g.paramFor(x, hint, mean.shape, mean.dataSync());
  const v = g.paramFor(x, hint, variance.shape, variance.dataSync());
  const deviation = g.op('Max', [g.op('Sqrt', [v], hint), g.constant(hint, [], [EPSILON])], hint);
  if (config.invert === true) return g.op('Add', [m, g.op('Mul', [x.name, deviation], hint)], hint);
  return g.op('Div', [g.op('Sub', [x.name, m], hint), deviation], hint);
}
