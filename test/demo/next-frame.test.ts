// The next-frame demo end to end, as a user runs it (`npm run demo -- --task next-frame`): a child process
// at a small size, then its PNG strip and metrics.json.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { PNG } from 'pngjs';
import { stripSize } from '../../examples/next-frame/strip.js';
import { tempDir } from '../helpers/temp-dir.js';

const out = tempDir('depthwise-next-frame-');

function runDemo(...flags: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'examples/demo.ts', '--task', 'next-frame', ...flags], { encoding: 'utf8', timeout: 240_000 });
}

interface Metrics {
  seed: number;
  settings: { sequences: number; testSequences: number; frames: number; size: number };
  baselines: { black: number; lastFrame: number };
  epochs: { epoch: number; loss: number; mse: number; testLoss: number; testMse: number; seconds: number }[];
  testLoss: number;
  testMse: number;
  params: number;
  wallSeconds: number;
}

describe('examples/next-frame.ts (npm run demo -- --task next-frame)', () => {
  test('trains a ConvLSTM2D + Conv3D network on moving digits and writes the strip and metrics', () => {
    const run = runDemo('--sequences', '48', '--frames', '6', '--size', '16', '--filters', '4', '--epochs', '3', '--batch-size', '8', '--seed', '3', '--out', out);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Moving digits: 48 training and 12 test sequences of 6 frames, 64×64 downsampled to 16×16, seed 3/);
    assert.match(run.stdout, /conv_lstm2d \(ConvLSTM2D\)/);
    assert.match(run.stdout, /conv3d \(Conv3D\)/);
    assert.match(run.stdout, /Epoch {2}train loss {2}test loss {2}test MSE {2}seconds\n( +\d +\d\.\d{5} +\d\.\d{5} +\d\.\d{5} +\d+\.\d\n){3}/);
    assert.match(run.stdout, /Wall time: \d+\.\d s/);

    // The strip: 4 test sequences × 3 rows (input, predicted, true) of 5 frames scaled 3× (48 / 16).
    const png = PNG.sync.read(readFileSync(join(out, 'next-frame.png')));
    assert.deepEqual([png.width, png.height], stripSize(4, 5, 16, 3));
    assert.ok(png.data.some((v, i) => i % 4 !== 3 && v !== png.data[0]), 'the strip is not blank');

    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Metrics;
    assert.equal(metrics.seed, 3);
    assert.deepEqual([metrics.settings.sequences, metrics.settings.testSequences, metrics.settings.frames], [48, 12, 6]);
    assert.equal(metrics.epochs.length, 3);
    for (const e of metrics.epochs) assert.ok([e.loss, e.mse, e.testLoss, e.testMse, e.seconds].every(Number.isFinite), JSON.stringify(e));
    // Learning happens: the test loss falls, and ends below predicting 0.5 everywhere (ln 2 = 0.693).
    assert.ok(metrics.epochs[2].testLoss < metrics.epochs[0].testLoss, JSON.stringify(metrics.epochs));
    assert.ok(metrics.testLoss < Math.LN2, `test loss ${metrics.testLoss}`);
    assert.ok(metrics.baselines.lastFrame > 0 && metrics.baselines.black > metrics.baselines.lastFrame / 4);
    assert.ok(metrics.params > 0 && metrics.wallSeconds > 0);
  });

  test('bad flags exit with code 2 naming the flag, the value and what is allowed; --help lists every flag', () => {
    const size = runDemo('--size', '12');
    assert.equal(size.status, 2);
    assert.match(size.stderr, /--size: '12'; expected one of 8, 16, 32, 64/);
    const task = spawnSync(process.execPath, ['--import', 'tsx', 'examples/demo.ts', '--task', 'video'], { encoding: 'utf8' });
    assert.equal(task.status, 2);
    assert.match(task.stderr, /--task: 'video'; expected one of digits, next-frame/);
    const help = runDemo('--help');
    assert.equal(help.status, 0);
    for (const flag of ['--epochs', '--batch-size', '--seed', '--sequences', '--frames', '--size', '--filters', '--out']) assert.ok(help.stdout.includes(flag), flag);
  });
});
