// Every options object of the public API refuses a key it does not know, before anything happens: for
// each one, a misspelt key gets "did you mean '<the intended key>'?" and a Python (snake_case) spelling gets
// "use camelCase: '<the key>'", both naming the key as the error's argument; then the same call with the
// valid options still works, and nothing moved: no automatic name consumed, no draw from the seeded
// source, no weight or optimizer state changed, no exclusion replaced, no layer built.
//
// Save/load options (src/io) are checked on the io branch. The coverage test keeps the layer table complete:
// every built-in layer class is in it.
import assert from 'node:assert/strict';
import { tempDir } from './helpers/temp-dir.js';
import { join } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import { before, describe, test } from 'node:test';

import {
  Activation,
  ActivityRegularization,
  Add,
  applications,
  Average,
  AveragePooling1D,
  AveragePooling2D,
  AveragePooling3D,
  BatchNormalization,
  BUILT_IN_LAYER_CLASSES,
  CallbackList,
  CenterCrop,
  clearSession,
  Concatenate,
  constraints,
  Conv1D,
  Conv1DTranspose,
  Conv2D,
  Conv2DTranspose,
  Conv3D,
  Conv3DTranspose,
  ConvLSTM1D,
  ConvLSTM2D,
  ConvLSTM3D,
  Cropping1D,
  Cropping2D,
  Cropping3D,
  CSVLogger,
  Dense,
  DepthwiseConv1D,
  DepthwiseConv2D,
  Dot,
  Dropout,
  EarlyStopping,
  ELU,
  Embedding,
  Flatten,
  GaussianDropout,
  GaussianNoise,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalAveragePooling3D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  GlobalMaxPooling3D,
  GroupNormalization,
  History,
  Identity,
  initializers,
  InputLayer,
  InvalidArgumentError,
  kerasModel,
  kerasModelSequential,
  Lambda,
  LambdaCallback,
  layerDense,
  layerInput,
  LayerNormalization,
  LeakyReLU,
  losses,
  Maximum,
  MaxPooling1D,
  MaxPooling2D,
  MaxPooling3D,
  metrics,
  Minimum,
  ModelCheckpoint,
  Multiply,
  Normalization,
  ops,
  optimizers,
  Permute,
  PReLU,
  Progbar,
  ProgbarLogger,
  RandomBrightness,
  RandomContrast,
  RandomCrop,
  RandomFlip,
  RandomRotation,
  RandomTranslation,
  RandomZoom,
  ReduceLROnPlateau,
  regularizers,
  ReLU,
  RepeatVector,
  Rescaling,
  Reshape,
  Resizing,
  schedules,
  SeparableConv1D,
  SeparableConv2D,
  setRandomSeed,
  Softmax,
  SpatialDropout1D,
  SpatialDropout2D,
  SpatialDropout3D,
  Subtract,
  tensor,
  TerminateOnNaN,
  UnitNormalization,
  UpSampling1D,
  UpSampling2D,
  UpSampling3D,
  Variable,
  ZeroPadding1D,
  ZeroPadding2D,
  ZeroPadding3D,
  zeros,
  ioReady,
  loadModel,
  loadModelSync,
  loadWeights,
  loadWeightsSync,
  modelFromKerasBytes,
  saveModel,
  saveModelSync,
  saveWeights,
  saveWeightsSync,
} from '../src/index.js';
import type { Layer, Model, Tensor } from '../src/index.js';

type Options = Record<string, unknown>;

/** One options object: how to call with it, a valid value, a misspelt key and (if it has one) a snake_case key. */
interface Case {
  readonly what: string;
  readonly call: (options: Options) => unknown;
  readonly valid: Options;
  /** A misspelt key and the key the hint must name. */
  readonly typo: readonly [key: string, intended: string];
  /** Keras's snake_case spelling of a key and its camelCase form; null when every key is one word. */
  readonly snake: readonly [key: string, camel: string] | null;
  /** What must not move: taken before and after the refusals, compared deeply. */
  readonly state?: () => unknown;
}

function refuses(call: () => unknown, key: string, hint: string, what: string): void {
  assert.throws(
    call,
    (e: unknown) => {
      assert.ok(e instanceof InvalidArgumentError, `${what}: expected InvalidArgumentError for '${key}', got ${String(e)}`);
      assert.equal(e.argument, key, `${what}: the error names the key`);
      assert.ok(e.message.includes(hint), `${what}: '${hint}' in: ${e.message}`);
      return true;
    },
    `${what}: '${key}' is refused`,
  );
}

/** The refusals of one case, each key added to the valid options. */
function checkRefusals(c: Case): void {
  refuses(() => c.call({ ...c.valid, [c.typo[0]]: 1 }), c.typo[0], `did you mean '${c.typo[1]}'?`, c.what);
  const snake = c.snake;
  if (snake) refuses(() => c.call({ ...c.valid, [snake[0]]: c.valid[snake[1]] ?? 1 }), snake[0], `use camelCase: '${snake[1]}'`, c.what);
}

/** The refusals, the state they must leave alone, then the valid call. */
function checkCase(c: Case): void {
  const before = c.state?.();
  checkRefusals(c);
  if (c.state) assert.deepEqual(c.state(), before, `${c.what}: nothing moved`);
  assert.doesNotThrow(() => c.call(c.valid), `${c.what}: the valid options work`);
}

/**
 * A case whose refusals must not consume an automatic name: after `clearSession()`, the object built with
 * the valid options after the refusals gets the name one built before them got.
 */
function checkNamedCase(c: Case, nameOf: (built: unknown) => string): void {
  clearSession();
  const expected = nameOf(c.call(c.valid));
  clearSession();
  checkRefusals(c);
  assert.equal(nameOf(c.call(c.valid)), expected, `${c.what}: a refused call consumes no automatic name`);
}

const layerName = (built: unknown) => (built as Layer).name;

// ---------------------------------------------------------------------------------------------------------
// Layers
// ---------------------------------------------------------------------------------------------------------

