/**
 * tfjs-core registers no gradient functions on its own: the `@tensorflow/tfjs` bundle imports
 * `@tensorflow/tfjs-core/dist/register_all_gradients`, whose ES modules use extension-less and directory
 * imports that Node cannot load. esbuild (tsx's own dependency) bundles that entry once per run; the
 * bundle registers into tfjs's global gradient registry, which every copy of tfjs-core shares.
 */
import { createRequire } from 'node:module';

/** Registers tfjs-core's gradients; resolves to an error message instead when that is impossible. */
export async function registerTfjsGradients(): Promise<string | null> {
  try {
    const { build } = await import('esbuild');
    const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js');
    const out = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent' });
    await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
    return null;
  } catch (e) {
    return `tfjs-core gradients could not be registered: ${e instanceof Error ? e.message : String(e)}`;
  }
}
