/**
 * ONNX Runtime (native CPU execution provider, 1 or 2 intra-op threads) on a one-node model: a `Conv`
 * (grouped for depthwise cases).
 * ONNX is NCHW: the input is transposed once when the case is prepared (not timed) and the output is
 * transposed back only for the correctness check, so ORT is timed in its own native layout.
 */
import type * as OrtNode from 'onnxruntime-node';

import { convOnnx } from '../onnx-model.js';
import type { CaseData, Implementation, Prepared } from './types.js';

type Ort = typeof OrtNode;

function nhwcToNchw(a: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++) out[((b * c + k) * h + y) * w + x] = a[((b * h + y) * w + x) * c + k];
  return out;
}

function nchwToNhwc(a: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++) out[((b * h + y) * w + x) * c + k] = a[((b * c + k) * h + y) * w + x];
  return out;
}

/** Column name of onnxruntime-node with `threads` intra-op threads. */
export function ortName(threads: number): string {
  return threads === 1 ? 'onnxruntime-node' : `onnxruntime-node-${threads}t`;
}

/** Session options for a fair single-request latency measurement with `threads` intra-op threads. */
export function ortSessionOptions(threads: number): OrtNode.InferenceSession.SessionOptions {
  return { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' };
}

function ortImplementation(ort: Ort, threads: number): Implementation {
  return {
    name: ortName(threads),
    version: ort.env.versions.node ?? 'unknown',
    supports: (c) => c.direction === 'forward',
    async prepare({ c, params: p, x, kernel }: CaseData): Promise<Prepared> {
      const model = convOnnx({
        batch: c.batch,
        channels: c.channels,
        filters: c.filters,
        group: c.op === 'depthwise' ? c.channels : 1,
        height: c.height,
        width: c.width,
        kernel: c.kernel,
        stride: c.stride,
        dilation: c.dilation,
        pads: [p.padTop, p.padLeft, p.padBottom, p.padRight],
        weights: kernel,
      });
      const session = await ort.InferenceSession.create(model, ortSessionOptions(threads));
      const input = new ort.Tensor('float32', nhwcToNchw(x, c.batch, c.height, c.width, c.channels), [
        c.batch,
        c.channels,
        c.height,
        c.width,
      ]);
      const feeds = { X: input };
      return {
        run: async () => {
          const outputs = await session.run(feeds);
          outputs.Y.dispose();
        },
        async result() {
          const outputs = await session.run(feeds);
          const y = outputs.Y.data as Float32Array;
          return nchwToNhwc(y, c.batch, p.outHeight, p.outWidth, c.filters);
        },
        dispose: () => void session.release(),
      };
    },
  };
}

export async function onnxruntimeImplementations(): Promise<Implementation[]> {
  try {
    const ort = await import('onnxruntime-node');
    return [ortImplementation(ort, 1), ortImplementation(ort, 2)];
  } catch {
    return [];
  }
}
