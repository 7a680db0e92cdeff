/**
 * The depthwise 2D convolution kernels' exports (an entry of asconfig.json): the forward with its fused
 * epilogue, the input, kernel and bias gradients, the layout passes, and the scratch size of each. One
 * concept per file under `depthwise/`; which path runs is the kernel manifest's choice
 * (src/kernels/wasm/manifest.ts), passed in the params block.
 *
 * Parallel convention (see src/kernels/wasm/parallel.ts): every kernel export ends in `(start, end,
 * scratch)` and computes the work units `[start, end)` named in its doc; disjoint ranges write disjoint
 * outputs, and `scratch` is private to the calling thread. Nothing keeps state between calls (a shared
 * memory is used by several instances at once).
 */
export { heapBase, forwardNhwc, forwardScratchBytes } from './depthwise/forward';
export { backwardInputNhwc, backwardInputScratchBytes } from './depthwise/backward-input';
export { backwardKernelNhwc, backwardKernelScratchBytes } from './depthwise/backward-kernel';
export { backwardBiasNhwc, backwardBiasNchw } from './depthwise/bias';
export { expandChannels, reduceChannels, nchwToNhwc, nhwcToNchw } from './depthwise/layout';
