/**
 * The playground page (`npm run playground`) in headless Chromium, cross-origin isolated as the script
 * serves it: the network trains in the page, fixed test digits drawn with synthetic pointer events are
 * classified, the depthwise kernels and feature maps are drawn, a dropped model file gets its summary and a
 * prediction, and the demo's saved .keras loads. The screenshots in README (docs/images/) are taken here,
 * so they show what the page really does.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import { loadMnist } from '../../examples/demo/mnist.js';
import * as dw from '../../src/index.js';
import { buildDemoNetwork } from '../../playground/src/network.js';
import { buildPlayground, PLAYGROUND_DIR } from '../../scripts/playground.js';
import { launchChromium, openPage } from './chromium.js';
import type { TestServer } from './server.js';
import { REPO_ROOT, startServer } from './server.js';

const IMAGES = join(REPO_ROOT, 'docs', 'images');
/** The test digits drawn on the pad: the first ten of the playground's held-out split. */
const DRAWN = 10;

interface PlaygroundState {
  model: unknown;
  source: string;
  probabilities: number[] | null;
  msPerPrediction: number | null;
  trained: { epochs: number; accuracy: number; valAccuracy: number | null } | null;
  summary: string;
  dropped: { name: string; prediction: number[] | null; error: string | null } | null;
}
interface PlaygroundGlobals {
  playground: { state: PlaygroundState; ready: Promise<void>; pad: { clear(): void } };
}

let server: TestServer;
let browser: Browser;
let page: Page;
let errors: string[];

async function state(): Promise<PlaygroundState> {
  return page.evaluate(() => {
    // Not the whole state: its digits are 25 MB.
    const { model, source, probabilities, msPerPrediction, trained, summary, dropped } = (globalThis as unknown as PlaygroundGlobals).playground.state;
    return { model: model === null ? null : 'model', source, probabilities, msPerPrediction, trained, summary, dropped };
  });
}

/**
 * Draws a 28×28 digit on the pad as horizontal strokes over its inked runs: pointerdown, pointermove and
 * pointerup events dispatched on the canvas at client coordinates, as a mouse would send them.
 */
async function drawDigit(pixels: Float64Array): Promise<void> {
  await page.evaluate((values) => {
    const { playground } = globalThis as unknown as PlaygroundGlobals;
    playground.pad.clear();
    const canvas = document.getElementById('pad') as HTMLCanvasElement;
    const box = canvas.getBoundingClientRect();
    const cell = box.width / 28;
    const send = (type: string, x: number, y: number): void => {
      const init = { bubbles: true, clientX: box.left + x * cell, clientY: box.top + y * cell, pointerId: 1, pointerType: 'mouse', isPrimary: true, buttons: type === 'pointerup' ? 0 : 1 };
      canvas.dispatchEvent(new PointerEvent(type, init));
    };
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        if (values[y * 28 + x] < 0.4) continue;
        const start = x;
        while (x < 28 && values[y * 28 + x] >= 0.4) x++;
        send('pointerdown', start + 0.5, y + 0.5);
        send('pointermove', (start + x) / 2, y + 0.5);
        send('pointermove', x - 0.5, y + 0.5);
        send('pointerup', x - 0.5, y + 0.5);
      }
    }
  }, Array.from(pixels));
  // The pad classifies on the next animation frame.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

