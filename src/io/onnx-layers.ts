/**
 * The per-layer ONNX emitters: one Keras layer (its config and weights) → ONNX nodes. `onnx.ts` holds the
 * graph builder and the walk over the model; this file only knows how each layer class maps.
 *
 * Spatial layers of every rank (1 to 3) use ONNX's N-d Conv, ConvTranspose, pooling, Pad, Slice and Resize
 * directly (channels-first `[N, C, ...spatial]`), so neither a 1D nor a 3D layer needs a reshape.
 */

import { imageDataFormat } from '../config/keras-config.js';
import { samePadding } from '../kernels/window.js';
import { convTransposeForwardPadding } from '../kernels/conv/index.js';
import type { Layer, SymbolicShape } from '../layers/layer.js';
import type { Config } from '../serialization/keras-object.js';
import { ModelFileError } from './errors.js';
import type { AttributeValue } from './onnx-proto.js';
import { ONNX_INT64 } from './onnx-proto.js';
import type { GraphBuilder, Layout, Value } from './onnx-graph.js';
import { physicalAxis } from './onnx-graph.js';
import { groupNormalization, layerNormalization, normalization, unitNormalization } from './onnx-normalization.js';
import { centerCrop, randomCropAtInference, resample, resizing } from './onnx-resample.js';

export function fail(layer: Layer, why: string): never {
  throw new ModelFileError(layer.name, `cannot be exported to ONNX: ${why}`);
}

/** A Keras int-or-tuple config value as `n` numbers. */
function tuple(value: unknown, n: number): number[] {
  return Array.isArray(value) ? Array.from({ length: n }, (_, i) => Number(value[i] ?? value[0])) : new Array<number>(n).fill(Number(value));
}

/** The spatial sizes of a Keras shape (null where unknown). */
function spatialSizes(shape: SymbolicShape, channelsLast: boolean): (number | null)[] {
  return channelsLast ? shape.slice(1, -1) : shape.slice(2);
}

/**
 * Conv/pool attributes for any number of spatial axes; 'same' as explicit TensorFlow pads (extra pixel at
 * the end) from the static sizes, 'causal' as `(k - 1) * d` before the steps. `dilations` is null for
 * pooling, which has none.
 */
function windowAttrs(
  config: Config,
  kernel: number[],
  inShape: SymbolicShape,
  channelsLast: boolean,
  dilations: number[] | null,
): Record<string, AttributeValue> {
  const n = kernel.length;
  const strides = tuple(config.strides ?? kernel, n);
  const attrs: Record<string, AttributeValue> = { kernel_shape: kernel, strides };
  if (dilations) attrs.dilations = dilations;
  if (config.padding === 'same') {
    const spatial = spatialSizes(inShape, channelsLast);
    if (spatial.some((d) => d === null)) return { ...attrs, auto_pad: 'SAME_UPPER' };
    const pads = spatial.map((size, i) => samePadding(size as number, kernel[i], strides[i], dilations?.[i] ?? 1));
    attrs.pads = [...pads.map((p) => p[0]), ...pads.map((p) => p[1])];
  } else if (config.padding === 'causal') {
    attrs.pads = [(kernel[0] - 1) * (dilations?.[0] ?? 1), 0];
  } else if (config.padding !== 'valid' && config.padding !== undefined) {
    throw new Error(`padding ${JSON.stringify(config.padding)}`);
  }
  return attrs;
}

