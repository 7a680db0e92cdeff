// keras.applications MobileNet and MobileNetV2 against Keras 3.15 (fixture from
// test/fixtures/keras/generate_applications.py): names, layer lists, shapes, parameter counts and summary
// totals for several configurations; a forward pass with formula weights; hand-derived parameter counts;
// a full-size forward pass; and a few training steps of a reduced MobileNet.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { applications, makeDivisible } from '../../src/applications/index.js';
import type { MobileNetOptions, MobileNetV2Options } from '../../src/applications/index.js';
import { formatFixed } from '../../src/utils/python-format.js';
import { clearSession, InvalidArgumentError, layerInput, setImageDataFormat, setRandomSeed, tensor } from '../../src/index.js';
import type { Functional, Layer, Model } from '../../src/index.js';
import { assertAllClose } from '../helpers/close.js';
import { loadKerasFixture } from '../helpers/fixtures.js';

type LayerRow = [string, string, (number | null)[], number];
interface Case {
  args: Record<string, unknown>;
  name: string;
  count_params: number;
  trainable: number;
  non_trainable: number;
  layers: LayerRow[];
  summary_totals: string[];
}
interface ForwardCase {
  args: Record<string, unknown>;
  input_shape: number[];
  output_shape: number[];
  output: number[];
}
const fixture = loadKerasFixture<{ mobilenet: Case[]; mobilenet_v2: Case[]; forward: { mobilenet: ForwardCase; mobilenet_v2: ForwardCase } }>('applications.json');

beforeEach(() => clearSession());
afterEach(() => setImageDataFormat(null));

/** Keras's snake_case arguments → our options (data_format is the global image format, as in Keras). */
function build(kind: 'mobilenet' | 'mobilenetV2', args: Record<string, unknown>): Functional {
  setImageDataFormat((args.data_format as 'channels_first' | undefined) ?? 'channels_last');
  const options: MobileNetOptions & MobileNetV2Options = {
    inputShape: args.input_shape as number[] | undefined,
    alpha: args.alpha as number | undefined,
    includeTop: args.include_top as boolean | undefined,
    classes: args.classes as number | undefined,
    pooling: args.pooling as 'avg' | 'max' | undefined,
    classifierActivation: args.classifier_activation as null | undefined,
  };
  if (kind === 'mobilenetV2') return applications.mobilenetV2(options);
  return applications.mobilenet({ ...options, depthMultiplier: args.depth_multiplier as number | undefined, dropout: args.dropout as number | undefined });
}

/** ' Total params: 4,253,864 (16.23 MB)' → 'Total params: 4,253,864'. */
const paramCount = (line: string): string => line.replace(/ \(.*\)$/, '').trim();

const sizeOf = (ws: readonly { size: number }[]): number => ws.reduce((n, w) => n + w.size, 0);

/** Our rows, read from a wide summary so that no name is cut: [name, class, shape, params]. */
function summaryRows(model: Model): { rows: LayerRow[]; totals: string[] } {
  const lines: string[] = [];
  model.summary({ printFn: (l) => lines.push(l), lineLength: 250 });
  const rows = lines
    .filter((l) => l.startsWith('│'))
    .map((l): LayerRow => {
      const [label, shape, params] = l.split('│').slice(1, 4).map((c) => c.trim());
      const m = /^(\S+) \((\w+)\)$/.exec(label);
      assert.ok(m, label);
      const dims = shape.slice(1, -1).split(',').filter((d) => d.trim() !== '').map((d) => (d.trim() === 'None' ? null : Number(d)));
      return [m[1], m[2], dims, Number(params.replace(/,/g, ''))];
    });
  return { rows, totals: lines.slice(-3) };
}

