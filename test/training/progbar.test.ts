import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { InvalidArgumentError } from '../../src/errors.js';
import type { TrainingParams } from '../../src/training/callbacks/callback.js';
import { ProgbarLogger } from '../../src/training/callbacks/progbar-logger.js';
import { formatExponential, formatFixed, formatSpec, pythonFloatRepr, pythonFormat } from '../../src/utils/python-format.js';
import { Progbar } from '../../src/training/progbar.js';
import { loadKerasFixture } from '../helpers/fixtures.js';

type Num = number | 'nan' | 'inf' | '-inf';
interface ProgbarCase {
  name: string;
  target: number | null;
  verbose: 0 | 1 | 2;
  dynamic: boolean;
  start: number;
  width?: number;
  interval?: number;
  statefulMetrics?: string[];
  statelessMetrics?: string[];
  updates: { time: number; current: number; values?: [string, Num][]; finalize?: boolean }[];
  expected: string;
}
interface FormatCase {
  value: Num;
  f4: string;
  e4: string;
  f0: string;
  f2: string;
  f5: string;
  e3: string;
  repr: string;
}
interface Fixture {
  progbar: ProgbarCase[];
  format: FormatCase[];
  fit: { verbose1: string; verbose2: string };
}

const fx = loadKerasFixture<Fixture>('progbar.json');
const num = (v: Num): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

class Capture {
  text = '';
  constructor(readonly isTTY = false) {}
  write(s: string): void {
    this.text += s;
  }
}

/** Replays a scripted Keras Progbar run against ours with the same clock readings. */
function replay(c: ProgbarCase, dynamicDisplay: boolean): string {
  const times = [c.start, ...c.updates.map((u) => u.time)];
  const out = new Capture();
  const bar = new Progbar(c.target, {
    verbose: c.verbose,
    writer: out,
    now: () => times.shift()!,
    dynamicDisplay,
    ...(c.width !== undefined ? { width: c.width } : {}),
    ...(c.interval !== undefined ? { interval: c.interval } : {}),
    ...(c.statefulMetrics !== undefined ? { statefulMetrics: c.statefulMetrics } : {}),
    ...(c.statelessMetrics !== undefined ? { statelessMetrics: c.statelessMetrics } : {}),
  });
  for (const u of c.updates) {
    bar.update(u.current, (u.values ?? []).map(([k, v]) => [k, num(v)] as const), u.finalize);
  }
  return out.text;
}

