/**
 * Where the time of a whole-network workload goes: runs MobileNetV1 inference (alpha 1.0, 224×224,
 * batch 1) or the MobileNetV1-0.25 training step (128×128, batch 16) under the V8 sampling profiler and
 * prints self time per function, WebAssembly functions by their AssemblyScript names (read from the
 * `.wat` text the build writes beside the module).
 *
 *   node --import tsx bench/profile.ts [--train] [--threads N] [--runs N]
 *
 * Self time of the calling thread only: with threads > 1 the workers' share of each kernel is not seen.
 */
/* global console, process */
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';

import { applications, getBackendName, optimizers, setNumThreads, setRandomSeed, tensor } from '../src/index.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

/** Function names in index order, from the text format of the module (no name section in release builds). */
function wasmFunctionNames(): string[] {
  const wat = readFileSync(fileURLToPath(new URL('../dist/kernels/wasm/depthwise.wat', import.meta.url)), 'utf8');
  return [...wat.matchAll(/^ \(func \$(\S+)/gm)].map((m) => m[1].replace(/^assembly\//, ''));
}

function workload(train: boolean): () => void {
  setRandomSeed(1);
  if (!train) {
    const model = applications.mobilenet({ inputShape: [224, 224, 3] });
    const x = tensor(new Float32Array(224 * 224 * 3).map((_, i) => Math.sin(i)), [1, 224, 224, 3]);
    return () => void model.predict(x);
  }
  const model = applications.mobilenet({ inputShape: [128, 128, 3], alpha: 0.25, classes: 10 });
  model.compile({ optimizer: optimizers.sgd({ learningRate: 0.01 }), loss: 'categorical_crossentropy' });
  const x = tensor(new Float32Array(16 * 128 * 128 * 3).map((_, i) => Math.sin(i)), [16, 128, 128, 3]);
  const labels = new Float32Array(160);
  for (let i = 0; i < 16; i++) labels[i * 10 + (i % 10)] = 1;
  const y = tensor(labels, [16, 10]);
  return () => void model.trainOnBatch(x, y);
}

const train = process.argv.includes('--train');
const threads = argument('--threads', 1);
const runs = argument('--runs', train ? 10 : 50);
setNumThreads(threads);
const run = workload(train);
for (let i = 0; i < 3; i++) run(); // JIT, worker start-up, first allocations

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
const started = performance.now();
for (let i = 0; i < runs; i++) run();
const elapsed = (performance.now() - started) / runs;
const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
session.disconnect();

const names = wasmFunctionNames();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const frame = (byId.get(id) as ProfileNode).callFrame;
  const wasm = /^wasm-function\[(\d+)\]$/.exec(frame.functionName);
  const name = wasm
    ? `wasm ${names[Number(wasm[1])] ?? frame.functionName}`
    : `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}`;
  self.set(name, (self.get(name) ?? 0) + profile.timeDeltas[i]);
  total += profile.timeDeltas[i];
});

console.log(`${train ? 'MobileNetV1-0.25 training step, 128x128, batch 16' : 'MobileNetV1 inference, 224x224, batch 1'}: ` +
  `${elapsed.toFixed(1)} ms per run (mean of ${runs}), backend ${getBackendName()}, ${threads} thread(s)`);
console.log('self time on the calling thread:');
for (const [name, micros] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  console.log(`  ${((micros / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
}
