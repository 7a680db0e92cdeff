// The SIMD ReLU/ReLU6 kernels (the manifest's `clipped-relu` entries) against the TypeScript loops
// (themselves checked against the pointwise table in test/ops/clipped-relu.test.ts): lengths around the
// vector width and the work-unit block, special values in every lane position, both NaN rules, splits of
// the blocks that must give the same bits, and arrays outside wasm memory.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { typescriptActivationKernels } from '../../src/kernels/activation/index.js';
import { createWasmActivationKernels } from '../../src/kernels/wasm/activations.js';
import type { ActivationVariant } from '../../src/kernels/wasm/manifest.js';
import { mulberry32, randomArray } from '../helpers/close.js';
import { around, assertSplitsBitIdentical, bits, manifestOf, requireEveryVariantSelected, resident, residentNaN, selectionsDuring, wasmBackend } from '../helpers/kernel-conformance.js';
import { product } from '../helpers/product.js';

const backend = wasmBackend();
const SPECIAL = [0, -0, 6, 5.9999995, 6.0000005, Number.NaN, Infinity, -Infinity, 1e-40, -1e-40];
const VARIANTS = manifestOf('activation') as ActivationVariant[];
// Lengths around the vector width and the work unit (every entry has the same boundaries).
const LENGTHS = [1, ...around([...new Set(VARIANTS.flatMap((v) => v.boundaries))], 2), 4099];

describe('wasm clipped ReLU kernels', () => {
  const cases = product({ n: LENGTHS, cap: [Infinity, 6], propagateNaN: [false, true] });
  for (const c of cases) {
    test(`n=${c.n} cap=${c.cap} propagateNaN=${c.propagateNaN}: bit-identical to the TypeScript loops, and over split blocks`, () => {
      const rng = mulberry32(c.n);
      const values = Array.from(randomArray(c.n, rng), (v, i) => (i % 7 === 3 ? SPECIAL[i % SPECIAL.length] : v * 8));
      const x = resident(backend.arena, values);
      const dy = resident(backend.arena, randomArray(c.n, rng));
      const expectedOut = new Float32Array(c.n);
      const expectedDx = new Float32Array(c.n);
      typescriptActivationKernels.clippedReluForward(Float32Array.from(values), expectedOut, c.cap, c.propagateNaN);
      typescriptActivationKernels.clippedReluBackward(Float32Array.from(values), Float32Array.from(dy), expectedDx, c.cap);
      const out = residentNaN(backend.arena, c.n);
      const dx = residentNaN(backend.arena, c.n);
      const selected = selectionsDuring(() => {
        backend.activation.clippedReluForward(x, out, c.cap, c.propagateNaN);
        backend.activation.clippedReluBackward(x, dy, dx, c.cap);
      });
      assert.equal(bits(out), bits(expectedOut));
      assert.equal(bits(dx), bits(expectedDx));
      const expected = VARIANTS.filter((v) => v.selects({ cap: c.cap, propagateNaN: c.propagateNaN, direction: v.op }));
      assert.deepEqual([...selected.keys()].sort(), expected.map((v) => v.name).sort(), 'the manifest entries that ran');
      if (c.n > 1024) {
        // Work units are blocks of 1024 elements: only longer arrays can be split.
        assertSplitsBitIdentical(backend.arena, (runner) => {
          const k = createWasmActivationKernels(backend.exports, backend.arena, runner);
          const o = residentNaN(backend.arena, c.n);
          const d = residentNaN(backend.arena, c.n);
          k.clippedReluForward(x, o, c.cap, c.propagateNaN);
          k.clippedReluBackward(x, dy, d, c.cap);
          // NaN inputs give NaN outputs by design here: compare the bits, not "every element written".
          return { out: Float32Array.from(o, (v) => (Number.isNaN(v) ? 7 : v)), dx: d };
        }, [1, 2, 3]);
      }
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

requireEveryVariantSelected('activation');
