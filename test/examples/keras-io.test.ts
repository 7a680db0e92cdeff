// The keras-io ports (examples/keras-io/) end to end, as a user runs them: each script in a child process
// with --smoke (reduced sizes), then what it wrote to results.json. Each assertion is something the port
// could get wrong: learning, shapes, parameter counts equal to the published Keras models', files that
// load back to the same predictions, frozen weights and statistics that must (not) move.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { tempDir } from '../helpers/temp-dir.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- results.json is the script's own record, read loosely
type Results = Record<string, any>;

function runPort(name: string): { results: Results; out: string; stdout: string } {
  const out = tempDir(`depthwise-keras-io-${name}-`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join('examples', 'keras-io', `${name}.ts`), '--smoke', '--out', out], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, `${name} exited with ${run.status}:\n${run.stderr}\n${run.stdout.slice(-2000)}`);
  return { results: JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results, out, stdout: run.stdout };
}

const finite = (values: number[]) => values.every(Number.isFinite);

describe('examples/keras-io (npx tsx examples/keras-io/<name>.ts --smoke)', () => {
  test('functional-api: MNIST learns and reloads, nested models, ensemble, tickets and toy ResNet with the guide’s parameter counts', () => {
    const { results: r, stdout } = runPort('functional-api');
    assert.ok(r.mnist.loss[1] < r.mnist.loss[0] && r.mnist.valLoss[1] < r.mnist.valLoss[0], JSON.stringify(r.mnist));
    assert.ok(r.mnist.testAccuracy > 0.5, JSON.stringify(r.mnist)); // ten classes: chance is 0.1
    assert.equal(r.reloadedMaxAbsDiff, 0); // model.save → loadModel predicts the same
    assert.deepEqual(r.autoencoderOutputShape, [null, 28, 28, 1]);
    assert.deepEqual(r.autoencoderLayers, ['img', 'encoder', 'decoder']);
    assert.ok(r.ensembleMaxAbsDiff < 1e-6);
    // Keras's count for the guide's model (two LSTMs, two embeddings, two heads): 1,392,097.
    assert.equal(r.tickets.params, 1_392_097);
    assert.ok(finite([...r.tickets.loss, ...r.tickets.priorityLoss, ...r.tickets.departmentLoss]));
    assert.match(stdout, /priority_loss: [\d.]+ - department_loss: [\d.]+/);
    assert.equal(r.toyResnet.params, 223_242); // the guide's summary
    assert.deepEqual(r.sharedEmbedding.shapes, [[null, null, 128], [null, null, 128]]);
    assert.equal(r.featureExtraction.features, r.featureExtraction.layers);
    assert.deepEqual(r.featureExtraction.lastShape, [1, 1000]);
  });

  test('transfer-learning: frozen weights and BN statistics stay put; unfrozen, the base trains (and, as in Keras 3, its BN statistics move)', () => {
    const { results: r } = runPort('transfer-learning');
    assert.deepEqual(r.weightCounts, [[2, 2, 0], [4, 2, 2], [2, 0, 2]]); // what the guide prints
    assert.deepEqual(r.frozen, {
      baseWeightsChangedWhileFrozen: false,
      movingStatsChangedWhileFrozen: false,
      baseWeightsChangedByFineTuning: true,
      movingStatsChangedByFineTuning: true, // keras-team/keras#20285: fit's training=True overrides the recorded training=False
    });
    assert.ok(r.trainableCounts.base > 0 && r.trainableCounts.afterUnfreeze > r.trainableCounts.base);
    assert.ok(finite([...r.top.loss, ...r.fineTune.loss, r.test.loss]));
  });

  test('training-loop: valueAndGrads + applyGradients learn, metrics update and reset, add_loss counts, flat WebAssembly memory without tidy', () => {
    const { results: r, out } = runPort('training-loop');
    assert.ok(r.firstLoop.lastBatchLoss < r.firstLoop.firstBatchLoss, JSON.stringify(r.firstLoop));
    assert.ok(r.metricsLoop.every((e: Results) => e.trainAcc >= 0 && e.trainAcc <= 1));
    assert.ok(r.stepLoop[1].trainAcc > r.metricsLoop[0].trainAcc, JSON.stringify([r.metricsLoop, r.stepLoop]));
    const bytes = [...r.metricsLoop, ...r.stepLoop].map((e: Results) => e.wasmBytes as number);
    assert.ok(Math.max(...bytes) - Math.min(...bytes) < 64 * 1024, `WebAssembly bytes in use per epoch: ${bytes.join(', ')}`);
    assert.equal(r.addLoss.modelLosses, 1);
    assert.ok(finite([r.addLoss.firstLoss, r.addLoss.lastLoss, ...r.gan.flatMap((s: Results) => [s.dLoss, s.gLoss])]));
    assert.ok(existsSync(join(out, 'generated_img0.png')));
  });

  test('serialization: .keras round trip with optimizer state, configs, JSON, custom objects, weight transfer and .weights.h5', () => {
    const { results: r } = runPort('serialization');
    assert.equal(r.keras.maxAbsDiff, 0);
    assert.equal(r.keras.optimizerIterationsAtLoad, r.keras.originalIterations); // the optimizer state came back
    assert.equal(r.keras.optimizerIterationsAfterFit, 2 * r.keras.originalIterations); // and training resumed from it
    assert.equal(r.layerConfigRoundTrip, true);
    assert.deepEqual([r.sequentialFromConfig.configEqual, r.functionalFromConfig.configEqual], [true, true]);
    assert.equal(r.json.className, 'Sequential');
    assert.deepEqual(r.customLayerConfig.serialized, { class_name: 'CustomLayer', config: { a: 2 } });
    assert.deepEqual(r.customObjects.layers, ['InputLayer', 'CustomLayer', 'Activation']);
    assert.equal(r.customObjects.reloadedMaxAbsDiff, 0);
    assert.equal(r.layerWeightsCopied, true);
    assert.equal(r.statelessLayers, 0);
    assert.equal(r.transferLoaded, true);
    assert.deepEqual(r.extracted, { layers: ['dense_1', 'dense_2', 'dense_3'], params: 54_725, sharesWeights: true });
    assert.equal(r.files.length, 6);
  });

  test('convmixer: ConvMixer (depthwise Conv2D with groups = filters) trains, checkpoints the best weights and reloads them', () => {
    const { results: r, out } = runPort('convmixer');
    // ConvMixer-32/2 on 28×28×1 by hand: stem 2·2·32+32 and BN 4·32; per block depthwise 25·32+32,
    // pointwise 32·32+32 and two BN; head 32·10+10.
    assert.equal(r.params, 160 + 128 + 2 * (832 + 1056 + 2 * 128) + 330);
    assert.ok(r.history.loss[1] < r.history.loss[0], JSON.stringify(r.history));
    assert.ok(existsSync(join(out, 'checkpoint.weights.h5')));
    assert.deepEqual(r.visualized, { patchEmbeddings: [2, 2, 1, 32], depthwiseIndices: [5, 12], kernel: [5, 5, 1, 32] });
    assert.ok(existsSync(join(out, 'patch_embeddings.png')) && existsSync(join(out, 'kernel.png')));
  });
});
