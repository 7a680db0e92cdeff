/**
 * `npm run bench:browser`: the depthwise and MobileNet rows of `npm run bench` inside headless Chromium
 * (Debian's package, driven by playwright-core), in a cross-origin-isolated page (this library at 1 thread
 * and at the machine's core count; tfjs-wasm's threaded SIMD build at the same count) and in a plain page
 * (single memory, one thread, for both). Prints one table per page with ratios `tfjs-wasm median / ours
 * median` (> 1: ours is faster) and writes bench/results/browser-latest.json.
 *
 * Flags: --budget MS (timed time per row and implementation, default 3000), --out FILE.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';

import { build } from 'esbuild';

import { launchChromium, openPage } from '../../test/browser/chromium.js';
import { REPO_ROOT, startServer } from '../../test/browser/server.js';
import type { BrowserReport } from './page.js';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : argv[i + 1];
};
const budgetMs = Number(flag('--budget') ?? 3000);
const out = flag('--out') ?? join(REPO_ROOT, 'bench/results/browser-latest.json');
const OUT_DIR = join(REPO_ROOT, 'dist', 'browser-bench');

await mkdir(OUT_DIR, { recursive: true });
await build({
  entryPoints: [join(REPO_ROOT, 'bench/browser/page.ts')],
  outfile: join(OUT_DIR, 'bench.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  logLevel: 'error',
});
await copyFile(join(REPO_ROOT, 'bench/browser/page.html'), join(OUT_DIR, 'page.html'));
for (const file of ['depthwise.wasm', 'depthwise-single.wasm']) await copyFile(join(REPO_ROOT, 'dist/kernels/wasm', file), join(OUT_DIR, file));
const tfWasm = join(REPO_ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
for (const file of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) await copyFile(join(tfWasm, file), join(OUT_DIR, file));

const cores = availableParallelism();
const threads = cores > 1 ? [1, cores] : [1];
const server = await startServer();
const browser = await launchChromium();
const reports: Record<string, BrowserReport> = {};
try {
  for (const mode of ['iso', 'plain'] as const) {
    const { page, errors } = await openPage(browser, server.url('dist/browser-bench/page.html', mode));
    await page.waitForFunction(() => 'runBrowserBench' in globalThis);
    reports[mode] = (await page.evaluate(
      ([t, b]) => (globalThis as unknown as { runBrowserBench(threads: number[], budget: number): Promise<unknown> }).runBrowserBench(t, b),
      [threads, budgetMs] as const,
    )) as BrowserReport;
    if (errors.length > 0) console.warn(`${mode} page: ${errors.join('; ')}`);
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}

const ms = (v: number): string => (v >= 10 ? v.toFixed(1) : v.toFixed(2));
for (const [mode, report] of Object.entries(reports)) {
  const columns = [...report.oursThreads.map((n) => `ours-${n}t`), 'tfjs-wasm'];
  console.log(
    `\n${mode === 'iso' ? 'Cross-origin-isolated page' : 'Plain page (not isolated)'}: ours at ${report.oursThreads.join(' and ')} thread(s), tfjs-wasm (${report.tfjsBackend}) at ${report.tfjsThreads}; ratio = tfjs-wasm median / ours median`,
  );
  console.log(`| case | ${columns.join(' | ')} | ratio${report.oursThreads.map((n) => ` vs ours-${n}t`).join(' /')} |`);
  console.log(`| --- | ${columns.map(() => '---:').join(' | ')} | ---: |`);
  for (const row of report.rows) {
    const tfjs = row.results['tfjs-wasm'].medianMs;
    const ratios = report.oursThreads.map((n) => `×${(tfjs / row.results[`ours-${n}t`].medianMs).toFixed(2)}`).join(' / ');
    console.log(`| ${row.description} | ${columns.map((c) => `${ms(row.results[c].medianMs)} ms`).join(' | ')} | ${ratios} |`);
  }
  console.log(`MobileNet outputs, ours vs tfjs-wasm: max |difference| ${report.mobilenetMaxAbsDiff.toExponential(2)}`);
}
const meta = { date: new Date().toISOString(), cpu: cpus()[0]?.model ?? 'unknown', logicalCpus: cores, budgetMs, userAgent: reports.iso?.userAgent };
await mkdir(dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify({ meta, reports }, null, 2)}\n`);
console.log(`\nwrote ${out}`);
