/**
 * Loading weights is all or nothing: setWeights (layer and model) and every weights file reader check
 * everything before the first value is assigned, so after any refusal the model, optimizer state
 * included, is bit for bit what it was. Each float dataset of each weights file is damaged in turn.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { tensorFromArray } from '../../src/engine/tensor.js';
import type { Tensor } from '../../src/engine/tensor.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { ioReady, loadWeightsSync, ModelFileError, modelFromKerasBytes, saveWeightsSync } from '../../src/io/index.js';
import { modelFromLegacyH5 } from '../../src/io/legacy-h5.js';
import type { Model } from '../../src/models/model.js';
import { add } from '../../src/ops/elementwise.js';
import type { Rng } from './fuzz/mutate-bytes.js';
import { rewriteH5 } from './fuzz/mutate-bytes.js';
import { bits, FIXTURES, random, randomizeWeights, randomTensor, singleLayerModel, tempDir } from './helpers.js';

before(async () => {
  await ioReady();
});

/** Bits of every weight, the optimizer's iteration count and every slot. */
function fingerprint(model: Model): string {
  const state = model.optimizer?.getState();
  return [...model.getWeights().map(bits), String(state?.iterations), ...(state?.slots.map((s) => `${s.variablePath}:${s.name}:${bits(s.value)}`) ?? [])].join('|');
}

describe('setWeights is all or nothing', () => {
  it('a layer given a bad value last (wrong shape, integer, disposed, one too few) keeps every weight', () => {
    const model = singleLayerModel('BatchNormalization', 'float32');
    const layer = model.layers[0];
    const before = fingerprint(model);
    const next = random(3);
    const fresh = () => layer.weights.map((w) => randomTensor(w.shape, 'float32', next, true));
    const bad: (Tensor | null)[] = [randomTensor([7], 'float32', next), tensorFromArray(new Int32Array(3), [3], 'int32'), null];
    // A value whose memory was freed: only backends that own memory (WebAssembly) free on dispose.
    const freed = add(randomTensor(layer.weights[3].shape, 'float32', next), 1);
    freed.dispose();
    if (freed.isDisposed) bad.push(freed);
    for (const last of bad) {
      const values = fresh();
      if (last === null) values.pop();
      else values[3] = last;
      assert.throws(() => layer.setWeights(values), InvalidArgumentError);
      assert.equal(fingerprint(model), before);
    }
    layer.setWeights(fresh());
    assert.notEqual(fingerprint(model), before);
  });

  it('a model given a bad value for its last layer keeps its first layers', () => {
    const model = singleLayerModel('Add', 'float32');
    const before = fingerprint(model);
    const next = random(4);
    const values = model.weights.map((w) => randomTensor(w.shape, 'float32', next));
    values[values.length - 1] = randomTensor([1, 2], 'float32', next);
    assert.throws(() => model.setWeights(values), /weights\[1\]/);
    assert.equal(fingerprint(model), before);
  });
});

/** An Rng that picks the `index`-th dataset and the damage `kind`. */
function fixedPick(index: number, kind: string): Rng {
  return { next: () => 0, int: () => 0, pick: <T>(items: readonly T[]) => ((items as readonly unknown[]).includes(kind) ? (kind as T) : items[index]) };
}

async function damagedEveryWay(base: Uint8Array, count: number): Promise<{ what: string; bytes: Uint8Array }[]> {
  const out: { what: string; bytes: Uint8Array }[] = [];
  for (let i = 0; i < count; i++) {
    for (const kind of ['reshape', 'integers', 'drop']) out.push({ what: `dataset ${i} ${kind}`, bytes: await rewriteH5(base, { damage: fixedPick(i, kind) }) });
  }
  return out;
}

describe('loadWeights is all or nothing', () => {
  it('Keras 3 weights with Adam state: each of 26 float datasets reshaped, made integer or removed is refused, nothing changed', async () => {
    const model = modelFromKerasBytes(new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'keras3_sequential.keras'))), 'fixture.keras');
    const next = random(8);
    const [x, y] = [randomTensor([2, 8, 8, 3], 'float32', next), randomTensor([2, 3], 'float32', next, true)];
    model.trainOnBatch(x, y);
    const dir = tempDir();
    const file = path.join(dir, 'm.weights.h5');
    saveWeightsSync(model, file);
    const base = new Uint8Array(fs.readFileSync(file));
    // The model moves on, so that a partial load would show in its bits.
    model.trainOnBatch(x, y);
    const before = fingerprint(model);
    const damaged = await damagedEveryWay(base, 26);
    for (const { what, bytes } of damaged) {
      fs.writeFileSync(file, bytes);
      assert.throws(() => loadWeightsSync(model, file), (e: unknown) => e instanceof ModelFileError && e.message.startsWith(file), what);
      assert.equal(fingerprint(model), before, `${what} changed the model`);
    }
    // The undamaged file loads and changes weights and slots.
    fs.writeFileSync(file, base);
    loadWeightsSync(model, file);
    assert.notEqual(fingerprint(model), before);
  });

  it('Keras 2 weights: each float dataset damaged is refused, nothing changed', async () => {
    const model = modelFromLegacyH5(new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'keras2_model.h5'))), 'fixture.h5');
    randomizeWeights(model, 21);
    const before = fingerprint(model);
    const file = path.join(tempDir(), 'w.h5');
    const count = model.weights.length;
    for (const { what, bytes } of await damagedEveryWay(new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'keras2_weights.h5'))), count)) {
      fs.writeFileSync(file, bytes);
      assert.throws(() => loadWeightsSync(model, file), (e: unknown) => e instanceof ModelFileError && e.message.startsWith(file), what);
      assert.equal(fingerprint(model), before, `${what} changed the model`);
    }
  });
});
