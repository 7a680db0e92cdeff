/**
 * Float32 element moves without arithmetic (an entry of asconfig.json): zero padding (ZeroPadding2D, the
 * gradient of a crop), block copies (Cropping2D and other slices, concatenation) and `repeat` (nearest
 * upsampling). The wrappers (src/kernels/wasm/movement.ts) fold every axis that is whole on both sides
 * into its neighbour, so a tensor reaches these kernels as at most four axes whose last one is a
 * contiguous run; short runs are moved with 128-bit loads and stores, long ones with `memory.copy` (see
 * `util/runs.ts`).
 *
 * Parallel convention `(start, end, scratch)`, no scratch: units are output rows (pad), block rows (copy)
 * or source runs (repeat); each unit writes only its own part of the output.
 */

import { copyFloats as copyRun, zeroFloats as zeroRun } from './util/runs';

/**
 * `dst` (`o0 × o1 × o2 × o3`) = `src` (`i0 × i1 × i2 × i3`) with `b_k` zeros before it on axis k and the
 * rest after (`o_k − i_k − b_k`, all non-negative): every element of `dst` is written once. Units: output
 * rows, `o0 · o1 · o2`.
 */
export function padF32(
  src: usize, dst: usize,
  i0: i32, i1: i32, i2: i32, i3: i32,
  b0: i32, b1: i32, b2: i32, b3: i32,
  o0: i32, o1: i32, o2: i32, o3: i32,
  start: i32, end: i32, scratch: usize,
): void {
  const rowB = <usize>o3 << 2;
  let d2 = start % o2;
  let d1 = (start / o2) % o1;
  let d0 = start / (o2 * o1);
  for (let r = start; r < end; r++) {
    const out = dst + <usize>r * rowB;
    const s0 = d0 - b0;
    const s1 = d1 - b1;
    const s2 = d2 - b2;
    if (<u32>s0 < <u32>i0 && <u32>s1 < <u32>i1 && <u32>s2 < <u32>i2) {
      zeroRun(out, b3);
      copyRun(out + (<usize>b3 << 2), src + (<usize>((s0 * i1 + s1) * i2 + s2) * <usize>i3 << 2), i3);
      zeroRun(out + (<usize>(b3 + i3) << 2), o3 - b3 - i3);
    } else {
      zeroRun(out, o3);
    }
    if (++d2 === o2) {
      d2 = 0;
      if (++d1 === o1) {
        d1 = 0;
        d0++;
      }
    }
  }
}

/**
 * Copies a `n0 × n1 × n2 × n3` block: row `(r0, r1, r2)` of `n3` contiguous floats from
 * `src + r0·ss0 + r1·ss1 + r2·ss2` to `dst + r0·ds0 + r1·ds1 + r2·ds2` (strides in floats; the pointers
 * are the block's first elements). Units: block rows, `n0 · n1 · n2`.
 */
export function copyBlockF32(
  src: usize, dst: usize,
  n0: i32, n1: i32, n2: i32, n3: i32,
  ss0: i32, ss1: i32, ss2: i32,
  ds0: i32, ds1: i32, ds2: i32,
  start: i32, end: i32, scratch: usize,
): void {
  let r2 = start % n2;
  let r1 = (start / n2) % n1;
  let r0 = start / (n2 * n1);
  for (let r = start; r < end; r++) {
    const s = src + (<usize>(r0 * ss0 + r1 * ss1 + r2 * ss2) << 2);
    const d = dst + (<usize>(r0 * ds0 + r1 * ds1 + r2 * ds2) << 2);
    copyRun(d, s, n3);
    if (++r2 === n2) {
      r2 = 0;
      if (++r1 === n1) {
        r1 = 0;
        r0++;
      }
    }
  }
}

/**
 * NumPy's `repeat` along one axis of `src` viewed as `[outer · length, inner]`: each run of `inner` floats
 * written `repeats` times consecutively. A run of one float repeated twice (nearest upsampling along the
 * last axis, channels-first) takes four runs per pair of shuffles. Units: source runs, `outer · length`.
 */
export function repeatF32(
  src: usize, dst: usize, inner: i32, repeats: i32,
  start: i32, end: i32, scratch: usize,
): void {
  const runB = <usize>inner << 2;
  const outB = runB * <usize>repeats;
  let i = start;
  if (inner === 1 && repeats === 2) {
    for (; i + 4 <= end; i += 4) {
      const v = v128.load(src + (<usize>i << 2));
      const d = dst + <usize>i * outB;
      v128.store(d, v128.shuffle<f32>(v, v, 0, 0, 1, 1));
      v128.store(d, v128.shuffle<f32>(v, v, 2, 2, 3, 3), 16);
    }
  }
  for (; i < end; i++) {
    const s = src + <usize>i * runB;
    let d = dst + <usize>i * outB;
    if (inner === 1) {
      const v = load<f32>(s);
      for (let r = 0; r < repeats; r++, d += 4) store<f32>(d, v);
    } else {
      for (let r = 0; r < repeats; r++, d += runB) copyRun(d, s, inner);
    }
  }
}
