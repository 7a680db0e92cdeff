// The conv2d and conv2dTranspose ops under the layers: the transposed convolution is conv2d's adjoint,
// gradients match finite differences, arguments are validated, and the backend's kernels are used.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError, ShapeError, tensor } from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import { getBackend, setBackend } from '../../../src/kernels/backend.js';
import { onCpuStorages } from '../../../src/kernels/cpu-storages.js';
import type { Conv2dKernels } from '../../../src/kernels/conv2d/index.js';
import { typescriptConv2dKernels } from '../../../src/kernels/conv2d/index.js';
import { conv2d } from '../../../src/ops/conv.js';
import { conv2dTranspose } from '../../../src/ops/conv-transpose.js';
import { mul, sum } from '../../../src/ops/index.js';
import { mulberry32, randomArray } from '../../helpers/close.js';
import { checkGradients } from '../../helpers/finite-difference.js';
import { caseName, product } from '../../helpers/product.js';

function random(shape: number[], seed: number): Tensor {
  return tensor(randomArray(shape.reduce((a, b) => a * b, 1), mulberry32(seed)), shape, 'float64');
}

// The objectives are linear in each parameter, so central differences are exact up to rounding and a
// large step keeps the rounding small.
const BILINEAR = { rtol: 1e-9, atol: 1e-10, eps: 0.5 };

function dot(a: Tensor, b: Tensor): number {
  return sum(mul(a, b)).item();
}

describe('conv2dTranspose is the adjoint of conv2d', () => {
  product({
    kernel: [[3, 3], [2, 3], [1, 1]] as [number, number][],
    strides: [[1, 1], [2, 2], [3, 2]] as [number, number][],
    padding: ['valid', 'same'] as const,
    outputPadding: [null, 'max'] as const,
    dataFormat: ['channels_last', 'channels_first'] as const,
  }).forEach((c, i) => {
    test(caseName(c), () => {
      const outputPadding = c.outputPadding === null ? null : c.strides.map((s) => s - 1);
      const last = c.dataFormat === 'channels_last';
      const x = random(last ? [2, 3, 4, 3] : [2, 3, 3, 4], i);
      const kernel = random([...c.kernel, 2, 3], 100 + i); // [kh, kw, filters, channels]
      const options = { strides: c.strides, padding: c.padding, dataFormat: c.dataFormat };
      const y = conv2dTranspose(x, kernel, { ...options, outputPadding });
      const z = random([...y.shape], 200 + i);
      // <convT(x, K), z> = <x, conv(z, K)>: conv2d on the transposed output's shape gives back x's shape.
      const back = conv2d(z, kernel, { ...options, padding: c.padding });
      if (outputPadding === null) {
        // Without output padding Keras's transposed geometry is exactly conv2d's with the same arguments.
        assert.deepEqual(back.shape, x.shape);
        assert.ok(Math.abs(dot(y, z) - dot(x, back)) < 1e-10 * (1 + Math.abs(dot(y, z))), `${dot(y, z)} vs ${dot(x, back)}`);
      }
      const bias = random([2], 300 + i);
      checkGradients(() => sum(mul(conv2dTranspose(x, kernel, { ...options, outputPadding, bias }), z)), [x, kernel, bias], BILINEAR);
    });
  });
});

describe('conv2d op gradients (groups, explicit padding) vs finite differences', () => {
  product({
    groups: [1, 2, 4],
    padding: ['same', [[1, 0], [2, -1]]] as const,
    dataFormat: ['channels_last', 'channels_first'] as const,
  }).forEach((c, i) => {
    test(caseName(c), () => {
      const x = random(c.dataFormat === 'channels_last' ? [2, 5, 6, 4] : [2, 4, 5, 6], i);
      const kernel = random([3, 2, 4 / c.groups, 4], 50 + i);
      const bias = random([4], 60 + i);
      const f = () => conv2d(x, kernel, { strides: [1, 2], padding: c.padding as never, dataFormat: c.dataFormat, groups: c.groups, bias });
      const ct = random([...f().shape], 70 + i);
      checkGradients(() => sum(mul(f(), ct)), [x, kernel, bias], BILINEAR);
    });
  });
});

describe('op argument checks', () => {
  const x = random([1, 4, 4, 2], 1);
  const k = random([3, 3, 2, 3], 2);
  test('conv2d', () => {
    assert.throws(() => conv2d(x, k, { bias: random([2], 3) }), /`bias`: received \[2\]; expected a tensor of shape \[3\]/);
    assert.throws(() => conv2d(x, k, { padding: 'full' }), InvalidArgumentError);
    assert.throws(() => conv2d(x, k, { padding: [[0, 0]] as never }), /`padding`/);
    assert.throws(() => conv2d(x, k, { groups: 2 }), ShapeError);
    assert.throws(() => conv2d(tensor([1, 2, 3, 4], [1, 2, 2, 1], 'int32'), tensor([1], [1, 1, 1, 1], 'int32')), /float32 or float64/);
  });
  test('conv2dTranspose', () => {
    const kt = random([3, 3, 5, 2], 4); // [kh, kw, filters, channels]
    assert.deepEqual(conv2dTranspose(x, kt, { strides: 2, padding: 'same' }).shape, [1, 8, 8, 5]);
    assert.throws(() => conv2dTranspose(x, random([3, 3, 5, 3], 5)), /kernel's last axis \(3\) must equal the 2 input channels/);
    assert.throws(() => conv2dTranspose(random([4, 4, 2], 6), kt), (e: unknown) => e instanceof ShapeError && /rank-4/.test(e.message));
    assert.throws(() => conv2dTranspose(x, kt, { strides: 2, outputPadding: 2 }), /`outputPadding`: received 2; expected values strictly less than strides/);
    assert.throws(() => conv2dTranspose(x, kt, { bias: random([2], 7) }), /`bias`/);
  });
});

describe('kernels come from the backend', () => {
  test("the active backend's conv2d slot is what the op runs (wasm by default in Node, else TypeScript)", () => {
    assert.equal(getBackend().name, process.env.DEPTHWISE_BACKEND === 'typescript' ? 'typescript' : 'wasm-simd');
    const previous = getBackend();
    let calls = 0;
    const counting = onCpuStorages<Conv2dKernels>({
      ...typescriptConv2dKernels,
      forward: (...args) => {
        calls++;
        typescriptConv2dKernels.forward(...args);
      },
    });
    try {
      setBackend({ ...previous, name: 'counting', conv2d: counting });
      conv2d(random([1, 3, 3, 1], 1), random([1, 1, 1, 1], 2));
      assert.equal(calls, 1);
    } finally {
      setBackend(previous);
    }
  });
});
