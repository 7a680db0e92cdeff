// The MNIST demo end to end, as a user runs it: a child process on a small subset, then its files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { tempDir } from '../helpers/temp-dir.js';
import { PNG } from 'pngjs';

const out = tempDir('depthwise-demo-');
after(() => rmSync(out, { recursive: true, force: true }));

function runDemo(...flags: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'examples/demo.ts', ...flags], { encoding: 'utf8', timeout: 180_000 });
}

interface Metrics {
  testAccuracy: number;
  seed: number;
  settings: { epochs: number; trainCount: number; testCount: number };
  epochs: { epoch: number; loss: number; accuracy: number; valLoss: number; valAccuracy: number; seconds: number }[];
  params: { separable: number; conv2d: number };
  confusionMatrix: number[][];
}

describe('examples/demo.ts', () => {
  // 2,000 digits for 2 epochs (50 steps). Fewer steps would not do: inference uses BatchNormalization's
  // moving statistics, which lag the fast-changing batch statistics early in training, and after ~25
  // steps test accuracy is still near chance (measured with seed 7: 0.10 after 25 steps, 0.82 after 50).
  test('trains on a subset and writes decodable figures and metrics.json', () => {
    const run = runDemo('--limit', '2000', '--epochs', '2', '--seed', '7', '--out', out);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Test accuracy: \d+\.\d\d%/);
    assert.match(run.stdout, /Confusion matrix/);
    assert.match(run.stdout, /Parameters: [\d,]+ with depthwise-separable blocks, [\d,]+ for the same network with Conv2D/);
    assert.match(run.stdout, /Time per epoch: \d+\.\d s/);

    // Sizes follow from the layouts in examples/demo/figures.ts and the network's 16 first-block channels.
    const expected: Record<string, [number, number]> = {
      'depthwise-kernels.png': [420, 108], // 8 × 2 kernels of 48 px
      'activation-maps.png': [1024, 244], // 4 digits × (digit + 16 maps) of 56 px
      'training-curves.png': [800, 360],
      'misclassified.png': [484, 226], // 8 × 3 cells of 56 + 14 px
    };
    for (const [file, [width, height]] of Object.entries(expected)) {
      const png = PNG.sync.read(readFileSync(join(out, file)));
      assert.deepEqual([png.width, png.height], [width, height], file);
      assert.ok(png.data.some((v, i) => i % 4 !== 3 && v !== png.data[0]), `${file} is not blank`);
    }

    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Metrics;
    assert.equal(metrics.seed, 7);
    assert.deepEqual([metrics.settings.trainCount, metrics.settings.testCount], [1600, 400]);
    assert.equal(metrics.epochs.length, 2);
    for (const e of metrics.epochs) assert.ok([e.loss, e.accuracy, e.valLoss, e.valAccuracy, e.seconds].every(Number.isFinite));
    assert.ok(metrics.testAccuracy > 0.5, `test accuracy ${metrics.testAccuracy}`);
    assert.equal(metrics.confusionMatrix.flat().reduce((a, b) => a + b, 0), 400);
    assert.ok(metrics.params.conv2d > 3 * metrics.params.separable, JSON.stringify(metrics.params));

    // The saved network (what the playground's "Load the demo's .keras" loads) is a .keras zip.
    const saved = readFileSync(join(out, 'mnist-mini.keras'));
    assert.deepEqual([...saved.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04]);
  });

  test('a bad flag value exits with code 2 naming the flag, the value and what is allowed', () => {
    const bad = runDemo('--epochs', 'three');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--epochs: 'three'; expected an integer from 1 to 1000/);
    const format = runDemo('--data-format', 'nhwc');
    assert.equal(format.status, 2);
    assert.match(format.stderr, /--data-format: 'nhwc'; expected one of channels_last, channels_first/);
    const unknown = runDemo('--epoch', '3');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Unknown option '--epoch'.*--help/);
  });

  test('--help explains every flag and exits 0', () => {
    const help = runDemo('--help');
    assert.equal(help.status, 0);
    for (const flag of ['--epochs', '--batch-size', '--seed', '--data-format', '--dtype', '--out', '--limit']) assert.ok(help.stdout.includes(flag), flag);
  });
});
