// Port of keras-io guides/writing_a_training_loop_from_scratch.py ("Writing a training loop from
// scratch", fchollet), line for line in camelCase.
//
//   npx tsx examples/keras-io/training-loop.ts            # the guide's loops (MNIST; GAN: 12 steps)
//   npx tsx examples/keras-io/training-loop.ts --smoke    # reduced sizes (the test suite's run)
//
// `tf.GradientTape` becomes `valueAndGrads(f, weights)`: `f` runs the forward pass and returns the loss,
// and the gradients come back with its value. There is no `tidy` in this file: tensors made here live on
// the JavaScript heap and the garbage collector frees them; the library's WebAssembly memory must stay
// flat on its own, which results.json records (memoryInfo().wasmBytesInUse per epoch).
// DEVIATIONS, each marked below: the data (MNIST from the `mnist` npm package, 10,000 digits instead of
// 70,000; the validation split is its last 2,000 training digits instead of 10,000), tf.data pipelines
// (plain iterables of batches), `@tf.function` (nothing to compile: the same functions run eagerly),
// and `tf.random.normal` (the library has no random ops: a seeded generator in common.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import {
  kerasModel,
  kerasModelSequential,
  layerDense,
  layerInput,
  Layer,
  LeakyReLU,
  Conv2D,
  Conv2DTranspose,
  Dense,
  GlobalMaxPooling2D,
  Reshape,
  losses,
  memoryInfo,
  metrics,
  ops,
  optimizers,
  setRandomSeed,
  tensor,
  ones,
  zeros,
  valueAndGrads,
} from '../../src/index.js';
import type { CallOptions, SymbolicTensor, Tensor } from '../../src/index.js';
import { batches, loadMnist, parseFlags, randomNormal, randomUniform, rng, secondsSince, writeResults } from './common.js';

const flags = parseFlags('training-loop');
const started = performance.now();
setRandomSeed(1337);
const random = rng(1337);
const results: Record<string, unknown> & { seconds?: number } = {};
const zip = <A, B>(a: readonly A[], b: readonly B[]) => a.map((x, i) => [x, b[i]] as const); // Python's zip
const wasmBytes = () => memoryInfo().wasmBytesInUse;

// ## Using the `GradientTape`: a first end-to-end example

let inputs = layerInput({ shape: [784], name: 'digits' });
const x1 = layerDense(inputs, { units: 64, activation: 'relu' });
const x2 = layerDense(x1, { units: 64, activation: 'relu' });
let outputs = layerDense(x2, { units: 10, name: 'predictions' });
let model = kerasModel({ inputs, outputs });

// Instantiate an optimizer.
let optimizer = optimizers.sgd({ learningRate: 1e-3 });
// Instantiate a loss function.
const lossFn = new losses.SparseCategoricalCrossentropy({ fromLogits: true });

// Prepare the training dataset.
const batchSize = flags.smoke ? 32 : 64;
const mnist = loadMnist();
// DEVIATION: --smoke keeps 1,024 training digits (and 256 for validation below).
const nTrain = flags.smoke ? 1024 + 256 : mnist.trainCount;
let xTrain = tensor(mnist.xTrain.subarray(0, nTrain * 784), [nTrain, 784]); // np.reshape(x_train, (-1, 784))
let yTrain = tensor(mnist.yTrain.subarray(0, nTrain), [nTrain]);
// DEVIATION: Keras's MNIST arrays are uint8 0-255 and the guide feeds them unscaled; so do we.
let trainDataset = batches([xTrain, yTrain], batchSize, random); // .shuffle(buffer_size=1024).batch(batch_size)

