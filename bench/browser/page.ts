/**
 * The browser bench's page script (bundled by `run.ts` with the library's sources, tfjs-core and
 * tfjs-backend-wasm): the depthwise and MobileNet rows of `npm run bench`, timed inside the page for this
 * library (at 1 thread and, where the page is cross-origin isolated, at every thread count asked) and for
 * tfjs-wasm (XNNPACK; threaded SIMD where isolated) on the same shapes, weights and inputs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount, setWasmPaths as setTfWasmPaths } from '@tensorflow/tfjs-backend-wasm';

import type { Model, Tensor } from '../../src/index.js';
import { applications, getNumThreads, ops, ready, setNumThreads, setRandomSeed, tensor, tidy } from '../../src/index.js';
import { MOBILENET_V1_DEPTHWISE } from '../cases.js';
import { inferencePlan, randomizeBatchNorms } from '../mobilenet/network.js';
import { tfjsInference } from '../mobilenet/tfjs.js';

/** One timed row: median milliseconds per implementation (null: not run here). */
export interface BrowserRow {
  id: string;
  description: string;
  results: Record<string, { medianMs: number; reps: number }>;
}

export interface BrowserReport {
  isolated: boolean;
  hardwareConcurrency: number;
  userAgent: string;
  oursThreads: number[];
  tfjsBackend: string;
  tfjsThreads: number;
  rows: BrowserRow[];
  /** Largest |ours - tfjs| over the MobileNet outputs (same weights): both compute the same network. */
  mobilenetMaxAbsDiff: number;
}

function seeded(length: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  });
}

/** The median of `fn`'s time over at least `minReps` runs and about `budgetMs`, after `warmup` runs. */
function time(fn: () => void, budgetMs: number, minReps = 5, warmup = 2): { medianMs: number; reps: number } {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  const until = performance.now() + budgetMs;
  while (times.length < minReps || (performance.now() < until && times.length < 200)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)], reps: times.length };
}

/** The 13 depthwise layers of MobileNetV1 at `batch`, run back to back: one implementation's workload. */
interface LayerSet {
  run(): void;
  dispose(): void;
}

function oursLayers(batch: number): LayerSet {
  const layers = MOBILENET_V1_DEPTHWISE.map(([size, channels, stride], i) => {
    // ops.copy puts the tensor where the backend keeps tensors (wasm memory when it is shared).
    const x = ops.copy(tensor(seeded(batch * size * size * channels, 10 + i), [batch, size, size, channels]));
    const k = ops.copy(tensor(seeded(9 * channels, 50 + i), [3, 3, channels, 1]));
    return { x, k, stride };
  });
  return {
    run: () => {
      for (const { x, k, stride } of layers) ops.depthwiseConv2d(x, k, { strides: stride, padding: 'same' }).dispose();
    },
    dispose: () => layers.forEach(({ x, k }) => [x, k].forEach((t) => t.dispose())),
  };
}

function tfjsLayers(batch: number): LayerSet {
  const layers = MOBILENET_V1_DEPTHWISE.map(([size, channels, stride], i) => ({
    x: tf.tensor4d(seeded(batch * size * size * channels, 10 + i), [batch, size, size, channels]),
    k: tf.tensor4d(seeded(9 * channels, 50 + i), [3, 3, channels, 1]),
    stride,
  }));
  return {
    run: () => {
      for (const { x, k, stride } of layers) tf.depthwiseConv2d(x, k, stride, 'same').dispose();
    },
    dispose: () => layers.forEach(({ x, k }) => [x, k].forEach((t) => t.dispose())),
  };
}

function mobilenet(): Model {
  setRandomSeed(1234);
  const model = applications.mobilenet({ alpha: 1, inputShape: [224, 224, 3], classes: 1000 });
  randomizeBatchNorms(model);
  return model;
}

/** Runs every row; `threads`: this library's thread counts (1 only where the page is not isolated). */
export async function runBrowserBench(threads: number[], budgetMs: number): Promise<BrowserReport> {
  await ready();
  setTfWasmPaths(new URL('./', import.meta.url).href);
  const isolated = globalThis.crossOriginIsolated === true;
  const oursThreads = isolated ? threads : [1];
  const tfjsThreads = isolated ? Math.max(...threads) : 1;
  if (isolated) setThreadsCount(tfjsThreads);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-backend-wasm did not initialise');
  const rows: BrowserRow[] = [];
  const row = (id: string, description: string): BrowserRow => {
    const r: BrowserRow = { id, description, results: {} };
    rows.push(r);
    return r;
  };

  for (const batch of [1, 8]) {
    const r = row(`depthwise/mobilenet-v1-13-layers/b${batch}`, `depthwise 3×3 forward, the 13 MobileNetV1 layers, batch ${batch} (total)`);
    for (const n of oursThreads) {
      setNumThreads(n);
      const set = oursLayers(batch);
      r.results[`ours-${n}t`] = time(() => tidy(() => set.run()), budgetMs);
      set.dispose();
    }
    const set = tfjsLayers(batch);
    r.results['tfjs-wasm'] = time(() => set.run(), budgetMs);
    set.dispose();
  }

  const model = mobilenet();
  const input = seeded(224 * 224 * 3, 99);
  const r = row('mobilenet-v1/infer/a1.0/224/b1', 'MobileNetV1 (alpha 1, 224×224) inference, batch 1');
  const x: Tensor = tensor(input, [1, 224, 224, 3]);
  let ours = new Float32Array(0);
  for (const n of oursThreads) {
    setNumThreads(n);
    r.results[`ours-${n}t`] = time(() => model.predict(x).dispose(), budgetMs, 5, 2);
  }
  ours = Float32Array.from(model.predict(x).dataSync());
  const net = tfjsInference(tf, inferencePlan(model));
  const tx = tf.tensor4d(input, [1, 224, 224, 3]);
  r.results['tfjs-wasm'] = time(() => net.predict(tx).dispose(), budgetMs, 5, 2);
  const theirs = (await net.predict(tx).data()) as Float32Array;
  let mobilenetMaxAbsDiff = 0;
  for (let i = 0; i < ours.length; i++) mobilenetMaxAbsDiff = Math.max(mobilenetMaxAbsDiff, Math.abs(ours[i] - theirs[i]));
  net.dispose();
  tx.dispose();
  setNumThreads(getNumThreads());
  return {
    isolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    userAgent: navigator.userAgent,
    oursThreads,
    tfjsBackend: tf.getBackend(),
    tfjsThreads,
    rows,
    mobilenetMaxAbsDiff,
  };
}

(globalThis as { runBrowserBench?: typeof runBrowserBench }).runBrowserBench = runBrowserBench;
