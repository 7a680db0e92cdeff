import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, mock, test } from 'node:test';
import { tempDir } from '../helpers/temp-dir.js';

import { tensor } from '../../src/engine/tensor.js';
import type { Tensor } from '../../src/engine/tensor.js';
import { InvalidArgumentError } from '../../src/errors.js';
import type { Callback, CallbackModel, Logs } from '../../src/training/callbacks/index.js';
import {
  CSVLogger, CallbackList, EarlyStopping, History, LambdaCallback, ModelCheckpoint, ProgbarLogger,
  ReduceLROnPlateau, TerminateOnNaN,
} from '../../src/training/callbacks/index.js';
import { loadKerasFixture } from '../helpers/fixtures.js';

interface DriveRecord {
  name: string;
  options: Record<string, unknown>;
  epochLogs: Logs[];
  epochsRun: number;
  stopTrainingAfter: boolean[];
  logsSeen: Logs[];
  finalWeights: number[];
  printed: string;
  warnings: string[];
}
interface Fixture {
  earlyStopping: (DriveRecord & { stoppedEpoch: number; bestEpoch: number; best: number | null; wait: number })[];
  reduceLr: (DriveRecord & { initialLr: number; lr: number[] })[];
  reduceLrErrors: Record<string, string>;
  terminateOnNaN: { stopBefore: boolean; stopAfter: boolean; printed: string; raiseError: string };
  csvLogger: { name: string; options: { separator?: string; append?: boolean }; epochLogs: Logs[]; runs: number; content: string }[];
  modelCheckpoint: { name: string; options: Record<string, unknown>; epochLogs: Logs[]; saved: [string, string][]; printed: string }[];
  modelCheckpointErrors: Record<string, string>;
}
const fx = loadKerasFixture<Fixture>('progbar.json');

class Capture {
  text = '';
  write(s: string): void {
    this.text += s;
  }
}

/** A stand-in model: its weights are one scalar, the index of the epoch that produced them. */
class FakeModel implements CallbackModel {
  stopTraining = false;
  weights: Tensor[] = [tensor(0)];
  lr: number;
  readonly optimizer: { learningRate: unknown; currentLearningRate(): number };
  constructor(lr = 0.01) {
    this.lr = lr;
    const read = (): number => this.lr;
    const write = (v: unknown): void => {
      this.lr = v as number;
    };
    this.optimizer = {
      get learningRate(): unknown {
        return read();
      },
      set learningRate(v: unknown) {
        write(v);
      },
      currentLearningRate: read,
    };
  }
  getWeights(): Tensor[] {
    return [...this.weights];
  }
  setWeights(weights: readonly Tensor[]): void {
    this.weights = [...weights];
  }
}

/** Snake_case Keras kwargs to our camelCase options. */
function camel(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}

/** The fixture's minimal fit loop: weights become [epoch] after each epoch's training. */
function drive(cb: Callback, model: FakeModel, epochLogs: readonly Logs[]) {
  const warnings: string[] = [];
  const warnMock = mock.method(console, 'warn', (m: string) => void warnings.push(m));
  const rec = { epochsRun: 0, stopTrainingAfter: [] as boolean[], logsSeen: [] as Logs[], lr: [] as number[] };
  try {
    cb.setModel(model);
    cb.onTrainBegin();
    for (const [epoch, logs] of epochLogs.entries()) {
      cb.onEpochBegin(epoch);
      model.weights = [tensor(epoch)];
      const l = { ...logs };
      cb.onEpochEnd(epoch, l);
      rec.epochsRun += 1;
      rec.logsSeen.push(l);
      rec.lr.push(model.lr);
      rec.stopTrainingAfter.push(model.stopTraining);
      if (model.stopTraining) break;
    }
    cb.onTrainEnd();
  } finally {
    warnMock.mock.restore();
  }
  return { ...rec, finalWeights: model.weights.map((w) => w.item()), warnings };
}

