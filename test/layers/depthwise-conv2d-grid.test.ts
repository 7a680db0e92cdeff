// DepthwiseConv2D over the argument space against a naive float64 loop written here from the definition,
// and its gradients against central finite differences.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DepthwiseConv2D, ops, tensor } from '../../src/index.js';
import type { DataArray } from '../../src/index.js';
import { assertAllClose, mulberry32, randomArray } from '../helpers/close.js';
import { checkGradients } from '../helpers/finite-difference.js';
import { caseName, product } from '../helpers/product.js';

type Format = 'channels_last' | 'channels_first';

const ACTIVATIONS: Record<string, (v: number) => number> = {
  linear: (v) => v,
  relu: (v) => Math.max(v, 0),
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
};

interface NaiveArgs {
  x: ArrayLike<number>;
  shape: number[]; // [N, H, W, C] or [N, C, H, W]
  kernel: ArrayLike<number>; // [kh, kw, C, dm]
  bias: ArrayLike<number> | null;
  kernelSize: [number, number];
  strides: [number, number];
  dilation: [number, number];
  padding: 'valid' | 'same';
  format: Format;
  dm: number;
  activation: (v: number) => number;
}

/** Output element (n, i, j, c*dm+m) = act(bias + Σ x[n, i*s - padTop + a*d, j*s - padLeft + b*d, c] * k[a, b, c, m]). */
function naiveLayer(a: NaiveArgs): { values: number[]; shape: number[] } {
  const last = a.format === 'channels_last';
  const [n, h, w, c] = last ? a.shape : [a.shape[0], a.shape[2], a.shape[3], a.shape[1]];
  const pads = [h, w].map((size, axis) => {
    const effective = (a.kernelSize[axis] - 1) * a.dilation[axis] + 1;
    if (a.padding === 'valid') return { out: Math.floor((size - effective) / a.strides[axis]) + 1, before: 0 };
    const out = Math.ceil(size / a.strides[axis]);
    const total = Math.max((out - 1) * a.strides[axis] + effective - size, 0);
    return { out, before: Math.floor(total / 2) };
  });
  const [oh, ow] = [pads[0].out, pads[1].out];
  const xAt = (b: number, y: number, x: number, ch: number) =>
    last ? a.x[((b * h + y) * w + x) * c + ch] : a.x[((b * c + ch) * h + y) * w + x];
  const outShape = last ? [n, oh, ow, c * a.dm] : [n, c * a.dm, oh, ow];
  const values = new Array<number>(n * oh * ow * c * a.dm).fill(0);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let ch = 0; ch < c; ch++)
          for (let m = 0; m < a.dm; m++) {
            let acc = a.bias ? a.bias[ch * a.dm + m] : 0;
            for (let p = 0; p < a.kernelSize[0]; p++)
              for (let q = 0; q < a.kernelSize[1]; q++) {
                const y = i * a.strides[0] - pads[0].before + p * a.dilation[0];
                const x = j * a.strides[1] - pads[1].before + q * a.dilation[1];
                if (y < 0 || y >= h || x < 0 || x >= w) continue;
                acc += xAt(b, y, x, ch) * a.kernel[((p * a.kernelSize[1] + q) * c + ch) * a.dm + m];
              }
            const o = ch * a.dm + m;
            const index = last ? ((b * oh + i) * ow + j) * c * a.dm + o : ((b * c * a.dm + o) * oh + i) * ow + j;
            values[index] = a.activation(acc);
          }
  return { values, shape: outShape };
}

const asPair = (v: number | number[]): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

const grid = product({
  kernelSize: [1, 3, [2, 3]] as (number | number[])[],
  strides: [1, 2, [1, 2]] as (number | number[])[],
  dilationRate: [1, 2, [2, 1]] as (number | number[])[],
  padding: ['valid', 'same'] as const,
  dataFormat: ['channels_last', 'channels_first'] as const,
  depthMultiplier: [1, 2, 3],
  dtype: ['float32', 'float64'] as const,
}).filter((g) => asPair(g.strides).every((s) => s === 1) || asPair(g.dilationRate).every((d) => d === 1));

