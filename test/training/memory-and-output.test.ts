// fit over many epochs keeps memory flat (measured with forced GC), and prints Keras's progress output.
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, test } from 'node:test';
import { kerasModelSequential, layerDepthwiseConv2d, memoryInfo, ops, optimizers, ProgbarLogger } from '../../src/index.js';
import { stripes } from './stripes.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function model() {
  const m = kerasModelSequential({ inputShape: [8, 8, 1] });
  layerDepthwiseConv2d(m, { kernelSize: 3, activation: 'relu' });
  layerDepthwiseConv2d(m, { kernelSize: 6 });
  layerDepthwiseConv2d(m, { kernelSize: 1, useBias: false });
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae'] });
  return m;
}

function data() {
  const { x, y } = stripes(128, 8, 1);
  return { x, y: ops.reshape(y, [128, 1, 1, 1]) };
}

describe('memory', () => {
  test('memory stays flat across epochs: what a step creates is released', () => {
    const m = model();
    const { x, y } = data();
    const used = () => {
      gc();
      gc();
      const u = process.memoryUsage();
      return u.heapUsed + u.arrayBuffers;
    };
    m.fit(x, y, { epochs: 60, batchSize: 16, verbose: 0 }); // warm-up: JIT and first allocations
    const before = used();
    const wasmBefore = memoryInfo();
    for (let i = 0; i < 3; i++) m.fit(x, y, { epochs: 60, batchSize: 16, verbose: 0 }); // 1,440 steps
    const growth = used() - before;
    // Tensors in WebAssembly memory are freed by each step's scope, not by the garbage collector: the
    // bytes in use return exactly to where they were, and the memory never had to grow.
    const wasmAfter = memoryInfo();
    assert.equal(wasmAfter.wasmBytesInUse, wasmBefore.wasmBytesInUse, 'wasm bytes in use after 1,440 more steps');
    assert.equal(wasmAfter.wasmMemoryBytes, wasmBefore.wasmMemoryBytes, 'wasm memory size');
    // Measured noise between such points is about ±150 KiB. Keeping one batch (4 KiB) or even one small
    // tensor (~0.7 KiB) per step would add more than the 1 MiB allowed.
    assert.ok(growth < 1024 * 1024, `memory grew by ${(growth / 1024).toFixed(0)} KiB over 1,440 steps`);
  });
});

describe('progress output', () => {
  test('verbose 1 off a terminal: one plain line per epoch with Keras’s bar and metrics', () => {
    const m = model();
    const { x, y } = data();
    let out = '';
    m.fit(x, y, { epochs: 2, batchSize: 16, verbose: 1, callbacks: [new ProgbarLogger({ writer: { write: (s: string) => (out += s), isTTY: false } })] });
    const lines = out.trim().split('\n');
    assert.equal(lines[0], 'Epoch 1/2');
    assert.match(lines[1], /^8\/8 ━{20} \d+s \d+(ms|us)\/step - loss: \d\.\d{4} - mae: \d\.\d{4}$/);
    assert.equal(lines[2], 'Epoch 2/2');
    assert.ok(!out.includes('\r') && !out.includes('\x1b'), 'no terminal control codes off a terminal');
  });

  test('verbose 0 prints nothing', () => {
    const m = model();
    const { x, y } = data();
    let out = '';
    m.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new ProgbarLogger({ writer: { write: (s: string) => (out += s) } })] });
    assert.equal(out, '');
  });
});
