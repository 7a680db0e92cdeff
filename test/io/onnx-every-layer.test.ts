/**
 * Every built-in layer class, alone in a small model, in each data format it has and in float32 and
 * float64, exported to ONNX and run in onnxruntime-node: it gives predict's numbers, or the export is refused
 * with an error naming the layer. A class added to the registry without a case in `LAYER_CASES` fails the
 * first test, so no layer can be added without an answer for ONNX.
 *
 * float64: onnxruntime's CPU provider has no double kernel for some operators. Those classes are listed in
 * `NO_DOUBLE_KERNEL` with the operator, and the test checks that onnxruntime refuses exactly that operator,
 * so the list cannot go stale: when onnxruntime adds the kernel, the test says to move the class out.
 */

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import type { FloatDType } from '../../src/engine/dtype.js';
import { tensorFromArray } from '../../src/engine/tensor.js';
import type { Tensor } from '../../src/engine/tensor.js';
import { ioReady, ModelFileError, modelToOnnxBytes } from '../../src/io/index.js';
import { layerInput } from '../../src/layers/input-layer.js';
import { BUILT_IN_LAYER_CLASSES, findLayerClass } from '../../src/layers/registry.js';
import type { Config } from '../../src/serialization/keras-object.js';
import { Functional } from '../../src/models/functional.js';
import type { Model } from '../../src/models/model.js';
import { Sequential } from '../../src/models/sequential.js';
import { LAYER_CASES, maxAbsDiff, random, randomizeWeights, randomTensor } from './helpers.js';
import type { LayerCase } from './helpers.js';

before(async () => {
  await ioReady();
});

/** Classes ONNX has no operator for (a ConvLSTM is a recurrent loop of convolutions). */
const REFUSED = new Set(['ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D']);

/** Every model has an InputLayer; it exports as the graph's input, so it has no case of its own. */
const NOT_A_CASE = new Set(['InputLayer']);

/** The operator onnxruntime's CPU provider has no float64 kernel for, per class whose graph uses it. */
const NO_DOUBLE_KERNEL: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    ['Conv1D', 'Conv2D', 'Conv3D', 'DepthwiseConv1D', 'DepthwiseConv2D', 'SeparableConv1D', 'SeparableConv2D'].map((c) => [c, 'Conv']),
  ),
  ...Object.fromEntries(['Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose'].map((c) => [c, 'ConvTranspose'])),
  ...Object.fromEntries(['AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D'].map((c) => [c, 'AveragePool'])),
};

/** Tolerances: predict and onnxruntime add in different orders, nothing more. */
const TOLERANCE: Record<FloatDType, number> = { float32: 1e-5, float64: 1e-12 };

function make(className: string, config: Config, dtype: FloatDType) {
  const fromConfig = findLayerClass(className);
  if (fromConfig === null) throw new Error(`no class ${className}`);
  return fromConfig({ ...config, dtype });
}

/** Whether the class takes a `data_format` (then both formats are checked). */
function hasDataFormat(className: string): boolean {
  const spec = LAYER_CASES[className];
  return 'data_format' in make(className, spec.config, 'float32').getConfig();
}

/** The case in `format`: channels_first moves the channel axis of the input shape first. */
function inFormat(spec: LayerCase, format: string | null): LayerCase {
  if (format !== 'channels_first') return spec;
  const input = [spec.input[spec.input.length - 1], ...spec.input.slice(0, -1)];
  return { ...spec, input, config: { ...spec.config, data_format: format } };
}

/** A one-layer model (a merge layer takes the input and a Dense of it), random weights. */
function model(className: string, spec: LayerCase, dtype: FloatDType): Model {
  const layer = make(className, spec.config, dtype);
  let m: Model;
  if (spec.merge) {
    const input = layerInput({ shape: spec.input, dtype });
    const side = make('Dense', { units: spec.input[spec.input.length - 1] }, dtype).apply(input);
    m = new Functional({ inputs: input, outputs: layer.apply([input, side]) });
  } else {
    m = new Sequential({ inputShape: spec.input, inputDtype: dtype, layers: [layer] });
  }
  randomizeWeights(m);
  return m;
}

/** Inputs: random, except Embedding's, which are indices into its table. */
function input(className: string, spec: LayerCase, dtype: FloatDType): Tensor {
  const shape = [2, ...spec.input];
  if (className !== 'Embedding') return randomTensor(shape, dtype, random(5));
  const next = random(5);
  const n = shape.reduce((a, b) => a * b, 1);
  const rows = Number(spec.config.input_dim);
  const data = Array.from({ length: n }, () => Math.floor((next() + 0.5) * rows));
  return tensorFromArray(dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data), shape, dtype);
}

async function run(bytes: Uint8Array, x: Tensor): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(bytes);
  const data = x.dataSync() as Float32Array | Float64Array;
  const result = await session.run({ input: new ort.Tensor(x.dtype === 'float32' ? 'float32' : 'float64', data, x.shape) });
  return result.output;
}

describe('ONNX export of every built-in layer class', () => {
  it('every built-in layer class has a case', () => {
    const missing = BUILT_IN_LAYER_CLASSES.filter((name) => !NOT_A_CASE.has(name) && LAYER_CASES[name] === undefined);
    assert.deepEqual(missing, [], `layer classes without an ONNX export case: ${missing.join(', ')}`);
  });

  for (const className of BUILT_IN_LAYER_CLASSES.filter((c) => !NOT_A_CASE.has(c))) {
    const formats = hasDataFormat(className) ? ['channels_last', 'channels_first'] : [null];
    for (const format of formats) {
      for (const dtype of ['float32', 'float64'] as const) {
        const title = `${className}${format === null ? '' : `, ${format}`}, ${dtype}`;
        const spec = inFormat(LAYER_CASES[className], format);
        if (REFUSED.has(className)) {
          it(`${title}: refused with an error naming the layer`, () => {
            const m = model(className, spec, dtype);
            const name = m.layers[m.layers.length - 1].name;
            assert.throws(() => modelToOnnxBytes(m), (e: unknown) => e instanceof ModelFileError && e.message.includes(name) && e.message.includes('cannot be exported to ONNX'));
          });
          continue;
        }
        const missingKernel = dtype === 'float64' ? NO_DOUBLE_KERNEL[className] : undefined;
        if (missingKernel !== undefined) {
          it(`${title}: exports; onnxruntime's CPU provider has no float64 ${missingKernel}`, async () => {
            const bytes = modelToOnnxBytes(model(className, spec, dtype));
            await assert.rejects(ort.InferenceSession.create(bytes), new RegExp(`Could not find an implementation for ${missingKernel}\\(`));
          });
          continue;
        }
        it(`${title}: onnxruntime gives predict's numbers`, async () => {
          const m = model(className, spec, dtype);
          const x = input(className, spec, dtype);
          const output = await run(modelToOnnxBytes(m), x);
          const expected = m.predict(x);
          assert.deepEqual([...output.dims], expected.shape);
          const diff = maxAbsDiff(output.data as Float32Array | Float64Array, expected.dataSync());
          assert.ok(diff < TOLERANCE[dtype], `max |onnx − predict| = ${diff}`);
        });
      }
    }
  }
});
