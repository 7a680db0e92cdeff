// ConvLSTM1D/2D/3D against real Keras 3.15 through time, from test/fixtures/keras/conv_lstm.json (written by
// generate_conv_lstm.py beside it): outputs and final states, gradients with respect to the input and
// every weight (backpropagation through time), masks, initial states, stateful calls, configs, weights,
// the unit-forget bias and argument rejection.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { clearSession, ConvLSTM1D, ConvLSTM2D, ConvLSTM3D, ops, tensor, valueAndGrads, zeros } from '../../../src/index.js';
import type { ConvLSTM, Tensor } from '../../../src/index.js';
import type { Config } from '../../../src/serialization/keras-object.js';
import { assertAllClose } from '../../helpers/close.js';
import { loadKerasFixture } from '../../helpers/fixtures.js';
import { kwargsToOptions } from '../convolutional/classes.js';
import type { ErrorCase } from '../convolutional/golden.js';
import { assertRefused } from '../convolutional/golden.js';

interface Values {
  shape: number[];
  values: number[];
}

interface ForwardCase {
  class_name: string;
  kwargs: Record<string, unknown>;
  input_shape: number[];
  input: number[];
  weights: (Values & { name: string })[];
  outputs: (Values & { cotangent: number[] })[];
  compute_output_shape: number[][];
  grad_input: number[];
  grad_weights: number[][];
  mask?: boolean[][];
  initial_state?: Values[];
}

interface StatefulCase {
  kwargs: Record<string, unknown>;
  input_shape: number[];
  inputs: number[][];
  weights: (Values & { name: string })[];
  outputs: Values[];
  weight_count: number;
}

interface ConfigCase {
  class_name: string;
  kwargs: Record<string, unknown>;
  input_shape: number[];
  get_config_before_build: Config;
  get_config: Config;
  weights: { path: string; name: string; shape: number[] }[];
  count_params: number;
  compute_output_shape: number[][];
}

const fixture = loadKerasFixture<{ forward: ForwardCase[]; stateful: StatefulCase[]; configs: ConfigCase[]; initial_bias: Record<string, number[]>[]; errors: ErrorCase[] }>('conv_lstm.json');

const CLASSES: Record<string, { fromConfig(config: Config): ConvLSTM; new (options: never): ConvLSTM }> = { ConvLSTM1D, ConvLSTM2D, ConvLSTM3D };
const tight = { rtol: 1e-9, atol: 1e-12 };

function make(name: string, kwargs: Record<string, unknown>): ConvLSTM {
  return new CLASSES[name]({ ...kwargsToOptions(kwargs), dtype: 'float64' } as never);
}

beforeEach(() => clearSession());

