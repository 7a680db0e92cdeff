// image_data_format from keras.json: $KERAS_HOME when set, else ~/.keras; the setter wins; layers use it.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { tempDir } from '../helpers/temp-dir.js';
import { DepthwiseConv2D, imageDataFormat, InvalidArgumentError, reloadKerasConfig, setImageDataFormat } from '../../src/index.js';

const saved = { KERAS_HOME: process.env.KERAS_HOME, HOME: process.env.HOME };

function withKerasJson(contents: string | null): string {
  const dir = tempDir('keras-home-');
  if (contents !== null) writeFileSync(join(dir, 'keras.json'), contents);
  return dir;
}

afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  setImageDataFormat(null);
  reloadKerasConfig();
});

describe('image_data_format', () => {
  test('read from $KERAS_HOME/keras.json, and used as the layer default', () => {
    process.env.KERAS_HOME = withKerasJson(JSON.stringify({ image_data_format: 'channels_first', floatx: 'float32' }));
    reloadKerasConfig();
    assert.equal(imageDataFormat(), 'channels_first');
    const layer = new DepthwiseConv2D({ kernelSize: 3 });
    assert.equal(layer.dataFormat, 'channels_first');
    assert.equal(layer.getConfig().data_format, 'channels_first');
    assert.equal(new DepthwiseConv2D({ kernelSize: 3, dataFormat: 'channels_last' }).dataFormat, 'channels_last');
  });

  test('without KERAS_HOME, ~/.keras/keras.json is read', () => {
    delete process.env.KERAS_HOME;
    const home = tempDir('home-');
    mkdirSync(join(home, '.keras'));
    writeFileSync(join(home, '.keras', 'keras.json'), JSON.stringify({ image_data_format: 'channels_first' }));
    process.env.HOME = home;
    reloadKerasConfig();
    assert.equal(imageDataFormat(), 'channels_first');
  });

  test('a KERAS_HOME without keras.json, a file without the key, or an unparsable file give channels_last', () => {
    for (const contents of [null, '{}', '{not json']) {
      process.env.KERAS_HOME = withKerasJson(contents);
      reloadKerasConfig();
      assert.equal(imageDataFormat(), 'channels_last', String(contents));
    }
  });

  test('an invalid value in the file is an error naming the file', () => {
    process.env.KERAS_HOME = withKerasJson(JSON.stringify({ image_data_format: 'nhwc' }));
    reloadKerasConfig();
    assert.throws(() => imageDataFormat(), (e: unknown) => e instanceof InvalidArgumentError && /nhwc/.test(e.message) && /keras\.json/.test(e.message));
  });

  test('setImageDataFormat overrides the file until reset with null', () => {
    process.env.KERAS_HOME = withKerasJson(JSON.stringify({ image_data_format: 'channels_first' }));
    reloadKerasConfig();
    setImageDataFormat('channels_last');
    assert.equal(new DepthwiseConv2D({ kernelSize: 1 }).dataFormat, 'channels_last');
    setImageDataFormat(null);
    assert.equal(imageDataFormat(), 'channels_first');
    assert.throws(() => setImageDataFormat('nchw' as never), InvalidArgumentError);
  });
});
