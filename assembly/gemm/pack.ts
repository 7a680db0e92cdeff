/** Packing B into register panels for the GEMM, and block copies. */
import { GEMM_NR as NR } from '../shared/tuning';

/** Copies a `rows × cols` float block between row strides (bytes). */
export function copyTile(src: usize, srcStride: usize, dst: usize, dstStride: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    memory.copy(dst + <usize>r * dstStride, src + <usize>r * srcStride, <usize>cols << 2);
  }
}

/**
 * Packs `op(B)[pc .. pc+kc, jc .. jc+nc]` into panels of NR columns, each `[kc][NR]`, zero-padding the
 * columns past `nc` in the last panel.
 */
export function packB(b: usize, ldb: i32, transB: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  const ldbB = <usize>ldb << 2;
  for (let jp = 0; jp < nc; jp += NR) {
    const cols = min(NR, nc - jp);
    let d = dst + <usize>(jp * kc) * 4;
    if (transB === 0) {
      let s = b + <usize>pc * ldbB + (<usize>(jc + jp) << 2);
      if (cols === NR) {
        for (let q = 0; q < kc; q++) {
          v128.store(d, v128.load(s));
          v128.store(d, v128.load(s, 16), 16);
          s += ldbB;
          d += NR * 4;
        }
      } else {
        for (let q = 0; q < kc; q++) {
          v128.store(d, f32x4.splat(0));
          v128.store(d, f32x4.splat(0), 16);
          memory.copy(d, s, <usize>cols << 2);
          s += ldbB;
          d += NR * 4;
        }
      }
    } else {
      // Storage [n, k]: column j of op(B) is row j of the storage, contiguous in k.
      const s0 = b + <usize>(jc + jp) * ldbB + (<usize>pc << 2);
      if (cols === NR) {
        packTransposed8(s0, ldbB, kc, d);
      } else {
        for (let q = 0; q < kc; q++) {
          for (let j = 0; j < NR; j++) {
            store<f32>(d + (<usize>j << 2), j < cols ? load<f32>(s0 + <usize>j * ldbB + (<usize>q << 2)) : 0);
          }
          d += NR * 4;
        }
      }
    }
  }
}

/** Eight rows of a `[n, k]` storage (row stride `ldbB` bytes) into one `[kc][8]` panel, 4×4 blocks at a time. */
function packTransposed8(s0: usize, ldbB: usize, kc: i32, d: usize): void {
  let q = 0;
  for (; q + 4 <= kc; q += 4) {
    const s = s0 + (<usize>q << 2);
    for (let h: usize = 0; h < 2; h++) {
      const r = s + 4 * h * ldbB;
      const x0 = v128.load(r);
      const x1 = v128.load(r + ldbB);
      const x2 = v128.load(r + 2 * ldbB);
      const x3 = v128.load(r + 3 * ldbB);
      // 4×4 transpose: t0 = (x0[0], x1[0], x0[1], x1[1]) ...
      const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
      const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
      const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
      const o = d + 16 * h;
      v128.store(o, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
      v128.store(o + NR * 4, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
      v128.store(o + 2 * NR * 4, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
      v128.store(o + 3 * NR * 4, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
    }
    d += 4 * NR * 4;
  }
  for (; q < kc; q++) {
    const s = s0 + (<usize>q << 2);
    for (let j = 0; j < NR; j++) store<f32>(d + (<usize>j << 2), load<f32>(s + <usize>j * ldbB));
    d += NR * 4;
  }
}