function activation(g: GraphBuilder, v: Value, name: unknown, layer: Layer): Value {
  const hint = layer.name;
  const unary: Record<string, string> = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', selu: 'Selu', softplus: 'Softplus', softsign: 'Softsign', exponential: 'Exp' };
  if (name === undefined || name === null || name === 'linear') return v;
  if (name === 'elu') return { ...v, name: elu(g, hint, v.name, 1) };
  if (typeof name === 'string' && unary[name] !== undefined) return { ...v, name: g.op(unary[name], [v.name], hint) };
  if (name === 'relu6') return { ...v, name: g.op('Clip', [v.name, g.constant(hint, [], [0]), g.constant(hint, [], [6])], hint) };
  if (name === 'silu' || name === 'swish') return { ...v, name: g.op('Mul', [v.name, g.op('Sigmoid', [v.name], hint)], hint) };
  if (name === 'leaky_relu') return { ...v, name: leakyRelu(g, hint, v.name, 0.2) };
  // Keras's exact gelu, x/2 · (1 + erf(x/√2)) (onnxruntime has no float64 Erf).
  if (name === 'gelu') {
    const erf = g.op('Erf', [g.op('Mul', [v.name, g.constant(hint, [], [Math.SQRT1_2])], hint)], hint);
    return { ...v, name: g.op('Mul', [g.op('Mul', [v.name, g.constant(hint, [], [0.5])], hint), g.op('Add', [erf, g.constant(hint, [], [1])], hint)], hint) };
  }
  if (name === 'hard_sigmoid' || name === 'hard_silu' || name === 'hard_swish') {
    // relu6(x + 3) / 6, as Keras (and jax) define it; hard_silu multiplies by x.
    const clipped = g.op('Clip', [g.op('Add', [v.name, g.constant(hint, [], [3])], hint), g.constant(hint, [], [0]), g.constant(hint, [], [6])], hint);
    const sigmoid = g.op('Div', [clipped, g.constant(hint, [], [6])], hint);
    return { ...v, name: name === 'hard_sigmoid' ? sigmoid : g.op('Mul', [v.name, sigmoid], hint) };
  }
  if (name === 'log_softmax') {
    const k = g.as(v, 'keras');
    return { ...k, name: g.op('LogSoftmax', [k.name], hint, { axis: -1 }) };
  }
  if (name === 'softmax') {
    const k = g.as(v, 'keras');
    return { ...k, name: g.op('Softmax', [k.name], hint, { axis: -1 }) };
  }
  return fail(layer, `activation ${JSON.stringify(name)} has no ONNX mapping here`);
}

function weightData(layer: Layer, index: number): Float32Array | Float64Array {
  return layer.weights[index].dataSync() as Float32Array | Float64Array;
}

/** Keras kernel `[...k, in, out]` → ONNX `[out, in, ...k]` (any number of spatial axes). */
function convKernel(k: ArrayLike<number>, dims: readonly number[]): number[] {
  const [cin, cout] = dims.slice(-2);
  const spatial = dims.slice(0, -2).reduce((a, b) => a * b, 1);
  const out = new Array<number>(k.length);
  for (let s = 0; s < spatial; s++) for (let c = 0; c < cin; c++) for (let o = 0; o < cout; o++) {
    out[(o * cin + c) * spatial + s] = k[(s * cin + c) * cout + o];
  }
  return out;
}

/** A Conv node from a Keras kernel `[...k, in, out]` (the ONNX weight is `[out, in, ...k]`). */
function conv(g: GraphBuilder, hint: string, x: string, dims: readonly number[], data: ArrayLike<number>, attrs: Record<string, AttributeValue>, bias: string | null): string {
  const [cin, cout] = dims.slice(-2);
  const w = g.constant(hint, [cout, cin, ...dims.slice(0, -2)], convKernel(data, dims));
  return g.op('Conv', bias === null ? [x, w] : [x, w, bias], hint, attrs);
}

/**
 * Keras's transposed convolution as ONNX ConvTranspose. Ours (as Keras/JAX) is the input gradient of a
 * forward convolution padded by `[before, after]` (after may be negative); ONNX crops `pads` off the full
 * `(in - 1) * s + K` result and appends `output_padding`, so the begin pad is `before` and whatever is
 * left to reach Keras's length becomes an end pad when positive, output padding when negative.
 */
function convTransposeAttrs(config: Config, kernel: number[], inShape: SymbolicShape, outShape: SymbolicShape, channelsLast: boolean): Record<string, AttributeValue> {
  const n = kernel.length;
  const strides = tuple(config.strides ?? 1, n);
  const dilations = tuple(config.dilation_rate ?? 1, n);
  const outputPadding = Array.isArray(config.output_padding) ? (config.output_padding as number[]) : null;
  const inSizes = spatialSizes(inShape, channelsLast);
  const outSizes = spatialSizes(outShape, channelsLast);
  if ([...inSizes, ...outSizes].some((d) => d === null)) throw new Error('a transposed convolution needs static spatial sizes');
  const begin: number[] = [];
  const end: number[] = [];
  const extra: number[] = [];
  kernel.forEach((k, i) => {
    const [before] = convTransposeForwardPadding(k, strides[i], dilations[i], config.padding === 'same' ? 'same' : 'valid', outputPadding ? outputPadding[i] : null);
    const full = ((inSizes[i] as number) - 1) * strides[i] + (k - 1) * dilations[i] + 1;
    const rest = full - before - (outSizes[i] as number);
    begin.push(before);
    end.push(Math.max(rest, 0));
    extra.push(Math.max(-rest, 0));
  });
  return { kernel_shape: kernel, strides, dilations, pads: [...begin, ...end], output_padding: extra };
}

