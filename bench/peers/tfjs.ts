/** TensorFlow.js: the plain-JavaScript CPU backend and the WebAssembly (XNNPACK, SIMD) backend, 1 thread. */
import type * as TfCore from '@tensorflow/tfjs-core';

import type { BenchCase } from '../cases.js';
import type { CaseData, Implementation, Prepared } from './types.js';

type Tf = typeof TfCore;

/** tfjs-core with the cpu and wasm backends registered (wasm at 1 thread); null when not installed. */
export function loadTf(): Promise<Tf | null> {
  loading ??= importTf();
  return loading;
}

let loading: Promise<Tf | null> | null = null;

async function importTf(): Promise<Tf | null> {
  try {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setThreadsCount(1);
    return tf;
  } catch {
    return null;
  }
}

function tfImplementation(tf: Tf, backend: 'cpu' | 'wasm'): Implementation {
  return {
    name: `tfjs-${backend}`,
    version: tf.version_core,
    // tfjs-backend-wasm has no depthwise backward kernels.
    supports: (c: BenchCase) => backend === 'cpu' || c.direction === 'forward',
    async prepare({ c, x, kernel, dy }: CaseData): Promise<Prepared> {
      if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
      const xt = tf.tensor4d(x, [c.batch, c.height, c.width, c.channels]);
      const ft = tf.tensor4d(kernel, [c.kernel, c.kernel, c.channels, c.op === 'pointwise' ? c.filters : 1]);
      const outSize = Math.ceil(c.height / c.stride);
      const dyt = tf.tensor4d(dy, [c.batch, outSize, outSize, c.filters]);
      const strides: [number, number] = [c.stride, c.stride];
      const dilations: [number, number] = [c.dilation, c.dilation];
      const once = (): TfCore.Tensor => {
        if (c.op === 'pointwise') return tf.conv2d(xt, ft, strides, 'same', 'NHWC', dilations);
        if (c.direction === 'forward') return tf.depthwiseConv2d(xt, ft, strides, 'same', 'NHWC', dilations);
        if (c.direction === 'backwardInput') {
          return tf.engine().runKernel(
            'DepthwiseConv2dNativeBackpropInput',
            { dy: dyt, filter: ft },
            { strides, dilations, pad: 'same', inputShape: [c.batch, c.height, c.width, c.channels] },
          ) as TfCore.Tensor;
        }
        return tf.engine().runKernel(
          'DepthwiseConv2dNativeBackpropFilter',
          { x: xt, dy: dyt },
          { strides, dilations, pad: 'same', filterShape: [c.kernel, c.kernel, c.channels, 1] },
        ) as TfCore.Tensor;
      };
      return {
        // Both backends compute synchronously inside the op; the result is disposed at once.
        run: () => once().dispose(),
        async result() {
          const t = once();
          const data = (await t.data()) as Float32Array;
          t.dispose();
          return Float32Array.from(data);
        },
        dispose: () => [xt, ft, dyt].forEach((t) => t.dispose()),
      };
    },
  };
}

export async function tfjsImplementations(): Promise<Implementation[]> {
  const tf = await loadTf();
  if (tf === null) return [];
  const out: Implementation[] = [tfImplementation(tf, 'cpu')];
  if (await tf.setBackend('wasm').catch(() => false)) out.push(tfImplementation(tf, 'wasm'));
  return out;
}