before(async () => {
  await buildPlayground();
  // What "Load the demo's .keras" fetches, written here as `npm run demo` writes it (an untrained copy).
  dw.setRandomSeed(5);
  writeFileSync(join(PLAYGROUND_DIR, 'mnist-mini.keras'), await dw.saveModel(buildDemoNetwork(10)));
  server = await startServer();
  browser = await launchChromium();
  ({ page, errors } = await openPage(browser, server.url('dist/playground/index.html', 'iso')));
  await page.setViewportSize({ width: 1420, height: 980 });
  await page.waitForFunction(() => 'playground' in globalThis);
  await page.evaluate(() => (globalThis as unknown as PlaygroundGlobals).playground.ready);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('the playground', () => {
  test('reports backend, threads and isolation', async () => {
    assert.match(await page.locator('#speed').innerText(), /^wasm-simd · 2 threads \(cross-origin isolated\)/);
  });

  test('trains the demo network in the page with a progress bar and a live chart', async () => {
    await page.click('#train');
    await page.waitForFunction(() => (globalThis as unknown as PlaygroundGlobals).playground.state.trained !== null, undefined, { timeout: 300_000 });
    const s = await state();
    assert.equal(s.source, 'trained in this page');
    assert.ok(s.trained !== null && s.trained.valAccuracy !== null && s.trained.valAccuracy > 0.9, `test accuracy ${s.trained?.valAccuracy}`);
    const progress = await page.evaluate(() => {
      const p = document.getElementById('progress') as HTMLProgressElement;
      return [p.value, p.max];
    });
    assert.ok(progress[0] === progress[1] && progress[1] > 1, `progress ${progress}`);
    assert.match(await page.locator('#kernels-title').innerText(), /block1_depthwise: 16 kernels of 3×3/);
    assert.equal(await page.locator('#kernels figure').count(), 16);
  });

  test('classifies fixed test digits drawn with pointer events, with bars and feature maps', async () => {
    const { test: digits } = loadMnist(1);
    const results: { label: number; predicted: number; p: number }[] = [];
    for (let i = 0; i < DRAWN; i++) {
      await drawDigit(digits.images.subarray(i * 784, (i + 1) * 784));
      const s = await state();
      assert.ok(s.probabilities !== null && s.probabilities.length === 10);
      const predicted = s.probabilities.indexOf(Math.max(...s.probabilities));
      results.push({ label: digits.labels[i], predicted, p: s.probabilities[predicted] });
    }
    const right = results.filter((r) => r.label === r.predicted).length;
    assert.ok(right >= 8, `drawn digits classified right: ${right} of ${DRAWN}: ${JSON.stringify(results)}`);
    assert.equal(await page.locator('#bars .bar.best').count(), 1);
    assert.equal(await page.locator('#maps figure').count(), 16, 'one feature map per channel of block1_depthwise');
    const s = await state();
    assert.ok(s.msPerPrediction !== null && s.msPerPrediction > 0);
    assert.match(await page.locator('#speed').innerText(), /\d+\.\d\d ms per prediction/);
    mkdirSync(IMAGES, { recursive: true });
    await page.screenshot({ path: join(IMAGES, 'playground.png') });
  });

  test('a dropped .keras file gets its summary and a prediction', async () => {
    await page.setInputFiles('#file', join(REPO_ROOT, 'test/fixtures/keras/io/keras3_sequential.keras'));
    await page.waitForFunction(() => {
      const { dropped } = (globalThis as unknown as PlaygroundGlobals).playground.state;
      return dropped?.name === 'keras3_sequential.keras' && (dropped.prediction !== null || dropped.error !== null);
    });
    const s = await state();
    assert.equal(s.dropped?.error, null);
    assert.ok(s.dropped?.prediction !== null && (s.dropped?.prediction?.length ?? 0) > 0, 'a prediction on the drawing');
    const summary = await page.locator('#summary').innerText();
    assert.match(summary, /Total params/);
    assert.match(summary, /DepthwiseConv2D/);
    await page.locator('#drop-card').screenshot({ path: join(IMAGES, 'playground-drop.png') });
  });

  test('loads the .keras file the demo saves', async () => {
    await page.click('#load-demo');
    await page.waitForFunction(() => (globalThis as unknown as PlaygroundGlobals).playground.state.source === 'npm run demo');
    assert.match(await page.locator('#model-name').innerText(), /^mobilenet_mini \(npm run demo, [\d,]+ parameters\)/);
    assert.deepEqual(errors, []);
  });
});