/** Keras `[...k, filters, C]` → ONNX ConvTranspose `[C, filters, ...k]` (any number of spatial axes). */
function convTransposeKernel(k: ArrayLike<number>, dims: readonly number[]): number[] {
  const [filters, cin] = dims.slice(-2);
  const spatial = dims.slice(0, -2).reduce((a, b) => a * b, 1);
  const out = new Array<number>(k.length);
  for (let s = 0; s < spatial; s++) for (let f = 0; f < filters; f++) for (let c = 0; c < cin; c++) {
    out[(c * filters + f) * spatial + s] = k[(s * filters + f) * cin + c];
  }
  return out;
}

/**
 * The axes of `v` that hold Keras's spatial axes, for layout-independent ops (Pad, Slice, nearest
 * Resize), so those run on whichever layout the value already has and add no Transpose.
 */
function spatialAxesOf(v: Value, channelsLast: boolean): number[] {
  const r = v.shape.length;
  const first = v.layout === 'nchw' || !channelsLast ? 2 : 1;
  return Array.from({ length: r - 2 }, (_, i) => first + i);
}

/** Pads `[before, after]` per spatial axis with zeros (negative values would crop; Keras refuses them). */
function padSpatial(g: GraphBuilder, hint: string, v: Value, channelsLast: boolean, pads: [number, number][]): string {
  const r = v.shape.length;
  const begin = new Array<number>(r).fill(0);
  const end = new Array<number>(r).fill(0);
  spatialAxesOf(v, channelsLast).forEach((axis, i) => {
    [begin[axis], end[axis]] = pads[i];
  });
  return g.op('Pad', [v.name, g.int64(hint, [...begin, ...end])], hint);
}

/** Crops `[before, after]` per spatial axis with Slice (ends counted from the end, so any size works). */
function cropSpatial(g: GraphBuilder, hint: string, v: Value, channelsLast: boolean, crops: [number, number][]): string {
  const axes = spatialAxesOf(v, channelsLast);
  const max = Number.MAX_SAFE_INTEGER;
  const starts = crops.map(([b]) => b);
  const ends = crops.map(([, a]) => (a === 0 ? max : -a));
  return g.op('Slice', [v.name, g.int64(hint, starts), g.int64(hint, ends), g.int64(hint, axes)], hint);
}

/**
 * Upsampling by integer factors with Resize. Nearest uses 'asymmetric' coordinates and floor rounding,
 * which is exact repetition; bilinear is Keras/JAX's half-pixel interpolation, whose edge samples
 * (outside the input) clamp to the border pixel in both.
 */
