/**
 * ReLU / ReLU6 forward and backward over float32 arrays, four lanes per v128. These are memory-bound
 * passes; what SIMD removes is the per-element branch, which mispredicts on activations whose signs are
 * random (about half of a MobileNet training step went to the scalar JavaScript loop).
 *
 * Work units are blocks of ACTIVATION_BLOCK elements (parallel convention: `(start, end, scratch)`, see
 * src/kernels/wasm/parallel.ts); the last block is short.
 */

import { ACTIVATION_BLOCK as BLOCK } from './shared/boundary';

/**
 * `dst = clamp(src, 0, cap)`. `propagate == 0`: NaN and -0 give +0 (Keras's ReLU layer rule, through the
 * pseudo-min/max instructions, which return their first operand when the comparison fails);
 * `propagate != 0`: `src < 0 ? 0 : src > cap ? cap : src`, so NaN and -0 pass through (relu6 activation).
 */
export function clippedReluForward(src: usize, dst: usize, n: i32, cap: f32, propagate: i32, start: i32, end: i32, _scratch: usize): void {
  const first = start * BLOCK;
  const last = min(end * BLOCK, n);
  const zero = f32x4.splat(0);
  const top = f32x4.splat(cap);
  let i = first;
  if (propagate === 0) {
    for (; i + 4 <= last; i += 4) {
      const v = v128.load(src + (<usize>i << 2));
      // pmax(0, v) = 0 < v ? v : 0; pmin(top, w) = w < top ? w : top.
      v128.store(dst + (<usize>i << 2), f32x4.pmin(top, f32x4.pmax(zero, v)));
    }
    for (; i < last; i++) {
      const v = load<f32>(src + (<usize>i << 2));
      store<f32>(dst + (<usize>i << 2), v > 0 ? (v < cap ? v : cap) : 0);
    }
  } else {
    for (; i + 4 <= last; i += 4) {
      const v = v128.load(src + (<usize>i << 2));
      const below = f32x4.lt(v, zero);
      const above = f32x4.gt(v, top);
      const clipped = v128.bitselect(top, v, above);
      v128.store(dst + (<usize>i << 2), v128.andnot(clipped, below));
    }
    for (; i < last; i++) {
      const v = load<f32>(src + (<usize>i << 2));
      store<f32>(dst + (<usize>i << 2), v < 0 ? 0 : v > cap ? cap : v);
    }
  }
}

/**
 * `dx = dy` where `0 < src < cap`, else 0 (`capped == 0`: no ceiling, so +Infinity passes its gradient).
 */
export function clippedReluBackward(src: usize, dy: usize, dx: usize, n: i32, cap: f32, capped: i32, start: i32, end: i32, _scratch: usize): void {
  const first = start * BLOCK;
  const last = min(end * BLOCK, n);
  const zero = f32x4.splat(0);
  const top = f32x4.splat(cap);
  let i = first;
  if (capped !== 0) {
    for (; i + 4 <= last; i += 4) {
      const v = v128.load(src + (<usize>i << 2));
      const inside = v128.and(f32x4.gt(v, zero), f32x4.lt(v, top));
      v128.store(dx + (<usize>i << 2), v128.and(v128.load(dy + (<usize>i << 2)), inside));
    }
    for (; i < last; i++) {
      const v = load<f32>(src + (<usize>i << 2));
      store<f32>(dx + (<usize>i << 2), v > 0 && v < cap ? load<f32>(dy + (<usize>i << 2)) : 0);
    }
  } else {
    for (; i + 4 <= last; i += 4) {
      const v = v128.load(src + (<usize>i << 2));
      v128.store(dx + (<usize>i << 2), v128.and(v128.load(dy + (<usize>i << 2)), f32x4.gt(v, zero)));
    }
    for (; i < last; i++) {
      const v = load<f32>(src + (<usize>i << 2));
      store<f32>(dx + (<usize>i << 2), v > 0 ? load<f32>(dy + (<usize>i << 2)) : 0);
    }
  }
}
