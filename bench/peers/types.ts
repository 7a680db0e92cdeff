/** What every implementation under test provides. */
import type { Conv2dParams } from '../../src/kernels/conv2d/params.js';
import type { DepthwiseConv2dParams } from '../../src/kernels/depthwise-conv2d/params.js';
import type { BenchCase } from '../cases.js';

/** Inputs of one case, NHWC float32, shared by every implementation. */
export interface CaseData {
  c: BenchCase;
  /** The geometry of depthwise cases (for pointwise cases: the same window, unused). */
  params: DepthwiseConv2dParams;
  /** The geometry of pointwise cases; null for depthwise ones. */
  conv: Conv2dParams | null;
  x: Float32Array;
  /** Keras layout: `[kh, kw, C, 1]` (depthwise) or `[1, 1, C, filters]` (pointwise). */
  kernel: Float32Array;
  /** Output gradient (backward cases), NHWC. */
  dy: Float32Array;
}

export interface Prepared {
  run(): void | Promise<void>;
  /** The result of one run, NHWC (or the kernel gradient), to check against the TypeScript kernels. */
  result(): Promise<Float32Array>;
  dispose(): void;
}

export interface Implementation {
  /** Column name in the report. */
  name: string;
  /** Version string of the library measured. */
  version: string;
  /**
   * For this library's kernels: the thread count to set (through `setNumThreads`) while this column is
   * prepared and timed. Peers manage their own threads and leave it undefined.
   */
  threads?: number;
  supports(c: BenchCase): boolean;
  prepare(data: CaseData): Promise<Prepared>;
}
