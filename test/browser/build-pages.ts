/**
 * Builds what the browser suite's pages load, into dist/browser-test/ (git-ignored with dist/):
 *
 * - `conformance.js`: `pages/conformance.ts` bundled with the library's sources, as an application would
 *   be (the kernel modules copied beside it, found through `new URL('./depthwise.wasm', import.meta.url)`);
 * - `op-workloads.js`: `op-workloads.ts` alone, for the plain page, which hands it the browser build;
 * - `app/`: a small application importing `'depthwise'` through the package's exports (`browser`
 *   condition), bundled the way a user's esbuild would, from a folder where `node_modules/depthwise` links
 *   to this repository. Its warnings and imports are returned for the test to check.
 */
import { copyFile, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { build } from 'esbuild';

import { REPO_ROOT } from './server.js';

export const TEST_BUILD = join(REPO_ROOT, 'dist', 'browser-test');

/** What bundling the small application produced. */
export interface AppBundle {
  warnings: string[];
  /** Every import the output still makes (none expected: no Node built-in, nothing external). */
  imports: string[];
}

const APP_SOURCE = `import { getBackendName, getNumThreads, kerasModelSequential, layerDense, layerDepthwiseConv2d, layerFlatten, ready, setRandomSeed, setWasmPaths, tensor } from 'depthwise';

setWasmPaths(new URL('../../../kernels/wasm/', import.meta.url));
window.appResult = (async () => {
  await ready();
  setRandomSeed(3);
  const model = kerasModelSequential({ inputShape: [8, 8, 2] });
  layerDepthwiseConv2d(model, { kernelSize: 3, depthMultiplier: 2, activation: 'relu' });
  layerFlatten(model, {});
  layerDense(model, { units: 3, activation: 'softmax' });
  const y = model.predict(tensor(Float32Array.from({ length: 128 }, (_, i) => (i % 9) / 9), [1, 8, 8, 2]));
  return { backend: getBackendName(), threads: getNumThreads(), output: Array.from(y.dataSync()) };
})();
`;

/** Builds the pages' scripts and the small application (see the file comment). */
export async function buildTestPages(): Promise<AppBundle> {
  await rm(TEST_BUILD, { recursive: true, force: true });
  await mkdir(TEST_BUILD, { recursive: true });
  const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'silent' } as const;
  await build({ ...common, entryPoints: [join(REPO_ROOT, 'test/browser/pages/conformance.ts')], outfile: join(TEST_BUILD, 'conformance.js'), splitting: false });
  for (const file of ['depthwise.wasm', 'depthwise-single.wasm']) await copyFile(join(REPO_ROOT, 'dist/kernels/wasm', file), join(TEST_BUILD, file));
  await build({ ...common, entryPoints: [join(REPO_ROOT, 'test/browser/op-workloads.ts')], outfile: join(TEST_BUILD, 'op-workloads.js') });

  const app = join(TEST_BUILD, 'app');
  await mkdir(join(app, 'node_modules'), { recursive: true });
  await symlink(REPO_ROOT, join(app, 'node_modules', 'depthwise'), 'dir');
  await writeFile(join(app, 'main.js'), APP_SOURCE);
  const result = await build({ ...common, entryPoints: [join(app, 'main.js')], outdir: join(app, 'out'), splitting: true, metafile: true, absWorkingDir: app });
  const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external || i.path.startsWith('node:')).map((i) => i.path));
  return { warnings: result.warnings.map((w) => w.text), imports };
}