describe('EarlyStopping against Keras 3 (synthetic logs)', () => {
  for (const c of fx.earlyStopping) {
    test(c.name, () => {
      const out = new Capture();
      const es = new EarlyStopping({ ...camel(c.options), writer: out });
      const got = drive(es, new FakeModel(), c.epochLogs);
      assert.equal(got.epochsRun, c.epochsRun, 'epochs run');
      assert.deepEqual(got.stopTrainingAfter, c.stopTrainingAfter);
      assert.equal(es.stoppedEpoch, c.stoppedEpoch, 'stoppedEpoch');
      assert.equal(es.bestEpoch, c.bestEpoch, 'bestEpoch');
      assert.equal(es.best, c.best);
      assert.equal(es.wait, c.wait);
      assert.deepEqual(got.finalWeights, c.finalWeights, 'weights after training (restored or last)');
      assert.equal(out.text, c.printed);
      assert.deepEqual(got.warnings, c.warnings);
    });
  }

  test('mode auto: loss/mse minimise, accuracy/acc/auc maximise, unknown names are an error', () => {
    const L = (...v: number[]) => v.map((x) => ({ val_accuracy: x, auc: x, mse: x }));
    for (const [monitor, stopsAt] of [['val_accuracy', 2], ['auc', 2], ['mse', 1]] as const) {
      const es = new EarlyStopping({ monitor });
      drive(es, new FakeModel(), L(0.5, 0.6, 0.55, 0.7));
      assert.equal(es.stoppedEpoch, stopsAt, monitor);
    }
    assert.throws(() => new EarlyStopping({ monitor: 'my_metric' }), (e: unknown) => e instanceof InvalidArgumentError && /maximized or minimized/.test(e.message));
    assert.doesNotThrow(() => new EarlyStopping({ monitor: 'my_metric', mode: 'max' }));
  });

  test('option validation names the argument and value', () => {
    assert.throws(() => new EarlyStopping({ patience: -1 }), /EarlyStopping: invalid `patience`: received -1; expected a non-negative integer/);
    assert.throws(() => new EarlyStopping({ mode: 'up' as 'max' }), /invalid `mode`: received "up"/);
    assert.throws(() => new EarlyStopping({ minDelta: NaN }), /invalid `minDelta`/);
    assert.throws(() => new EarlyStopping({ startFromEpoch: 1.5 }), /invalid `startFromEpoch`/);
    assert.throws(() => new EarlyStopping({ monitor: '' }), /invalid `monitor`/);
  });
});

describe('ReduceLROnPlateau against Keras 3 (synthetic logs)', () => {
  for (const c of fx.reduceLr) {
    test(c.name, () => {
      const out = new Capture();
      const cb = new ReduceLROnPlateau({ ...camel(c.options), writer: out });
      const got = drive(cb, new FakeModel(c.initialLr), c.epochLogs);
      assert.deepEqual(got.lr, c.lr, 'learning rate after each epoch');
      assert.deepEqual(got.logsSeen, c.logsSeen, 'logs gain learning_rate (the rate before reducing)');
      assert.equal(out.text, c.printed);
      assert.deepEqual(got.warnings, c.warnings);
    });
  }

  test('factor >= 1 is refused, as Keras', () => {
    assert.ok(Object.values(fx.reduceLrErrors).every((m) => m.includes('factor >= 1.0')));
    for (const factor of [1, 2]) {
      assert.throws(() => new ReduceLROnPlateau({ factor }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'factor' && e.received === factor);
    }
    assert.throws(() => new ReduceLROnPlateau({ cooldown: -2 }), /invalid `cooldown`/);
  });

  test('a model without optimizer is a clear error', () => {
    const cb = new ReduceLROnPlateau({ monitor: 'loss' });
    cb.setModel({ ...new FakeModel(), optimizer: null, getWeights: () => [], setWeights: () => {} });
    cb.onTrainBegin();
    assert.throws(() => cb.onEpochEnd(0, { loss: 1 }), /no optimizer/);
  });
});

describe('TerminateOnNaN', () => {
  test('stops on Inf/NaN with Keras\'s message, or throws with raiseError', () => {
    const out = new Capture();
    const model = new FakeModel();
    const cb = new TerminateOnNaN({ writer: out });
    cb.setModel(model);
    cb.onTrainBatchEnd(0, { loss: 1 });
    assert.equal(model.stopTraining, fx.terminateOnNaN.stopBefore);
    cb.onTrainBatchEnd(3, { loss: Infinity });
    assert.equal(model.stopTraining, fx.terminateOnNaN.stopAfter);
    assert.equal(out.text, fx.terminateOnNaN.printed);
    const raising = new TerminateOnNaN({ raiseError: true });
    raising.setModel(new FakeModel());
    assert.throws(() => raising.onTrainBatchEnd(7, { loss: NaN }), { message: fx.terminateOnNaN.raiseError });
  });
});

describe('CSVLogger', () => {
  const dir = tempDir('depthwise-csv-');
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of fx.csvLogger) {
    test(`${c.name}: byte-identical to Keras's file`, () => {
      const file = join(dir, `${c.name}.csv`);
      const cb = new CSVLogger(file, c.options);
      for (let run = 0; run < c.runs; run++) {
        cb.onTrainBegin();
        c.epochLogs.forEach((l, epoch) => cb.onEpochEnd(epoch, { ...l }));
        cb.onTrainEnd();
      }
      assert.equal(readFileSync(file, 'utf8'), c.content);
    });
  }

  test('rows reach the file each epoch; overwrite truncates; fields with the separator are quoted', () => {
    const file = join(dir, 'progressive.csv');
    writeFileSync(file, 'old content\n');
    const cb = new CSVLogger(file);
    cb.onTrainBegin();
    assert.equal(readFileSync(file, 'utf8'), '');
    cb.onEpochEnd(0, { 'a,b': 0.5, val_x: NaN });
    assert.equal(readFileSync(file, 'utf8'), 'epoch,"a,b",val_x\r\n0,0.5,nan\r\n');
    cb.onTrainEnd();
    assert.throws(() => new CSVLogger(file, { separator: ';;' }), /invalid `separator`/);
    assert.throws(() => new CSVLogger(''), /invalid `filename`/);
  });
});

