/**
 * Export to ONNX (opset 13). Keras computes channels_last; ONNX's Conv, pooling and BatchNormalization are
 * channels-first. Each value therefore carries a layout: 'keras' (as Keras holds it) or 'nchw' (a
 * channels_last tensor transposed to channels-first). Spatial layers ask for 'nchw', everything that
 * depends on the element order (Flatten, Dense, Reshape, Softmax, the output) for 'keras', and a Transpose
 * is inserted only where the layout changes, so a conv stack is transposed once in and once out.
 */

import { samePadding } from '../kernels/window.js';
import type { Layer } from '../layers/layer.js';
import type { Model } from '../models/model.js';
import type { SymbolicShape } from '../layers/symbolic-tensor.js';
import type { Config } from './keras-object.js';
import { writeFileAtomic } from './atomic-write.js';
import { ModelFileError } from './errors.js';
import { graphSteps } from './model-config.js';
import type { AttributeValue, ProtoWriter } from './onnx-proto.js';
import { modelProto, node, ONNX_DOUBLE, ONNX_FLOAT, tensorProto, valueInfo } from './onnx-proto.js';

type Layout = 'keras' | 'nchw';
interface Value {
  name: string;
  layout: Layout;
  shape: SymbolicShape;
}

class GraphBuilder {
  readonly nodes: ProtoWriter[] = [];
  readonly initializers: ProtoWriter[] = [];
  private count = 0;

  constructor(readonly float64: boolean) {}

  fresh(hint: string): string {
    return `${hint}_${this.count++}`;
  }

  op(type: string, inputs: readonly string[], hint: string, attrs: Record<string, AttributeValue> = {}): string {
    const out = this.fresh(hint);
    this.nodes.push(node(type, inputs, [out], `${hint}/${type}_${this.count}`, attrs));
    return out;
  }

  constant(hint: string, dims: readonly number[], data: ArrayLike<number>): string {
    const name = this.fresh(hint);
    this.initializers.push(tensorProto(name, dims, this.float64 ? Float64Array.from(data) : Float32Array.from(data)));
    return name;
  }

  int64(hint: string, values: readonly number[]): string {
    const name = this.fresh(hint);
    this.initializers.push(tensorProto(name, [values.length], BigInt64Array.from(values.map(BigInt))));
    return name;
  }

  /** The value in the wanted layout, transposing a rank-4 (or rank-3) channels_last tensor as needed. */
  as(v: Value, layout: Layout): Value {
    if (v.layout === layout) return v;
    const r = v.shape.length;
    const toFirst = [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];
    const toLast = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];
    return { ...v, layout, name: this.op('Transpose', [v.name], 'transpose', { perm: layout === 'nchw' ? toFirst : toLast }) };
  }
}

function fail(layer: Layer, why: string): never {
  throw new ModelFileError(layer.name, `cannot be exported to ONNX: ${why}`);
}

function pair(value: unknown): [number, number] {
  return Array.isArray(value) ? [Number(value[0]), Number(value[1] ?? value[0])] : [Number(value), Number(value)];
}

/**
 * Conv/pool attributes; 'same' as explicit TensorFlow pads (extra pixel at the end) from the static sizes.
 * `dilations` is null for pooling, which has none.
 */
function windowAttrs(
  config: Config,
  kernel: [number, number],
  inShape: SymbolicShape,
  channelsLast: boolean,
  dilations: [number, number] | null,
): Record<string, AttributeValue> {
  const strides = pair(config.strides ?? kernel);
  const attrs: Record<string, AttributeValue> = { kernel_shape: kernel, strides };
  if (dilations) attrs.dilations = dilations;
  if (config.padding === 'same') {
    const spatial = channelsLast ? inShape.slice(1, 3) : inShape.slice(2, 4);
    if (spatial.some((d) => d === null)) return { ...attrs, auto_pad: 'SAME_UPPER' };
    const [[top, bottom], [left, right]] = spatial.map((size, i) => samePadding(size as number, kernel[i], strides[i], dilations?.[i] ?? 1));
    attrs.pads = [top, left, bottom, right];
  } else if (config.padding !== 'valid' && config.padding !== undefined) {
    throw new Error(`padding ${JSON.stringify(config.padding)}`);
  }
  return attrs;
}

