/**
 * ONNX emitters of the image layers that resample (Resizing, CenterCrop, and RandomCrop at inference).
 *
 * ONNX's Resize operator cannot express every `jax.image.resize` Keras computes: nearest rounds its
 * sample points differently, opset 13 has no antialias, and 'area' and lanczos have no mode. But every
 * method is separable and linear: each output row is a fixed weighted sum of input rows, and the same for
 * columns. So the resample is written as two MatMuls with the weight matrices our own kernel uses
 * (`axisTaps`, jax's `scale_and_translate` weights), `rows · x · colsᵀ` on `[N, C, H, W]`: every method,
 * antialiasing included, exports with predict's weights, and the only difference left is the order of
 * the float additions.
 */

import type { Layer, SymbolicShape } from '../layers/layer.js';
import { axisTaps } from '../kernels/resample/index.js';
import type { ResampleMethod } from '../kernels/resample/index.js';
import { aspectCropBox } from '../layers/preprocessing/image-layer.js';
import type { Config } from '../serialization/keras-object.js';
import type { GraphBuilder, Layout, Value } from './onnx-graph.js';

/** The `[out, in]` weight matrix of one axis (transposed: `[in, out]`). */
function resampleMatrix(inSize: number, outSize: number, method: ResampleMethod, antialias: boolean, transposed: boolean): number[] {
  const taps = axisTaps(inSize, outSize, method, antialias);
  const m = new Array<number>(inSize * outSize).fill(0);
  for (let o = 0; o < outSize; o++) {
    for (let k = 0; k < taps.count; k++) {
      const i = taps.first[o] + k;
      m[transposed ? i * outSize + o : o * inSize + i] += taps.weights[o * taps.count + k];
    }
  }
  return m;
}

/** The image's height and width (static: Keras's image layers need them to compute their boxes). */
function imageSize(layer: Layer, shape: SymbolicShape, channelsLast: boolean): [number, number] {
  if (shape.length !== 4) throw new Error(`${layer.className} exports batches of images (rank 4); received rank ${shape.length}`);
  const [h, w] = channelsLast ? shape.slice(1, 3) : shape.slice(2);
  if (h === null || w === null) throw new Error(`${layer.className} needs a known image height and width to export`);
  return [h, w];
}

/** The physical axes of height and width in `v` (channels_first keeps them at 2 and 3). */
function hwAxes(v: Value, channelsLast: boolean): [number, number] {
  return v.layout === 'nchw' || !channelsLast ? [2, 3] : [1, 2];
}

/** A `[top, left]` window of `height × width` with Slice, on whichever layout `v` has. */
function crop(g: GraphBuilder, hint: string, v: Value, channelsLast: boolean, top: number, left: number, height: number, width: number): Value {
  const axes = hwAxes(v, channelsLast);
  const name = g.op('Slice', [v.name, g.int64(hint, [top, left]), g.int64(hint, [top + height, left + width]), g.int64(hint, axes)], hint);
  return { ...v, name };
}

/** `x` resampled from `[h, w]` to `[outH, outW]` (axes that keep their size are left alone, as jax does). */
export function resample(g: GraphBuilder, hint: string, x: Value, channelsLast: boolean, [h, w]: [number, number], [outH, outW]: [number, number], method: ResampleMethod, antialias: boolean): Value {
  // Channels-first puts height and width last, where MatMul contracts them: rows · x · colsᵀ.
  const v = g.as(x, channelsLast ? 'nchw' : 'keras');
  let name = v.name;
  if (h !== outH) name = g.op('MatMul', [g.constant(hint, [outH, h], resampleMatrix(h, outH, method, antialias, false)), name], hint);
  if (w !== outW) name = g.op('MatMul', [name, g.constant(hint, [w, outW], resampleMatrix(w, outW, method, antialias, true))], hint);
  return { ...v, name };
}

/**
 * The central window of the target's aspect ratio, resized (bilinear) to the target: CenterCrop when the
 * image is smaller than the target, and RandomCrop at inference.
 */
function aspectCropResize(g: GraphBuilder, hint: string, x: Value, channelsLast: boolean, [h, w]: [number, number], target: [number, number]): Value {
  const box = aspectCropBox(h, w, target[0], target[1]);
  const cropped = box.height === h && box.width === w ? x : crop(g, hint, x, channelsLast, box.top, box.left, box.height, box.width);
  return resample(g, hint, cropped, channelsLast, [box.height, box.width], target, 'bilinear', false);
}

export function centerCrop(g: GraphBuilder, layer: Layer, config: Config, x: Value): { name: string; layout: Layout } {
  const channelsLast = config.data_format !== 'channels_first';
  const [h, w] = imageSize(layer, x.shape, channelsLast);
  const [height, width] = [Number(config.height), Number(config.width)];
  if (h >= height && w >= width) return crop(g, layer.name, x, channelsLast, Math.floor((h - height) / 2), Math.floor((w - width) / 2), height, width);
  return aspectCropResize(g, layer.name, x, channelsLast, [h, w], [height, width]);
}

export function randomCropAtInference(g: GraphBuilder, layer: Layer, config: Config, x: Value): { name: string; layout: Layout } {
  const channelsLast = config.data_format !== 'channels_first';
  const size = imageSize(layer, x.shape, channelsLast);
  return aspectCropResize(g, layer.name, x, channelsLast, size, [Number(config.height), Number(config.width)]);
}

/**
 * Keras's Resizing: crop to the target's aspect ratio, or pad to it with `fill_value` (the same amount on
 * both sides, so an odd difference loses one row, as Keras does), then resample.
 */
export function resizing(g: GraphBuilder, layer: Layer, config: Config, x: Value): { name: string; layout: Layout } {
  const hint = layer.name;
  const channelsLast = config.data_format !== 'channels_first';
  let [h, w] = imageSize(layer, x.shape, channelsLast);
  const target: [number, number] = [Number(config.height), Number(config.width)];
  let v = x;
  if (config.crop_to_aspect_ratio === true) {
    const box = aspectCropBox(h, w, target[0], target[1]);
    v = crop(g, hint, v, channelsLast, box.top, box.left, box.height, box.width);
    [h, w] = [box.height, box.width];
  } else if (config.pad_to_aspect_ratio === true) {
    const padHeight = Math.max(h, Math.trunc((w * target[0]) / target[1]));
    const padWidth = Math.max(w, Math.trunc((h * target[1]) / target[0]));
    const top = Math.trunc((padHeight - h) / 2);
    const left = Math.trunc((padWidth - w) / 2);
    if (top > 0 || left > 0) {
      const [hA, wA] = hwAxes(v, channelsLast);
      const pads = new Array<number>(8).fill(0);
      if (top > 0) [pads[hA], pads[hA + 4]] = [top, top];
      else [pads[wA], pads[wA + 4]] = [left, left];
      v = { ...v, name: g.op('Pad', [v.name, g.int64(hint, pads), g.constant(hint, [], [Number(config.fill_value ?? 0)])], hint) };
      [h, w] = top > 0 ? [h + 2 * top, w] : [h, w + 2 * left];
    }
  }
  return resample(g, hint, v, channelsLast, [h, w], target, config.interpolation as ResampleMethod, config.antialias === true);
}
