/**
 * What the depthwise kernels share: reading the params block, tap ranges, the row-pointer table with its
 * zero row, and the fused epilogue `act(acc * scale[c] + shift[c])`.
 *
 * Every kernel works on NHWC float32 tensors already in this module's memory (the JavaScript side owns
 * allocation; nothing here allocates) with depth multiplier 1: the wrapper folds a multiplier into the
 * channels (`expandChannels`). The params block (`pp`, PARAM_WORDS i32 words, offsets in
 * `../shared/boundary.ts`) is resolved and validated by `params.ts`, and its P_PATH word names the path
 * the kernel manifest selected, so the kernels trust both.
 *
 * Vectorisation: four channels per v128. Pure-output kernels (forward, input gradient) handle `C % 4` by
 * recomputing one overlapping group at `C - 4` (same values written twice by the same call), so only
 * `C < 4` takes a scalar path; accumulating kernels (kernel and bias gradients) use a scalar tail.
 */
import { ACT_RELU, ACT_RELU6 } from '../shared/boundary';

@inline export function param(pp: usize, word: i32): i32 {
  return load<i32>(pp + (<usize>word << 2));
}

/** First tap `t >= 0` with `base + t * step >= 0` (may exceed the tap count: no tap inside). */
@inline export function firstInside(base: i32, step: i32): i32 {
  return base >= 0 ? 0 : (step - 1 - base) / step;
}

/** One past the last tap `t < taps` with `base + t * step < size`; 0 when none is. */
@inline export function endInside(base: i32, step: i32, size: i32, taps: i32): i32 {
  const room = size - 1 - base;
  return room < 0 ? 0 : min(taps, room / step + 1);
}

/** Bytes of the row-pointer table at the start of the row paths' scratch (16-aligned). */
@inline export function rowTableBytes(kh: i32): usize {
  return (<usize>kh * 4 + 15) & ~15;
}

/**
 * Fills the row-pointer table for output row `oy` of image `n`: input row `iy0 + ky * DH` of the image,
 * or the zero row (zero-filled on first use in this call) when it lies outside. Returns the new
 * "zero row filled" flag.
 */
@inline export function setRows(
  rows: usize, zero: usize, zeroed: bool, x: usize, n: i32, iy0: i32, H: i32, W: i32, C: i32, KH: i32, DH: i32,
): bool {
  for (let ky = 0; ky < KH; ky++) {
    const iy = iy0 + ky * DH;
    let r = zero;
    if (iy >= 0 && iy < H) {
      r = x + (<usize>((n * H + iy) * W * C) << 2);
    } else if (!zeroed) {
      memory.fill(zero, 0, <usize>(W * C) << 2);
      zeroed = true;
    }
    store<usize>(rows + (<usize>ky << 2), r);
  }
  return zeroed;
}

/**
 * Output columns whose whole window row lies inside the input are `[interiorStart, interiorEnd)`; the
 * others take a bounds-checked border path. `interiorEnd` comes first: the start is clamped to it.
 */
@inline export function interiorEnd(W: i32, KW: i32, SW: i32, DW: i32, PL: i32, OW: i32): i32 {
  const lastRoom = W - 1 - (KW - 1) * DW + PL;
  return min(lastRoom < 0 ? 0 : lastRoom / SW + 1, OW);
}

@inline export function interiorStart(SW: i32, PL: i32, oxB: i32): i32 {
  return min(PL <= 0 ? 0 : (PL + SW - 1) / SW, oxB);
}

// ---- The epilogue `act(acc * sc + sh)`, with the activation as a clamp to [lo, hi] (±inf for none).

/** Pseudo-min/max (`pmax(v, lo) = v < lo ? lo : v`): NaN in `v` propagates, as Keras's relu(NaN) is NaN. */
@inline export function epilogue4(acc: v128, sc: v128, sh: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmin(f32x4.pmax(f32x4.add(f32x4.mul(acc, sc), sh), lo), hi);
}

