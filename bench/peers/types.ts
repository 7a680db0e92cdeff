/** What every implementation under test provides. */
import type { DepthwiseConv2dParams } from '../../src/kernels/depthwise-conv2d/params.js';
import type { BenchCase } from '../cases.js';

/** Inputs of one case, NHWC float32, shared by every implementation. */
export interface CaseData {
  c: BenchCase;
  params: DepthwiseConv2dParams;
  x: Float32Array;
  /** Keras layout `[kh, kw, C, 1]`. */
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
  supports(c: BenchCase): boolean;
  prepare(data: CaseData): Promise<Prepared>;
}
