/**
 * The real-browser suite (`npm run test:browser`): headless Chromium (Debian's package, driven by
 * playwright-core) on pages served from 127.0.0.1, each run in a cross-origin-isolated page (shared
 * memory, a worker pool) and in a plain one (the single-memory kernels on the main thread), compared
 * with what this Node process computes from the same code and inputs:
 *
 * - the kernel manifest's examples (every depthwise variant, GEMM, im2col, clipped ReLU, batch norm),
 *   bit for bit, and which variants ran;
 * - public ops with gradients and training steps, bit for bit (same kernels, any thread split);
 * - the self-contained build (`dist/browser/depthwise.js`) in a page with no bundler: loading .keras (from
 *   a URL, bytes, a Blob), Keras 2 .h5 and TF.js model.json (+ shard), save() to bytes, IndexedDB;
 * - a small application bundled by esbuild through the package's `browser` export, with no warnings and
 *   no Node built-in.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import * as dw from '../../src/index.js';
import { getBackend } from '../../src/kernels/backend.js';
import { cpuBackend } from '../../src/kernels/cpu-storages.js';
import { createWasmBackendSync } from '../../src/kernels/wasm/index.js';
import { KERNEL_MANIFEST } from '../../src/kernels/wasm/manifest.js';
import type { AppBundle } from './build-pages.js';
import { buildTestPages } from './build-pages.js';
import { launchChromium, openPage } from './chromium.js';
import type { Digest } from './digest.js';
import { digest } from './digest.js';
import type { KernelReport } from './kernel-workloads.js';
import { runKernelVariants } from './kernel-workloads.js';
import type * as Workloads from './op-workloads.js';
import type { OpReport } from './op-workloads.js';
import { buildTrainingModel, runOpWorkloads, trainingData } from './op-workloads.js';
import type { TestServer } from './server.js';
import { REPO_ROOT, startServer } from './server.js';

/** What `pages/plain.html` puts on the page: the browser build and the workloads. */
interface PageGlobals {
  dw: typeof dw;
  workloads: typeof Workloads;
}

const MODES = ['iso', 'plain'] as const;
type Mode = (typeof MODES)[number];
const FIXTURES = join(REPO_ROOT, 'test/fixtures/keras/io');

let server: TestServer;
let browser: Browser;
let app: AppBundle;
const node: { kernels: Record<Mode, KernelReport>; ops: Record<Mode, OpReport>; trained: { keras: Uint8Array; prediction: Digest; fixtures: Record<string, Digest> } } = {} as never;

/** Asserts two digest tables are equal entry by entry, naming the first entries that differ. */
function assertSameDigests(actual: Record<string, Digest[]>, expected: Record<string, Digest[]>, label: string): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${label}: the same cases ran`);
  const differ = Object.keys(expected).filter((k) => JSON.stringify(actual[k].map((d) => d.hash)) !== JSON.stringify(expected[k].map((d) => d.hash)));
  const detail = differ.slice(0, 5).map((k) => `${k}: browser ${JSON.stringify(actual[k].map((d) => [d.head, d.sum]))} node ${JSON.stringify(expected[k].map((d) => [d.head, d.sum]))}`);
  assert.equal(differ.length, 0, `${label}: ${differ.length} of ${Object.keys(expected).length} cases differ from Node's bits\n${detail.join('\n')}`);
}

function fixturePrediction(model: dw.Model): Digest {
  const input = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')).input as { shape: number[]; data: number[] };
  return digest(Float32Array.from(model.predict(dw.tensor(Float32Array.from(input.data), input.shape)).dataSync()));
}

/** Runs `fn` with the WebAssembly kernels over tensors on the JavaScript heap, as in a page without shared memory. */
function withHeapTensors<T>(fn: () => T): T {
  const kernels = createWasmBackendSync();
  assert.ok(kernels !== null);
  const previous = getBackend();
  dw.setBackend(cpuBackend(kernels.name, null, kernels));
  try {
    return fn();
  } finally {
    dw.setBackend(previous);
  }
}

