/** Matrix-product kernels on plain typed arrays (the naive reference is test-only). */
export type { MatmulParams } from './params.js';
export { resolveMatmulParams } from './params.js';
export { matmulForward } from './js.js';
export type { MatmulKernels } from './kernels.js';
export { typescriptMatmulKernels } from './kernels.js';
