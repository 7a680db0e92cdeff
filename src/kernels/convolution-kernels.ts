/**
 * The four kernels of a convolution-like algorithm (depthwise, grouped, transposed), declared once for
 * every params type `P`. `A` is what carries the data: typed arrays for CPU kernels, storages for a
 * backend slot. Outputs are allocated by the caller and fully overwritten.
 */
import type { FloatArray } from '../engine/dtype.js';
import type { Epilogue } from './epilogue.js';

export interface ConvolutionKernels<P, A = FloatArray> {
  /** `out = conv(x, kernel) + bias` (bias per output channel, or none). */
  forward(p: P, x: A, kernel: A, bias: A | null, out: A): void;
  /** The gradient with respect to the input. */
  backwardInput(p: P, dy: A, kernel: A, dx: A): void;
  /** The gradient with respect to the kernel. */
  backwardKernel(p: P, x: A, dy: A, dkernel: A): void;
  /** The gradient with respect to the bias. */
  backwardBias(p: P, dy: A, dbias: A): void;
  /** Forward with a fused per-channel epilogue (no bias: it is folded into `epilogue.shift`). Optional: ops fall back to forward + one pass. */
  forwardEpilogue?(p: P, x: A, kernel: A, epilogue: Epilogue<A>, out: A): void;
}