describe('DepthwiseConv2D forward over the argument space vs a naive loop', () => {
  grid.forEach((g, index) => {
    const useBias = index % 3 !== 0;
    const activation = Object.keys(ACTIVATIONS)[index % 4];
    test(`${caseName(g)} bias=${useBias} activation=${activation}`, () => {
      const rng = mulberry32(1000 + index);
      const channels = [1, 3, 4, 5][index % 4];
      const [height, width] = [[7, 6], [5, 8], [6, 6], [9, 5]][index % 4];
      const shape = g.dataFormat === 'channels_last' ? [2, height, width, channels] : [2, channels, height, width];
      const kernelSize = asPair(g.kernelSize);
      const xValues = randomArray(shape.reduce((p, d) => p * d, 1), rng);
      const kValues = randomArray(kernelSize[0] * kernelSize[1] * channels * g.depthMultiplier, rng);
      const bValues = randomArray(channels * g.depthMultiplier, rng);
      const layer = new DepthwiseConv2D({
        kernelSize: g.kernelSize,
        strides: g.strides,
        dilationRate: g.dilationRate,
        padding: g.padding,
        dataFormat: g.dataFormat,
        depthMultiplier: g.depthMultiplier,
        useBias,
        activation,
        dtype: g.dtype,
        weights: useBias
          ? [tensor(kValues, [...kernelSize, channels, g.depthMultiplier], 'float64'), tensor(bValues, [bValues.length], 'float64')]
          : [tensor(kValues, [...kernelSize, channels, g.depthMultiplier], 'float64')],
      });
      const y = layer.apply(tensor(xValues, shape, g.dtype));
      // The reference sees exactly the values the layer holds (float32-rounded in float32 mode).
      const held = (t: DataArray) => Array.from(t);
      const expected = naiveLayer({
        x: held(tensor(xValues, shape, g.dtype).dataSync()),
        shape,
        kernel: held(layer.weights[0].dataSync()),
        bias: useBias ? held(layer.weights[1].dataSync()) : null,
        kernelSize,
        strides: asPair(g.strides),
        dilation: asPair(g.dilationRate),
        padding: g.padding,
        format: g.dataFormat,
        dm: g.depthMultiplier,
        activation: ACTIVATIONS[activation],
      });
      assert.equal(y.dtype, g.dtype);
      assert.deepEqual(y.shape, expected.shape);
      assert.deepEqual(layer.computeOutputShape([null, ...shape.slice(1)]), [null, ...expected.shape.slice(1)]);
      const tolerance = g.dtype === 'float64' ? { rtol: 1e-12, atol: 1e-14 } : { rtol: 1e-5, atol: 1e-6 };
      assertAllClose(y.dataSync(), expected.values, tolerance);
    });
  });
});

describe('DepthwiseConv2D gradients (input, kernel, bias) vs finite differences, float64', () => {
  const gradientGrid = grid.filter((g, i) => g.dtype === 'float64' && i % 3 === 0);
  gradientGrid.forEach((g, index) => {
    const activation = ['linear', 'tanh', 'sigmoid'][index % 3];
    test(`${caseName(g)} activation=${activation}`, () => {
      const rng = mulberry32(77 + index);
      const channels = [2, 3][index % 2];
      const shape = g.dataFormat === 'channels_last' ? [1, 6, 5, channels] : [1, channels, 6, 5];
      const layer = new DepthwiseConv2D({
        kernelSize: g.kernelSize,
        strides: g.strides,
        dilationRate: g.dilationRate,
        padding: g.padding,
        dataFormat: g.dataFormat,
        depthMultiplier: g.depthMultiplier,
        activation,
        biasInitializer: 'random_normal',
        dtype: 'float64',
      });
      const x = tensor(randomArray(shape.reduce((p, d) => p * d, 1), rng), shape, 'float64');
      const y0 = layer.apply(x);
      const ct = tensor(randomArray(y0.size, rng), y0.shape, 'float64');
      checkGradients(() => ops.sum(ops.mul(layer.apply(x), ct)), [x, ...layer.weights], { rtol: 1e-6, atol: 1e-8 });
    });
  });
  test('the gradient grid is not empty', () => assert.ok(gradientGrid.length > 20));
});
