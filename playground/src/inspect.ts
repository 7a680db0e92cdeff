/**
 * What the page reads out of any model: a prediction on a 28×28 drawing (or an image resized to the
 * model's input), and the first DepthwiseConv2D layer's kernels and feature maps.
 */
import type { Layer, Model, Tensor } from '../../src/index.js';
import { tensor, tidy } from '../../src/index.js';

/** The model's input image size `[height, width, channels]` (channels-last), or null when not an image model. */
export function imageInput(model: Model): [number, number, number] | null {
  if (model.inputs.length !== 1) return null;
  const shape = model.inputs[0].shape;
  if (shape.length !== 4) return null;
  const [, h, w, c] = shape;
  return typeof h === 'number' && typeof w === 'number' && typeof c === 'number' ? [h, w, c] : null;
}

/**
 * The 28×28 grey `pixels` as the model's input: resized (nearest) to its height and width and repeated
 * over its channels.
 */
export function inputFor(model: Model, pixels: Float32Array, size = 28): Tensor | null {
  const shape = imageInput(model);
  if (shape === null) return null;
  const [h, w, c] = shape;
  const values = new Float32Array(h * w * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = pixels[Math.floor((y * size) / h) * size + Math.floor((x * size) / w)];
      for (let k = 0; k < c; k++) values[(y * w + x) * c + k] = v;
    }
  }
  return tensor(values, [1, h, w, c]);
}

/** The first DepthwiseConv2D layer, or null. */
export function firstDepthwise(model: Model): Layer | null {
  return model.layers.find((l) => l.className === 'DepthwiseConv2D') ?? null;
}

/**
 * The feature maps of `layer` for input `x`: the layers applied in order up to it (inference mode). Right
 * for chains of layers, as the demo's network is; null where the graph is not one (a layer refuses).
 */
export function featureMaps(model: Model, layer: Layer, x: Tensor): { values: Float32Array; shape: number[] } | null {
  try {
    return tidy(() => {
      let y = x;
      for (const l of model.layers) {
        if (l.className === 'InputLayer') continue;
        y = l.apply(y, { training: false }) as Tensor;
        if (l === layer) return { values: Float32Array.from(y.dataSync()), shape: [...y.shape] };
      }
      return null;
    });
  } catch {
    return null;
  }
}
