/**
 * What the wasm depthwise test files share: a private WebAssembly backend (whatever the default
 * backend is) and depthwise geometry cases with explicit padding wide enough for all-padding windows.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';

import type { DataFormat, DepthwiseConv2dParams } from '../../src/kernels/depthwise-conv2d/index.js';
import { resolveDepthwiseConv2dParams } from '../../src/kernels/depthwise-conv2d/index.js';
import type { WasmBackend } from '../../src/kernels/wasm/index.js';
import { createWasmBackendSync } from '../../src/kernels/wasm/index.js';

const backend: WasmBackend | null = createWasmBackendSync();

/** Runs `body` with the backend; fails when the module is not built (`npm test` builds it first). */
export function withWasm(body: (b: WasmBackend, t: TestContext) => void): (t: TestContext) => void {
  return (t) => {
    if (backend === null) assert.fail('depthwise.wasm is not built: run `npm run build:wasm`');
    body(backend, t);
  };
}

export type Pair = readonly [number, number];

export interface DepthwiseCase {
  /** `[N, H, W, C]` whatever the format. */
  input: readonly [number, number, number, number];
  kernel: Pair;
  strides: Pair;
  dilation: Pair;
  dm: number;
  dataFormat: DataFormat;
  /** 'same' / 'valid', or explicit [top, bottom, left, right] (wide enough for all-padding windows). */
  padding: 'same' | 'valid' | readonly [number, number, number, number];
}

const span = (k: number, d: number): number => (k - 1) * d + 1;

/** The params of a case; explicit paddings are set directly (the op only resolves 'same'/'valid'). */
export function resolveCase(c: DepthwiseCase): DepthwiseConv2dParams {
  const [n, h, w, ch] = c.input;
  const inputShape = c.dataFormat === 'channels_last' ? [n, h, w, ch] : [n, ch, h, w];
  const kernelShape = [c.kernel[0], c.kernel[1], ch, c.dm];
  const options = { strides: c.strides, dilationRate: c.dilation, dataFormat: c.dataFormat };
  if (typeof c.padding === 'string') return resolveDepthwiseConv2dParams(inputShape, kernelShape, { ...options, padding: c.padding });
  const [padTop, padBottom, padLeft, padRight] = c.padding;
  const base = resolveDepthwiseConv2dParams(inputShape, kernelShape, { ...options, padding: 'same' });
  const outHeight = Math.floor((h + padTop + padBottom - span(c.kernel[0], c.dilation[0])) / c.strides[0]) + 1;
  const outWidth = Math.floor((w + padLeft + padRight - span(c.kernel[1], c.dilation[1])) / c.strides[1]) + 1;
  return { ...base, padTop, padBottom, padLeft, padRight, outHeight, outWidth };
}