describe('ModelCheckpoint (injected save)', () => {
  const dir = tempDir('depthwise-ckpt-');
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of fx.modelCheckpoint) {
    test(`${c.name}: same saves and messages as Keras`, () => {
      const saved: [string, string][] = [];
      const out = new Capture();
      const { filepath, ...rest } = camel(c.options) as { filepath: string } & Record<string, unknown>;
      const cb = new ModelCheckpoint(join(dir, filepath), {
        ...rest,
        writer: out,
        save: (p, _model, { weightsOnly }) => void saved.push([weightsOnly ? 'weights' : 'model', p.slice(dir.length + 1)]),
      });
      cb.setModel(new FakeModel());
      cb.onTrainBegin();
      c.epochLogs.forEach((l, epoch) => {
        cb.onEpochBegin(epoch);
        cb.onEpochEnd(epoch, { ...l });
      });
      cb.onTrainEnd();
      assert.deepEqual(saved, c.saved);
      assert.equal(out.text.split(`${dir}/`).join(''), c.printed);
    });
  }

  test('saveFreq in batches formats {batch}', () => {
    const saved: string[] = [];
    const cb = new ModelCheckpoint(join(dir, 'b{epoch}-{batch}.keras'), { saveFreq: 3, save: (p) => void saved.push(p.slice(dir.length + 1)) });
    cb.setModel(new FakeModel());
    for (const epoch of [0, 1]) {
      cb.onEpochBegin(epoch);
      for (let b = 0; b < 4; b++) cb.onTrainBatchEnd(b, { loss: 1 });
    }
    assert.deepEqual(saved, ['b1-3.keras', 'b2-2.keras']);
  });

  test('errors: no save function, bad extension, bad saveFreq', () => {
    assert.throws(() => new ModelCheckpoint('a.keras', {} as never), /invalid `save`.*none is installed by default/);
    const save = () => {};
    assert.throws(() => new ModelCheckpoint('a.txt', { save }), /invalid `filepath`: received "a.txt"; expected a path ending in '.keras'/);
    assert.throws(() => new ModelCheckpoint('a.keras', { save, saveWeightsOnly: true }), /'.weights.h5'/);
    assert.throws(() => new ModelCheckpoint('a.keras', { save, saveFreq: 'batch' as 'epoch' }), /invalid `saveFreq`/);
    assert.equal(Object.keys(fx.modelCheckpointErrors).length, 3);
  });
});

