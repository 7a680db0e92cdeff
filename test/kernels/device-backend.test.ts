// A backend written from outside the library, as a device backend would be: its storages are opaque
// (no CPU view), it fills every slot of `KernelBackend`, and nothing in layers/, models/, training/ or
// io/ knows it. Training, prediction, saving and loading a model run through it and give the TypeScript
// backend's numbers bit for bit; a backend that cannot read synchronously still predicts, with
// `await data()`, and refuses `dataSync()` with a clear error.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import type { DataArray, DType } from '../../src/engine/dtype.js';
import { allocArray } from '../../src/engine/dtype.js';
import type { Storage, StorageAllocator } from '../../src/engine/storage.js';
import { isStorage } from '../../src/engine/storage.js';
import {
  kerasModelSequential,
  layerBatchNormalization,
  layerConv2d,
  layerConv3d,
  layerConvLstm1d,
  layerMaxPooling3d,
  layerDense,
  layerDepthwiseConv2d,
  layerFlatten,
  layerMaxPooling2d,
  loadModel,
  optimizers,
  setRandomSeed,
  tensor,
} from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { getBackend, setBackend } from '../../src/kernels/backend.js';
import type { CpuKernels, KernelBackend, OnStorages } from '../../src/kernels/kernel-backend.js';
import { typescriptBackend, typescriptKernels } from '../../src/kernels/typescript-backend.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Memory the host cannot address: elements move only through upload and download. */
class DeviceStorage implements Storage {
  private readonly memory: DataArray;
  isDisposed = false;

  constructor(
    readonly dtype: DType,
    readonly length: number,
    private readonly syncReadable: boolean,
    private readonly counters: { downloads: number },
  ) {
    this.memory = allocArray(dtype, length);
  }

  /** What a device backend does to hand data to its own kernels: a copy. */
  download(): DataArray {
    if (this.isDisposed) throw new Error('DeviceStorage: used after dispose()');
    this.counters.downloads++;
    return this.memory.slice();
  }

  upload(values: ArrayLike<number>, offset = 0): void {
    const converted = allocArray(this.dtype, values.length);
    for (let i = 0; i < values.length; i++) converted[i] = this.dtype === 'int32' ? Math.trunc(values[i]) : values[i];
    this.memory.set(converted, offset);
  }

  readSync(): DataArray {
    if (!this.syncReadable) throw new Error('this device cannot read synchronously: use await tensor.data()');
    return this.download();
  }

  read(): Promise<DataArray> {
    return Promise.resolve(this.download());
  }

  write(values: ArrayLike<number> | Storage, offset = 0): void {
    this.upload(values instanceof DeviceStorage ? values.download() : isStorage(values) ? values.readSync() : values, offset);
  }

  dispose(): void {
    this.isDisposed = true;
  }
}

function hostCopy(storage: Storage): DataArray {
  return storage instanceof DeviceStorage ? storage.download() : storage.readSync().slice();
}

/**
 * A family over device storages: inputs are downloaded, the TypeScript kernel computes on the host copies,
 * and every storage argument is uploaded back (outputs changed, inputs unchanged). Slow, and the point.
 */
function onDevice<T extends object>(kernels: T, calls: Map<string, number>, family: string): OnStorages<T> {
  const slots: Record<string, unknown> = {};
  for (const name of Object.keys(kernels) as (keyof T & string)[]) {
    const kernel = kernels[name] as unknown;
    if (typeof kernel !== 'function') continue;
    slots[name] = (...args: unknown[]) => {
      calls.set(`${family}.${name}`, (calls.get(`${family}.${name}`) ?? 0) + 1);
      const writeBack: [DeviceStorage, DataArray][] = [];
      const host = (a: unknown): unknown => {
        if (!isStorage(a)) return a;
        const copy = hostCopy(a);
        if (a instanceof DeviceStorage) writeBack.push([a, copy]);
        return copy;
      };
      const mapped = args.map((a) => {
        if (Array.isArray(a)) return a.map(host);
        if (typeof a === 'object' && a !== null && 'activation' in a && 'scale' in a) {
          const e = a as unknown as { scale: unknown; shift: unknown };
          return { ...e, scale: host(e.scale), shift: host(e.shift) };
        }
        return host(a);
      });
      const result = (kernel as (...x: unknown[]) => unknown).apply(kernels, mapped);
      for (const [storage, copy] of writeBack) storage.upload(copy);
      return result;
    };
  }
  return slots as OnStorages<T>;
}

function deviceBackend(syncReadable: boolean) {
  const calls = new Map<string, number>();
  const counters = { downloads: 0, allocations: 0 };
  const allocator: StorageAllocator = {
    name: 'device',
    alloc(dtype, length) {
      counters.allocations++;
      return new DeviceStorage(dtype, length, syncReadable, counters);
    },
    ownerOf: () => null,
  };
  const families = Object.keys(typescriptKernels) as (keyof CpuKernels)[];
  const slots = Object.fromEntries(families.map((f) => [f, onDevice(typescriptKernels[f], calls, f)]));
  const backend = { name: 'device', allocator, ...slots } as unknown as KernelBackend;
  return { backend, calls, counters };
}

function withBackend<T>(backend: KernelBackend, run: () => T): T {
  const previous = getBackend();
  setBackend(backend);
  try {
    return run();
  } finally {
    setBackend(previous);
  }
}

