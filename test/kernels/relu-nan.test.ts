/**
 * Special values through the ReLU/ReLU6 kernels of the active backend (run by `npm test` on the
 * WebAssembly kernels and by `npm run test:typescript` on the TypeScript ones): Keras's outputs, where NaN
 * propagates (relu(NaN) = NaN, as `jnp.maximum(x, 0)` gives), relu(-inf) = 0, relu(inf) = inf and
 * relu6(inf) = 6. Checked in the activation kernels (their NaN-propagating mode, which Keras's relu6
 * activation uses) and in the epilogue fused into the convolutions (inference fusion's Conv -> BN -> ReLU),
 * in every lane position of the SIMD kernels.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { activations, getBackendName, tensor } from '../../src/index.js';
import { getBackend } from '../../src/kernels/backend.js';
import { resolveConv2dParams } from '../../src/kernels/conv2d/index.js';
import { resolveDepthwiseConv2dParams } from '../../src/kernels/depthwise-conv2d/index.js';
import type { Epilogue, EpilogueActivation } from '../../src/kernels/epilogue.js';
import { applyEpilogue } from '../../src/kernels/epilogue.js';

const INPUTS = [Number.NaN, -Infinity, Infinity, -1, 3, 7];
const KERAS: Record<EpilogueActivation, number[]> = {
  linear: [Number.NaN, -Infinity, Infinity, -1, 3, 7],
  relu: [Number.NaN, 0, Infinity, 0, 3, 7],
  relu6: [Number.NaN, 0, 6, 0, 3, 6],
};

/** The inputs in every position of a 4-lane vector and of the scalar tail: 6 values, rotated over 7 slots. */
function lanes(values: readonly number[]): number[] {
  const out: number[] = [];
  for (let shift = 0; shift < 7; shift++) for (let i = 0; i < values.length; i++) out.push(values[(i + shift) % values.length]);
  return out;
}

/** A float32 array where the backend keeps tensors (wasm memory with the wasm backend). */
function backendArray(values: readonly number[]): Float32Array {
  return Float32Array.from(tensor(values, [values.length]).dataSync());
}

function same(actual: ArrayLike<number>, expected: readonly number[], label: string): void {
  assert.deepEqual(Array.from(actual, (v) => (Number.isNaN(v) ? 'NaN' : v)), expected.map((v) => (Number.isNaN(v) ? 'NaN' : v)), label);
}

describe(`ReLU / ReLU6 special values on the ${getBackendName()} backend`, () => {
  for (const [name, cap] of [['relu', Infinity], ['relu6', 6]] as const) {
    test(`${name} kernel, NaN-propagating mode: Keras's outputs in every lane`, () => {
      const x = tensor(lanes(INPUTS), [INPUTS.length * 7]);
      const out = tensor(new Array<number>(INPUTS.length * 7).fill(0), [INPUTS.length * 7]);
      getBackend().activation.clippedReluForward(x.dataSync() as Float32Array, out.dataSync() as Float32Array, cap, true);
      same(out.dataSync(), lanes(KERAS[name]), name);
    });
  }

  test('the relu6 activation (Keras\'s relu6 keeps NaN) and relu at the infinities', () => {
    same(activations.relu6(tensor(INPUTS, [6])).dataSync(), KERAS.relu6, 'relu6');
    same(activations.relu(tensor([-Infinity, Infinity, -2, 5], [4])).dataSync(), [0, Infinity, 0, 5], 'relu');
  });

  for (const activation of ['relu', 'relu6', 'linear'] as const) {
    test(`the ${activation} epilogue fused into the depthwise and pointwise convolutions propagates NaN`, () => {
      const values = lanes(INPUTS);
      const n = values.length; // one row of n pixels, one channel, through a 1x1 kernel of weight 1
      const e: Epilogue = { scale: null, shift: null, activation };
      const dp = resolveDepthwiseConv2dParams([1, 1, n, 1], [1, 1, 1, 1], { strides: [1, 1], dilationRate: [1, 1], padding: 'valid', dataFormat: 'channels_last' });
      const cp = resolveConv2dParams([1, 1, n, 1], [1, 1, 1, 1], { strides: [1, 1], dilationRate: [1, 1], padding: 'valid', dataFormat: 'channels_last' });
      const layout = { channels: 1, channelsLast: true, spatial: n };
      for (const [label, kernels, p] of [['depthwiseConv2d', getBackend().depthwiseConv2d, dp], ['conv2d', getBackend().conv2d, cp]] as const) {
        const x = backendArray(values);
        const kernel = backendArray([1]);
        const out = backendArray(new Array<number>(n).fill(0));
        // What the ops do: the fused slot where the backend has one, else the plain forward and the epilogue.
        if (kernels.forwardEpilogue !== undefined) {
          (kernels.forwardEpilogue as (q: typeof p, a: Float32Array, b: Float32Array, c: Epilogue, d: Float32Array) => void)(p, x, kernel, e, out);
        } else {
          (kernels.forward as (q: typeof p, a: Float32Array, b: Float32Array, c: null, d: Float32Array) => void)(p, x, kernel, null, out);
          applyEpilogue(out, layout, e);
        }
        same(out, lanes(KERAS[activation]), `${label} ${activation}`);
      }
    });
  }
});
