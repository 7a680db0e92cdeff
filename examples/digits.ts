// The main demo's default task: a small MobileNet-style network, built from depthwise-separable blocks,
// learns the MNIST digits. It is written the way a user of the library would write it; the plumbing
// (flags, loading the digits, drawing PNG figures) lives in examples/demo/. Run through examples/demo.ts:
//
//   npm run demo                       # 8,000 training / 2,000 test digits, 6 epochs
//   npm run demo -- --help             # the flags
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  kerasModel,
  LambdaCallback,
  layerBatchNormalization,
  layerConv2d,
  layerDense,
  layerDepthwiseConv2d,
  layerFlatten,
  layerInput,
  layerRelu,
  optimizers,
  schedules,
  setImageDataFormat,
  setRandomSeed,
  tensor,
} from '../src/index.js';
import type { Functional, SymbolicTensor, Tensor } from '../src/index.js';
import { parseFlagsOrExit } from './demo/flags.js';
import { augmentedBatches, loadMnist } from './demo/mnist.js';
import { drawActivationMaps, drawCurves, drawKernelGrid, drawMisclassified } from './demo/figures.js';

const settings = parseFlagsOrExit(process.argv.slice(2));
const { epochs, batchSize, seed, dataFormat, dtype } = settings;
setRandomSeed(seed); // weights and per-epoch shuffling
setImageDataFormat(dataFormat); // every convolution layer's default

// ---- Data: 28×28 grey digits in [0, 1]; a 1-channel image has the same memory layout in both formats.
const { train, test } = loadMnist(seed, settings.limit ?? undefined);
const imageShape = dataFormat === 'channels_last' ? [28, 28, 1] : [1, 28, 28];
const images = (values: Float64Array, count: number) => tensor(values, [count, ...imageShape], dtype);
const labels = (values: Int32Array) => tensor(Float64Array.from(values), [values.length], dtype);
const [xTest, yTest] = [images(test.images, test.count), labels(test.labels)];
console.log(`MNIST: ${train.count} training and ${test.count} test digits, ${dataFormat}, ${dtype}, seed ${seed}\n`);

// ---- The network. After a stride-2 3×3 convolution, each block filters every channel on its own with a
// depthwise 3×3 kernel, then mixes channels with a pointwise 1×1 convolution: 9·C + C·F weights instead
// of the 9·C·F of a full 3×3 convolution. The comparison network replaces each block by that Conv2D.
const BLOCKS = [
  { filters: 32, strides: 2 },
  { filters: 64, strides: 1 },
  { filters: 64, strides: 2 },
];
const common = { dtype };
// BatchNormalization normalizes over the channel axis; momentum 0.9 (Keras: 0.99) lets the moving
// statistics used at test time catch up within a short run.
const batchNormRelu = (x: SymbolicTensor) =>
  layerRelu(layerBatchNormalization(x, { axis: dataFormat === 'channels_last' ? -1 : 1, momentum: 0.9, ...common }), common);