const ANSI = /\x1b\[[0-9;]*m/g; // eslint-disable-line no-control-regex

describe('Progbar against keras.utils.Progbar (scripted clock)', () => {
  for (const c of fx.progbar) {
    if (c.verbose === 2 || c.dynamic) {
      test(`${c.name}: identical characters`, () => {
        assert.equal(replay(c, c.dynamic), c.expected);
      });
    }
    if (c.verbose === 1 && !c.dynamic) {
      // Keras's non-dynamic mode writes "\n" + line per redraw; ours writes only the final line, plain.
      test(`${c.name}: non-TTY writes only Keras's final line, without ANSI codes`, () => {
        const lines = c.expected.split('\n').filter((l) => l !== '');
        assert.equal(replay(c, false), `${lines[lines.length - 1].replace(ANSI, '')}\n`);
      });
    }
  }

  test('the writer\'s isTTY picks the display', () => {
    const tty = new Capture(true);
    const file = new Capture(false);
    for (const writer of [tty, file]) {
      let t = 0;
      const bar = new Progbar(2, { writer, now: () => (t += 1), statelessMetrics: [] });
      bar.update(1, [['loss', 0.5]]);
      bar.update(2, [['loss', 0.25]]);
    }
    assert.ok(tty.text.startsWith('\r\x1b[1m1/2'));
    assert.equal(file.text, '2/2 ━━━━━━━━━━━━━━━━━━━━ 2s 1s/step - loss: 0.2500\n');
  });

  test('verbose 0 prints nothing', () => {
    const out = new Capture(true);
    const bar = new Progbar(3, { verbose: 0, writer: out });
    bar.update(1, [['loss', 1]]);
    bar.update(3, [['loss', 1]]);
    assert.equal(out.text, '');
  });

  test('add() advances from the last step', () => {
    const out = new Capture();
    let t = 0;
    const bar = new Progbar(4, { writer: out, now: () => (t += 0.5), statefulMetrics: [] });
    bar.add(2, [['loss', 1]]);
    bar.add(2, [['loss', 3]]);
    // The final update's values are taken as they are, not averaged (Keras's finalize rule).
    assert.equal(out.text, '4/4 ━━━━━━━━━━━━━━━━━━━━ 1s 250ms/step - loss: 3.0000\n');
  });

  test('option validation', () => {
    assert.throws(() => new Progbar(3, { statefulMetrics: ['a'], statelessMetrics: ['b'] }), InvalidArgumentError);
    assert.throws(() => new Progbar(3, { width: -1 }), /invalid `width`: received -1/);
    assert.throws(() => new Progbar(3, { verbose: 3 as 1 }), /invalid `verbose`/);
    assert.throws(() => new Progbar(NaN), /invalid `target`/);
  });
});

describe('Python number formatting', () => {
  for (const c of fx.format) {
    test(`${String(c.value)}`, () => {
      const v = num(c.value);
      assert.equal(formatFixed(v, 4), c.f4, '.4f');
      assert.equal(formatFixed(v, 0), c.f0, '.0f');
      assert.equal(formatFixed(v, 2), c.f2, '.2f');
      assert.equal(formatFixed(v, 5), c.f5, '.5f');
      assert.equal(formatExponential(v, 4), c.e4, '.4e');
      assert.equal(formatExponential(v, 3), c.e3, '.3e');
      assert.equal(pythonFloatRepr(v), c.repr, 'repr');
    });
  }

  test('format specs and templates', () => {
    assert.equal(pythonFormat('{epoch:02d}-{val_loss:.2f}.keras', { epoch: 3, val_loss: 0.256 }, ['epoch']), '03-0.26.keras');
    assert.equal(pythonFormat('{{x}}{loss}', { loss: 2 }), '{x}2.0');
    assert.equal(formatSpec(-3, '05d', true), '-0003');
    assert.equal(formatSpec(1.5, '>8.2f', false), '    1.50');
    assert.equal(formatSpec(0.25, '.1%', false), '25.0%');
    assert.throws(() => formatSpec(0.5, 'd', false), /invalid `format spec`/);
    assert.throws(() => pythonFormat('{nope}.keras', { loss: 1 }), /no 'nope' in logs/);
  });
});

describe('ProgbarLogger output compared with real model.fit', () => {
  // Timings differ run to run: normalise times, keep everything else.
  const boldTime = new RegExp('\x1b\\[1m[\\d:]+s?\x1b\\[0m', 'g'); // eslint-disable-line no-control-regex -- ANSI bold around the time
  const normalise = (s: string): string =>
    s.replace(/\d+(ms|us|s)\/step/g, 'T/step').replace(boldTime, '\x1b[1mT\x1b[0m').replace(/ - \d+s - /g, ' - T - ').replace(/ [\d:]+s? T\/step/g, ' T T/step');

  /** Drives a ProgbarLogger the way fit does, with the logs the captured Keras run printed. */
  function drive(verbose: 1 | 2, tty: boolean): string {
    const out = new Capture(tty);
    // Keras's first redraw needs the clock past `interval` since 0, as time.time() always is.
    let t = 1000;
    const logger = new ProgbarLogger({ writer: out, now: () => (t += 0.1) });
    const params: TrainingParams = { epochs: 3, steps: 4, verbose };
    logger.setParams(params);
    logger.onTrainBegin();
    const epochs = [
      { batch: { accuracy: 0.75, loss: 0.5939 }, end: { accuracy: 0.59375, loss: 0.6302, val_accuracy: 0.59375, val_loss: 0.6257, learning_rate: 0.01 } },
      { batch: { accuracy: 0.5, loss: 0.6251 }, end: { accuracy: 0.59375, loss: 0.6233, val_accuracy: 0.59375, val_loss: 0.6189, learning_rate: 0.01 } },
    ];
    epochs.forEach((e, epoch) => {
      logger.onEpochBegin(epoch);
      logger.onTrainBatchEnd(0, e.batch);
      logger.onTestBegin();
      logger.onTestBatchEnd(0, { loss: 9 });
      logger.onTestEnd({ loss: 9 });
      logger.onEpochEnd(epoch, e.end);
    });
    return out.text;
  }

  test('verbose 2: one line per epoch, exactly as Keras (times normalised)', () => {
    const keras = normalise(fx.fit.verbose2).split('\n').filter((l) => /^\d+\/\d+ - /.test(l) && l.includes('val_loss'));
    const ours = normalise(drive(2, false)).split('\n').filter((l) => l !== '' && !l.startsWith('Epoch'));
    assert.deepEqual(ours, keras);
    assert.match(drive(2, false), /^Epoch 1\/3\n4\/4 - 0s - 25ms\/step - accuracy: 0\.5938/);
  });

  test('verbose 1 on a TTY: Keras\'s live bar and final line', () => {
    const ours = drive(1, true);
    // The final line of each epoch, after the last carriage return, equals Keras's.
    const finals = (s: string): string[] =>
      normalise(s).split('\n').filter((l) => l.includes('val_loss')).map((l) => l.slice(l.lastIndexOf('\r') + 1));
    assert.deepEqual(finals(ours), finals(fx.fit.verbose1));
    assert.ok(ours.startsWith('Epoch 1/3\n\r\x1b[1m1/4\x1b[0m \x1b[32m━━━━━\x1b[0m\x1b[37m━━━━━━━━━━━━━━━\x1b[0m'));
    // The second draw erases the first by its printed width (ANSI codes excluded), then returns.
    const first = ours.slice(ours.indexOf('\r') + 1, ours.indexOf('\b')).replace(ANSI, '');
    assert.ok(ours.includes(`${'\b'.repeat(first.length)}\r`), 'erases the previous line by its printed width');
  });

  test('verbose 1 without a TTY: the epoch line and one plain final line per epoch', () => {
    const lines = drive(1, false).split('\n');
    const keras = normalise(fx.fit.verbose1).split('\n').filter((l) => l.includes('val_loss')).map((l) => l.slice(l.lastIndexOf('\r') + 1).replace(ANSI, ''));
    assert.equal(lines[0], 'Epoch 1/3');
    assert.equal(normalise(lines[1]).replace(ANSI, ''), keras[0]);
    assert.equal(lines[2], 'Epoch 2/3');
    assert.equal(lines.length, 5);
    assert.ok(!lines.join('').includes('\x1b') && !lines.join('').includes('\r'));
  });

  test('verbose 0 prints nothing; a single epoch prints no "Epoch 1/1"', () => {
    for (const [verbose, epochs, expected] of [
      [0, 3, ''],
      [2, 1, '4/4 - 0s - 0s/step - loss: 0.5000\n'],
    ] as const) {
      const out = new Capture();
      const logger = new ProgbarLogger({ writer: out, now: () => 0 });
      logger.setParams({ epochs, steps: 4, verbose });
      logger.onTrainBegin();
      logger.onEpochBegin(0);
      logger.onTrainBatchEnd(3, { loss: 0.5 });
      logger.onEpochEnd(0, { loss: 0.5 });
      assert.equal(out.text, expected);
    }
  });

  test('unknown steps: the first epoch\'s count becomes the target', () => {
    const out = new Capture();
    const logger = new ProgbarLogger({ writer: out, now: () => 0 });
    logger.setParams({ epochs: 2, steps: null, verbose: 2 });
    logger.onTrainBegin();
    for (const epoch of [0, 1]) {
      logger.onEpochBegin(epoch);
      for (let b = 0; b < 3; b++) logger.onTrainBatchEnd(b, { loss: 1 });
      logger.onEpochEnd(epoch, { loss: 1 });
    }
    assert.equal(out.text, 'Epoch 1/2\n3/3 - 0s - 0s/step - loss: 1.0000\nEpoch 2/2\n3/3 - 0s - 0s/step - loss: 1.0000\n');
  });
});