before(async () => {
  app = await buildTestPages();
  server = await startServer();
  browser = await launchChromium();
  // Node's side: the same workloads, with arguments in shared memory (as an isolated page's tensors are)
  // and on the heap (as a plain page's are).
  node.kernels = { iso: runKernelVariants(createWasmBackendSync()!, true), plain: runKernelVariants(createWasmBackendSync()!, false) };
  // A plain page's tensors live on the JavaScript heap (its module memory is not shared), so ops whose
  // WebAssembly kernels need resident arguments (batch-norm training, clipped ReLU) run the TypeScript
  // kernels there: Node runs the same configuration for the comparison.
  const sharedBackend = dw.getBackendName();
  assert.equal(sharedBackend, 'wasm-simd');
  node.ops = { iso: runOpWorkloads(dw), plain: withHeapTensors(() => runOpWorkloads(dw)) };
  const model = buildTrainingModel(dw);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  const { x, y } = trainingData(dw);
  model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, shuffle: false });
  const keras = await dw.saveModel(model);
  server.put('trained.keras', keras);
  const fixtures: Record<string, Digest> = {};
  for (const file of ['keras3_sequential.keras', 'keras2_model.h5', 'tfjs/model.json']) fixtures[file] = fixturePrediction(await dw.loadModel(join(FIXTURES, file)));
  node.trained = { keras, prediction: digest(Float32Array.from(model.predict(x).dataSync())), fixtures };
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(path: string, mode: Mode): Promise<{ page: Page; errors: string[] }> {
  return openPage(browser, server.url(path, mode));
}

