/**
 * Whole-model cases: MobileNetV1 inference (alpha 1.0, 224x224, batch 1) and one training step of
 * MobileNetV1 alpha 0.25 at 128x128, batch 16, for this library (public API: `applications.mobilenet`,
 * `predict`, `compile` + `trainOnBatch`), tfjs-cpu and tfjs-wasm (the same network and weights in
 * tfjs-core ops, see `tfjs.ts`) and onnxruntime-node (our model through our ONNX exporter).
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as OrtNode from 'onnxruntime-node';

import type { Model } from '../../src/index.js';
import { applications, modelToOnnxBytes, setRandomSeed, tensor } from '../../src/index.js';
import { ortName, ortSessionOptions } from '../peers/onnxruntime.js';
import { oursModelName } from './names.js';
import { inferencePlan, randomizeBatchNorms, trainingPlan } from './network.js';
import { tfjsInference, tfjsTraining } from './tfjs.js';

export interface ModelCase {
  /** Stable identifier, the key in the JSON result. */
  id: string;
  kind: 'inference' | 'training';
  alpha: number;
  size: number;
  batch: number;
  classes: number;
}

export function modelCases(): ModelCase[] {
  return [
    { id: 'mobilenet-v1/infer/a1.0/224/b1', kind: 'inference', alpha: 1, size: 224, batch: 1, classes: 1000 },
    { id: 'mobilenet-v1/train/a0.25/128/b16', kind: 'training', alpha: 0.25, size: 128, batch: 16, classes: 1000 },
  ];
}

export interface ModelPrepared {
  run(): void | Promise<void>;
  /** Inference only: the output of one run (batch x classes), for the agreement check. */
  output?(): Promise<Float32Array>;
  dispose(): void;
}

export interface ModelImplementation {
  name: string;
  version: string;
  /** This library's thread count for this column (set before preparing and timing). */
  threads?: number;
  /**
   * When the peer is too slow to time at the case's setting in this mode: the batch it runs instead.
   * Its time is then scaled by `case.batch / batch` and reported as an estimate.
   */
  reducedBatch?: number;
  /** Fewest timed runs worth their cost (a 70-second tfjs-cpu training step is timed once or twice). */
  slowReps?: number;
  prepare(): Promise<ModelPrepared>;
}

type Tf = typeof TfCore;
type Ort = typeof OrtNode;

function seededArray(length: number, seed: number, lo = 0, hi = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * s) / 4294967296;
  });
}

function oneHot(batch: number, classes: number): Float32Array {
  const y = new Float32Array(batch * classes);
  for (let b = 0; b < batch; b++) y[b * classes + ((b * 37) % classes)] = 1;
  return y;
}

/** Our model of a case, with deterministic weights (batch norms randomized so that folding matters). */
export function buildOursModel(c: ModelCase): Model {
  setRandomSeed(1234);
  const model = applications.mobilenet({ alpha: c.alpha, inputShape: [c.size, c.size, 3], classes: c.classes });
  randomizeBatchNorms(model);
  return model;
}

export interface Peers {
  tf: Tf | null;
  /** Whether tfjs-backend-wasm initialised. */
  tfWasm: boolean;
  ort: Ort | null;
  quick: boolean;
  /** Thread counts for this library's columns ([1] when threads are unavailable). */
  oursThreads: readonly number[];
}

/** The columns of one model case. `model` is this library's model of the case (shared, not copied). */
export function modelImplementations(c: ModelCase, model: Model, peers: Peers): ModelImplementation[] {
  const input = seededArray(c.batch * c.size * c.size * 3, 99);
  const inputShape = [c.batch, c.size, c.size, 3];
  const impls: ModelImplementation[] = [];

  for (const threads of peers.oursThreads) {
    impls.push({
      name: oursModelName(threads),
      version: 'workspace',
      threads,
      async prepare() {
        const x = tensor(input, inputShape);
        if (c.kind === 'inference') {
          return {
            run: () => model.predict(x).dispose(),
            async output() {
              const y = model.predict(x);
              const data = Float32Array.from(y.dataSync() as Float32Array);
              y.dispose();
              return data;
            },
            dispose: () => x.dispose(),
          };
        }
        // Each column trains its own copy from the same initial weights, so columns do not see each other's steps.
        const own = buildOursModel(c);
        own.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy' });
        const y = tensor(oneHot(c.batch, c.classes), [c.batch, c.classes]);
        return {
          run: () => void own.trainOnBatch(x, y),
          dispose: () => [x, y].forEach((t) => t.dispose()),
        };
      },
    });
  }

  const { tf } = peers;
  if (tf !== null) {
    const backends: ('cpu' | 'wasm')[] = peers.tfWasm ? ['cpu', 'wasm'] : ['cpu'];
    for (const backend of backends) {
      // tfjs-cpu's training step takes about a minute at batch 16: the quick run trains at batch 2.
      const reducedBatch = c.kind === 'training' && backend === 'cpu' && peers.quick ? 2 : undefined;
      const batch = reducedBatch ?? c.batch;
      impls.push({
        name: `tfjs-${backend}`,
        version: tf.version_core,
        reducedBatch,
        // tfjs-cpu takes seconds per inference and most of a minute per training step.
        slowReps: backend === 'wasm' ? undefined : c.kind === 'training' || peers.quick ? (peers.quick ? 1 : 2) : 3,
        async prepare() {
          if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
          const x = tf.tensor4d(input.subarray(0, batch * c.size * c.size * 3), [batch, c.size, c.size, 3]);
          if (c.kind === 'inference') {
            const net = tfjsInference(tf, inferencePlan(model));
            return {
              run: () => net.predict(x).dispose(),
              async output() {
                const y = net.predict(x);
                const data = Float32Array.from((await y.data()) as Float32Array);
                y.dispose();
                return data;
              },
              dispose: () => {
                net.dispose();
                x.dispose();
              },
            };
          }
          const net = tfjsTraining(tf, trainingPlan(model));
          const y = tf.tensor2d(oneHot(batch, c.classes), [batch, c.classes]);
          return {
            run: () => void net.step(x, y),
            dispose: () => {
              net.dispose();
              x.dispose();
              y.dispose();
            },
          };
        },
      });
    }
  }

  const { ort } = peers;
  if (ort !== null && c.kind === 'inference') {
    let bytes: Uint8Array | null = null;
    for (const threads of [1, 2]) {
      impls.push({
        name: ortName(threads),
        version: ort.env.versions.node ?? 'unknown',
        async prepare() {
          bytes ??= modelToOnnxBytes(model);
          const session = await ort.InferenceSession.create(bytes, ortSessionOptions(threads));
          const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', input, inputShape) };
          const outputName = session.outputNames[0];
          return {
            run: async () => {
              const out = await session.run(feeds);
              out[outputName].dispose();
            },
            async output() {
              const out = await session.run(feeds);
              return Float32Array.from(out[outputName].data as Float32Array);
            },
            dispose: () => void session.release(),
          };
        },
      });
    }
  }
  return impls;
}