for (const [key, kind] of [['mobilenet', 'mobilenet'], ['mobilenet_v2', 'mobilenetV2']] as const) {
  describe(`${kind} matches keras.applications (weights=None)`, () => {
    for (const c of fixture[key]) {
      test(`${c.name} ${JSON.stringify(c.args)}`, () => {
        const model = build(kind, c.args);
        assert.equal(model.name, c.name);
        assert.equal(model.countParams(), c.count_params);
        assert.equal(sizeOf(model.trainableWeights), c.trainable);
        assert.equal(sizeOf(model.nonTrainableWeights), c.non_trainable);
        assert.deepEqual(model.layers.map((l: Layer) => [l.name, l.className]), c.layers.map(([n, cls]) => [n, cls]));
        const { rows, totals } = summaryRows(model);
        assert.deepEqual(rows, c.layers);
        assert.deepEqual(totals.map(paramCount), c.summary_totals.map(paramCount));
      });
      // Includes an exact rounding tie (63,616 B is 62.125 KB), which Keras prints half-to-even as '62.12 KB'.
      test(`${c.name}: summary totals lines`, () => {
        clearSession();
        assert.deepEqual(summaryRows(build(kind, c.args)).totals, c.summary_totals);
      });
    }
  });
}

/** The fixture's weights: element i of weight k is a sine, scaled per kind (see generate_applications.py). */
function setFormulaWeights(model: Model): void {
  let k = 0;
  const values = model.layers.flatMap((layer) =>
    layer.weights.map((w) => {
      const n = w.size;
      const name = w.name;
      const fan = layer.className === 'DepthwiseConv2D' ? w.shape[0] * w.shape[1] : w.shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const s = Math.sin(0.7 * (i + 1) + 1.3 * k);
        if (name === 'gamma' || name === 'moving_variance') data[i] = 1 + 0.25 * s;
        else if (name === 'beta' || name === 'moving_mean' || name === 'bias') data[i] = 0.1 * s;
        else data[i] = s * Math.sqrt(3 / fan);
      }
      k++;
      return tensor(data, [...w.shape]);
    }),
  );
  model.setWeights(values);
}

describe('forward pass equals Keras with the same weights', () => {
  for (const [key, kind] of [['mobilenet', 'mobilenet'], ['mobilenet_v2', 'mobilenetV2']] as const) {
    test(kind, () => {
      const c = fixture.forward[key];
      const model = build(kind, c.args);
      setFormulaWeights(model);
      const n = c.input_shape.reduce((a, b) => a * b, 1);
      const x = tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(0.1 * i)), c.input_shape);
      const y = model.predict(x);
      assert.deepEqual(y.shape, c.output_shape);
      assertAllClose(y.dataSync(), c.output, { rtol: 1e-4, atol: 1e-5 }, `${kind} logits`);
    });
  }
});

/**
 * MobileNet v1 parameters from the paper's architecture, independent of the builder: a 3×3×3 stem conv
 * to ⌊32α⌋ channels, then 13 blocks each a 3×3 depthwise conv (9·c·dm weights) and a 1×1 pointwise conv
 * (c·dm·c' weights), every conv followed by batch normalization (4 per channel: γ, β and the two moving
 * statistics, which are non-trainable); the top is a 1×1 conv with bias to the classes.
 */
function mobilenetParams(alpha: number, dm: number, classes: number | null): { total: number; nonTrainable: number } {
  const pointwise = [64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024].map((f) => Math.floor(f * alpha));
  let c = Math.floor(32 * alpha);
  let total = 27 * c + 4 * c;
  let bnChannels = c;
  for (const out of pointwise) {
    total += 9 * c * dm + 4 * c * dm + c * dm * out + 4 * out;
    bnChannels += c * dm + out;
    c = out;
  }
  if (classes !== null) total += c * classes + classes;
  return { total, nonTrainable: 2 * bnChannels };
}

/**
 * MobileNetV2 parameters: stem 3×3×3 conv to d(32α); 17 inverted residual blocks (t, c): 1×1 expansion
 * to t·cin (block 0 has none), 3×3 depthwise, 1×1 projection to d(cα); a 1×1 conv to 1280 (or d(1280α)
 * when α > 1); BN after every conv; a Dense top. d rounds to a multiple of 8, never 10% below.
 */