let epochs = 2;
const firstLoop: number[] = [];
for (let epoch = 0; epoch < epochs; epoch++) {
  console.log('\nStart of epoch %d', epoch);

  // Iterate over the batches of the dataset.
  let step = 0;
  for (const [xBatchTrain, yBatchTrain] of trainDataset) {
    // Open a GradientTape to record the operations run
    // during the forward pass, which enables auto-differentiation.
    const { value: lossValue, grads } = valueAndGrads(() => {
      // Run the forward pass of the layer.
      // The operations that the layer applies
      // to its inputs are going to be recorded
      // on the GradientTape.
      const logits = model.apply(xBatchTrain, { training: true }) as Tensor; // Logits for this minibatch

      // Compute the loss value for this minibatch.
      return lossFn.call(yBatchTrain, logits);
    }, model.trainableWeights); // the gradients of the trainable variables with respect to the loss.

    // Run one step of gradient descent by updating
    // the value of the variables to minimize the loss.
    optimizer.applyGradients(zip(grads, model.trainableWeights));

    // Log every 200 batches.
    if (step % 200 === 0) {
      console.log('Training loss (for one batch) at step %d: %s', step, lossValue.dataSync()[0].toFixed(4));
      console.log('Seen so far: %s samples', (step + 1) * 64);
    }
    firstLoop.push(lossValue.dataSync()[0]);
    step++;
  }
}
results.firstLoop = { firstBatchLoss: firstLoop[0], lastBatchLoss: firstLoop[firstLoop.length - 1], steps: firstLoop.length };

// ## Low-level handling of metrics

// Get model
inputs = layerInput({ shape: [784], name: 'digits' });
let x = layerDense(inputs, { units: 64, activation: 'relu', name: 'dense_1' });
x = layerDense(x, { units: 64, activation: 'relu', name: 'dense_2' });
outputs = layerDense(x, { units: 10, name: 'predictions' });
model = kerasModel({ inputs, outputs });

// Instantiate an optimizer to train the model.
optimizer = optimizers.sgd({ learningRate: 1e-3 });

// Prepare the metrics.
const trainAccMetric = new metrics.SparseCategoricalAccuracy();
const valAccMetric = new metrics.SparseCategoricalAccuracy();

// Prepare the training dataset.
trainDataset = batches([xTrain, yTrain], batchSize, random);

// Prepare the validation dataset.
// Reserve 10,000 samples for validation. DEVIATION: 2,000 of our 8,000 (--smoke: 256 of 1,280).
const nVal = flags.smoke ? 256 : 2000;
const xVal = tensor(xTrain.dataSync().slice((nTrain - nVal) * 784), [nVal, 784]); // x_train[-10000:]
const yVal = tensor(yTrain.dataSync().slice(nTrain - nVal), [nVal]);
xTrain = tensor(xTrain.dataSync().slice(0, (nTrain - nVal) * 784), [nTrain - nVal, 784]); // x_train[:-10000]
yTrain = tensor(yTrain.dataSync().slice(0, nTrain - nVal), [nTrain - nVal]);
trainDataset = batches([xTrain, yTrain], batchSize, random); // DEVIATION: the guide keeps the dataset built above (all 60,000); we rebuild it without the validation digits.
const valDataset = batches([xVal, yVal], 64);

// Here's our training & evaluation loop:
const metricsLoop: { trainAcc: number; valAcc: number; seconds: number; wasmBytes: number }[] = [];
for (let epoch = 0; epoch < epochs; epoch++) {
  console.log('\nStart of epoch %d', epoch);
  const startTime = performance.now();

  // Iterate over the batches of the dataset.
  let step = 0;
  for (const [xBatchTrain, yBatchTrain] of trainDataset) {
    let logits!: Tensor;
    const { value: lossValue, grads } = valueAndGrads(() => {
      logits = model.apply(xBatchTrain, { training: true }) as Tensor;
      return lossFn.call(yBatchTrain, logits);
    }, model.trainableWeights);
    optimizer.applyGradients(zip(grads, model.trainableWeights));

    // Update training metric.
    trainAccMetric.updateState(yBatchTrain, logits);

    // Log every 200 batches.
    if (step % 200 === 0) {
      console.log('Training loss (for one batch) at step %d: %s', step, lossValue.dataSync()[0].toFixed(4));
      console.log('Seen so far: %d samples', (step + 1) * 64);
    }
    step++;
  }

  // Display metrics at the end of each epoch.
  const trainAcc = trainAccMetric.result();
  console.log('Training acc over epoch: %s', trainAcc.toFixed(4));

  // Reset training metrics at the end of each epoch
  trainAccMetric.resetState(); // Keras 3's reset_state (the guide's tf.keras 2 spelling: reset_states)

  // Run a validation loop at the end of each epoch.
  for (const [xBatchVal, yBatchVal] of valDataset) {
    const valLogits = model.apply(xBatchVal, { training: false }) as Tensor;
    // Update val metrics
    valAccMetric.updateState(yBatchVal, valLogits);
  }
  const valAcc = valAccMetric.result();
  valAccMetric.resetState();
  console.log('Validation acc: %s', valAcc.toFixed(4));
  console.log('Time taken: %ss', secondsSince(startTime).toFixed(2));
  metricsLoop.push({ trainAcc, valAcc, seconds: secondsSince(startTime), wasmBytes: wasmBytes() });
}
results.metricsLoop = metricsLoop;

