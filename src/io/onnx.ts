/**
 * Export to ONNX (opset 13). Keras computes channels_last; ONNX's Conv, pooling and BatchNormalization are
 * channels-first. Each value therefore carries a layout: 'keras' (as Keras holds it) or 'nchw' (a
 * channels_last tensor transposed to channels-first). Spatial layers ask for 'nchw', everything that
 * depends on the element order (Flatten, Dense, Reshape, Softmax, the output) for 'keras', and a Transpose
 * is inserted only where the layout changes, so a conv stack is transposed once in and once out. The
 * per-layer mappings are in `onnx-layers.ts`.
 */

import type { Model } from '../models/model.js';
import { writeFileAtomic } from './atomic-write.js';
import { ModelFileError } from './errors.js';
import { graphSteps } from './model-config.js';
import type { Value } from './onnx-graph.js';
import { GraphBuilder } from './onnx-graph.js';
import { convertLayer } from './onnx-layers.js';
import { modelProto, node, ONNX_DOUBLE, ONNX_FLOAT, valueInfo } from './onnx-proto.js';

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
      values.set(step.output.id, convertLayer(g, step.layer, ins, step.output.shape));
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