describe('History, LambdaCallback, CallbackList', () => {
  test('History records epochs and every log key; epoch resets per fit, history accumulates (Keras)', () => {
    const h = new History();
    h.onTrainBegin();
    h.onEpochEnd(0, { loss: 1, acc: 0.5 });
    h.onEpochEnd(1, { loss: 0.5, acc: 0.75 });
    assert.deepEqual(h.epoch, [0, 1]);
    assert.deepEqual(h.history, { loss: [1, 0.5], acc: [0.5, 0.75] });
    h.onTrainBegin();
    h.onEpochEnd(0, { loss: 0.25 });
    assert.deepEqual(h.epoch, [0]);
    assert.deepEqual(h.history.loss, [1, 0.5, 0.25]);
  });

  test('LambdaCallback calls the given functions with Keras\'s arguments', () => {
    const calls: string[] = [];
    const cb = new LambdaCallback({
      onTrainBegin: (logs) => void calls.push(`trainBegin ${JSON.stringify(logs)}`),
      onEpochBegin: (epoch) => void calls.push(`epochBegin ${epoch}`),
      onEpochEnd: (epoch, logs) => void calls.push(`epochEnd ${epoch} ${logs?.loss}`),
      onTrainBatchBegin: (batch) => void calls.push(`batchBegin ${batch}`),
      onTrainBatchEnd: (batch, logs) => void calls.push(`batchEnd ${batch} ${logs?.loss}`),
      onTrainEnd: () => void calls.push('trainEnd'),
    });
    cb.onTrainBegin({});
    cb.onEpochBegin(0);
    cb.onTrainBatchBegin(0);
    cb.onTrainBatchEnd(0, { loss: 2 });
    cb.onTestBegin(); // not given: a no-op
    cb.onEpochEnd(0, { loss: 1 });
    cb.onTrainEnd();
    assert.deepEqual(calls, ['trainBegin {}', 'epochBegin 0', 'batchBegin 0', 'batchEnd 0 2', 'epochEnd 0 1', 'trainEnd']);
    assert.throws(() => new LambdaCallback({ onEpochEnd: 3 as never }), /invalid `onEpochEnd`/);
    assert.throws(() => new LambdaCallback({ on_epoch_end: () => {} } as never), /invalid `on_epoch_end`/);
  });

  test('CallbackList: order user, History, ProgbarLogger; shared per-dispatch copy of logs; params and model set', () => {
    const out = new Capture();
    const model = new FakeModel(0.5);
    const seen: string[] = [];
    const user = new LambdaCallback({ onEpochEnd: (e, logs) => void seen.push(`user ${Object.keys(logs ?? {}).join(',')}`) });
    const reduce = new ReduceLROnPlateau({ monitor: 'loss', patience: 0 });
    const logger = new ProgbarLogger({ writer: out, now: () => 0 });
    const list = new CallbackList([reduce, user], { model, params: { epochs: 2, steps: 1, verbose: 2 }, addHistory: true, addProgbar: true });
    assert.equal(list.callbacks.length, 4);
    assert.ok(list.callbacks[2] instanceof History && list.callbacks[3] instanceof ProgbarLogger);
    assert.equal(reduce.model, model);
    assert.deepEqual(reduce.params, { epochs: 2, steps: 1, verbose: 2 });
    const withOwnLogger = new CallbackList([logger], { model, params: { epochs: 2, steps: 1, verbose: 2 }, addHistory: true, addProgbar: true });
    assert.equal(withOwnLogger.progbar, logger);
    assert.equal(withOwnLogger.callbacks.length, 2);

    const quiet = new CallbackList([reduce, user], { model, params: { epochs: 2, steps: 1, verbose: 0 }, addHistory: true });
    const epochLogs = { loss: 1 };
    quiet.onTrainBegin();
    for (const epoch of [0, 1]) {
      quiet.onEpochBegin(epoch);
      quiet.onTrainBatchEnd(0, { loss: 1 });
      quiet.onEpochEnd(epoch, epochLogs);
    }
    quiet.onTrainEnd();
    assert.deepEqual(epochLogs, { loss: 1 }, 'the caller\'s logs are not modified');
    assert.deepEqual(seen, ['user loss,learning_rate', 'user loss,learning_rate']);
    assert.deepEqual(quiet.history?.history, { loss: [1, 1], learning_rate: [0.5, 0.5] });
    assert.equal(model.lr, 0.05);
    assert.throws(() => new CallbackList([{} as Callback], { model, params: { epochs: 1, steps: 1, verbose: 0 } }), /callbacks\[0\] is not a Callback/);
  });

  test('hooks that need a model say so when none is set', () => {
    const es = new EarlyStopping({ monitor: 'loss' });
    es.onTrainBegin();
    assert.throws(() => es.onEpochEnd(0, { loss: 1 }), /no model set/);
  });
});