// ## Speeding-up your training step with `tf.function`
//
// DEVIATION: `@tf.function` compiles the step into a graph; the library runs eagerly (each kernel is
// already WebAssembly), so the decorated functions are plain functions here.

function trainStep(x: Tensor, y: Tensor): Tensor {
  let logits!: Tensor;
  const { value: lossValue, grads } = valueAndGrads(() => {
    logits = model.apply(x, { training: true }) as Tensor;
    return lossFn.call(y, logits);
  }, model.trainableWeights);
  optimizer.applyGradients(zip(grads, model.trainableWeights));
  trainAccMetric.updateState(y, logits);
  return lossValue;
}

// Let's do the same with the evaluation step:

function testStep(x: Tensor, y: Tensor): void {
  const valLogits = model.apply(x, { training: false }) as Tensor;
  valAccMetric.updateState(y, valLogits);
}

// Now, let's re-run our training loop with this compiled training step:

const stepLoop: { trainAcc: number; valAcc: number; lastLoss: number; seconds: number; wasmBytes: number }[] = [];
for (let epoch = 0; epoch < epochs; epoch++) {
  console.log('\nStart of epoch %d', epoch);
  const startTime = performance.now();

  // Iterate over the batches of the dataset.
  let step = 0;
  let lossValue!: Tensor;
  for (const [xBatchTrain, yBatchTrain] of trainDataset) {
    lossValue = trainStep(xBatchTrain, yBatchTrain);

    // Log every 200 batches.
    if (step % 200 === 0) {
      console.log('Training loss (for one batch) at step %d: %s', step, lossValue.dataSync()[0].toFixed(4));
      console.log('Seen so far: %d samples', (step + 1) * 64);
    }
    step++;
  }

  // Display metrics at the end of each epoch.
  const trainAcc = trainAccMetric.result();
  console.log('Training acc over epoch: %s', trainAcc.toFixed(4));

  // Reset training metrics at the end of each epoch
  trainAccMetric.resetState();

  // Run a validation loop at the end of each epoch.
  for (const [xBatchVal, yBatchVal] of valDataset) {
    testStep(xBatchVal, yBatchVal);
  }

  const valAcc = valAccMetric.result();
  valAccMetric.resetState();
  console.log('Validation acc: %s', valAcc.toFixed(4));
  console.log('Time taken: %ss', secondsSince(startTime).toFixed(2));
  stepLoop.push({ trainAcc, valAcc, lastLoss: lossValue.dataSync()[0], seconds: secondsSince(startTime), wasmBytes: wasmBytes() });
}
results.stepLoop = stepLoop;

// ## Low-level handling of losses tracked by the model

class ActivityRegularizationLayer extends Layer {
  readonly className = 'ActivityRegularizationLayer';
  constructor() {
    super({}, 'ActivityRegularizationLayer');
  }
  computeOutputShape(inputShape: readonly (number | null)[]): (number | null)[] { // Keras infers it by tracing call
    return [...inputShape];
  }
  protected call(inputs: Tensor, _options: CallOptions): Tensor {
    this.addLoss(ops.mul(1e-2, ops.sum(inputs)));
    return inputs;
  }
}

// Let's build a really simple model that uses it:

