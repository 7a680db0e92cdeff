/**
 * The conformance page's script, bundled with the library's sources (see `build-pages.ts`): the kernel
 * manifest's examples on the page's own kernel module, then the public ops and training steps. The test
 * calls `window.runConformance()` and compares the digests with Node's.
 */
import * as dw from '../../../src/index.js';
import { createWasmBackend } from '../../../src/kernels/wasm/index.js';
import { runKernelVariants } from '../kernel-workloads.js';
import { runOpWorkloads } from '../op-workloads.js';

async function runConformance(): Promise<unknown> {
  const backend = await dw.ready();
  const kernels = await createWasmBackend();
  if (kernels === null) throw new Error('the kernel module was not found beside the page script');
  await kernels.pool.whenStarted(5000);
  return {
    backend,
    threads: dw.getNumThreads(),
    isolated: globalThis.crossOriginIsolated === true,
    shared: kernels.arena.shared,
    kernels: runKernelVariants(kernels, kernels.arena.shared),
    ops: runOpWorkloads(dw),
  };
}

(globalThis as { runConformance?: () => Promise<unknown> }).runConformance = runConformance;