const identityFn = (x: Tensor) => x;

/** [class name, constructor, valid options, typo, snake]. */
const LAYERS: readonly (readonly [string, (o: Options) => Layer, Options, Case['typo'], Case['snake']])[] = [
  ['Dense', (o) => new Dense(o as never), { units: 2 }, ['unit', 'units'], ['kernel_initializer', 'kernelInitializer']],
  ['Activation', (o) => new Activation(o as never), { activation: 'relu' }, ['activaton', 'activation'], ['activity_regularizer', 'activityRegularizer']],
  ['ReLU', (o) => new ReLU(o as never), {}, ['maxvalue', 'maxValue'], ['max_value', 'maxValue']],
  ['Dropout', (o) => new Dropout(o as never), { rate: 0.5 }, ['rates', 'rate'], ['noise_shape', 'noiseShape']],
  ['Flatten', (o) => new Flatten(o as never), {}, ['dataformat', 'dataFormat'], ['data_format', 'dataFormat']],
  ['Reshape', (o) => new Reshape(o as never), { targetShape: [2] }, ['targetshape', 'targetShape'], ['target_shape', 'targetShape']],
  ['Identity', (o) => new Identity(o as never), {}, ['nme', 'name'], ['input_shape', 'inputShape']],
  ['Lambda', (o) => new Lambda(o as never), { f: identityFn }, ['outputshape', 'outputShape'], ['output_shape', 'outputShape']],
  ['InputLayer', (o) => new InputLayer(o as never), { shape: [2] }, ['shapes', 'shape'], ['batch_shape', 'batchShape']],
  ['Embedding', (o) => new Embedding(o as never), { inputDim: 3, outputDim: 2 }, ['inputDims', 'inputDim'], ['mask_zero', 'maskZero']],
  ['BatchNormalization', (o) => new BatchNormalization(o as never), {}, ['momentun', 'momentum'], ['moving_mean_initializer', 'movingMeanInitializer']],
  ['LayerNormalization', (o) => new LayerNormalization(o as never), {}, ['epsilom', 'epsilon'], ['rms_scaling', 'rmsScaling']],
  ['GroupNormalization', (o) => new GroupNormalization(o as never), { groups: 1 }, ['group', 'groups'], ['beta_initializer', 'betaInitializer']],
  ['UnitNormalization', (o) => new UnitNormalization(o as never), {}, ['axes', 'axis'], ['batch_input_shape', 'batchInputShape']],
  ['LeakyReLU', (o) => new LeakyReLU(o as never), {}, ['negativeslope', 'negativeSlope'], ['negative_slope', 'negativeSlope']],
  ['ELU', (o) => new ELU(o as never), {}, ['alph', 'alpha'], ['activity_regularizer', 'activityRegularizer']],
  ['PReLU', (o) => new PReLU(o as never), {}, ['sharedAxis', 'sharedAxes'], ['shared_axes', 'sharedAxes']],
  ['Softmax', (o) => new Softmax(o as never), {}, ['axes', 'axis'], ['input_shape', 'inputShape']],
  ['SpatialDropout1D', (o) => new SpatialDropout1D(o as never), { rate: 0.1 }, ['seeds', 'seed'], ['batch_size', 'batchSize']],
  ['SpatialDropout2D', (o) => new SpatialDropout2D(o as never), { rate: 0.1 }, ['dataFormt', 'dataFormat'], ['data_format', 'dataFormat']],
  ['SpatialDropout3D', (o) => new SpatialDropout3D(o as never), { rate: 0.1 }, ['dataFormt', 'dataFormat'], ['data_format', 'dataFormat']],
  ['GaussianNoise', (o) => new GaussianNoise(o as never), { stddev: 0.1 }, ['stdev', 'stddev'], ['activity_regularizer', 'activityRegularizer']],
  ['GaussianDropout', (o) => new GaussianDropout(o as never), { rate: 0.1 }, ['rat', 'rate'], ['input_shape', 'inputShape']],
  ['ActivityRegularization', (o) => new ActivityRegularization(o as never), {}, ['L1', 'l1'], ['batch_input_shape', 'batchInputShape']],
  ['Rescaling', (o) => new Rescaling(o as never), { scale: 1 }, ['ofset', 'offset'], ['input_shape', 'inputShape']],
  ['Normalization', (o) => new Normalization(o as never), {}, ['invrt', 'invert'], ['input_shape', 'inputShape']],
  ['Resizing', (o) => new Resizing(o as never), { height: 2, width: 2 }, ['heigth', 'height'], ['crop_to_aspect_ratio', 'cropToAspectRatio']],
  ['CenterCrop', (o) => new CenterCrop(o as never), { height: 2, width: 2 }, ['widt', 'width'], ['data_format', 'dataFormat']],
  ['RandomFlip', (o) => new RandomFlip(o as never), {}, ['mod', 'mode'], ['data_format', 'dataFormat']],
  ['RandomRotation', (o) => new RandomRotation(o as never), { factor: 0.1 }, ['factr', 'factor'], ['fill_mode', 'fillMode']],
  ['RandomZoom', (o) => new RandomZoom(o as never), { heightFactor: 0.1 }, ['heightfactor', 'heightFactor'], ['width_factor', 'widthFactor']],
  ['RandomTranslation', (o) => new RandomTranslation(o as never), { heightFactor: 0.1, widthFactor: 0.1 }, ['widthFactr', 'widthFactor'], ['fill_value', 'fillValue']],
  ['RandomCrop', (o) => new RandomCrop(o as never), { height: 2, width: 2 }, ['heigt', 'height'], ['data_format', 'dataFormat']],
  ['RandomContrast', (o) => new RandomContrast(o as never), { factor: 0.1 }, ['factors', 'factor'], ['value_range', 'valueRange']],
  ['RandomBrightness', (o) => new RandomBrightness(o as never), { factor: 0.1 }, ['seeds', 'seed'], ['value_range', 'valueRange']],
  ['Add', (o) => new Add(o as never), {}, ['nam', 'name'], ['input_shape', 'inputShape']],
  ['Subtract', (o) => new Subtract(o as never), {}, ['trainible', 'trainable'], ['activity_regularizer', 'activityRegularizer']],
  ['Multiply', (o) => new Multiply(o as never), {}, ['trainible', 'trainable'], ['activity_regularizer', 'activityRegularizer']],
  ['Average', (o) => new Average(o as never), {}, ['trainible', 'trainable'], ['activity_regularizer', 'activityRegularizer']],
  ['Maximum', (o) => new Maximum(o as never), {}, ['trainible', 'trainable'], ['activity_regularizer', 'activityRegularizer']],
  ['Minimum', (o) => new Minimum(o as never), {}, ['trainible', 'trainable'], ['activity_regularizer', 'activityRegularizer']],
  ['Concatenate', (o) => new Concatenate(o as never), {}, ['axes', 'axis'], ['batch_input_shape', 'batchInputShape']],
  ['Dot', (o) => new Dot(o as never), { axes: 1 }, ['normalise', 'normalize'], ['input_shape', 'inputShape']],
  ['Permute', (o) => new Permute(o as never), { dims: [1] }, ['dim', 'dims'], ['input_shape', 'inputShape']],
  ['RepeatVector', (o) => new RepeatVector(o as never), { n: 2 }, ['N', 'n'], ['input_shape', 'inputShape']],
  ['Conv1D', (o) => new Conv1D(o as never), { filters: 2, kernelSize: 3 }, ['dilation', 'dilationRate'], ['kernel_initializer', 'kernelInitializer']],
  ['Conv2D', (o) => new Conv2D(o as never), { filters: 2, kernelSize: 3 }, ['dilation', 'dilationRate'], ['kernel_size', 'kernelSize']],
  ['Conv3D', (o) => new Conv3D(o as never), { filters: 2, kernelSize: 3 }, ['filter', 'filters'], ['bias_initializer', 'biasInitializer']],
  ['Conv1DTranspose', (o) => new Conv1DTranspose(o as never), { filters: 2, kernelSize: 3 }, ['outputpadding', 'outputPadding'], ['output_padding', 'outputPadding']],
  ['Conv2DTranspose', (o) => new Conv2DTranspose(o as never), { filters: 2, kernelSize: 3 }, ['outputpadding', 'outputPadding'], ['output_padding', 'outputPadding']],
  ['Conv3DTranspose', (o) => new Conv3DTranspose(o as never), { filters: 2, kernelSize: 3 }, ['stride', 'strides'], ['data_format', 'dataFormat']],
  ['DepthwiseConv1D', (o) => new DepthwiseConv1D(o as never), { kernelSize: 3 }, ['depthMultiplyer', 'depthMultiplier'], ['depth_multiplier', 'depthMultiplier']],
  ['DepthwiseConv2D', (o) => new DepthwiseConv2D(o as never), { kernelSize: 3 }, ['dilation', 'dilationRate'], ['depthwise_initializer', 'depthwiseInitializer']],
  ['SeparableConv1D', (o) => new SeparableConv1D(o as never), { filters: 2, kernelSize: 3 }, ['pointwiseInitialiser', 'pointwiseInitializer'], ['pointwise_initializer', 'pointwiseInitializer']],
  ['SeparableConv2D', (o) => new SeparableConv2D(o as never), { filters: 2, kernelSize: 3 }, ['depthMultiplyer', 'depthMultiplier'], ['depthwise_regularizer', 'depthwiseRegularizer']],
  ['ConvLSTM1D', (o) => new ConvLSTM1D(o as never), { filters: 2, kernelSize: 3 }, ['recurrentDropot', 'recurrentDropout'], ['return_sequences', 'returnSequences']],
  ['ConvLSTM2D', (o) => new ConvLSTM2D(o as never), { filters: 2, kernelSize: 3 }, ['unitForgetBais', 'unitForgetBias'], ['go_backwards', 'goBackwards']],
  ['ConvLSTM3D', (o) => new ConvLSTM3D(o as never), { filters: 2, kernelSize: 3 }, ['returnStates', 'returnState'], ['recurrent_activation', 'recurrentActivation']],
  ['AveragePooling1D', (o) => new AveragePooling1D(o as never), { poolSize: 2 }, ['poolsize', 'poolSize'], ['pool_size', 'poolSize']],
  ['AveragePooling2D', (o) => new AveragePooling2D(o as never), { poolSize: 2 }, ['stride', 'strides'], ['pool_size', 'poolSize']],
  ['AveragePooling3D', (o) => new AveragePooling3D(o as never), { poolSize: 2 }, ['paddin', 'padding'], ['data_format', 'dataFormat']],
  ['MaxPooling1D', (o) => new MaxPooling1D(o as never), {}, ['poolsize', 'poolSize'], ['pool_size', 'poolSize']],
  ['MaxPooling2D', (o) => new MaxPooling2D(o as never), {}, ['stride', 'strides'], ['pool_size', 'poolSize']],
  ['MaxPooling3D', (o) => new MaxPooling3D(o as never), {}, ['paddin', 'padding'], ['data_format', 'dataFormat']],
  ['GlobalAveragePooling1D', (o) => new GlobalAveragePooling1D(o as never), {}, ['keepdim', 'keepdims'], ['data_format', 'dataFormat']],
  ['GlobalAveragePooling2D', (o) => new GlobalAveragePooling2D(o as never), {}, ['keepdim', 'keepdims'], ['data_format', 'dataFormat']],
  ['GlobalAveragePooling3D', (o) => new GlobalAveragePooling3D(o as never), {}, ['keepdim', 'keepdims'], ['data_format', 'dataFormat']],
  ['GlobalMaxPooling1D', (o) => new GlobalMaxPooling1D(o as never), {}, ['keepdim', 'keepdims'], ['data_format', 'dataFormat']],
  ['GlobalMaxPooling2D', (o) => new GlobalMaxPooling2D(o as never), {}, ['keepdim', 'keepdims'], ['data_format', 'dataFormat']],
  ['GlobalMaxPooling3D', (o) => new GlobalMaxPooling3D(o as never), {}, ['keepdim', 'keepdims'], ['data_format', 'dataFormat']],
  ['Cropping1D', (o) => new Cropping1D(o as never), {}, ['croping', 'cropping'], ['input_shape', 'inputShape']],
  ['Cropping2D', (o) => new Cropping2D(o as never), {}, ['croping', 'cropping'], ['data_format', 'dataFormat']],
  ['Cropping3D', (o) => new Cropping3D(o as never), {}, ['croping', 'cropping'], ['data_format', 'dataFormat']],
  ['UpSampling1D', (o) => new UpSampling1D(o as never), {}, ['sizes', 'size'], ['input_shape', 'inputShape']],
  ['UpSampling2D', (o) => new UpSampling2D(o as never), {}, ['interpolaton', 'interpolation'], ['data_format', 'dataFormat']],
  ['UpSampling3D', (o) => new UpSampling3D(o as never), {}, ['sizes', 'size'], ['data_format', 'dataFormat']],
  ['ZeroPadding1D', (o) => new ZeroPadding1D(o as never), {}, ['paddings', 'padding'], ['input_shape', 'inputShape']],
  ['ZeroPadding2D', (o) => new ZeroPadding2D(o as never), {}, ['paddings', 'padding'], ['data_format', 'dataFormat']],
  ['ZeroPadding3D', (o) => new ZeroPadding3D(o as never), {}, ['paddings', 'padding'], ['data_format', 'dataFormat']],
];


