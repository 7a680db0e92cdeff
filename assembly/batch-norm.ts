/**
 * Batch-normalization training kernels (an entry of asconfig.json): the channels-last layout
 * (`batch-norm/nhwc.ts`, the channel axis last, `[rows, C]`) and every other one (`batch-norm/nchw.ts`,
 * `[outer, C, inner]` with `inner > 1`, channels-first images). Both match `src/kernels/batch-norm/js.ts`:
 * float64 statistics, float32 data.
 */
export { batchNormForwardNHWC, batchNormForwardScratchBytes, batchNormBackwardNHWC, batchNormBackwardScratchBytes } from './batch-norm/nhwc';
export { batchNormForwardNCHW, batchNormBackwardNCHW } from './batch-norm/nchw';
