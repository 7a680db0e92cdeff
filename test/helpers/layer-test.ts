/**
 * The layer contract every layer test runs (after Keras's `run_layer_test`): build on an input, output
 * shape equal to `computeOutputShape`, symbolic and eager application agreeing, weight shapes, a whole
 * config round trip through `fromConfig`, float32 and float64 outputs, gradients with respect to the
 * input and every weight against central finite differences in float64, one training step in a model
 * (`compile` + `fit`: the loss is finite and trainable weights move) and a `.keras` save/load round trip
 * (the loaded model predicts the same bits).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before } from 'node:test';
import { ioReady, kerasModel, kerasModelSequential, layerInput, loadModelSync, ops, optimizers, saveModelSync, tensor } from '../../src/index.js';
import type { Layer, Tensor } from '../../src/index.js';
import type { Config } from '../../src/serialization/keras-object.js';
import { assertAllClose, mulberry32, randomArray } from './close.js';
import { checkGradients } from './finite-difference.js';
import { tempDir } from './temp-dir.js';

// The synchronous save/load of the contract needs the HDF5 module loaded once, before any test runs.
before(async () => {
  await ioReady();
});

export interface LayerTestSpec {
  /** Creates the layer under test with the given dtype. */
  make: (dtype: 'float32' | 'float64') => Layer;
  /** The class's `fromConfig`. */
  fromConfig: (config: Config) => Layer;
  /** Input shape(s) with the batch axis; an array of shapes for layers that merge inputs. */
  inputShape: number[] | number[][];
  expectedOutputShape?: number[];
  expectedWeightShapes?: number[][];
  /** Check gradients by finite differences (default true). */
  gradients?: boolean;
  /** Tolerances of the gradient check (default rtol 1e-6, atol 1e-8). */
  gradientTolerance?: { rtol: number; atol: number };
  /** Seed of the random input (default 1). */
  seed?: number;
  /** Run one training step in a Sequential model (default true; merge layers, which take a list, never do). */
  trainingStep?: boolean;
  /** Save the one-layer model to `.keras` and load it back (default true; merge layers never do). */
  saveLoad?: boolean;
}

function randomInputs(shapes: number[][], dtype: 'float32' | 'float64', seed: number): Tensor[] {
  const rng = mulberry32(seed);
  return shapes.map((shape) => tensor(randomArray(shape.reduce((a, b) => a * b, 1), rng), shape, dtype));
}

export function runLayerTest(spec: LayerTestSpec): void {
  const shapes = (Array.isArray(spec.inputShape[0]) ? spec.inputShape : [spec.inputShape]) as number[][];
  const merge = Array.isArray(spec.inputShape[0]);
  const seed = spec.seed ?? 1;

  for (const dtype of ['float32', 'float64'] as const) {
    const layer = spec.make(dtype);
    const inputs = randomInputs(shapes, dtype, seed);
    const output = layer.apply(merge ? inputs : inputs[0]);
    assert.equal(output.dtype, dtype, `${dtype}: output dtype`);
    if (spec.expectedOutputShape) assert.deepEqual(output.shape, spec.expectedOutputShape, 'output shape');
    if (spec.expectedWeightShapes) {
      assert.deepEqual(layer.weights.map((w) => [...w.shape]), spec.expectedWeightShapes, 'weight shapes');
    }
    assert.ok(layer.weights.every((w) => w.dtype === dtype), `${dtype}: weight dtypes`);

    // Symbolic application gives the same shape (batch unknown), and a model built from it computes the same.
    const placeholders = shapes.map((s) => layerInput({ batchShape: [null, ...s.slice(1)], dtype }));
    const symbolic = layer.apply(merge ? placeholders : placeholders[0]);
    assert.deepEqual(symbolic.shape, [null, ...output.shape.slice(1)], 'symbolic output shape');
    if (!merge) {
      const model = kerasModel({ inputs: placeholders[0], outputs: symbolic });
      assertAllClose(model.predict(inputs[0]).dataSync(), output.dataSync(), { rtol: 0, atol: 0 }, 'model vs eager');
    }

    // Config round trip: the rebuilt layer has the same config, and with the same weights the same output.
    const config = layer.getConfig();
    const rebuilt = spec.fromConfig(JSON.parse(JSON.stringify(config)) as Config);
    assert.deepEqual(rebuilt.getConfig(), config, 'config round trip');
    rebuilt.apply(merge ? inputs : inputs[0]);
    rebuilt.setWeights(layer.getWeights());
    assertAllClose(rebuilt.apply(merge ? inputs : inputs[0]).dataSync(), output.dataSync(), { rtol: 0, atol: 0 }, 'rebuilt output');
  }

  if (!merge && spec.trainingStep !== false) checkTrainingStep(spec, shapes[0], seed);
  if (!merge && spec.saveLoad !== false) checkSaveLoad(spec, shapes[0], seed);

  if (spec.gradients === false) return;
  const layer = spec.make('float64');
  const inputs = randomInputs(shapes, 'float64', seed + 1);
  const probe = layer.apply(merge ? inputs : inputs[0]);
  const cotangent = tensor(randomArray(probe.size, mulberry32(seed + 2)), probe.shape, 'float64');
  checkGradients(
    () => ops.sum(ops.mul(layer.apply(merge ? inputs : inputs[0]), cotangent)),
    [...inputs, ...layer.trainableWeights],
    { ...(spec.gradientTolerance ?? { rtol: 1e-6, atol: 1e-8 }), message: layer.className },
  );
}

/** Keras's `run_layer_test` training check: the layer in a model, one `fit` step on random targets. */
function checkTrainingStep(spec: LayerTestSpec, shape: number[], seed: number): void {
  const layer = spec.make('float32');
  const model = kerasModelSequential({ inputShape: shape.slice(1) });
  model.add(layer);
  const [x] = randomInputs([shape], 'float32', seed + 3);
  const out = model.predict(x);
  const y = tensor(randomArray(out.size, mulberry32(seed + 4)), out.shape, 'float32');
  const before = layer.trainableWeights.map((w) => Float32Array.from(w.dataSync() as Float32Array));
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0.01 }), loss: 'mean_squared_error' });
  const history = model.fit(x, y, { epochs: 1, batchSize: shape[0], verbose: 0 });
  const loss = history.history.loss as number[];
  assert.ok(loss.length === 1 && Number.isFinite(loss[0]), `training step: loss ${JSON.stringify(loss)}`);
  const moved = layer.trainableWeights.some((w, i) => (w.dataSync() as Float32Array).some((v, j) => v !== before[i][j]));
  assert.ok(layer.trainableWeights.length === 0 || moved, 'training step: no trainable weight moved');
}

/** The one-layer model saved to `.keras` and loaded back predicts the same bits. */
function checkSaveLoad(spec: LayerTestSpec, shape: number[], seed: number): void {
  const model = kerasModelSequential({ inputShape: shape.slice(1) });
  model.add(spec.make('float32'));
  const [x] = randomInputs([shape], 'float32', seed + 5);
  const file = join(tempDir('depthwise-layer-test-'), 'layer.keras');
  saveModelSync(model, file);
  const loaded = loadModelSync(file);
  assert.deepEqual(loaded.layers.map((l) => l.getConfig()), model.layers.map((l) => l.getConfig()), 'save/load: configs');
  assertAllClose(loaded.predict(x).dataSync(), model.predict(x).dataSync(), { rtol: 0, atol: 0 }, 'save/load: predictions');
}