for (const mode of MODES) {
  const isolated = mode === 'iso';
  describe(`conformance in ${isolated ? 'a cross-origin-isolated page (threads)' : 'a plain page (single memory, main thread)'}`, () => {
    let report: { backend: string; threads: number; isolated: boolean; shared: boolean; kernels: KernelReport; ops: OpReport };
    before(async () => {
      const { page, errors } = await open('test/browser/pages/conformance.html', mode);
      await page.waitForFunction(() => 'runConformance' in globalThis);
      report = (await page.evaluate(() => (globalThis as unknown as { runConformance(): Promise<unknown> }).runConformance())) as typeof report;
      assert.deepEqual(errors, []);
      await page.close();
    });

    test('the page runs the kernels it should, on the threads it should', () => {
      assert.equal(report.isolated, isolated);
      assert.equal(report.shared, isolated, 'shared memory exactly where the page is isolated');
      assert.equal(report.backend, 'wasm-simd');
      if (isolated) {
        assert.ok(report.threads >= 2, `threads: ${report.threads}`);
        assert.ok(report.kernels.parallelJobs > 0, 'some kernel jobs were split across worker threads');
      } else {
        assert.equal(report.threads, 1);
        assert.equal(report.kernels.parallelJobs, 0);
      }
    });

    test('every kernel manifest entry gives Node\'s bits', () => {
      assertSameDigests(report.kernels.results, node.kernels[mode].results, 'kernel manifest');
      assert.deepEqual(report.kernels.selected, node.kernels[mode].selected);
      const depthwise = KERNEL_MANIFEST.filter((v) => v.family === 'depthwise').map((v) => v.name);
      assert.deepEqual(depthwise.filter((n) => !report.kernels.selected.includes(n)), [], 'every depthwise variant ran');
      if (isolated) assert.equal(report.kernels.selected.length, KERNEL_MANIFEST.length, 'every variant ran');
    });

    test('ops with gradients and training steps give Node\'s bits', () => {
      assertSameDigests(report.ops.results, node.ops[mode].results, 'ops');
      assert.deepEqual(report.ops.losses, node.ops[mode].losses);
      assert.ok(report.ops.losses[2] < report.ops.losses[0], 'the training loss falls');
    });
  });

  describe(`the browser build (dist/browser/depthwise.js) in a ${isolated ? 'cross-origin-isolated' : 'plain'} page`, () => {
    let page: Page;
    let errors: string[];
    before(async () => {
      ({ page, errors } = await open('test/browser/pages/plain.html', mode));
      await page.waitForFunction(() => 'dwReady' in globalThis);
    });
    after(async () => {
      assert.deepEqual(errors, []);
      await page.close();
    });

    test('reports its backend and threads', async () => {
      const info = await page.evaluate(() => (globalThis as unknown as { dwReady: Promise<unknown> }).dwReady);
      assert.deepEqual(info, { backend: 'wasm-simd', threads: isolated ? 2 : 1, isolated });
    });

    test('ops and training give Node\'s bits', async () => {
      const report = (await page.evaluate(() => (globalThis as unknown as { runOpWorkloads(): unknown }).runOpWorkloads())) as OpReport;
      assertSameDigests(report.results, node.ops[mode].results, 'ops (browser build)');
      assert.deepEqual(report.losses, node.ops[mode].losses);
    });

    test('loads a .keras Node saved from a URL, bytes and a Blob; save() bytes and IndexedDB round trips; predicts as Node does', async () => {
      const url = server.url('generated/trained.keras', mode);
      const result = await page.evaluate(async (url) => {
        const { dw: lib, workloads: w } = globalThis as unknown as PageGlobals;
        const { x } = w.trainingData(lib);
        const predict = (m: dw.Model): Digest => w.digest(Float32Array.from(m.predict(x).dataSync()));
        const bytes = await (await fetch(url)).arrayBuffer();
        const fromUrl = await lib.loadModel(url);
        const saved = await lib.saveModel(fromUrl);
        await lib.saveModel(fromUrl, 'indexeddb://trained');
        const weights = await lib.saveWeights(fromUrl);
        const reloaded = await lib.loadModel(bytes);
        await lib.loadWeights(reloaded, weights);
        return {
          url: predict(fromUrl),
          arrayBuffer: predict(await lib.loadModel(bytes)),
          uint8Array: predict(await lib.loadModel(new Uint8Array(bytes))),
          blob: predict(await lib.loadModel(new Blob([bytes]))),
          savedBytes: predict(await lib.loadModel(saved)),
          indexedDb: predict(await lib.loadModel('indexeddb://trained')),
          weightsBytes: predict(reloaded),
          savedIsZip: saved instanceof Uint8Array && saved[0] === 0x50 && saved[1] === 0x4b,
          weightsIsHdf5: weights instanceof Uint8Array && weights[1] === 0x48 && weights[2] === 0x44 && weights[3] === 0x46,
        };
      }, url);
      const { savedIsZip, weightsIsHdf5, ...predictions } = result;
      assert.ok(savedIsZip, 'save() with no path gives the bytes of a .keras zip');
      assert.ok(weightsIsHdf5, 'saveWeights() with no path gives the bytes of an HDF5 file');
      for (const [how, d] of Object.entries(predictions)) assert.equal(d.hash, node.trained.prediction.hash, `${how}: ${JSON.stringify(d.head)} vs Node ${JSON.stringify(node.trained.prediction.head)}`);
    });

    test('loads Keras 3 .keras, Keras 2 .h5 and TF.js model.json (+ shard, by URL and as Files) fixtures as Node does', async () => {
      const base = server.url('test/fixtures/keras/io/', mode);
      const result = await page.evaluate(async (base) => {
        const { dw: lib, workloads: w } = globalThis as unknown as PageGlobals;
        const input = (await (await fetch(`${base}expected.json`)).json()).input as { shape: number[]; data: number[] };
        const x = lib.tensor(Float32Array.from(input.data), input.shape);
        const predict = (m: dw.Model): Digest => w.digest(Float32Array.from(m.predict(x).dataSync()));
        const file = async (name: string): Promise<File> => new File([await (await fetch(`${base}${name}`)).arrayBuffer()], name.split('/').pop() as string);
        return {
          'keras3_sequential.keras': predict(await lib.loadModel(`${base}keras3_sequential.keras`)),
          'keras2_model.h5': predict(await lib.loadModel(`${base}keras2_model.h5`)),
          'tfjs/model.json': predict(await lib.loadModel(`${base}tfjs/model.json`)),
          'tfjs files': predict(await lib.loadModel([await file('tfjs/model.json'), await file('tfjs/group1-shard1of1.bin')])),
        };
      }, base);
      for (const [name, d] of Object.entries(result)) {
        const expected = node.trained.fixtures[name === 'tfjs files' ? 'tfjs/model.json' : name];
        assert.equal(d.hash, expected.hash, `${name}: ${JSON.stringify(d.head)} vs Node ${JSON.stringify(expected.head)}`);
      }
    });
  });
}


describe('a small application bundled by esbuild', () => {
  test('bundles through the package\'s browser export with no warning and no Node built-in', () => {
    assert.deepEqual(app.warnings, []);
    assert.deepEqual(app.imports, []);
  });

  for (const mode of MODES) {
    test(`runs in a ${mode === 'iso' ? 'cross-origin-isolated' : 'plain'} page`, async () => {
      const { page, errors } = await open('test/browser/pages/app.html', mode);
      await page.waitForFunction(() => 'appResult' in globalThis);
      const result = (await page.evaluate(() => (globalThis as unknown as { appResult: Promise<unknown> }).appResult)) as { backend: string; threads: number; output: number[] };
      await page.close();
      assert.deepEqual(errors, []);
      assert.equal(result.backend, 'wasm-simd');
      assert.equal(result.threads, mode === 'iso' ? 2 : 1);
      assert.equal(result.output.length, 3);
      assert.ok(Math.abs(result.output.reduce((a, b) => a + b, 0) - 1) < 1e-6, 'softmax outputs sum to 1');
    });
  }
});