inputs = layerInput({ shape: [784], name: 'digits' });
x = layerDense(inputs, { units: 64, activation: 'relu' });
// Insert activity regularization as a layer
x = new ActivityRegularizationLayer().apply(x) as SymbolicTensor;
x = layerDense(x, { units: 64, activation: 'relu' });
outputs = layerDense(x, { units: 10, name: 'predictions' });

model = kerasModel({ inputs, outputs });

// Here's what our training step should look like now:

function trainStepWithLosses(x: Tensor, y: Tensor): Tensor { // the guide redefines train_step
  let logits!: Tensor;
  const { value: lossValue, grads } = valueAndGrads(() => {
    logits = model.apply(x, { training: true }) as Tensor;
    let lossValue = lossFn.call(y, logits);
    // Add any extra losses created during the forward pass.
    lossValue = ops.add(lossValue, model.losses.reduce((a, b) => ops.add(a, b))); // loss_value += sum(model.losses)
    return lossValue;
  }, model.trainableWeights);
  optimizer.applyGradients(zip(grads, model.trainableWeights));
  trainAccMetric.updateState(y, logits);
  return lossValue;
}
// Not in the guide (it only defines the step): run it over one epoch, with the model's own optimizer.
optimizer = optimizers.sgd({ learningRate: 1e-3 });
const withLosses: number[] = [];
for (const [xb, yb] of trainDataset) withLosses.push(trainStepWithLosses(xb, yb).dataSync()[0]);
results.addLoss = { firstLoss: withLosses[0], lastLoss: withLosses[withLosses.length - 1], modelLosses: model.losses.length };
trainAccMetric.resetState();

// ## End-to-end example: a GAN training loop from scratch

const discriminator = kerasModelSequential({
  layers: [
    layerInput({ shape: [28, 28, 1] }),
    new Conv2D({ filters: 64, kernelSize: [3, 3], strides: [2, 2], padding: 'same' }),
    new LeakyReLU({ negativeSlope: 0.2 }), // alpha=0.2: Keras 3 renamed it negative_slope (alpha still works, deprecated)
    new Conv2D({ filters: 128, kernelSize: [3, 3], strides: [2, 2], padding: 'same' }),
    new LeakyReLU({ negativeSlope: 0.2 }),
    new GlobalMaxPooling2D(),
    new Dense({ units: 1 }),
  ],
  name: 'discriminator',
});
discriminator.summary();

const latentDim = 128;

const generator = kerasModelSequential({
  layers: [
    layerInput({ shape: [latentDim] }),
    // We want to generate 128 coefficients to reshape into a 7x7x128 map
    new Dense({ units: 7 * 7 * 128 }),
    new LeakyReLU({ negativeSlope: 0.2 }),
    new Reshape({ targetShape: [7, 7, 128] }),
    new Conv2DTranspose({ filters: 128, kernelSize: [4, 4], strides: [2, 2], padding: 'same' }),
    new LeakyReLU({ negativeSlope: 0.2 }),
    new Conv2DTranspose({ filters: 128, kernelSize: [4, 4], strides: [2, 2], padding: 'same' }),
    new LeakyReLU({ negativeSlope: 0.2 }),
    new Conv2D({ filters: 1, kernelSize: [7, 7], padding: 'same', activation: 'sigmoid' }),
  ],
  name: 'generator',
});

// Instantiate one optimizer for the discriminator and another for the generator.
const dOptimizer = optimizers.adam({ learningRate: 0.0003 });
const gOptimizer = optimizers.adam({ learningRate: 0.0004 });

// Instantiate a loss function.
const ganLossFn = new losses.BinaryCrossentropy({ fromLogits: true });

const ganBatchSize = flags.smoke ? 8 : 64;

