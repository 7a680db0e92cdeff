/**
 * Copying and zeroing runs of floats. `memory.copy` / `memory.fill` are calls out of the compiled code in
 * V8 (tens to hundreds of nanoseconds each), so a kernel that zeroes or copies one short run per pixel
 * (a channel block, an im2col segment) spends more time calling than moving: runs shorter than
 * LONG_RUN_BYTES take 128-bit stores instead.
 */

/** Runs at least this long go through `memory.copy` / `memory.fill`. */
const LONG_RUN_BYTES: usize = 1024;

/** Copies `n` floats from `src` to `dst` (non-overlapping). */
@inline export function copyFloats(dst: usize, src: usize, n: i32): void {
  const bytes = <usize>max(n, 0) << 2;
  if (bytes >= LONG_RUN_BYTES) {
    memory.copy(dst, src, bytes);
    return;
  }
  let j: usize = 0;
  for (; j + 16 <= bytes; j += 16) v128.store(dst + j, v128.load(src + j));
  for (; j < bytes; j += 4) store<f32>(dst + j, load<f32>(src + j));
}

/** Sets `n` floats at `dst` to +0. */
@inline export function zeroFloats(dst: usize, n: i32): void {
  const bytes = <usize>max(n, 0) << 2;
  if (bytes >= LONG_RUN_BYTES) {
    memory.fill(dst, 0, bytes);
    return;
  }
  const z = f32x4.splat(0);
  let j: usize = 0;
  for (; j + 16 <= bytes; j += 16) v128.store(dst + j, z);
  for (; j < bytes; j += 4) store<f32>(dst + j, 0);
}