function activation(g: GraphBuilder, v: Value, name: unknown, layer: Layer): Value {
  const hint = layer.name;
  const unary: Record<string, string> = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', elu: 'Elu', selu: 'Selu', softplus: 'Softplus', softsign: 'Softsign', exponential: 'Exp' };
  if (name === undefined || name === null || name === 'linear') return v;
  if (typeof name === 'string' && unary[name] !== undefined) return { ...v, name: g.op(unary[name], [v.name], hint) };
  if (name === 'relu6') return { ...v, name: g.op('Clip', [v.name, g.constant(hint, [], [0]), g.constant(hint, [], [6])], hint) };
  if (name === 'silu' || name === 'swish') return { ...v, name: g.op('Mul', [v.name, g.op('Sigmoid', [v.name], hint)], hint) };
  if (name === 'leaky_relu') return { ...v, name: g.op('LeakyRelu', [v.name], hint, { alpha: { float: 0.2 } }) };
  if (name === 'softmax') {
    const k = g.as(v, 'keras');
    return { ...k, name: g.op('Softmax', [k.name], hint, { axis: -1 }) };
  }
  return fail(layer, `activation ${JSON.stringify(name)} has no ONNX mapping here`);
}

function weightData(layer: Layer, index: number): Float32Array | Float64Array {
  return layer.weights[index].dataSync() as Float32Array | Float64Array;
}

/** Keras kernel [kh, kw, in, out] → ONNX [out, in, kh, kw]. */
function convKernel(k: ArrayLike<number>, [kh, kw, cin, cout]: readonly number[]): number[] {
  const out = new Array<number>(k.length);
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let c = 0; c < cin; c++) for (let o = 0; o < cout; o++) {
    out[((o * cin + c) * kh + i) * kw + j] = k[((i * kw + j) * cin + c) * cout + o];
  }
  return out;
}

function convert(g: GraphBuilder, layer: Layer, inputs: Value[], outShape: SymbolicShape): Value {
  const config = layer.getConfig();
  const [x] = inputs;
  const channelsLast = config.data_format !== 'channels_first';
  const spatialLayout: Layout = channelsLast ? 'nchw' : 'keras';
  const hint = layer.name;
  const done = (name: string, layout: Layout): Value => ({ name, layout, shape: outShape });
  switch (layer.className) {
    case 'Dropout':
      return { ...x, shape: outShape };
    case 'Activation':
      return { ...activation(g, x, config.activation, layer), shape: outShape };
    case 'ReLU': {
      if (config.negative_slope !== 0 || config.threshold !== 0) fail(layer, 'ReLU with negative_slope or threshold');
      if (config.max_value === null || config.max_value === undefined) return done(g.op('Relu', [x.name], hint), x.layout);
      return done(g.op('Clip', [x.name, g.constant(hint, [], [0]), g.constant(hint, [], [Number(config.max_value)])], hint), x.layout);
    }
    case 'Flatten':
      return done(g.op('Flatten', [g.as(x, 'keras').name], hint, { axis: 1 }), 'keras');
    case 'Reshape':
      return done(g.op('Reshape', [g.as(x, 'keras').name, g.int64(hint, [0, ...(config.target_shape as number[])])], hint), 'keras');
    case 'Dense': {
      const k = g.as(x, 'keras');
      const kernel = layer.weights[0];
      let y = g.op('MatMul', [k.name, g.constant(hint, kernel.shape, weightData(layer, 0))], hint);
      if (config.use_bias) y = g.op('Add', [y, g.constant(hint, layer.weights[1].shape, weightData(layer, 1))], hint);
      return { ...activation(g, done(y, 'keras'), config.activation, layer), shape: outShape };
    }
    case 'Conv2D':
    case 'DepthwiseConv2D': {
      if (x.shape.length !== 4) fail(layer, 'input is not rank 4');
      const v = g.as(x, spatialLayout);
      const shape = layer.weights[0].shape;
      const depthwise = layer.className === 'DepthwiseConv2D';
      // Depthwise: out channel c*dm+m convolves input channel c: a grouped Conv with C groups of W[C*dm, 1, kh, kw].
      const dims = depthwise ? [shape[0], shape[1], 1, shape[2] * shape[3]] : shape;
      const w = g.constant(hint, [dims[3], dims[2], dims[0], dims[1]], convKernel(weightData(layer, 0), dims));
      const group = depthwise ? shape[2] : Number(config.groups ?? 1);
      const attrs = windowAttrs(config, [shape[0], shape[1]], x.shape, channelsLast, pair(config.dilation_rate ?? 1));
      const ins = [v.name, w];
      if (config.use_bias) ins.push(g.constant(hint, layer.weights[1].shape, weightData(layer, 1)));
      return { ...activation(g, done(g.op('Conv', ins, hint, { ...attrs, group }), spatialLayout), config.activation, layer), shape: outShape };
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const v = g.as(x, spatialLayout);
      const attrs = windowAttrs(config, pair(config.pool_size), x.shape, channelsLast, null);
      const type = layer.className === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool';
      return done(g.op(type, [v.name], hint, type === 'AveragePool' ? { ...attrs, count_include_pad: 0 } : attrs), spatialLayout);
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D': {
      const v = g.as(x, spatialLayout);
      const type = layer.className === 'GlobalMaxPooling2D' ? 'ReduceMax' : 'ReduceMean';
      const keep = config.keepdims === true;
      return done(g.op(type, [v.name], hint, { axes: [2, 3], keepdims: keep ? 1 : 0 }), keep ? spatialLayout : 'keras');
    }
    case 'BatchNormalization': {
      const axis = Number(config.axis);
      const rank = x.shape.length;
      const lastAxis = axis === -1 || axis === rank - 1;
      if (!(lastAxis && (rank === 2 || rank === 4)) && !(axis === 1 && rank === 4)) fail(layer, `axis ${axis} on rank ${rank}`);
      const v = rank === 2 ? x : g.as(x, lastAxis ? 'nchw' : 'keras');
      const c = Number(layer.weights[layer.weights.length - 1].shape[0]);
      let i = 0;
      const gamma = config.scale ? weightData(layer, i++) : new Float32Array(c).fill(1);
      const beta = config.center ? weightData(layer, i++) : new Float32Array(c);
      const [mean, variance] = [weightData(layer, i), weightData(layer, i + 1)];
      const ins = [v.name, ...[gamma, beta, mean, variance].map((d) => g.constant(hint, [c], d))];
      return done(g.op('BatchNormalization', ins, hint, { epsilon: { float: Number(config.epsilon) } }), v.layout);
    }
    case 'ZeroPadding2D': {
      const v = g.as(x, spatialLayout);
      const [[t, b], [l, r]] = config.padding as [[number, number], [number, number]];
      return done(g.op('Pad', [v.name, g.int64(hint, [0, 0, t, l, 0, 0, b, r])], hint), spatialLayout);
    }
    case 'Add': {
      const first = inputs[0];
      return done(inputs.slice(1).reduce((acc, v) => g.op('Add', [acc, g.as(v, first.layout).name], hint), first.name), first.layout);
    }
    case 'Concatenate': {
      const axis = Number(config.axis);
      return done(g.op('Concat', inputs.map((v) => g.as(v, 'keras').name), hint, { axis: axis < 0 ? axis + outShape.length : axis }), 'keras');
    }
    default:
      return fail(layer, `layer class ${layer.className} has no ONNX mapping`);
  }
}