function mobilenetV2Params(alpha: number, classes: number | null): { total: number; nonTrainable: number } {
  const d = (v: number): number => {
    const r = Math.max(8, Math.floor((v + 4) / 8) * 8);
    return r < 0.9 * v ? r + 8 : r;
  };
  const blocks: [number, number][] = [[1, 16], [6, 24], [6, 24], [6, 32], [6, 32], [6, 32], [6, 64], [6, 64], [6, 64], [6, 64], [6, 96], [6, 96], [6, 96], [6, 160], [6, 160], [6, 160], [6, 320]];
  let c = d(32 * alpha);
  let total = 27 * c + 4 * c;
  let bn = c;
  blocks.forEach(([t, f], i) => {
    const hidden = t * c;
    const out = d(Math.floor(f * alpha));
    if (i > 0) {
      total += c * hidden + 4 * hidden;
      bn += hidden;
    }
    total += 9 * hidden + 4 * hidden + hidden * out + 4 * out;
    bn += hidden + out;
    c = out;
  });
  const last = alpha > 1 ? d(1280 * alpha) : 1280;
  total += c * last + 4 * last;
  bn += last;
  if (classes !== null) total += last * classes + classes;
  return { total, nonTrainable: 2 * bn };
}

describe('parameter counts derived by hand', () => {
  test('MobileNet: defaults give 4,253,864; α 0.25 / 10 classes and α 0.5 dm 2 / no top agree with the builder', () => {
    assert.equal(mobilenetParams(1, 1, 1000).total, 4_253_864);
    for (const [alpha, dm, classes, shape] of [[1, 1, 1000, [224, 224, 3]], [0.25, 1, 10, [32, 32, 3]], [0.5, 2, null, [64, 64, 3]]] as const) {
      clearSession();
      const model = applications.mobilenet({ alpha, depthMultiplier: dm, classes: classes ?? 1000, includeTop: classes !== null, inputShape: shape });
      const expected = mobilenetParams(alpha, dm, classes);
      assert.equal(model.countParams(), expected.total, `alpha ${alpha} dm ${dm}`);
      assert.equal(sizeOf(model.nonTrainableWeights), expected.nonTrainable);
    }
  });

  test('MobileNetV2: defaults give 3,538,984; α 0.35 and α 1.3 (wider last conv) agree with the builder', () => {
    assert.equal(mobilenetV2Params(1, 1000).total, 3_538_984);
    for (const [alpha, classes] of [[1, 1000], [0.35, 10], [1.3, null]] as const) {
      clearSession();
      const model = applications.mobilenetV2({ alpha, classes: classes ?? 1000, includeTop: classes !== null, inputShape: [96, 96, 3] });
      const expected = mobilenetV2Params(alpha, classes);
      assert.equal(model.countParams(), expected.total, `alpha ${alpha}`);
      assert.equal(sizeOf(model.nonTrainableWeights), expected.nonTrainable);
    }
  });

  test('makeDivisible follows Keras _make_divisible', () => {
    assert.deepEqual([makeDivisible(32 * 0.35, 8), makeDivisible(11, 8), makeDivisible(1280 * 1.3, 8), makeDivisible(3, 8), makeDivisible(36, 8)], [16, 16, 1664, 8, 40]);
  });
});

describe('full-size forward pass', () => {
  test('MobileNet α 1.0 at 224×224 gives a probability vector over 1000 classes', (t) => {
    setRandomSeed(1);
    const model = applications.mobilenet();
    const x = tensor(Float32Array.from({ length: 224 * 224 * 3 }, (_, i) => Math.sin(0.01 * i)), [1, 224, 224, 3]);
    const start = performance.now();
    const y = model.predict(x);
    t.diagnostic(`MobileNet 1.0 224×224 forward: ${(performance.now() - start).toFixed(0)} ms`);
    assert.deepEqual(y.shape, [1, 1000]);
    const total = Array.from(y.dataSync()).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 1) < 1e-4, `softmax sums to ${total}`);
  });
});

