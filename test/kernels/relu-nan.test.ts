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

import { activations, getBackendName, ops, tensor, tidy } from '../../src/index.js';
import { getBackend } from '../../src/kernels/backend.js';
import type { EpilogueActivation } from '../../src/kernels/epilogue.js';

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

function same(actual: ArrayLike<number>, expected: readonly number[], label: string): void {
  assert.deepEqual(Array.from(actual, (v) => (Number.isNaN(v) ? 'NaN' : v)), expected.map((v) => (Number.isNaN(v) ? 'NaN' : v)), label);
}

describe(`ReLU / ReLU6 special values on the ${getBackendName()} backend`, () => {
  for (const [name, cap] of [['relu', Infinity], ['relu6', 6]] as const) {
    test(`${name} kernel, NaN-propagating mode: Keras's outputs in every lane`, () => {
      // Inside a scope, so that the wasm backend's tensors are in its own memory (its SIMD lanes).
      const out = tidy(() => {
        const x = tensor(lanes(INPUTS), [INPUTS.length * 7]);
        const y = tensor(new Array<number>(INPUTS.length * 7).fill(0), [INPUTS.length * 7]);
        getBackend().activation.clippedReluForward(x.storageHandle, y.storageHandle, cap, true);
        return y;
      });
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
      const epilogue = { scale: null, shift: null, activation };
      // What inference fusion runs: the backend's fused kernel where it has one, else forward + the epilogue as ops.
      const [depthwise, pointwise] = tidy(() => {
        const x = tensor(values, [1, 1, n, 1]);
        const kernel = tensor([1], [1, 1, 1, 1]);
        return [ops.depthwiseConv2d(x, kernel, { epilogue }), ops.conv2d(x, kernel, { epilogue })];
      });
      same(depthwise.dataSync(), lanes(KERAS[activation]), `depthwiseConv2d ${activation}`);
      same(pointwise.dataSync(), lanes(KERAS[activation]), `conv2d ${activation}`);
    });
  }
});