function buildNetwork(kind: 'separable' | 'conv2d'): { model: Functional; firstDepthwise: SymbolicTensor | null } {
  const inputs = layerInput({ shape: imageShape, ...common });
  let x = layerConv2d(inputs, { filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', ...common });
  let firstDepthwise: SymbolicTensor | null = null;
  for (const [i, { filters, strides }] of BLOCKS.entries()) {
    if (kind === 'separable') {
      x = layerDepthwiseConv2d(x, { kernelSize: 3, strides, padding: 'same', useBias: false, name: `block${i + 1}_depthwise`, ...common });
      firstDepthwise ??= x;
      x = batchNormRelu(x);
      x = layerConv2d(x, { filters, kernelSize: 1, useBias: false, ...common });
    } else {
      x = layerConv2d(x, { filters, kernelSize: 3, strides, padding: 'same', useBias: false, ...common });
    }
    x = batchNormRelu(x);
  }
  const outputs = layerDense(layerFlatten(x, common), { units: 10, activation: 'softmax', ...common });
  return { model: kerasModel({ inputs, outputs, name: kind === 'separable' ? 'mobilenet_mini' : 'plain_conv2d' }), firstDepthwise };
}

const { model, firstDepthwise } = buildNetwork('separable');
model.summary();

// Adam with a cosine decay of the learning rate over the whole run: fast early progress, fine-tuning at the end.
const stepsPerEpoch = Math.ceil(train.count / batchSize);
const learningRate = schedules.cosineDecay({ initialLearningRate: 0.008, decaySteps: epochs * stepsPerEpoch, alpha: 0.02 });
model.compile({ optimizer: optimizers.adam({ learningRate }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });

const epochSeconds: number[] = [];
let epochStart = 0;
const timer = new LambdaCallback({
  onEpochBegin: () => (epochStart = performance.now()),
  onEpochEnd: () => epochSeconds.push((performance.now() - epochStart) / 1000),
});
// The training digits come as a dataset that reshuffles them and shifts each by up to 1 pixel every epoch
// (data augmentation: with 8,000 digits the network would otherwise start memorizing them).
const trainBatches = augmentedBatches(train, { batchSize, maxShift: 1, seed, imageShape, dtype });
const { history } = await model.fit(trainBatches, { epochs, stepsPerEpoch, validationData: [xTest, yTest], callbacks: [timer] });

// ---- Evaluation.
const [testLoss, testAccuracy] = model.evaluate(xTest, yTest, { batchSize: 250, verbose: 0 }) as number[];
const probabilities = model.predict(xTest, { batchSize: 250 }).arraySync() as number[][];
const predicted = probabilities.map((p) => p.indexOf(Math.max(...p)));
const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
predicted.forEach((p, i) => confusion[test.labels[i]][p]++);

console.log(`\nTest accuracy: ${(testAccuracy * 100).toFixed(2)}% (loss ${testLoss.toFixed(4)}) on ${test.count} held-out digits`);
console.log('\nConfusion matrix (rows: true digit, columns: predicted):');
console.log(`      ${[...Array(10).keys()].map((d) => String(d).padStart(5)).join('')}`);
confusion.forEach((row, d) => console.log(`  ${d}:  ${row.map((n) => String(n).padStart(5)).join('')}`));

const plain = buildNetwork('conv2d').model;
const [separableParams, plainParams] = [model.countParams(), plain.countParams()];
console.log(`\nParameters: ${separableParams.toLocaleString('en-US')} with depthwise-separable blocks, ` +
  `${plainParams.toLocaleString('en-US')} for the same network with Conv2D 3×3 blocks (${(plainParams / separableParams).toFixed(2)}× more)`);
const meanEpoch = epochSeconds.reduce((a, b) => a + b, 0) / epochSeconds.length;
console.log(`Time per epoch: ${meanEpoch.toFixed(1)} s (${epochSeconds.map((s) => s.toFixed(1)).join(', ')})`);

// ---- Figures and metrics.
const out = settings.out;
mkdirSync(out, { recursive: true });
const firstKernel: Tensor = model.getLayer('block1_depthwise').getWeights()[0]; // [3, 3, C, 1]
const activationModel = kerasModel({ inputs: model.input, outputs: firstDepthwise as SymbolicTensor });
const sampleCount = Math.min(4, test.count);
const maps = activationModel.predict(images(test.images.slice(0, sampleCount * 784), sampleCount));
const wrong = predicted.flatMap((p, i) => (p === test.labels[i] ? [] : [{ index: i, predicted: p, actual: test.labels[i] }]));
const files = {
  kernels: drawKernelGrid(firstKernel, join(out, 'depthwise-kernels.png')),
  activations: drawActivationMaps(test.images, maps, dataFormat, join(out, 'activation-maps.png')),
  curves: drawCurves(history, join(out, 'training-curves.png')),
  misclassified: drawMisclassified(test.images, wrong, join(out, 'misclassified.png')),
};
const metrics = {
  testAccuracy,
  testLoss,
  seed,
  settings: { ...settings, trainCount: train.count, testCount: test.count, optimizer: 'adam', learningRate: 'cosine decay 0.008 → 0.00016', blocks: BLOCKS },
  epochs: history.loss.map((loss, i) => ({
    epoch: i + 1,
    loss,
    accuracy: history.accuracy[i],
    valLoss: history.val_loss[i],
    valAccuracy: history.val_accuracy[i],
    seconds: epochSeconds[i],
  })),
  params: { separable: separableParams, conv2d: plainParams, ratio: plainParams / separableParams },
  confusionMatrix: confusion,
  misclassified: wrong.length,
  files,
};
writeFileSync(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
// The trained network in Keras 3's format, for `loadModel` (and the playground's "Load the demo's .keras").
await model.save(join(out, 'mnist-mini.keras'));
console.log(`\nWrote ${[...Object.values(files), 'metrics.json', 'mnist-mini.keras'].map((f) => join(out, f.replace(`${out}/`, ''))).join(', ')}`);
