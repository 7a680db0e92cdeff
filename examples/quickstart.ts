// A first model: one depthwise convolution on a 28×28 single-channel image, as in the README.
import { kerasModelSequential, layerDepthwiseConv2d, setRandomSeed, tensor } from '../src/index.js';

setRandomSeed(42);

const model = kerasModelSequential({ inputShape: [28, 28, 1] });
layerDepthwiseConv2d(model, { kernelSize: 3, depthMultiplier: 2, activation: 'relu' });
model.summary();

// A wavy test image with positive and negative regions, so the ReLU passes part of each filter's response.
const pixels = Float32Array.from({ length: 28 * 28 }, (_, i) => Math.sin((i % 28) / 3) * Math.cos(Math.floor(i / 28) / 4));
const output = model.predict(tensor(pixels, [1, 28, 28, 1]));
const values = Array.from(output.dataSync());
console.log(`\noutput shape: [${output.shape.join(', ')}]`);
console.log(`first pixel, both channels: ${values[0].toFixed(4)}, ${values[1].toFixed(4)}`);
console.log(`active outputs: ${values.filter((v) => v > 0).length} of ${values.length}`);
console.log(`mean activation: ${(values.reduce((a, b) => a + b, 0) / values.length).toFixed(4)}`);
