/**
 * The per-layer benchmark cases: MobileNetV1's 13 depthwise layers at 224x224, larger windows, backward
 * passes, and the 1x1 pointwise convolution that carries most of a MobileNet's FLOPs. (Whole-model cases
 * are in `mobilenet/`.)
 */

export type Direction = 'forward' | 'backwardInput' | 'backwardKernel';

export interface BenchCase {
  /** Stable identifier, used as the key in the JSON result. */
  id: string;
  /** 'depthwise': `kernel`x`kernel` depthwise; 'pointwise': 1x1 convolution `channels` -> `filters`. */
  op: 'depthwise' | 'pointwise';
  direction: Direction;
  batch: number;
  height: number;
  width: number;
  channels: number;
  kernel: number;
  stride: number;
  dilation: number;
  /** Output channels (equal to `channels` for depthwise). */
  filters: number;
  /** Multiply-accumulates of the direct algorithm (for GMAC/s). */
  macs: number;
}

/** [input size, channels, stride] of MobileNetV1's depthwise 3x3 layers (224x224 input), in order. */
export const MOBILENET_V1_DEPTHWISE: ReadonlyArray<readonly [number, number, number]> = [
  [112, 32, 1],
  [112, 64, 2],
  [56, 128, 1],
  [56, 128, 2],
  [28, 256, 1],
  [28, 256, 2],
  [14, 512, 1],
  [14, 512, 1],
  [14, 512, 1],
  [14, 512, 1],
  [14, 512, 1],
  [14, 512, 2],
  [7, 1024, 1],
];

function makeCase(
  direction: Direction,
  layer: string,
  batch: number,
  size: number,
  channels: number,
  kernel: number,
  stride: number,
  dilation: number,
): BenchCase {
  const out = Math.ceil(size / stride); // 'same' padding
  const dir = direction === 'forward' ? 'fwd' : direction === 'backwardInput' ? 'bwd-input' : 'bwd-kernel';
  return {
    id: `${dir}/${layer}/b${batch}/${size}x${size}x${channels}/k${kernel}s${stride}d${dilation}`,
    op: 'depthwise',
    direction,
    batch,
    height: size,
    width: size,
    channels,
    kernel,
    stride,
    dilation,
    filters: channels,
    macs: batch * out * out * channels * kernel * kernel,
  };
}

/** A 1x1 stride-1 convolution `channels` -> `filters` (a GEMM over the pixels). */
function pointwiseCase(batch: number, size: number, channels: number, filters: number): BenchCase {
  return {
    id: `fwd/pointwise/b${batch}/${size}x${size}x${channels}/to${filters}`,
    op: 'pointwise',
    direction: 'forward',
    batch,
    height: size,
    width: size,
    channels,
    kernel: 1,
    stride: 1,
    dilation: 1,
    filters,
    macs: batch * size * size * channels * filters,
  };
}

export function benchCases(quick: boolean): BenchCase[] {
  const cases: BenchCase[] = [];
  const layers = MOBILENET_V1_DEPTHWISE.map(([size, ch, s], i) => ({ name: `mnv1-dw${i + 1}`, size, ch, s }));
  const forwardBatches = quick ? [1] : [1, 8];
  const forwardLayers = quick ? layers.filter((_, i) => i === 0 || i === 6 || i === 12) : layers;
  for (const batch of forwardBatches) {
    for (const l of forwardLayers) cases.push(makeCase('forward', l.name, batch, l.size, l.ch, 3, l.s, 1));
    cases.push(makeCase('forward', 'k5', batch, 56, 128, 5, 1, 1));
    cases.push(makeCase('forward', 'k7', batch, 56, 128, 7, 1, 1));
    cases.push(makeCase('forward', 'k3-dilated2', batch, 56, 128, 3, 1, 2));
  }
  for (const batch of forwardBatches) cases.push(pointwiseCase(batch, 56, 128, 128));
  const backwardLayers = quick ? layers.filter((_, i) => i === 6) : layers;
  const backwardBatch = quick ? 2 : 8;
  for (const direction of ['backwardInput', 'backwardKernel'] as const) {
    for (const l of backwardLayers) cases.push(makeCase(direction, l.name, backwardBatch, l.size, l.ch, 3, l.s, 1));
  }
  return cases;
}
