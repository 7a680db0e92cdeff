/**
 * Float32 sums over one block of axes (an entry of asconfig.json): the tensor viewed as `[A, R, B]`, the
 * middle `R` summed away, `dst[a, b] = Σ_r src[a, r, b]` — the gradient of nearest upsampling (its copies
 * are adjacent), bias gradients (`A = 1`), row sums (`B = 1`). Each sum starts at +0 and adds `r` in
 * order in float32, which is what `src/kernels/reduce/js.ts` computes for float32 (it rounds to float32
 * after every add), so results are the TypeScript kernel's bits.
 *
 * Parallel convention `(start, end, scratch)`, no scratch: units are (a, block of MOVE_BLOCK columns)
 * pairs, `A · ceil(B / MOVE_BLOCK)`; a block of `dst` stays in L1 while the `R` rows are added into it.
 */
import { MOVE_BLOCK } from './shared/boundary';

/** `dst[a, b] = Σ_r src[a, r, b]`. Units: `A · ceil(B / MOVE_BLOCK)`. */
export function sumAxisF32(src: usize, dst: usize, A: i32, R: i32, B: i32, start: i32, end: i32, scratch: usize): void {
  const blocks = (B + MOVE_BLOCK - 1) / MOVE_BLOCK;
  const rowB = <usize>B << 2;
  for (let u = start; u < end; u++) {
    const a = u / blocks;
    const b0 = (u - a * blocks) * MOVE_BLOCK;
    const b1 = min(b0 + MOVE_BLOCK, B);
    const out = dst + <usize>a * rowB;
    const first = src + <usize>a * <usize>R * rowB;
    if (b1 - b0 < 4) {
      // Fewer than four columns (row sums): one scalar chain per column.
      for (let b = b0; b < b1; b++) {
        let acc: f32 = 0;
        let p = first + (<usize>b << 2);
        for (let r = 0; r < R; r++, p += rowB) acc += load<f32>(p);
        store<f32>(out + (<usize>b << 2), acc);
      }
      continue;
    }
    const b4 = b0 + ((b1 - b0) & ~3);
    memory.fill(out + (<usize>b0 << 2), 0, <usize>(b1 - b0) << 2);
    let row = first;
    for (let r = 0; r < R; r++, row += rowB) {
      let b = b0;
      // Four vectors per step: independent adds keep the pipeline full.
      for (; b + 16 <= b4; b += 16) {
        const o = out + (<usize>b << 2);
        const s = row + (<usize>b << 2);
        v128.store(o, f32x4.add(v128.load(o), v128.load(s)));
        v128.store(o, f32x4.add(v128.load(o, 16), v128.load(s, 16)), 16);
        v128.store(o, f32x4.add(v128.load(o, 32), v128.load(s, 32)), 32);
        v128.store(o, f32x4.add(v128.load(o, 48), v128.load(s, 48)), 48);
      }
      for (; b < b4; b += 4) {
        const o = out + (<usize>b << 2);
        v128.store(o, f32x4.add(v128.load(o), v128.load(row + (<usize>b << 2))));
      }
      for (; b < b1; b++) {
        const o = out + (<usize>b << 2);
        store<f32>(o, load<f32>(o) + load<f32>(row + (<usize>b << 2)));
      }
    }
  }
}
