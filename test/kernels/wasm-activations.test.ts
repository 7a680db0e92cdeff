// The SIMD ReLU/ReLU6 kernels against the TypeScript loops (themselves checked against the pointwise
// table in test/ops/clipped-relu.test.ts): lengths around the vector width and the 1024-element block,
// special values in every lane position, both NaN rules, and arrays outside wasm memory.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { typescriptActivationKernels } from '../../src/kernels/activation/index.js';
import { createWasmBackendSync } from '../../src/kernels/wasm/index.js';
import { mulberry32, randomArray } from '../helpers/close.js';
import { product } from '../helpers/product.js';

// Its own backend (module, arena, pool), so the test runs whatever the default backend is.
const loaded = createWasmBackendSync();
if (loaded === null) throw new Error('depthwise.wasm is not built: run `npm run build:wasm`');
const backend = loaded;
const SPECIAL = [0, -0, 6, 5.9999995, 6.0000005, Number.NaN, Infinity, -Infinity, 1e-40, -1e-40];

function inWasm(values: ArrayLike<number>): Float32Array {
  const view = backend.arena.allocStorage('float32', values.length).view() as Float32Array;
  view.set(values);
  return view;
}

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(Float32Array.from(a).buffer));

describe('wasm clipped ReLU kernels', () => {
  const cases = product({ n: [1, 3, 4, 5, 1023, 1024, 1025, 4099], cap: [Infinity, 6], propagateNaN: [false, true] });
  for (const c of cases) {
    test(`n=${c.n} cap=${c.cap} propagateNaN=${c.propagateNaN}: bit-identical to the TypeScript loops`, () => {
      const rng = mulberry32(c.n);
      const values = Array.from(randomArray(c.n, rng), (v, i) => (i % 7 === 3 ? SPECIAL[i % SPECIAL.length] : v * 8));
      const x = inWasm(values);
      const dy = inWasm(randomArray(c.n, rng));
      const expectedOut = new Float32Array(c.n);
      const expectedDx = new Float32Array(c.n);
      typescriptActivationKernels.clippedReluForward(Float32Array.from(values), expectedOut, c.cap, c.propagateNaN);
      typescriptActivationKernels.clippedReluBackward(Float32Array.from(values), Float32Array.from(dy), expectedDx, c.cap);
      const out = inWasm(new Float32Array(c.n).fill(Number.NaN));
      const dx = inWasm(new Float32Array(c.n).fill(Number.NaN));
      backend.activation.clippedReluForward(x, out, c.cap, c.propagateNaN);
      backend.activation.clippedReluBackward(x, dy, dx, c.cap);
      assert.deepEqual(bits(out), bits(expectedOut));
      assert.deepEqual(bits(dx), bits(expectedDx));
    });
  }

  test('arrays on the JavaScript heap and float64 arrays take the TypeScript loops', () => {
    const x = Float64Array.from([-1, 2, 7, Number.NaN]);
    const out = new Float64Array(4);
    backend.activation.clippedReluForward(x, out, 6, false);
    assert.deepEqual(Array.from(out), [0, 2, 6, 0]);
    const heap = Float32Array.from([-1, 2, 7]);
    const heapOut = new Float32Array(3);
    backend.activation.clippedReluForward(heap, heapOut, Infinity, false);
    assert.deepEqual(Array.from(heapOut), [0, 2, 7]);
  });
});
