/**
 * applications.*({ weights }): null builds random weights; a path or the bytes of a Keras weights file
 * (Keras 3 `.weights.h5` by layer keys, Keras 2 `.h5` by layer name) load into the built model; 'imagenet'
 * is refused, naming the file to download. Files here are written by our own savers from a model of the
 * same architecture.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applications, InvalidArgumentError, saveModelSync, saveWeightsSync, setRandomSeed, tensor } from '../../src/node.js';
import type { Model, Tensor } from '../../src/node.js';
import { tempDir } from '../helpers/temp-dir.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());
const small = { alpha: 0.25, inputShape: [32, 32, 3], classes: 5 } as const;
const image = tensor(Array.from({ length: 32 * 32 * 3 }, (_, i) => Math.sin(i)), [1, 32, 32, 3]);

/** A model whose batch-norm statistics are not the initial ones, so loading them is visible. */
function trained(build: () => Model): Model {
  setRandomSeed(11);
  const model = build();
  model.setWeights(model.getWeights().map((w, i) => tensor(Array.from(w.dataSync(), (v, j) => v + 0.01 * Math.cos(i + j) + (w.shape.length === 1 ? 0.5 : 0)), w.shape as number[])));
  return model;
}

describe('applications weights', () => {
  for (const [name, build] of [['mobilenet', (o: object) => applications.mobilenet({ ...small, ...o })], ['mobilenetV2', (o: object) => applications.mobilenetV2({ ...small, ...o })]] as const) {
    it(`${name}: a .weights.h5 path, its bytes, and a Keras 2 .h5 load the saved weights; null is random`, () => {
      const source = trained(() => build({}));
      const dir = tempDir();
      const weightsFile = path.join(dir, 'w.weights.h5');
      const legacyFile = path.join(dir, 'full.h5');
      saveWeightsSync(source, weightsFile);
      saveModelSync(source, legacyFile);
      const expected = source.weights.map(values);
      const prediction = values(source.predict(image));
      for (const weights of [weightsFile, fs.readFileSync(weightsFile), new Uint8Array(fs.readFileSync(legacyFile)).buffer, legacyFile]) {
        setRandomSeed(99);
        const model = build({ weights });
        assert.deepEqual(model.weights.map(values), expected);
        assert.deepEqual(values(model.predict(image)), prediction);
      }
      setRandomSeed(99);
      assert.notDeepEqual(build({ weights: null }).weights.map(values), expected);
    });
  }

  it('by layer name: a Keras 2 file of the model with its top loads into the model without it', () => {
    const source = trained(() => applications.mobilenet(small));
    const file = path.join(tempDir(), 'with-top.h5');
    saveModelSync(source, file);
    const notop = applications.mobilenet({ ...small, includeTop: false, weights: file });
    assert.ok(notop.layers.length < source.layers.length);
    for (const layer of notop.layers.filter((l) => l.weights.length > 0)) {
      assert.deepEqual(layer.weights.map(values), source.getLayer(layer.name).weights.map(values), layer.name);
    }
  });

  it("'imagenet' is refused before building, naming Keras's file; a missing path or another value too", () => {
    assert.throws(
      () => applications.mobilenet({ ...small, weights: 'imagenet' }),
      (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'weights' && /does not download/.test(e.message) && /mobilenet_2_5_224_tf\.h5/.test(e.message),
    );
    assert.throws(() => applications.mobilenetV2({ alpha: 0.35, includeTop: false, weights: 'imagenet' }), /mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0\.35_224_no_top\.h5/);
    assert.throws(() => applications.mobilenet({ ...small, weights: path.join(tempDir(), 'absent.h5') }), /no file is there/);
    assert.throws(() => applications.mobilenet({ ...small, weights: 3 as never }), /invalid `weights`/);
  });

  it('a file of another architecture is refused, naming the mismatch', () => {
    const other = applications.mobilenet({ ...small, alpha: 0.5 });
    const bytes = saveWeightsSync(other);
    assert.throws(() => applications.mobilenet({ ...small, weights: bytes }), /shape|weights/);
  });
});