describe('ConvLSTM layers match Keras 3 through time (float64)', () => {
  test('the fixture covers every rank, both formats, returnSequences both ways, goBackwards, returnState, masks and initial states', () => {
    const f = fixture.forward;
    for (const name of Object.keys(CLASSES)) assert.ok(f.some((c) => c.class_name === name), name);
    assert.ok(f.some((c) => c.kwargs.return_sequences === true) && f.some((c) => !c.kwargs.return_sequences));
    assert.ok(f.some((c) => c.kwargs.go_backwards === true && c.kwargs.return_sequences === true));
    assert.ok(f.some((c) => c.kwargs.return_state === true && c.kwargs.return_sequences === true));
    assert.ok(f.some((c) => c.kwargs.data_format === 'channels_first'));
    assert.ok(f.some((c) => c.mask !== undefined && c.kwargs.zero_output_for_mask === true));
    assert.ok(f.some((c) => c.mask !== undefined && c.kwargs.go_backwards === true));
    assert.ok(f.some((c) => c.initial_state !== undefined));
  });

  fixture.forward.forEach((c, i) => {
    test(`${i} ${c.class_name} ${JSON.stringify(c.kwargs)}${c.mask ? ' masked' : ''}${c.initial_state ? ' initial state' : ''} input ${c.input_shape.join('x')}`, () => {
      const layer = make(c.class_name, c.kwargs);
      const x = tensor(c.input, c.input_shape, 'float64');
      const mask = c.mask ? tensor(c.mask.flat().map(Number), [c.mask.length, c.mask[0].length], 'float64') : null;
      const initialState = c.initial_state ? c.initial_state.map((s) => tensor(s.values, s.shape, 'float64')) : null;
      const run = (): Tensor[] => (layer.returnState ? layer.applyWithState(x, { mask, initialState }) : [layer.apply(x, { mask, initialState })]);
      run();
      layer.setWeights(c.weights.map((w) => tensor(w.values, w.shape, 'float64')));
      assert.deepEqual(layer.weights.map((w) => [w.name, ...w.shape]), c.weights.map((w) => [w.name, ...w.shape]), 'weight names, shapes and order');
      assert.deepEqual(layer.computeOutputShape(c.input_shape), c.compute_output_shape[0], 'computeOutputShape');
      const cts = c.outputs.map((o) => tensor(o.cotangent, o.shape, 'float64'));
      let outputs: Tensor[] = [];
      const { grads } = valueAndGrads(() => {
        outputs = run();
        return outputs.map((o, k) => ops.sum(ops.mul(o, cts[k]))).reduce((a, b) => ops.add(a, b));
      }, [x, ...layer.trainableWeights]);
      assert.equal(outputs.length, c.outputs.length, 'number of outputs');
      outputs.forEach((o, k) => {
        assert.deepEqual(o.shape, c.outputs[k].shape, `output ${k} shape`);
        assertAllClose(o.dataSync(), c.outputs[k].values, tight, `output ${k}`);
      });
      assertAllClose(grads[0].dataSync(), c.grad_input, tight, 'gradient wrt input');
      c.grad_weights.forEach((g, k) => assertAllClose(grads[k + 1].dataSync(), g, tight, `gradient wrt ${c.weights[k].name}`));
    });
  });

  for (const c of fixture.stateful) {
    test(`stateful ${JSON.stringify(c.kwargs)}: consecutive calls carry the states, resetStates zeros them`, () => {
      const layer = make('ConvLSTM2D', c.kwargs);
      const xs = c.inputs.map((v) => tensor(v, c.input_shape, 'float64'));
      layer.apply(zeros(c.input_shape, 'float64'));
      layer.setWeights(c.weights.map((w) => tensor(w.values, w.shape, 'float64')));
      layer.resetStates();
      assert.equal(layer.weights.length, c.weight_count, 'the kept states are not weights');
      const outputs = [layer.apply(xs[0]), layer.apply(xs[1])];
      layer.resetStates();
      outputs.push(layer.apply(xs[1]));
      outputs.forEach((o, k) => assertAllClose(o.dataSync(), c.outputs[k].values, tight, `call ${k}`));
    });
  }
});

describe('ConvLSTM configs and weights match Keras 3', () => {
  for (const c of fixture.configs) {
    test(`${c.class_name} ${JSON.stringify(c.kwargs)}`, () => {
      const cls = CLASSES[c.class_name];
      const layer = cls.fromConfig(c.get_config);
      assert.deepEqual(layer.getConfig(), c.get_config_before_build, 'config before build');
      const probe = zeros(c.input_shape, layer.dtype);
      if (layer.returnState) layer.applyWithState(probe);
      else layer.apply(probe);
      assert.deepEqual(layer.getConfig(), c.get_config, 'config after build');
      // Keras's paths go through the cell ('conv_lstm2d/conv_lstm_cell/kernel'); ours are layer/weight (a documented difference).
      assert.deepEqual(layer.weights.map((w) => ({ path: w.path, name: w.name, shape: [...w.shape] })), c.weights.map((w) => ({ ...w, path: `${layer.name}/${w.name}` })));
      assert.equal(layer.countParams(), c.count_params);
      assert.deepEqual(layer.computeOutputShape(c.input_shape), c.compute_output_shape[0]);
      clearSession();
      assert.deepEqual(new cls({ ...kwargsToOptions(c.kwargs), dtype: 'float64' } as never).getConfig(), c.get_config_before_build, 'config from options');
    });
  }

  test("unit_forget_bias starts the forget gate's bias at 1 (and only then)", () => {
    const [bias] = fixture.initial_bias;
    for (const ufb of [true, false]) {
      const layer = new ConvLSTM2D({ filters: 3, kernelSize: 1, unitForgetBias: ufb, biasInitializer: ufb ? 'zeros' : 'ones', dtype: 'float64' });
      layer.apply(zeros([1, 2, 2, 2, 1], 'float64'));
      assert.deepEqual([...(layer.bias as Tensor).dataSync()], bias[String(ufb)]);
    }
  });
});

describe('every argument Keras rejects, we reject too, naming the argument', () => {
  for (const c of fixture.errors) {
    test(`${c.class_name} ${JSON.stringify(c.kwargs)}`, () => {
      // Keras 3.15's ConvLSTM accepts filters = 0 and a zero stride at construction (and fails or divides by
      // zero later); we refuse both at once, as every other convolution layer does.
      const acceptedByKeras = c.argument === 'filters' || c.argument === 'strides';
      assert.ok(c.keras_rejects || acceptedByKeras, `Keras accepted ${JSON.stringify(c.kwargs)}`);
      assertRefused(CLASSES[c.class_name], c);
    });
  }
});