function ganTrainStep(realImages: Tensor): [Tensor, Tensor, Tensor] {
  // Sample random points in the latent space
  let randomLatentVectors = randomNormal(random, [ganBatchSize, latentDim]);
  // Decode them to fake images
  const generatedImages = generator.apply(randomLatentVectors) as Tensor;
  // Combine them with real images
  const combinedImages = ops.concat([generatedImages, realImages], 0);

  // Assemble labels discriminating real from fake images
  let labels = ops.concat([ones([ganBatchSize, 1]), zeros([realImages.shape[0], 1])], 0);
  // Add random noise to the labels - important trick!
  labels = ops.add(labels, ops.mul(0.05, randomUniform(random, labels.shape)));

  // Train the discriminator
  const { value: dLoss, grads: dGrads } = valueAndGrads(() => {
    const predictions = discriminator.apply(combinedImages) as Tensor;
    return ganLossFn.call(labels, predictions);
  }, discriminator.trainableWeights);
  dOptimizer.applyGradients(zip(dGrads, discriminator.trainableWeights));

  // Sample random points in the latent space
  randomLatentVectors = randomNormal(random, [ganBatchSize, latentDim]);
  // Assemble labels that say "all real images"
  const misleadingLabels = zeros([ganBatchSize, 1]);

  // Train the generator (note that we should *not* update the weights
  // of the discriminator)!
  const { value: gLoss, grads: gGrads } = valueAndGrads(() => {
    const predictions = discriminator.apply(generator.apply(randomLatentVectors) as Tensor) as Tensor;
    return ganLossFn.call(misleadingLabels, predictions);
  }, generator.trainableWeights);
  gOptimizer.applyGradients(zip(gGrads, generator.trainableWeights));
  return [dLoss, gLoss, generatedImages];
}

// Prepare the dataset. We use both the training & test MNIST digits.
const allCount = mnist.trainCount + mnist.testCount;
const allDigits = new Float32Array(allCount * 784); // np.concatenate([x_train, x_test])
allDigits.set(mnist.xTrain);
allDigits.set(mnist.xTest, mnist.trainCount * 784);
const allDigitsTensor = tensor(allDigits.map((v) => v / 255.0), [allCount, 28, 28, 1]); // .astype("float32") / 255.0, reshaped
const dataset = batches([allDigitsTensor], ganBatchSize, random); // .shuffle(buffer_size=1024).batch(batch_size)

epochs = 1; // In practice you need at least 20 epochs to generate nice digits.
const saveDir = flags.out;
const gan: { step: number; dLoss: number; gLoss: number }[] = [];

for (let epoch = 0; epoch < epochs; epoch++) {
  console.log('\nStart epoch', epoch);

  let step = 0;
  for (const [realImages] of dataset) {
    // Train the discriminator & generator on one batch of real images.
    const [dLoss, gLoss, generatedImages] = ganTrainStep(realImages);
    gan.push({ step, dLoss: dLoss.dataSync()[0], gLoss: gLoss.dataSync()[0] });

    // Logging.
    if (step % 200 === 0) {
      // Print metrics
      console.log('discriminator loss at step %d: %s', step, dLoss.dataSync()[0].toFixed(2));
      console.log('adversarial loss at step %d: %s', step, gLoss.dataSync()[0].toFixed(2));

      // Save one generated image
      savePng(generatedImages, join(saveDir, `generated_img${step}.png`));
    }

    // To limit execution time we stop after 10 steps.
    // Remove the lines below to actually train the model!
    if (step > (flags.smoke ? 1 : 10)) {
      break;
    }
    step++;
  }
}
results.gan = gan;
results.wasmBytesAtEnd = wasmBytes();
results.seconds = secondsSince(started);
writeResults(flags, results);
console.log(`\nDone in ${results.seconds.toFixed(1)} s; WebAssembly bytes in use per epoch:`, [...metricsLoop, ...stepLoop].map((e) => e.wasmBytes));

/** `keras.preprocessing.image.array_to_img(generated_images[0] * 255.0, scale=False).save(path)` */
function savePng(images: Tensor, path: string): void {
  const [, h, w] = images.shape;
  const pixels = images.dataSync().subarray(0, h * w);
  const png = new PNG({ width: w, height: h });
  pixels.forEach((v, i) => {
    const g = Math.max(0, Math.min(255, Math.round(v * 255.0)));
    png.data.set([g, g, g, 255], i * 4);
  });
  writeFileSync(path, PNG.sync.write(png));
}