describe('training a reduced MobileNet', () => {
  test('α 0.25, 32×32, 10 classes: compile + fit lowers the loss and moves the BN statistics', () => {
    setRandomSeed(7);
    const model = applications.mobilenet({ alpha: 0.25, inputShape: [32, 32, 3], classes: 10 });
    const n = 16;
    const x = tensor(Float32Array.from({ length: n * 32 * 32 * 3 }, (_, i) => Math.sin(0.37 * i) * Math.cos(0.011 * i)), [n, 32, 32, 3]);
    const y = tensor(Float32Array.from({ length: n }, (_, i) => i % 10), [n]);
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const bn = model.getLayer('conv1_bn');
    const meanBefore = Array.from(bn.weights[2].dataSync());
    const history = model.fit(x, y, { epochs: 6, batchSize: 8, verbose: 0 });
    const loss = history.history.loss;
    assert.deepEqual(Object.keys(history.history).sort(), ['accuracy', 'loss']);
    assert.ok(loss[loss.length - 1] < loss[0], `loss ${loss.join(', ')}`);
    assert.equal(bn.weights[2].name, 'moving_mean');
    assert.notDeepEqual(Array.from(bn.weights[2].dataSync()), meanBefore);
  });
});

describe('arguments', () => {
  test('model names format alpha as Python f"{alpha:0.2f}" (ties to even) and unknown rows as None', () => {
    assert.deepEqual([0.125, 0.375, 1, 0.35, 1.3, 0.3].map((a) => formatFixed(a, 2)), ['0.12', '0.38', '1.00', '0.35', '1.30', '0.30']);
    assert.equal(applications.mobilenet({ alpha: 0.125, includeTop: false, inputShape: [32, 32, 3] }).name, 'mobilenet_0.12_32');
  });

  test('inputTensor: the model starts at its source input; the name follows the resolved shape, as Keras', () => {
    const input = layerInput({ shape: [64, 64, 3] });
    const model = applications.mobilenet({ inputTensor: input, includeTop: false, alpha: 0.25 });
    assert.equal(model.input, input);
    assert.deepEqual(model.outputs[0].shape, [null, 2, 2, 256]);
    assert.equal(model.name, 'mobilenet_0.25_None');
    const v2 = applications.mobilenetV2({ inputTensor: layerInput({ shape: [96, 96, 3] }), alpha: 0.35, classes: 4 });
    assert.equal(v2.name, 'mobilenetv2_0.35_96');
    assert.deepEqual(v2.outputs[0].shape, [null, 4]);
  });

  test('invalid arguments are refused with InvalidArgumentError naming the argument', () => {
    const cases: [() => unknown, string][] = [
      [() => applications.mobilenet({ inputShape: [31, 64, 3] }), 'inputShape'],
      [() => applications.mobilenet({ inputShape: [64, 64] }), 'inputShape'],
      [() => applications.mobilenet({ inputShape: [null, null, 3] }), 'inputShape'],
      [() => applications.mobilenet({ alpha: 0 }), 'alpha'],
      [() => applications.mobilenet({ depthMultiplier: 1.5 }), 'depthMultiplier'],
      [() => applications.mobilenet({ dropout: 1 }), 'dropout'],
      [() => applications.mobilenet({ includeTop: false, pooling: 'mean' as 'avg' }), 'pooling'],
      [() => applications.mobilenetV2({ classes: 0 }), 'classes'],
      [() => applications.mobilenetV2({ inputTensor: tensor([1], [1]) as never }), 'inputTensor'],
    ];
    for (const [f, argument] of cases) {
      assert.throws(f, (e: unknown) => e instanceof InvalidArgumentError && e.argument === argument, argument);
    }
  });
  test("weights: null is Keras's weights=None (random initialization), the same model as the default", () => {
    const inputShape = [32, 32, 3];
    assert.equal(applications.mobilenet({ weights: null, inputShape, alpha: 0.25, includeTop: false }).countParams(), applications.mobilenet({ inputShape, alpha: 0.25, includeTop: false }).countParams());
    assert.equal(applications.mobilenetV2({ weights: null, inputShape, alpha: 0.35, includeTop: false }).layers.length, applications.mobilenetV2({ inputShape, alpha: 0.35, includeTop: false }).layers.length);
  });
});
