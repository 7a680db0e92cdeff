/**
 * A convolution's fused epilogue: `out = activation(acc * scale[c] + shift[c])` per output channel,
 * applied where the accumulator is stored instead of in separate passes over the output. With `scale`
 * the inverse standard deviation of an inference batch normalization and `shift` its offset (plus the
 * convolution's bias), one kernel computes Conv → BatchNormalization → ReLU6 (XNNPACK fuses the same way).
 */
import type { FloatArray } from '../engine/dtype.js';

export type EpilogueActivation = 'linear' | 'relu' | 'relu6';

/** `A`: typed arrays for CPU kernels, storages for a backend slot. */
export interface Epilogue<A = FloatArray> {
  /** Per output channel multiplier; `null` means 1. */
  readonly scale: A | null;
  /** Per output channel offset; `null` means 0. */
  readonly shift: A | null;
  readonly activation: EpilogueActivation;
}

/** Where the channel axis sits in an output laid out as [N, H, W, C] or [N, C, H, W]. */
export interface ChannelLayout {
  readonly channels: number;
  readonly channelsLast: boolean;
  /** H * W: elements per channel plane (channels-first). */
  readonly spatial: number;
}

/**
 * Applies `e` in place to an output computed without it (the TypeScript fallback, and the one
 * TypeScript epilogue every backend's delegated path uses). The clamps compare like the SIMD kernels'
 * pseudo-min/max (`v < floor ? floor : v`), so NaN propagates and -0 stays -0, as in the fused kernels.
 */
export function applyEpilogue(out: FloatArray, layout: ChannelLayout, e: Epilogue): void {
  const { channels, channelsLast, spatial } = layout;
  const { scale, shift } = e;
  if (scale === null && shift === null && e.activation === 'linear') return;
  const ceiling = e.activation === 'relu6' ? 6 : Infinity;
  const floor = e.activation === 'linear' ? -Infinity : 0;
  for (let i = 0; i < out.length; i++) {
    const c = channelsLast ? i % channels : Math.floor(i / spatial) % channels;
    let v = out[i];
    if (scale !== null) v *= scale[c];
    if (shift !== null) v += shift[c];
    out[i] = v < floor ? floor : v > ceiling ? ceiling : v;
  }
}
