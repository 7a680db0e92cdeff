// Memory stays bounded when user code never calls dispose() and never yields to the event loop (so no
// finalizer can run): results handed to user code live on the JavaScript heap, which the garbage collector
// reclaims, and the library's own work runs inside scopes in WebAssembly memory.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  kerasModelSequential,
  layerBatchNormalization,
  layerDense,
  layerZeroPadding2d,
  memoryInfo,
  ops,
  optimizers,
  setRandomSeed,
  tensor,
  valueAndGrads,
} from '../../src/index.js';

// On the TypeScript backend every tensor is on the heap and these bounds hold trivially (0 bytes in use).
describe('memory without dispose()', () => {
  test('10,000 predicts of a 1 MB output, dropped, with no event-loop turn: WebAssembly memory stays flat', () => {
    const model = kerasModelSequential({ inputShape: [256, 256, 1] });
    layerZeroPadding2d(model, { padding: [128, 128] }); // 512 x 512 float32 = 1 MiB out
    const x = tensor(new Float32Array(256 * 256), [1, 256, 256, 1]);
    model.predict(x); // builds the model and warms the allocator's free lists
    const before = memoryInfo();
    let last = 0;
    for (let i = 0; i < 10_000; i++) last = model.predict(x).size;
    const after = memoryInfo();
    assert.equal(last, 512 * 512);
    assert.equal(after.wasmBytesInUse, before.wasmBytesInUse, 'no prediction stays in WebAssembly memory');
    assert.equal(after.wasmMemoryBytes, before.wasmMemoryBytes, 'the memory never grew');
  });

  test("a Keras-style custom training loop (valueAndGrads + optimizer, no tidy) runs 10,000 steps with flat memory", () => {
    setRandomSeed(3);
    const model = kerasModelSequential({ inputShape: [16] });
    layerDense(model, { units: 32, activation: 'relu' });
    layerBatchNormalization(model, {});
    layerDense(model, { units: 1 });
    const optimizer = optimizers.adam({ learningRate: 1e-3 });
    const x = tensor(Float32Array.from({ length: 8 * 16 }, (_, i) => Math.sin(i)), [8, 16]);
    const y = tensor(Float32Array.from({ length: 8 }, (_, i) => i / 8), [8, 1]);
    const step = () => {
      const vars = model.trainableWeights;
      const { value, grads } = valueAndGrads(() => ops.mean(ops.square(ops.sub(model.apply(x, { training: true }) as typeof y, y))), vars);
      optimizer.applyGradients(grads.map((g, i) => [g, vars[i]] as const));
      return value.item();
    };
    const first = step();
    const before = memoryInfo();
    let loss = first;
    for (let i = 0; i < 10_000; i++) loss = step();
    const after = memoryInfo();
    assert.ok(loss < first, `the loop trains (${first} → ${loss})`);
    assert.equal(after.wasmBytesInUse, before.wasmBytesInUse, 'the bytes in use are exactly as before');
    assert.equal(after.wasmMemoryBytes, before.wasmMemoryBytes, 'the memory never grew');
  });
});