/**
 * The ONNX model bytes of `model`. The input is named `input`, the output `output`, both with the model's
 * Keras shapes (channels_last stays channels_last at the boundary).
 *
 * @example
 * ```ts
 * const bytes = modelToOnnxBytes(model);
 * ```
 */
export function modelToOnnxBytes(model: Model): Uint8Array {
  const steps = graphSteps(model);
  const float64 = model.weights.some((w) => w.dtype === 'float64') || steps[0].output.dtype === 'float64';
  const g = new GraphBuilder(float64);
  const values = new Map<number, Value>();
  const input = steps[0].output;
  values.set(input.id, { name: 'input', layout: 'keras', shape: input.shape });
  for (const step of steps.slice(1)) {
    const ins = step.inputs.map((t) => values.get(t.id) as Value);
    try {
      values.set(step.output.id, convert(g, step.layer, ins, step.output.shape));
    } catch (error) {
      if (error instanceof ModelFileError) throw error;
      throw new ModelFileError(step.layer.name, `cannot be exported to ONNX: ${(error as Error).message}`, { cause: error });
    }
  }
  const output = steps[steps.length - 1].output;
  const last = g.as(values.get(output.id) as Value, 'keras');
  g.nodes.push(node('Identity', [last.name], ['output'], 'output/Identity'));
  const elem = float64 ? ONNX_DOUBLE : ONNX_FLOAT;
  return modelProto({ name: model.name, nodes: g.nodes, initializers: g.initializers, inputs: [valueInfo('input', elem, input.shape)], outputs: [valueInfo('output', elem, output.shape)] }, 13);
}

/**
 * Writes `model` as an ONNX file (atomically). Depthwise convolutions become `Conv` with `group`.
 *
 * @example
 * ```ts
 * exportOnnx(model, 'model.onnx');
 * ```
 */
export function exportOnnx(model: Model, file: string): void {
  let bytes: Uint8Array;
  try {
    bytes = modelToOnnxBytes(model);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ModelFileError(file, message, { cause: error });
  }
  writeFileAtomic(file, bytes);
}