function buildAndTrain(): { model: ReturnType<typeof kerasModelSequential>; losses: number[]; prediction: Float32Array } {
  setRandomSeed(7);
  const model = kerasModelSequential({ inputShape: [8, 8, 2] });
  layerConv2d(model, { filters: 4, kernelSize: 3, padding: 'same' });
  layerDepthwiseConv2d(model, { kernelSize: 3, depthMultiplier: 2, activation: 'relu' });
  layerBatchNormalization(model, {});
  layerMaxPooling2d(model, { poolSize: 2 });
  layerFlatten(model, {});
  layerDense(model, { units: 3, activation: 'softmax' });
  model.compile({ optimizer: optimizers.adam({ learningRate: 0.01, clipnorm: 1 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const n = 24;
  const x = tensor(Float32Array.from({ length: n * 8 * 8 * 2 }, (_, i) => Math.sin(i * 0.37)), [n, 8, 8, 2]);
  const y = tensor(Float32Array.from({ length: n }, (_, i) => i % 3), [n]);
  const history = model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, validationSplit: 0.25 });
  const prediction = Float32Array.from(model.predict(x, { batchSize: 10 }).dataSync());
  return { model, losses: history.history.loss as number[], prediction };
}


describe('a backend added from outside: opaque device storages, every slot filled', () => {
  test('fit, predict, save and load run through it and match the TypeScript backend bit for bit', async (t) => {
    const folder = tempDir('depthwise-device-', t);
    const reference = withBackend(typescriptBackend, buildAndTrain);
    const device = deviceBackend(true);
    const onDevice = withBackend(device.backend, buildAndTrain);
    assert.deepEqual(onDevice.losses, reference.losses);
    assert.deepEqual(onDevice.prediction, reference.prediction);
    // The work ran in the device's slots, on its own storages.
    assert.ok(device.counters.allocations > 1000, `allocations: ${device.counters.allocations}`);
    for (const slot of ['depthwiseConv2d.forward', 'depthwiseConv2d.backwardKernel', 'conv2d.backwardKernel', 'batchNorm.trainingForward', 'optimizer.update', 'optimizer.clip', 'elementwise.binary', 'reduce.reduce', 'movement.gatherRows', 'pooling.maxBackward', 'matmul.forward']) {
      assert.ok((device.calls.get(slot) ?? 0) > 0, `slot ${slot} was used`);
    }
    const file = join(folder, 'device.keras');
    setBackend(device.backend);
    try {
      await onDevice.model.save(file);
    } finally {
      setBackend(typescriptBackend);
    }
    const restored = await loadModel(file);
    const x = tensor(Float32Array.from({ length: 2 * 8 * 8 * 2 }, (_, i) => Math.cos(i)), [2, 8, 8, 2]);
    assert.deepEqual(withBackend(typescriptBackend, () => restored.predict(x).dataSync()), withBackend(device.backend, () => onDevice.model.predict(x).dataSync()));
  });

  test('the rank-generic slots (conv, pooling) run there too: a 3D and a recurrent model train bit for bit', () => {
    const train = () => {
      setRandomSeed(11);
      const model = kerasModelSequential({ inputShape: [4, 6, 6, 1] });
      layerConv3d(model, { filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' });
      layerMaxPooling3d(model, { poolSize: [1, 2, 2] });
      layerFlatten(model, {});
      layerDense(model, { units: 2 });
      model.compile({ optimizer: optimizers.sgd({ learningRate: 0.05 }), loss: 'mean_squared_error' });
      const x = tensor(Float32Array.from({ length: 6 * 4 * 36 }, (_, i) => Math.sin(i * 0.21)), [6, 4, 6, 6, 1]);
      const y = tensor(Float32Array.from({ length: 12 }, (_, i) => Math.cos(i)), [6, 2]);
      const losses = model.fit(x, y, { epochs: 2, batchSize: 3, verbose: 0 }).history.loss as number[];
      const recurrent = kerasModelSequential({ inputShape: [3, 5, 2] });
      layerConvLstm1d(recurrent, { filters: 2, kernelSize: 3, padding: 'same' });
      const seq = tensor(Float32Array.from({ length: 2 * 3 * 10 }, (_, i) => Math.cos(i * 0.3)), [2, 3, 5, 2]);
      return { losses, prediction: Float32Array.from(model.predict(x).dataSync()), sequence: Float32Array.from(recurrent.predict(seq).dataSync()) };
    };
    const reference = withBackend(typescriptBackend, train);
    const device = deviceBackend(true);
    const result = withBackend(device.backend, train);
    assert.deepEqual(result, reference);
    for (const slot of ['conv.forward', 'conv.backwardKernel', 'conv.backwardBias', 'pooling.maxForward', 'pooling.maxBackward', 'conv2d.forward']) {
      assert.ok((device.calls.get(slot) ?? 0) > 0, `slot ${slot} was used`);
    }
  });

  test('a backend that cannot read synchronously predicts with await data() and refuses dataSync() clearly', async () => {
    const { model } = withBackend(typescriptBackend, buildAndTrain);
    const x = tensor(Float32Array.from({ length: 3 * 8 * 8 * 2 }, (_, i) => Math.cos(i * 0.1)), [3, 8, 8, 2]);
    const expected = withBackend(typescriptBackend, () => model.predict(x).dataSync());
    const device = deviceBackend(false);
    const y: Tensor = withBackend(device.backend, () => model.predict(x));
    assert.throws(() => y.dataSync(), /cannot read synchronously: use await tensor\.data\(\)/);
    assert.deepEqual(await y.data(), expected);
    assert.deepEqual(await y.array(), withBackend(typescriptBackend, () => model.predict(x).arraySync()));
  });
});