describe('layer constructors refuse unknown keys before the layer exists', () => {
  for (const [className, create, valid, typo, snake] of LAYERS) {
    test(`${className}: '${typo[0]}' and '${snake?.[0]}'; no name consumed`, () => {
      checkNamedCase({ what: className, call: create, valid, typo, snake }, layerName);
    });
  }

  test('the layer functions refuse the same keys (layerDense)', () => {
    refuses(() => layerDense({ units: 2, use_bias: false } as never), 'use_bias', "use camelCase: 'useBias'", 'layerDense');
    const model = kerasModelSequential({ inputShape: [3] });
    refuses(() => layerDense(model, { units: 2, activaton: 'relu' } as never), 'activaton', "did you mean 'activation'?", 'layerDense(model)');
    assert.equal(model.layers.length, 0, 'nothing was added to the model');
  });

  test("InputLayer takes Keras's Input arguments only, not the other layers' base options", () => {
    refuses(() => new InputLayer({ shape: [2], trainable: false } as never), 'trainable', "the options are 'shape', 'batchSize', 'batchShape', 'dtype', 'name', 'sparse'", 'InputLayer');
    refuses(() => layerInput({ shape: [2], input_shape: [2] } as never), 'input_shape', "the options are 'shape',", 'layerInput');
    assert.throws(() => layerInput({ shape: [2], sparse: true }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'sparse');
    assert.deepEqual(layerInput({ shape: [2], sparse: false }).shape, [null, 2]);
  });

  test('every built-in layer class is in the table', () => {
    const covered = new Set(LAYERS.map(([name]) => name));
    assert.deepEqual(BUILT_IN_LAYER_CLASSES.filter((n) => !covered.has(n)), []);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Models, training and the objects they take
// ---------------------------------------------------------------------------------------------------------

function compiledModel(): Model {
  setRandomSeed(7);
  const model = kerasModelSequential({ inputShape: [3] });
  layerDense(model, { units: 2 });
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'mse' });
  return model;
}

/** Weights and the optimizer's step count: what a refused training call must leave alone. */
function trainingState(model: Model): unknown {
  return { weights: model.getWeights().map((w) => Array.from(w.dataSync())), iterations: model.optimizer?.iterations };
}

describe('models and their methods refuse unknown keys', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  const y = tensor([[1, 0], [0, 1]]);

  test("kerasModelSequential: neither the model's name nor its InputLayer's is consumed", () => {
    const names = (built: unknown) => {
      const model = built as ReturnType<typeof kerasModelSequential>;
      return `${model.name}/${model.inputs[0]?.producer.layer.name}`;
    };
    checkNamedCase({ what: 'kerasModelSequential', call: (o) => kerasModelSequential(o as never), valid: { inputShape: [3] }, typo: ['inputshape', 'inputShape'], snake: ['input_batch_size', 'inputBatchSize'] }, names);
  });

  test('kerasModel', () => {
    const inputs = layerInput({ shape: [3] });
    const outputs = layerDense(inputs, { units: 2 });
    checkNamedCase({ what: 'kerasModel', call: (o) => kerasModel({ inputs, outputs, ...o } as never), valid: {}, typo: ['output', 'outputs'], snake: null }, layerName);
  });

  test('compile: the model stays uncompiled', () => {
    const model = kerasModelSequential({ inputShape: [3] });
    layerDense(model, { units: 2 });
    checkCase({
      what: 'compile',
      call: (o) => model.compile({ loss: 'mse', ...o } as never),
      valid: {},
      typo: ['optimiser', 'optimizer'],
      snake: ['weighted_metrics', 'weightedMetrics'],
      state: () => model.optimizer,
    });
  });

  test('fit, evaluate, predict, trainOnBatch, testOnBatch: no weight or optimizer step moves', () => {
    const model = compiledModel();
    const state = () => trainingState(model);
    const cases: Case[] = [
      { what: 'fit', call: (o) => model.fit(x, y, { verbose: 0, ...o } as never), valid: { epochs: 1 }, typo: ['epoch', 'epochs'], snake: ['batch_size', 'batchSize'], state },
      { what: 'evaluate', call: (o) => model.evaluate(x, y, { verbose: 0, ...o } as never), valid: {}, typo: ['batchsize', 'batchSize'], snake: ['sample_weight', 'sampleWeight'], state },
      { what: 'predict', call: (o) => model.predict(x, o as never), valid: { batchSize: 1 }, typo: ['batch', 'batchSize'], snake: ['batch_size', 'batchSize'], state },
      { what: 'trainOnBatch', call: (o) => model.trainOnBatch(x, y, o as never), valid: {}, typo: ['sampleWeights', 'sampleWeight'], snake: ['class_weight', 'classWeight'], state },
      { what: 'testOnBatch', call: (o) => model.testOnBatch(x, y, o as never), valid: {}, typo: ['sampleweight', 'sampleWeight'], snake: ['sample_weight', 'sampleWeight'], state },
    ];
    // The valid calls at the end of each case train; the state is taken around the refusals only.
    for (const c of cases) checkCase(c);
  });

  test('summary prints nothing when refused', () => {
    const model = compiledModel();
    const lines: string[] = [];
    checkCase({
      what: 'summary',
      call: (o) => model.summary({ printFn: (line: string) => lines.push(line), ...o } as never),
      valid: {},
      typo: ['linelength', 'lineLength'],
      snake: ['line_length', 'lineLength'],
      state: () => lines.length,
    });
  });

  test('layer.apply call options: the layer stays unbuilt', () => {
    const layer = new Dense({ units: 2 });
    checkCase({
      what: 'Dense.apply',
      call: (o) => (layer.built ? undefined : layer.apply(zeros([1, 3]), o as never)),
      valid: { training: true },
      typo: ['trainig', 'training'],
      snake: null,
      state: () => ({ built: layer.built, weights: layer.weights.length }),
    });
  });

  test("applications: no layer's automatic name consumed", () => {
    const inputName = () => layerInput({ shape: [1] }).producer.layer.name;
    for (const [what, build, snake] of [
      ['mobilenet', applications.mobilenet, ['include_top', 'includeTop']],
      ['mobilenetV2', applications.mobilenetV2, ['classifier_activation', 'classifierActivation']],
    ] as const) {
      clearSession();
      refuses(() => build({ inputShap: [32, 32, 3] } as never), 'inputShap', "did you mean 'inputShape'?", what);
      refuses(() => build({ [snake[0]]: false } as never), snake[0], `use camelCase: '${snake[1]}'`, what);
      assert.equal(inputName(), 'input_layer', `${what}: no name consumed`);
    }
  });
});

describe('optimizers, schedules, losses and metrics refuse unknown keys', () => {
  const optimizerName = (built: unknown) => (built as { name: string }).name;

  test('optimizers: no automatic name consumed', () => {
    const cases: Case[] = [
      { what: 'sgd', call: (o) => optimizers.sgd(o as never), valid: {}, typo: ['momentun', 'momentum'], snake: ['learning_rate', 'learningRate'] },
      { what: 'adam', call: (o) => optimizers.adam(o as never), valid: {}, typo: ['epsilom', 'epsilon'], snake: ['beta_1', 'beta1'] },
      { what: 'adamw', call: (o) => optimizers.adamw(o as never), valid: {}, typo: ['weightdecay', 'weightDecay'], snake: ['weight_decay', 'weightDecay'] },
      { what: 'rmsprop', call: (o) => optimizers.rmsprop(o as never), valid: {}, typo: ['centred', 'centered'], snake: ['global_clipnorm', 'globalClipnorm'] },
      { what: 'adagrad', call: (o) => optimizers.adagrad(o as never), valid: {}, typo: ['epsillon', 'epsilon'], snake: ['initial_accumulator_value', 'initialAccumulatorValue'] },
    ];
    for (const c of cases) checkNamedCase(c, optimizerName);
  });

  test('excludeFromWeightDecay: a refused call keeps the exclusions', () => {
    const opt = optimizers.adamw({ learningRate: 1, weightDecay: 0.5 });
    const bias = new Variable(tensor([1, 1]), { name: 'bias', path: 'dense/bias' });
    opt.excludeFromWeightDecay({ varNames: ['bias'] });
    refuses(() => opt.excludeFromWeightDecay({ varName: [] } as never), 'varName', "did you mean 'varNames'?", 'excludeFromWeightDecay');
    refuses(() => opt.excludeFromWeightDecay({ var_names: [] } as never), 'var_names', "use camelCase: 'varNames'", 'excludeFromWeightDecay');
    // A zero gradient moves Adam's update by 0: only weight decay could change the bias, and it is excluded.
    opt.applyGradients([[zeros([2]), bias]]);
    assert.deepEqual(Array.from(bias.dataSync()), [1, 1]);
  });

  test('schedules', () => {
    const cases: Case[] = [
      { what: 'exponentialDecay', call: (o) => schedules.exponentialDecay(o as never), valid: { initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9 }, typo: ['decayrate', 'decayRate'], snake: ['decay_steps', 'decaySteps'] },
      { what: 'piecewiseConstantDecay', call: (o) => schedules.piecewiseConstantDecay(o as never), valid: { boundaries: [1], values: [1, 0.5] }, typo: ['value', 'values'], snake: null },
      { what: 'cosineDecay', call: (o) => schedules.cosineDecay(o as never), valid: { initialLearningRate: 0.1, decaySteps: 10 }, typo: ['alpa', 'alpha'], snake: ['warmup_steps', 'warmupSteps'] },
    ];
    for (const c of cases) checkCase(c);
  });

  test('losses', () => {
    const square = (t: Tensor, p: Tensor) => ops.mean(ops.square(ops.sub(t, p)), { axis: -1 });
    const cases: Case[] = [
      { what: 'meanSquaredError', call: (o) => losses.meanSquaredError(o as never), valid: {}, typo: ['reductoin', 'reduction'], snake: null },
      { what: 'meanAbsoluteError', call: (o) => losses.meanAbsoluteError(o as never), valid: {}, typo: ['nme', 'name'], snake: null },
      { what: 'binaryCrossentropy', call: (o) => losses.binaryCrossentropy(o as never), valid: {}, typo: ['fromLogit', 'fromLogits'], snake: ['label_smoothing', 'labelSmoothing'] },
      { what: 'categoricalCrossentropy', call: (o) => losses.categoricalCrossentropy(o as never), valid: {}, typo: ['labelSmothing', 'labelSmoothing'], snake: ['from_logits', 'fromLogits'] },
      { what: 'sparseCategoricalCrossentropy', call: (o) => losses.sparseCategoricalCrossentropy(o as never), valid: {}, typo: ['ignoreclass', 'ignoreClass'], snake: ['ignore_class', 'ignoreClass'] },
      { what: 'FunctionLoss', call: (o) => new losses.FunctionLoss(square, o as never), valid: {}, typo: ['reductions', 'reduction'], snake: null },
    ];
    for (const c of cases) checkCase(c);
  });

  test('metrics', () => {
    const maxError = (t: Tensor, p: Tensor) => ops.max(ops.abs(ops.sub(t, p)), { axis: -1 });
    const cases: Case[] = [
      { what: 'Mean', call: (o) => new metrics.Mean(o as never), valid: {}, typo: ['nme', 'name'], snake: null },
      { what: 'MeanMetricWrapper', call: (o) => new metrics.MeanMetricWrapper(maxError, o as never), valid: {}, typo: ['names', 'name'], snake: null },
      { what: 'BinaryAccuracy', call: (o) => new metrics.BinaryAccuracy(o as never), valid: {}, typo: ['treshold', 'threshold'], snake: null },
      { what: 'CategoricalAccuracy', call: (o) => new metrics.CategoricalAccuracy(o as never), valid: {}, typo: ['nam', 'name'], snake: null },
      { what: 'SparseCategoricalAccuracy', call: (o) => new metrics.SparseCategoricalAccuracy(o as never), valid: {}, typo: ['Name', 'name'], snake: null },
      { what: 'MeanSquaredError', call: (o) => new metrics.MeanSquaredError(o as never), valid: {}, typo: ['nme', 'name'], snake: null },
      { what: 'MeanAbsoluteError', call: (o) => new metrics.MeanAbsoluteError(o as never), valid: {}, typo: ['nme', 'name'], snake: null },
      { what: 'BinaryCrossentropy', call: (o) => new metrics.BinaryCrossentropy(o as never), valid: {}, typo: ['fromlogits', 'fromLogits'], snake: ['label_smoothing', 'labelSmoothing'] },
      { what: 'CategoricalCrossentropy', call: (o) => new metrics.CategoricalCrossentropy(o as never), valid: {}, typo: ['axes', 'axis'], snake: ['from_logits', 'fromLogits'] },
      { what: 'SparseCategoricalCrossentropy', call: (o) => new metrics.SparseCategoricalCrossentropy(o as never), valid: {}, typo: ['fromLogit', 'fromLogits'], snake: ['from_logits', 'fromLogits'] },
    ];
    for (const c of cases) checkCase(c);
  });
});

describe('initializers, regularizers and constraints refuse unknown keys', () => {
  test('initializers: a refused random initializer draws no default seed', () => {
    // The seed a random initializer without one draws at construction, from the seeded global source.
    const nextSeed = () => {
      const init = initializers.randomNormal();
      return init.seed;
    };
    const drawn = { state: () => nextSeed() };
    const cases: Case[] = [
      { what: 'constant', call: (o) => initializers.constant(o as never), valid: {}, typo: ['values', 'value'], snake: null },
      { what: 'randomNormal', call: (o) => initializers.randomNormal(o as never), valid: { seed: 1 }, typo: ['stdDev', 'stddev'], snake: null, ...drawn },
      { what: 'randomUniform', call: (o) => initializers.randomUniform(o as never), valid: { seed: 1 }, typo: ['minVal', 'minval'], snake: null, ...drawn },
      { what: 'truncatedNormal', call: (o) => initializers.truncatedNormal(o as never), valid: { seed: 1 }, typo: ['means', 'mean'], snake: null, ...drawn },
      { what: 'glorotUniform', call: (o) => initializers.glorotUniform(o as never), valid: { seed: 1 }, typo: ['inputAxis', 'inputAxes'], snake: ['input_axes', 'inputAxes'], ...drawn },
      { what: 'glorotNormal', call: (o) => initializers.glorotNormal(o as never), valid: { seed: 1 }, typo: ['outputAxis', 'outputAxes'], snake: ['output_axes', 'outputAxes'], ...drawn },
      { what: 'heUniform', call: (o) => initializers.heUniform(o as never), valid: { seed: 1 }, typo: ['sed', 'seed'], snake: ['input_axes', 'inputAxes'], ...drawn },
      { what: 'heNormal', call: (o) => initializers.heNormal(o as never), valid: { seed: 1 }, typo: ['seeds', 'seed'], snake: ['output_axes', 'outputAxes'], ...drawn },
      { what: 'lecunUniform', call: (o) => initializers.lecunUniform(o as never), valid: { seed: 1 }, typo: ['inputaxes', 'inputAxes'], snake: ['input_axes', 'inputAxes'], ...drawn },
      { what: 'lecunNormal', call: (o) => initializers.lecunNormal(o as never), valid: { seed: 1 }, typo: ['outputaxes', 'outputAxes'], snake: ['output_axes', 'outputAxes'], ...drawn },
      { what: 'varianceScaling', call: (o) => initializers.varianceScaling(o as never), valid: { seed: 1 }, typo: ['distrib', 'distribution'], snake: ['output_axes', 'outputAxes'], ...drawn },
      { what: 'orthogonal', call: (o) => initializers.orthogonal(o as never), valid: { seed: 1 }, typo: ['gains', 'gain'], snake: null, ...drawn },
      { what: 'identity', call: (o) => initializers.identity(o as never), valid: {}, typo: ['gains', 'gain'], snake: null },
    ];
    for (const c of cases) {
      // Each `state()` itself draws once; the same seed before and after shows the refusals drew nothing.
      setRandomSeed(11);
      const first = c.state?.();
      setRandomSeed(11);
      checkCase({ ...c, state: undefined });
      if (c.state) assert.deepEqual(c.state(), first, `${c.what}: no seed drawn`);
    }
  });

  test('regularizers', () => {
    const cases: Case[] = [
      { what: 'l1', call: (o) => regularizers.l1(o as never), valid: {}, typo: ['L1', 'l1'], snake: null },
      { what: 'l2', call: (o) => regularizers.l2(o as never), valid: {}, typo: ['L2', 'l2'], snake: null },
      { what: 'l1L2', call: (o) => regularizers.l1L2(o as never), valid: {}, typo: ['L2', 'l2'], snake: null },
      { what: 'orthogonalRegularizer', call: (o) => regularizers.orthogonalRegularizer(o as never), valid: {}, typo: ['factr', 'factor'], snake: null },
    ];
    for (const c of cases) checkCase(c);
  });

  test('constraints', () => {
    const cases: Case[] = [
      { what: 'maxNorm', call: (o) => constraints.maxNorm(o as never), valid: {}, typo: ['maxvalue', 'maxValue'], snake: ['max_value', 'maxValue'] },
      { what: 'minMaxNorm', call: (o) => constraints.minMaxNorm(o as never), valid: {}, typo: ['rates', 'rate'], snake: ['min_value', 'minValue'] },
      { what: 'unitNorm', call: (o) => constraints.unitNorm(o as never), valid: {}, typo: ['axes', 'axis'], snake: null },
    ];
    for (const c of cases) checkCase(c);
  });
});

describe('callbacks, Progbar and Variable refuse unknown keys', () => {
  const dir = tempDir('strict-options-');
  const silent = { write: () => undefined };

  test('callbacks', () => {
    const model = compiledModel();
    const cases: Case[] = [
      { what: 'EarlyStopping', call: (o) => new EarlyStopping(o as never), valid: {}, typo: ['patiance', 'patience'], snake: ['restore_best_weights', 'restoreBestWeights'] },
      { what: 'ReduceLROnPlateau', call: (o) => new ReduceLROnPlateau(o as never), valid: {}, typo: ['minLR', 'minLr'], snake: ['min_delta', 'minDelta'] },
      { what: 'LambdaCallback', call: (o) => new LambdaCallback(o as never), valid: { onEpochEnd: () => undefined }, typo: ['onEpochEnds', 'onEpochEnd'], snake: ['on_epoch_end', 'onEpochEnd'] },
      { what: 'CSVLogger', call: (o) => new CSVLogger(join(dir, 'log.csv'), o as never), valid: {}, typo: ['seperator', 'separator'], snake: null },
      { what: 'TerminateOnNaN', call: (o) => new TerminateOnNaN(o as never), valid: {}, typo: ['raiseErrors', 'raiseError'], snake: ['raise_error', 'raiseError'] },
      { what: 'ModelCheckpoint', call: (o) => new ModelCheckpoint(join(dir, 'm.keras'), o as never), valid: { save: () => undefined }, typo: ['saveBestonly', 'saveBestOnly'], snake: ['save_best_only', 'saveBestOnly'] },
      { what: 'ModelCheckpoint (options)', call: (o) => new ModelCheckpoint(o as never), valid: { filepath: join(dir, 'm.keras') }, typo: ['filePath', 'filepath'], snake: ['save_weights_only', 'saveWeightsOnly'] },
      { what: 'ProgbarLogger', call: (o) => new ProgbarLogger(o as never), valid: { writer: silent }, typo: ['writter', 'writer'], snake: ['dynamic_display', 'dynamicDisplay'] },
      { what: 'CallbackList', call: (o) => new CallbackList([new History()], o as never), valid: { model, params: { epochs: 1, steps: 1, verbose: 0 } }, typo: ['addHistroy', 'addHistory'], snake: ['add_progbar', 'addProgbar'] },
    ];
    for (const c of cases) checkCase(c);
  });

  test('Progbar and Variable', () => {
    checkCase({ what: 'Progbar', call: (o) => new Progbar(10, o as never), valid: { writer: silent }, typo: ['widt', 'width'], snake: ['unit_name', 'unitName'] });
    checkCase({ what: 'Variable', call: (o) => new Variable(zeros([1]), o as never), valid: { name: 'v', path: 'v' }, typo: ['trainible', 'trainable'], snake: null });
  });
});

describe('saving and loading refuse unknown keys before touching a file or a model', () => {
  const dir = tempDir('strict-io-');
  before(async () => {
    await ioReady();
  });
  const files = () => readdirSync(dir).sort();

  test('the synchronous forms', () => {
    const model = compiledModel();
    const kerasFile = join(dir, 'model.keras');
    const weightsFile = join(dir, 'model.weights.h5');
    saveModelSync(model, kerasFile);
    saveWeightsSync(model, weightsFile);
    const bytes = saveModelSync(model);
    const target = compiledModel();
    const cases: Case[] = [
      { what: 'saveModelSync', call: (o) => saveModelSync(model, join(dir, 'new.keras'), o as never), valid: {}, typo: ['overwite', 'overwrite'], snake: null, state: files },
      { what: 'saveModelSync (.h5)', call: (o) => saveModelSync(model, join(dir, 'new.h5'), o as never), valid: {}, typo: ['overwrites', 'overwrite'], snake: null, state: files },
      { what: 'saveWeightsSync', call: (o) => saveWeightsSync(model, join(dir, 'new.weights.h5'), o as never), valid: {}, typo: ['Overwrite', 'overwrite'], snake: null, state: files },
      { what: 'loadModelSync', call: (o) => loadModelSync(kerasFile, o as never), valid: {}, typo: ['maxByte', 'maxBytes'], snake: ['max_layers', 'maxLayers'] },
      { what: 'loadModelSync (bytes)', call: (o) => loadModelSync(bytes, o as never), valid: {}, typo: ['compil', 'compile'], snake: ['max_config_bytes', 'maxConfigBytes'] },
      { what: 'modelFromKerasBytes', call: (o) => modelFromKerasBytes(bytes, 'm.keras', o as never), valid: {}, typo: ['maxlayers', 'maxLayers'], snake: ['max_bytes', 'maxBytes'] },
      { what: 'loadWeightsSync', call: (o) => loadWeightsSync(target, weightsFile, o as never), valid: {}, typo: ['maxBytess', 'maxBytes'], snake: ['max_bytes', 'maxBytes'], state: () => target.weights.map((w) => Array.from(w.dataSync())) },
    ];
    for (const c of cases) checkCase(c);
    assert.throws(() => saveModelSync(model, kerasFile, { overwrite: false }), /exists, and overwrite is false/);
    assert.throws(() => saveModelSync(model, kerasFile, { overwrite: 'no' as never }), /invalid `overwrite`/);
  });

  test('the asynchronous forms (and the model methods) refuse before the first await', async () => {
    const model = compiledModel();
    const kerasFile = join(dir, 'async.keras');
    await saveModel(model, kerasFile);
    const weights = model.weights.map((w) => Array.from(w.dataSync()));
    const calls: [string, (o: Options) => Promise<unknown>, string, string][] = [
      ['saveModel', (o) => saveModel(model, join(dir, 'a2.keras'), o as never), 'overwite', 'overwrite'],
      ['saveWeights', (o) => saveWeights(model, join(dir, 'a2.weights.h5'), o as never), 'overwite', 'overwrite'],
      ['loadModel', (o) => loadModel(kerasFile, o as never), 'max_bytes', 'maxBytes'],
      ['loadWeights', (o) => loadWeights(model, kerasFile, o as never), 'maxlayer', 'maxLayers'],
      ['model.save', (o) => model.save(join(dir, 'a3.keras'), o as never), 'ovewrite', 'overwrite'],
      ['model.saveWeights', (o) => model.saveWeights(join(dir, 'a3.weights.h5'), o as never), 'overwrit', 'overwrite'],
      ['model.loadWeights', (o) => model.loadWeights(kerasFile, o as never), 'maxbytes', 'maxBytes'],
    ];
    for (const [what, call, key, intended] of calls) {
      await assert.rejects(call({ [key]: 1 }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === key && e.message.includes(intended), what);
    }
    assert.ok(!existsSync(join(dir, 'a2.keras')) && !existsSync(join(dir, 'a3.weights.h5')));
    assert.deepEqual(model.weights.map((w) => Array.from(w.dataSync())), weights);
  });
});

describe('ops refuse unknown keys', () => {
  const x = zeros([1, 4, 4, 2]);
  const cases: Case[] = [
    { what: 'depthwiseConv2d', call: (o) => ops.depthwiseConv2d(x, zeros([3, 3, 2, 1]), o as never), valid: {}, typo: ['dilation', 'dilationRate'], snake: ['data_format', 'dataFormat'] },
    { what: 'conv2d', call: (o) => ops.conv2d(x, zeros([3, 3, 2, 2]), o as never), valid: {}, typo: ['stride', 'strides'], snake: ['dilation_rate', 'dilationRate'] },
    { what: 'conv2dTranspose', call: (o) => ops.conv2dTranspose(x, zeros([3, 3, 2, 2]), o as never), valid: { strides: 2 }, typo: ['outputpadding', 'outputPadding'], snake: ['output_padding', 'outputPadding'] },
    { what: 'maxPool2d', call: (o) => ops.maxPool2d(x, o as never), valid: {}, typo: ['poolsize', 'poolSize'], snake: ['pool_size', 'poolSize'] },
    { what: 'avgPool2d', call: (o) => ops.avgPool2d(x, o as never), valid: {}, typo: ['pool', 'poolSize'], snake: ['data_format', 'dataFormat'] },
    { what: 'matmul', call: (o) => ops.matmul(zeros([2, 3]), zeros([3, 2]), o as never), valid: {}, typo: ['transposea', 'transposeA'], snake: ['transpose_b', 'transposeB'] },
    { what: 'upsample2d', call: (o) => ops.upsample2d(x, o as never), valid: {}, typo: ['interp', 'interpolation'], snake: ['data_format', 'dataFormat'] },
    { what: 'batchNormTraining', call: (o) => ops.batchNormTraining(x, o as never), valid: {}, typo: ['epsilom', 'epsilon'], snake: null },
    { what: 'batchNormInference', call: (o) => ops.batchNormInference(x, zeros([2]), zeros([2]), o as never), valid: {}, typo: ['gama', 'gamma'], snake: null },
    { what: 'resizeImages', call: (o) => ops.resizeImages(x, [2, 2], o as never), valid: {}, typo: ['antialiasing', 'antialias'], snake: ['data_format', 'dataFormat'] },
    { what: 'affineTransform', call: (o) => ops.affineTransform(x, [1, 0, 0, 0, 1, 0, 0, 0], o as never), valid: {}, typo: ['fillmode', 'fillMode'], snake: ['fill_value', 'fillValue'] },
    { what: 'sum', call: (o) => ops.sum(x, o as never), valid: {}, typo: ['axes', 'axis'], snake: ['keep_dims', 'keepDims'] },
    { what: 'mean', call: (o) => ops.mean(x, o as never), valid: {}, typo: ['keepdims', 'keepDims'], snake: ['keep_dims', 'keepDims'] },
    { what: 'max', call: (o) => ops.max(x, o as never), valid: {}, typo: ['axes', 'axis'], snake: ['keep_dims', 'keepDims'] },
    { what: 'min', call: (o) => ops.min(x, o as never), valid: {}, typo: ['axes', 'axis'], snake: ['keep_dims', 'keepDims'] },
  ];
  for (const c of cases) test(c.what, () => checkCase(c));
});