function resize(g: GraphBuilder, hint: string, v: Value, channelsLast: boolean, size: number[], bilinear: boolean): string {
  if (g.float64) return resizeWithoutResize(g, hint, v, channelsLast, size, bilinear);
  const scales = new Array<number>(v.shape.length).fill(1);
  spatialAxesOf(v, channelsLast).forEach((axis, i) => (scales[axis] = size[i]));
  const attrs: Record<string, AttributeValue> = bilinear
    ? { mode: 'linear', coordinate_transformation_mode: 'half_pixel' }
    : { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' };
  return g.op('Resize', [v.name, '', g.float32(hint, scales)], hint, attrs);
}

/**
 * onnxruntime's CPU provider has no float64 Resize, so float64 graphs upsample without it: nearest repeats
 * each row `size` times (a Gather per axis, exact), bilinear is the MatMul resample with jax's weights.
 */
function resizeWithoutResize(g: GraphBuilder, hint: string, v: Value, channelsLast: boolean, size: number[], bilinear: boolean): string {
  const sizes = spatialSizes(v.shape, channelsLast);
  if (sizes.some((d) => d === null)) throw new Error('a float64 upsampling needs static spatial sizes (onnxruntime has no float64 Resize)');
  const [h, w] = sizes as number[];
  if (bilinear) return resample(g, hint, v, channelsLast, [h, w], [h * size[0], w * size[1]], 'bilinear', false).name;
  let name = v.name;
  spatialAxesOf(v, channelsLast).forEach((axis, i) => {
    if (size[i] === 1) return;
    const indices = Array.from({ length: (sizes[i] as number) * size[i] }, (_, o) => Math.floor(o / size[i]));
    name = g.op('Gather', [name, g.int64(hint, indices)], hint, { axis });
  });
  return name;
}

/** Keras's elu, `x > 0 ? x : alpha · (exp(x) − 1)`: Elu, or spelt out where onnxruntime has no float64 Elu. */
function elu(g: GraphBuilder, hint: string, x: string, alpha: number): string {
  if (!g.float64) return g.op('Elu', [x], hint, { alpha: { float: alpha } });
  const zero = g.constant(hint, [], [0]);
  const negative = g.op('Mul', [g.constant(hint, [], [alpha]), g.op('Sub', [g.op('Exp', [x], hint), g.constant(hint, [], [1])], hint)], hint);
  return g.op('Where', [g.op('Greater', [x, zero], hint), x, negative], hint);
}

/** Keras's leaky_relu, `x >= 0 ? x : slope · x`: LeakyRelu, or spelt out where onnxruntime has no float64 one. */
function leakyRelu(g: GraphBuilder, hint: string, x: string, slope: number): string {
  if (!g.float64) return g.op('LeakyRelu', [x], hint, { alpha: { float: slope } });
  return g.op('Where', [g.op('Less', [x, g.constant(hint, [], [0])], hint), g.op('Mul', [g.constant(hint, [], [slope]), x], hint), x], hint);
}

/** Layers that compute nothing at inference (augmentation, noise, regularization) export as the identity. */
const IDENTITY_AT_INFERENCE = new Set([
  'Identity', 'ActivityRegularization', 'GaussianNoise', 'GaussianDropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D',
  'RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast', 'RandomBrightness',
]);

/**
 * Layers ONNX cannot express, refused with their reason. ONNX has no operator for a JavaScript function,
 * and a ConvLSTM would have to be unrolled into a Loop of convolutions over time.
 */
const NO_ONNX_MAPPING: Readonly<Record<string, string>> = {
  Lambda: 'a Lambda layer runs a JavaScript function, which ONNX cannot hold',
  ConvLSTM1D: 'ConvLSTM1D is a recurrent loop over convolutions, which has no ONNX mapping here (ONNX has no ConvLSTM operator)',
  ConvLSTM2D: 'ConvLSTM2D is a recurrent loop over convolutions, which has no ONNX mapping here (ONNX has no ConvLSTM operator)',
  ConvLSTM3D: 'ConvLSTM3D is a recurrent loop over convolutions, which has no ONNX mapping here (ONNX has no ConvLSTM operator)',
};

function elementwise(g: GraphBuilder, hint: string, inputs: Value[], type: string): string {
  const first = inputs[0];
  return inputs.slice(1).reduce((acc, v) => g.op(type, [acc, g.as(v, first.layout).name], hint), first.name);
}

/**
 * Keras's Dot as a batched MatMul: x moved to `[N, M, K]` (contracted axis last) and y to `[N, K, P]`, as
 * `call` arranges them, each optionally scaled to unit length along its axis first (`x · min(1/‖x‖, 1/ε)`).
 */
function dot(g: GraphBuilder, layer: Layer, config: Config, inputs: Value[]): string {
  const hint = layer.name;
  const [x, y] = inputs.map((v) => g.as(v, 'keras'));
  const [r1, r2] = [x.shape.length, y.shape.length];
  const [a0, b0] = Array.isArray(config.axes) ? (config.axes as number[]) : [Number(config.axes), Number(config.axes)];
  const [a, b] = [a0 < 0 ? a0 + r1 : a0, b0 < 0 ? b0 + r2 : b0];
  const unit = (v: Value, axis: number): string => {
    if (config.normalize !== true) return v.name;
    const norm = g.op('Sqrt', [g.op('ReduceSumSquare', [v.name], hint, { axes: [axis], keepdims: 1 })], hint);
    return g.op('Mul', [v.name, g.op('Min', [g.op('Reciprocal', [norm], hint), g.constant(hint, [], [1 / 1e-7])], hint)], hint);
  };
  const xPerm = [...Array.from({ length: r1 }, (_, i) => i).filter((i) => i !== a), a];
  const yPerm = [0, b, ...Array.from({ length: r2 }, (_, i) => i).filter((i) => i !== 0 && i !== b)];
  const xRest = xPerm.slice(1, -1).map((i) => x.shape[i]);
  const yRest = yPerm.slice(2).map((i) => y.shape[i]);
  const k = x.shape[a];
  if ([k, ...xRest, ...yRest].some((d) => d === null)) throw new Error('Dot needs every non-batch size known to export');
  const size = (dims: (number | null)[]) => dims.reduce((p: number, d) => p * (d as number), 1);
  const xt = g.op('Reshape', [g.op('Transpose', [unit(x, a)], hint, { perm: xPerm }), g.int64(hint, [0, size(xRest), k as number])], hint);
  const yt = g.op('Reshape', [g.op('Transpose', [unit(y, b)], hint, { perm: yPerm }), g.int64(hint, [0, k as number, size(yRest)])], hint);
  const out = [...xRest, ...yRest] as number[];
  return g.op('Reshape', [g.op('MatMul', [xt, yt], hint), g.int64(hint, [0, ...(out.length === 0 ? [1] : out)])], hint);
}

/** The nodes for one layer; `inputs` are its input values, `outShape` its Keras output shape. */
export function convertLayer(g: GraphBuilder, layer: Layer, inputs: Value[], outShape: SymbolicShape): Value {
  if (NO_ONNX_MAPPING[layer.className] !== undefined) fail(layer, NO_ONNX_MAPPING[layer.className]);
  if (IDENTITY_AT_INFERENCE.has(layer.className)) return { ...inputs[0], shape: outShape };
  const config = layer.getConfig();
  const [x] = inputs;
  const channelsLast = config.data_format !== 'channels_first';
  const spatialLayout: Layout = channelsLast ? 'nchw' : 'keras';
  const hint = layer.name;
  const done = (name: string, layout: Layout): Value => ({ name, layout, shape: outShape });
  const activated = (name: string, layout: Layout): Value => ({ ...activation(g, done(name, layout), config.activation, layer), shape: outShape });
  const bias = (index: number): string | null => (config.use_bias ? g.constant(hint, layer.weights[index].shape, weightData(layer, index)) : null);
  switch (layer.className) {
    case 'Dropout':
      return { ...x, shape: outShape };
    case 'Activation':
      return { ...activation(g, x, config.activation, layer), shape: outShape };
    case 'ReLU': {
      const [slope, threshold] = [Number(config.negative_slope ?? 0), Number(config.threshold ?? 0)];
      const max = config.max_value === null || config.max_value === undefined ? null : Number(config.max_value);
      if (slope === 0 && threshold === 0) {
        if (max === null) return done(g.op('Relu', [x.name], hint), x.layout);
        return done(g.op('Clip', [x.name, g.constant(hint, [], [0]), g.constant(hint, [], [max])], hint), x.layout);
      }
      // Keras's relu: min(x, max) above the threshold, slope · (x − threshold) below it, 0 at it.
      const t = g.constant(hint, [], [threshold]);
      const above = max === null ? x.name : g.op('Min', [x.name, g.constant(hint, [], [max])], hint);
      const below = g.op('Mul', [g.constant(hint, [], [slope]), g.op('Sub', [x.name, t], hint)], hint);
      return done(g.op('Where', [g.op('Greater', [x.name, t], hint), above, below], hint), x.layout);
    }
    case 'Flatten': {
      // Keras moves a channels_first input's channel axis last before flattening (as predict does).
      const k = g.as(x, 'keras');
      const r = k.shape.length;
      const ordered = !channelsLast && r > 2 ? g.op('Transpose', [k.name], hint, { perm: [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1] }) : k.name;
      return done(g.op('Flatten', [ordered], hint, { axis: 1 }), 'keras');
    }
    case 'Reshape':
      return done(g.op('Reshape', [g.as(x, 'keras').name, g.int64(hint, [0, ...(config.target_shape as number[])])], hint), 'keras');
    case 'Dense': {
      const k = g.as(x, 'keras');
      const kernel = layer.weights[0];
      let y = g.op('MatMul', [k.name, g.constant(hint, kernel.shape, weightData(layer, 0))], hint);
      if (config.use_bias) y = g.op('Add', [y, g.constant(hint, layer.weights[1].shape, weightData(layer, 1))], hint);
      return activated(y, 'keras');
    }
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D':
    case 'DepthwiseConv1D':
    case 'DepthwiseConv2D': {
      const shape = layer.weights[0].shape;
      const n = shape.length - 2;
      if (x.shape.length !== n + 2) fail(layer, `input is not rank ${n + 2}`);
      const v = g.as(x, spatialLayout);
      const depthwise = layer.className.startsWith('Depthwise');
      // Depthwise: out channel c*dm+m convolves input channel c: a grouped Conv with C groups of W[C*dm, 1, ...k].
      const dims = depthwise ? [...shape.slice(0, n), 1, shape[n] * shape[n + 1]] : shape;
      const group = depthwise ? shape[n] : Number(config.groups ?? 1);
      const attrs = windowAttrs(config, shape.slice(0, n), x.shape, channelsLast, tuple(config.dilation_rate ?? 1, n));
      return activated(conv(g, hint, v.name, dims, weightData(layer, 0), { ...attrs, group }, bias(1)), spatialLayout);
    }
    case 'SeparableConv1D':
    case 'SeparableConv2D': {
      // A grouped (depthwise) Conv with C groups, then the pointwise 1×1 Conv that carries the bias.
      const [dShape, pShape] = [layer.weights[0].shape, layer.weights[1].shape];
      const n = dShape.length - 2;
      if (x.shape.length !== n + 2) fail(layer, `input is not rank ${n + 2}`);
      const v = g.as(x, spatialLayout);
      const attrs = windowAttrs(config, dShape.slice(0, n), x.shape, channelsLast, tuple(config.dilation_rate ?? 1, n));
      const dims = [...dShape.slice(0, n), 1, dShape[n] * dShape[n + 1]];
      const mid = conv(g, hint, v.name, dims, weightData(layer, 0), { ...attrs, group: dShape[n] }, null);
      const ones = new Array<number>(n).fill(1);
      return activated(conv(g, hint, mid, pShape, weightData(layer, 1), { kernel_shape: ones, strides: ones }, bias(2)), spatialLayout);
    }
    case 'Conv1DTranspose':
    case 'Conv2DTranspose':
    case 'Conv3DTranspose': {
      const shape = layer.weights[0].shape;
      const n = shape.length - 2;
      if (x.shape.length !== n + 2) fail(layer, `input is not rank ${n + 2}`);
      const v = g.as(x, spatialLayout);
      const w = g.constant(hint, [shape[n + 1], shape[n], ...shape.slice(0, n)], convTransposeKernel(weightData(layer, 0), shape));
      const b = bias(1);
      const attrs = convTransposeAttrs(config, shape.slice(0, n), x.shape, outShape, channelsLast);
      return activated(g.op('ConvTranspose', b === null ? [v.name, w] : [v.name, w, b], hint, attrs), spatialLayout);
    }
    case 'MaxPooling1D':
    case 'MaxPooling2D':
    case 'MaxPooling3D':
    case 'AveragePooling1D':
    case 'AveragePooling2D':
    case 'AveragePooling3D': {
      const v = g.as(x, spatialLayout);
      const attrs = windowAttrs(config, tuple(config.pool_size, x.shape.length - 2), x.shape, channelsLast, null);
      const type = layer.className.startsWith('Max') ? 'MaxPool' : 'AveragePool';
      return done(g.op(type, [v.name], hint, type === 'AveragePool' ? { ...attrs, count_include_pad: 0 } : attrs), spatialLayout);
    }
    case 'GlobalAveragePooling1D':
    case 'GlobalAveragePooling2D':
    case 'GlobalAveragePooling3D':
    case 'GlobalMaxPooling1D':
    case 'GlobalMaxPooling2D':
    case 'GlobalMaxPooling3D': {
      const v = g.as(x, spatialLayout);
      const type = layer.className.startsWith('GlobalMax') ? 'ReduceMax' : 'ReduceMean';
      const keep = config.keepdims === true;
      const axes = Array.from({ length: x.shape.length - 2 }, (_, i) => i + 2);
      return done(g.op(type, [v.name], hint, { axes, keepdims: keep ? 1 : 0 }), keep ? spatialLayout : 'keras');
    }
    case 'BatchNormalization': {
      // ONNX normalizes axis 1: a last-axis BatchNormalization takes the channels-first layout (which the
      // convolutions around it share), axis 1 the Keras one, and any other axis is swapped with axis 1.
      const rank = x.shape.length;
      const axis = Number(config.axis) < 0 ? Number(config.axis) + rank : Number(config.axis);
      let v = x;
      if (physicalAxis(v, axis) !== 1 && axis === rank - 1) v = g.as(x, 'nchw');
      if (physicalAxis(v, axis) !== 1 && axis === 1) v = g.as(x, 'keras');
      const p = physicalAxis(v, axis);
      const swap = Array.from({ length: rank }, (_, i) => (i === 1 ? p : i === p ? 1 : i));
      const input = p === 1 ? v.name : g.op('Transpose', [v.name], hint, { perm: swap });
      const c = Number(layer.weights[layer.weights.length - 1].shape[0]);
      let i = 0;
      const gamma = config.scale ? weightData(layer, i++) : new Float32Array(c).fill(1);
      const beta = config.center ? weightData(layer, i++) : new Float32Array(c);
      const [mean, variance] = [weightData(layer, i), weightData(layer, i + 1)];
      // An attribute's float is float32, so a float64 graph adds epsilon to the variance itself (in double,
      // as predict does) and gives BatchNormalization an epsilon of 0.
      const epsilon = Number(config.epsilon);
      const denominator = g.float64 ? Array.from(variance, (d) => d + epsilon) : variance;
      const ins = [input, ...[gamma, beta, mean, denominator].map((d) => g.constant(hint, [c], d))];
      const y = g.op('BatchNormalization', ins, hint, { epsilon: { float: g.float64 ? 0 : epsilon } });
      return done(p === 1 ? y : g.op('Transpose', [y], hint, { perm: swap }), v.layout);
    }
    case 'ZeroPadding1D':
      return done(padSpatial(g, hint, x, channelsLast, [config.padding as [number, number]]), x.layout);
    case 'ZeroPadding2D':
    case 'ZeroPadding3D':
      return done(padSpatial(g, hint, x, channelsLast, config.padding as [number, number][]), x.layout);
    case 'Cropping1D':
      return done(cropSpatial(g, hint, x, channelsLast, [config.cropping as [number, number]]), x.layout);
    case 'Cropping2D':
    case 'Cropping3D':
      return done(cropSpatial(g, hint, x, channelsLast, config.cropping as [number, number][]), x.layout);
    case 'UpSampling1D':
      return done(resize(g, hint, x, channelsLast, [Number(config.size)], false), x.layout);
    case 'UpSampling3D':
      return done(resize(g, hint, x, channelsLast, tuple(config.size, 3), false), x.layout);
    case 'UpSampling2D': {
      // onnxruntime's linear Resize wants the channels-first (or batch-first) 4D layout; nearest takes any.
      const bilinear = config.interpolation === 'bilinear';
      const v = bilinear ? g.as(x, spatialLayout) : x;
      return done(resize(g, hint, v, channelsLast, tuple(config.size, 2), bilinear), v.layout);
    }
    case 'Add': {
      const first = inputs[0];
      return done(inputs.slice(1).reduce((acc, v) => g.op('Add', [acc, g.as(v, first.layout).name], hint), first.name), first.layout);
    }
    case 'Subtract':
      return done(elementwise(g, hint, inputs, 'Sub'), inputs[0].layout);
    case 'Multiply':
      return done(elementwise(g, hint, inputs, 'Mul'), inputs[0].layout);
    case 'Maximum':
      return done(elementwise(g, hint, inputs, 'Max'), inputs[0].layout);
    case 'Minimum':
      return done(elementwise(g, hint, inputs, 'Min'), inputs[0].layout);
    case 'Average':
      return done(g.op('Mul', [elementwise(g, hint, inputs, 'Add'), g.constant(hint, [], [1 / inputs.length])], hint), inputs[0].layout);
    case 'LeakyReLU':
      return done(leakyRelu(g, hint, x.name, Number(config.negative_slope)), x.layout);
    case 'ELU':
      return done(elu(g, hint, x.name, Number(config.alpha)), x.layout);
    case 'Softmax': {
      // Over the axis where it sits in x's layout; several axes as call computes them, exp(x − max) / Σ.
      const axes = (Array.isArray(config.axis) ? (config.axis as number[]) : [Number(config.axis)]).map((a) => physicalAxis(x, a));
      if (axes.length === 1) return done(g.op('Softmax', [x.name], hint, { axis: axes[0] }), x.layout);
      const e = g.op('Exp', [g.op('Sub', [x.name, g.op('ReduceMax', [x.name], hint, { axes, keepdims: 1 })], hint)], hint);
      return done(g.op('Div', [e, g.op('ReduceSum', [e, g.int64(hint, axes)], hint, { keepdims: 1 })], hint), x.layout);
    }
    case 'Rescaling': {
      // Per-channel values broadcast over the last axis, or over axis -3 when the global image data format is
      // channels_first (as call reshapes them), so a full-rank parameter is laid out as x is.
      const r = x.shape.length;
      const channelAxis = imageDataFormat() === 'channels_first' ? r - 3 : r - 1;
      const param = (v: unknown): string => {
        if (typeof v === 'number') return g.constant(hint, [], [v]);
        const values = v as number[];
        if (channelAxis < 1) fail(layer, `per-channel values on an input of rank ${r}`);
        return g.paramFor(x, hint, x.shape.map((_, i) => (i === channelAxis ? values.length : 1)), values);
      };
      return done(g.op('Add', [g.op('Mul', [x.name, param(config.scale)], hint), param(config.offset)], hint), x.layout);
    }
    case 'Permute':
      return done(g.op('Transpose', [g.as(x, 'keras').name], hint, { perm: [0, ...(config.dims as number[])] }), 'keras');
    case 'RepeatVector': {
      const k = g.as(x, 'keras');
      const expanded = g.op('Unsqueeze', [k.name, g.int64(hint, [1])], hint);
      return done(g.op('Tile', [expanded, g.int64(hint, [1, Number(config.n), 1])], hint), 'keras');
    }
    case 'RandomCrop': {
      // At inference: the central window of the target's aspect ratio, resized to the target.
      const y = randomCropAtInference(g, layer, config, x);
      return done(y.name, y.layout);
    }
    case 'PReLU': {
      // Keras's form relu(x) − alpha · relu(−x), which is PRelu; onnxruntime's CPU provider has no float64
      // PRelu kernel, so float64 graphs spell it out.
      const alphaShape = [1, ...layer.weights[0].shape];
      const alpha = Array.from(weightData(layer, 0));
      if (!g.float64) return done(g.op('PRelu', [x.name, g.paramFor(x, hint, alphaShape, alpha)], hint), x.layout);
      const negAlpha = g.paramFor(x, hint, alphaShape, alpha.map((a) => -a));
      const negative = g.op('Mul', [negAlpha, g.op('Relu', [g.op('Neg', [x.name], hint)], hint)], hint);
      return done(g.op('Add', [g.op('Relu', [x.name], hint), negative], hint), x.layout);
    }
    case 'LayerNormalization':
      return done(layerNormalization(g, layer, config, x), x.layout);
    case 'GroupNormalization':
      return done(groupNormalization(g, layer, config, x), x.layout);
    case 'UnitNormalization':
      return done(unitNormalization(g, layer, config, x), x.layout);
    case 'Normalization':
      return done(normalization(g, layer, config, x), x.layout);
    case 'Embedding': {
      // Model inputs are float: the indices are cast to int64, truncated toward zero as Keras casts them.
      // Negative indices count from the end in both; one past the table reads NaN in predict, while
      // onnxruntime reports an error.
      const indices = g.op('Cast', [g.as(x, 'keras').name], hint, { to: ONNX_INT64 });
      const table = g.constant(hint, layer.weights[0].shape, weightData(layer, 0));
      return done(g.op('Gather', [table, indices], hint, { axis: 0 }), 'keras');
    }
    case 'Dot':
      return done(dot(g, layer, config, inputs), 'keras');
    case 'CenterCrop': {
      const y = centerCrop(g, layer, config, x);
      return done(y.name, y.layout);
    }
    case 'Resizing': {
      const y = resizing(g, layer, config, x);
      return done(y.name, y.layout);
    }
    case 'Concatenate': {
      const axis = Number(config.axis);
      return done(g.op('Concat', inputs.map((v) => g.as(v, 'keras').name), hint, { axis: axis < 0 ? axis + outShape.length : axis }), 'keras');
    }
    default:
      return fail(layer, `layer class ${layer.className} has no ONNX mapping`);
  }
}