/** The scalar form of epilogue4 (same comparisons, so NaN and -0 come out as in the vector lanes). */
@inline export function epilogue1(acc: f32, sc: f32, sh: f32, lo: f32, hi: f32): f32 {
  let v = acc * sc + sh;
  if (v < lo) v = lo;
  if (hi < v) v = hi;
  return v;
}

@inline export function lowerClamp(act: i32): f32 {
  return act >= ACT_RELU ? 0 : -Infinity;
}

@inline export function upperClamp(act: i32): f32 {
  return act === ACT_RELU6 ? 6 : Infinity;
}

/** Four channels of the per-channel scale at byte offset `cb` (1 when there is no scale). */
@inline export function scaleAt(scale: usize, cb: usize): v128 {
  return scale !== 0 ? v128.load(scale + cb) : f32x4.splat(1);
}

/** Four channels of the per-channel shift at byte offset `cb` (0 when there is none). */
@inline export function shiftAt(shift: usize, cb: usize): v128 {
  return shift !== 0 ? v128.load(shift + cb) : f32x4.splat(0);
}

/**
 * Stores four pixels' accumulators (pixel i at `op + i * cs`) through the epilogue of channel group `cb`
 * (byte offset into scale and shift).
 */
@inline export function store4(
  op: usize, cs: usize, a0: v128, a1: v128, a2: v128, a3: v128,
  scale: usize, shift: usize, cb: usize, lo: v128, hi: v128,
): void {
  const sc = scaleAt(scale, cb);
  const sh = shiftAt(shift, cb);
  v128.store(op, epilogue4(a0, sc, sh, lo, hi));
  v128.store(op + cs, epilogue4(a1, sc, sh, lo, hi));
  v128.store(op + 2 * cs, epilogue4(a2, sc, sh, lo, hi));
  v128.store(op + 3 * cs, epilogue4(a3, sc, sh, lo, hi));
}

/** Stores one pixel's accumulator through the epilogue of channel group `cb`. */
@inline export function store1(op: usize, acc: v128, scale: usize, shift: usize, cb: usize, lo: v128, hi: v128): void {
  v128.store(op, epilogue4(acc, scaleAt(scale, cb), shiftAt(shift, cb), lo, hi));
}

/**
 * One output pixel of a 3x3 window, one channel group: input rows at `q0`, `q1`, `q2` (tap kx at
 * `+ kx * col`), kernel tap t at `kp + t * kstep`. Rows accumulate separately, summed at the end: the
 * arithmetic every 3x3 single-pixel loop uses (row path, wide row path, channel-tiled remainder).
 */
@inline export function pixel3x3(q0: usize, q1: usize, q2: usize, col: usize, kp: usize, kstep: usize): v128 {
  let a0 = f32x4.mul(v128.load(q0), v128.load(kp));
  let a1 = f32x4.mul(v128.load(q1), v128.load(kp + 3 * kstep));
  let a2 = f32x4.mul(v128.load(q2), v128.load(kp + 6 * kstep));
  a0 = f32x4.add(a0, f32x4.mul(v128.load(q0 + col), v128.load(kp + kstep)));
  a1 = f32x4.add(a1, f32x4.mul(v128.load(q1 + col), v128.load(kp + 4 * kstep)));
  a2 = f32x4.add(a2, f32x4.mul(v128.load(q2 + col), v128.load(kp + 7 * kstep)));
  a0 = f32x4.add(a0, f32x4.mul(v128.load(q0 + 2 * col), v128.load(kp + 2 * kstep)));
  a1 = f32x4.add(a1, f32x4.mul(v128.load(q1 + 2 * col), v128.load(kp + 5 * kstep)));
  a2 = f32x4.add(a2, f32x4.mul(v128.load(q2 + 2 * col), v128.load(kp + 8 * kstep)));
  return f32x4.add(f32x4.add(a0, a1), a2);
}
