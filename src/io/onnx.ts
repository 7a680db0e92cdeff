/**
 * Export to ONNX (opset 13). Keras computes channels_last; ONNX's Conv, pooling and BatchNormalization are
 * channels-first. Each value therefore carries a layout: 'keras' (as Keras holds it) or 'nchw' (a
 * channels_last tensor transposed to channels-first). Spatial layers ask for 'nchw', everything that
 * depends on the element order (Flatten, Dense, Reshape, the output) for 'keras', per-feature layers
 * (normalizations, activations, Softmax, Rescaling, resampling) compute in whichever layout they receive,
 * and a Transpose is inserted only where the layout changes, so a conv stack is transposed once in and once
 * out. The per-layer mappings are in `onnx-layers.ts`, `onnx-normalization.ts` and `onnx-resample.ts`.
 */

import { Model } from '../models/model.js';
import { writeFileAtomic } from './atomic-write.js';
import { ModelFileError } from './errors.js';
import type { Value } from './onnx-graph.js';
import { GraphBuilder } from './onnx-graph.js';
import { convertLayer } from './onnx-layers.js';
import { modelProto, node, ONNX_DOUBLE, ONNX_FLOAT, valueInfo } from './onnx-proto.js';

/**
 * Converts `model`'s graph into `g`, reading its inputs from `values` and writing its outputs there (by
 * symbolic tensor id). A model used as a layer is inlined: its inputs take the call's values, and the
 * call's outputs its outputs' values.
 */
function convertGraph(g: GraphBuilder, model: Model, values: Map<number, Value>): void {
  for (const call of model.graph) {
    const ins = call.inputs.map((t) => values.get(t.id) as Value);
    if (call.layer instanceof Model) {
      const inner = call.layer;
      inner.inputs.forEach((t, i) => values.set(t.id, ins[i]));
      convertGraph(g, inner, values);
      inner.outputs.forEach((t, i) => values.set(call.outputs[i].id, values.get(t.id) as Value));
      continue;
    }
    try {
      values.set(call.outputs[0].id, convertLayer(g, call.layer, ins, call.outputs[0].shape));
    } catch (error) {
      if (error instanceof ModelFileError) throw error;
      throw new ModelFileError(call.layer.name, `cannot be exported to ONNX: ${(error as Error).message}`, { cause: error });
    }
  }
}

/**
 * The ONNX model bytes of `model`. One input is named `input` and one output `output`; several take the
 * model's input and output names. Shapes are the model's Keras shapes (channels_last stays channels_last
 * at the boundary). Models nested as layers are inlined.
 *
 * @example
 * ```ts
 * const bytes = modelToOnnxBytes(model);
 * ```
 */
export function modelToOnnxBytes(model: Model): Uint8Array {
  model.checkNotDisposed('exportOnnx');
  const inputs = model.inputs;
  const outputs = model.outputs;
  if (inputs.length === 0) throw new ModelFileError(model.name, 'the model has no known input shape, so it cannot be exported; build it first (call it on data or give an input shape)');
  const float64 = model.weights.some((w) => w.dtype === 'float64') || inputs.some((t) => t.dtype === 'float64');
  const g = new GraphBuilder(float64);
  const values = new Map<number, Value>();
  const inputNames = inputs.length === 1 ? ['input'] : model.inputNames;
  const outputNames = outputs.length === 1 ? ['output'] : uniqueNames(model.outputNames);
  inputs.forEach((t, i) => values.set(t.id, { name: inputNames[i], layout: 'keras', shape: t.shape }));
  convertGraph(g, model, values);
  outputs.forEach((t, i) => {
    const last = g.as(values.get(t.id) as Value, 'keras');
    g.nodes.push(node('Identity', [last.name], [outputNames[i]], `${outputNames[i]}/Identity`));
  });
  const elem = float64 ? ONNX_DOUBLE : ONNX_FLOAT;
  return modelProto(
    {
      name: model.name,
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: inputs.map((t, i) => valueInfo(inputNames[i], elem, t.shape)),
      outputs: outputs.map((t, i) => valueInfo(outputNames[i], elem, t.shape)),
    },
    13,
  );
}

/**
 * ONNX graph names must be unique, but two outputs may come from one layer (a nested model of several
 * outputs): a repeated name gets `_1`, `_2`, ... as Keras numbers layer names.
 */
function uniqueNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    let candidate = name;
    for (let i = 1; taken.has(candidate) || (candidate !== name && names.includes(candidate)); i++) candidate = `${name}_${i}`;
    taken.add(candidate);
    return candidate;
  });
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
