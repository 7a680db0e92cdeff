/**
 * Which backend slot runs a resolved convolution: ranks 1 and 2 go to the 2D slots (`depthwiseConv2d`
 * for depthwise convolutions, `conv2d` otherwise; rank 1 as a unit height, which leaves every tensor's
 * bytes as they are), where backends put their fast paths (the WebAssembly SIMD kernels); rank 3 goes to
 * the rank-generic `conv` slot. The params each slot receives are derived from the one `ConvParams`.
 */
import { getBackend } from '../kernels/backend.js';
import type { ConvParams } from '../kernels/conv/params.js';
import { conv2dParamsOf } from '../kernels/conv2d/params.js';
import { depthwiseConv2dParamsOf } from '../kernels/depthwise-conv2d/params.js';
import type { Tensor } from '../engine/tensor.js';
import type { EpilogueTensors } from './windowed-op.js';
import { runWindowedWithEpilogue } from './windowed-op.js';
import type { WindowedKernels } from './windowed-op.js';

/** A resolved convolution bound to the slot that runs it. */
export interface BoundConvolution {
  run(inputs: { x: Tensor; kernel: Tensor; bias: Tensor | null; outShape: readonly number[] }, epilogue: EpilogueTensors | undefined, context: string): Tensor;
  /** The slot's four kernels (read from the backend at each use) with their own params, for the transposed convolution. */
  readonly slot: <R>(use: <P>(kernels: () => WindowedKernels<P>, params: P) => R) => R;
}

/**
 * Binds `p` to its slot. `depthwise` says the caller's kernel is a depthwise one (so the depthwise slot may
 * take it); a grouped convolution that happens to have one channel per group stays on the grouped slot.
 */
export function bindConvolution(p: ConvParams, depthwise: boolean): BoundConvolution {
  const slot = <R>(use: <P>(kernels: () => WindowedKernels<P>, params: P) => R): R => {
    if (p.rank === 3) return use(() => getBackend().conv, p);
    if (depthwise) return use(() => getBackend().depthwiseConv2d, depthwiseConv2dParamsOf(p));
    return use(() => getBackend().conv2d, conv2dParamsOf(p));
  };
  const layout = { channels: p.outChannels, channelsLast: p.dataFormat === 'channels_last', spatial: p.outSize.reduce((a, b) => a * b, 1) };
  return {
    slot,
    run: (inputs, epilogue, context) => slot((kernels, params) => runWindowedWithEpilogue(kernels, params, { ...inputs, layout }, epilogue, context)),
  };
}
